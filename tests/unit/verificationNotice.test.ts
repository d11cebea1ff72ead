/**
 * The helpdesk verification link's mail: the link on its own line, the account, until when the
 * link works, whom to tell if nobody called — in the recipient's language — and a sentence on
 * what verifying does that stays true whether or not the profile offers a recovery afterwards.
 */
import { describe, expect, it } from "vitest";
import { SUPPORTED_LOCALES } from "../../src/recovery/locale";
import { verificationNotice } from "../../src/recovery/verification";
import { VERIFICATION_NOTICE_STRINGS } from "../../src/recovery/verificationNoticeStrings";

const FACTS = {
  userPrincipalName: "adele.vance@contoso.example",
  link: "https://recover.contoso.example/#verification=abc.def",
  expiresAt: "2026-12-05T05:20:00.000Z",
  adminAddress: "it-security@contoso.example",
};

describe("verificationNotice", () => {
  it("carries the link on its own line, the account, the deadline and whom to tell", () => {
    const notice = verificationNotice(FACTS);
    expect(notice.subject).toBe("Your help desk asked to verify your identity");
    expect(notice.text.split("\n")).toContain(FACTS.link);
    expect(notice.text).toContain(FACTS.userPrincipalName);
    expect(notice.text).toContain("December 5, 2026");
    expect(notice.text).toContain("(it-security@contoso.example)");
    expect(notice.text).not.toMatch(/\{\w+\}/);
  });

  it("does not promise that nothing can change: it names the recovery the caller may be offered and choose", () => {
    const { text } = verificationNotice(FACTS);
    expect(text).toContain("Verifying your identity changes nothing on your account.");
    expect(text).toContain("you may then be offered to recover your account");
    expect(text).toContain("only if you choose it");
  });

  it("speaks the language it is given, every placeholder filled, the link untouched", () => {
    for (const locale of SUPPORTED_LOCALES) {
      const notice = verificationNotice(FACTS, locale);
      expect(notice.subject).toBe(VERIFICATION_NOTICE_STRINGS[locale].subject);
      expect(notice.text, locale).not.toMatch(/\{\w+\}/);
      expect(notice.text.split("\n"), locale).toContain(FACTS.link);
    }
    expect(verificationNotice(FACTS, "de").text).toContain("Dezember 2026");
  });

  it("works without an admin address", () => {
    expect(verificationNotice({ ...FACTS, adminAddress: undefined }).text).toContain(
      "tell your IT help desk: someone",
    );
  });

  it("keeps the account and the deadline left to right inside Arabic text, the link bare", () => {
    const { text } = verificationNotice(FACTS, "ar");
    expect(text).toContain(`\u2068${FACTS.userPrincipalName}\u2069`);
    expect(text).not.toContain(`\u2068${FACTS.link}`);
  });
});
