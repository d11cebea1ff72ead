/**
 * The pure part of repudiation: which links may act (recovery/repudiation `judgeLink`) and
 * which methods a confirmation deletes (`methodsToRemove`).
 */
import { describe, expect, it } from "vitest";
import { DELETABLE } from "../../src/functions/activities/recoveryPlan";
import { REPUDIATION_TEXT } from "../../src/functions/repudiationText";
import { SUPPORTED_LOCALES } from "../../src/recovery/locale";
import { userNotice } from "../../src/recovery/notifications";
import { judgeLink, type ListedMethod, methodsToRemove } from "../../src/recovery/repudiation";

const NOW = new Date("2026-12-05T12:00:00Z");
const link = { recoveryId: "r1", userId: "u1", expiresAt: "2026-12-06T00:00:00Z" };
const recovery = { recoveryId: "r1", status: "recovered", stage: "discovered", userId: "u1" };

describe("judgeLink", () => {
  it("refuses an unknown link, an expired one (at its expiry too), another account's, another recovery's", () => {
    expect(judgeLink({ link: undefined, recovery }, NOW)).toEqual({ kind: "invalid", reason: "unknown" });
    expect(judgeLink({ link: { ...link, expiresAt: NOW.toISOString() }, recovery }, NOW)).toMatchObject({
      reason: "expired",
    });
    expect(judgeLink({ link: { ...link, expiresAt: "not a date" }, recovery }, NOW)).toMatchObject({
      reason: "expired",
    });
    expect(judgeLink({ link: { ...link, userId: "u2" }, recovery }, NOW)).toMatchObject({
      reason: "mismatch",
    });
    expect(judgeLink({ link: { ...link, recoveryId: "r2" }, recovery }, NOW)).toMatchObject({
      reason: "mismatch",
    });
    expect(judgeLink({ link, recovery: undefined }, NOW)).toMatchObject({ reason: "mismatch" });
  });

  it("refuses a recovery that did not end recovered, even if a link names it", () => {
    for (const status of ["failed", "expired", "cancelled", "evaluation_passed", "validating"])
      expect(judgeLink({ link, recovery: { ...recovery, status } }, NOW)).toMatchObject({
        kind: "invalid",
        reason: "not_recovered",
      });
    expect(judgeLink({ link, recovery: { ...recovery, stage: "started" } }, NOW)).toMatchObject({
      reason: "not_recovered",
    });
  });

  it("opens a live link of a recovered recovery; says done once it was repudiated", () => {
    expect(judgeLink({ link, recovery }, NOW)).toEqual({ kind: "open", recoveryId: "r1", userId: "u1" });
    expect(
      judgeLink({ link, recovery: { ...recovery, repudiatedAt: "2026-12-05T11:00:00Z" } }, NOW),
    ).toMatchObject({
      kind: "done",
    });
  });
});

describe("methodsToRemove", () => {
  const m = (
    odataType: string,
    id: string,
    createdDateTime: string | null,
    phoneType?: string,
  ): ListedMethod => ({
    odataType: `#microsoft.graph.${odataType}`,
    id,
    createdDateTime,
    ...(phoneType ? { phoneType } : {}),
  });
  const START = "2026-12-05T10:00:00Z";

  it("deletes every TAP, every method created since the start and every method without a creation time, phones last", () => {
    const methods = [
      m("phoneAuthenticationMethod", "mobile", null, "mobile"),
      m("passwordAuthenticationMethod", "pw", "2020-01-01T00:00:00Z"),
      m("fido2AuthenticationMethod", "old-key", "2026-12-05T09:59:59Z"),
      m("microsoftAuthenticatorAuthenticationMethod", "new-app", "2026-12-05T10:00:00Z"),
      m("temporaryAccessPassAuthenticationMethod", "tap", "2026-12-05T09:00:00Z"),
      m("emailAuthenticationMethod", "mail", null),
      m("qrCodePinAuthenticationMethod", "qr", "2026-12-05T11:00:00Z"),
    ];
    expect(methodsToRemove(methods, START, DELETABLE).map((x) => x.id)).toEqual([
      "new-app",
      "tap",
      "mail",
      "mobile",
    ]);
  });
});

describe("the recovered notice", () => {
  const facts = {
    kind: "recovered" as const,
    recoveryId: "r1",
    userId: "u1",
    userPrincipalName: "adele@contoso.example",
    at: "2026-12-05T10:00:00Z",
    sourceAddress: "203.0.113.7",
  };
  it("carries the link and until when it works; without one it says only to call the help desk", () => {
    const url = "https://recover.contoso.example/repudiate?t=x";
    const text = userNotice({ ...facts, repudiation: { url, expiresAt: "2026-12-12T10:00:00Z" } }).text;
    expect(text).toContain(url);
    expect(text).toContain("December 12, 2026");
    expect(userNotice(facts).text).not.toContain("/repudiate");
  });

  it("in every language, puts the link alone on its line, with no bidi isolate a mail client could take into it", () => {
    const url = "https://recover.contoso.example/repudiate?t=x";
    for (const locale of SUPPORTED_LOCALES) {
      const text = userNotice(
        { ...facts, repudiation: { url, expiresAt: "2026-12-12T10:00:00Z" } },
        locale,
      ).text;
      expect(text.split("\n"), locale).toContain(url);
    }
  });
});

describe("the repudiation page's words", () => {
  it("every language has the English placeholders and keeps the Temporary Access Pass's name", () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const locale of SUPPORTED_LOCALES) {
      const t = REPUDIATION_TEXT[locale];
      for (const key of Object.keys(REPUDIATION_TEXT.en) as (keyof typeof t)[]) {
        expect(placeholders(t[key]), `${locale}.${key}`).toEqual(placeholders(REPUDIATION_TEXT.en[key]));
      }
      expect(t.openAsk, locale).toContain("Temporary Access Pass");
    }
  });
});
