import { describe, expect, it } from "vitest";
import { SUPPORTED_LOCALES } from "../../src/recovery/locale";
import {
  adminNotice,
  type NoticeFacts,
  userNotice,
  userNoticeLocale,
} from "../../src/recovery/notifications";

const FACTS: NoticeFacts = {
  kind: "recovered",
  recoveryId: "3f7c9a52-0000-4000-8000-000000000001",
  userId: "67008e0a-ffab-4df3-8aea-ccc9381e0b72",
  userPrincipalName: "adele.vance@contoso.example",
  at: "2026-03-04T05:06:07.890Z",
  sourceAddress: "203.0.113.7",
  adminAddress: "identity-admins@contoso.example",
};

describe("the notice to the user", () => {
  it("says what happened, when, from where, and whom to call if it was not them", () => {
    const n = userNotice(FACTS);
    expect(n.subject).toBe("Your account was recovered");
    expect(n.text).toContain("adele.vance@contoso.example");
    expect(n.text).toContain("March 4, 2026 at 05:06 AM UTC");
    expect(n.text).toContain("203.0.113.7");
    expect(n.text).toContain(
      "If this was not you, contact your IT help desk (identity-admins@contoso.example)",
    );
    expect(n.text).toContain(FACTS.recoveryId);
  });

  it("for a failed attempt, says it did not complete, and still how to repudiate it", () => {
    const n = userNotice({ ...FACTS, kind: "failed", failureCode: "profile_mismatch" });
    expect(n.subject).toBe("An attempt to recover your account failed");
    expect(n.text).toContain("did not complete");
    expect(n.text).toContain("If this was not you");
    expect(n.text).not.toContain("profile_mismatch"); // the reason is for the admins
  });

  it("works without an admin address", () => {
    expect(userNotice({ ...FACTS, adminAddress: undefined }).text).toContain(
      "contact your IT help desk at once",
    );
  });
});

describe("the notice to the admins", () => {
  it("carries the ids an investigation starts from, and the reason of a failure", () => {
    const ok = adminNotice(FACTS);
    expect(ok.subject).toBe("Account recovered: adele.vance@contoso.example");
    expect(ok.text).toContain(`object id ${FACTS.userId}`);
    expect(ok.text).toContain(`Recovery: ${FACTS.recoveryId}`);
    expect(ok.text).toContain("Source address: 203.0.113.7");
    const failed = adminNotice({ ...FACTS, kind: "failed", failureCode: "face_check_failed" });
    expect(failed.subject).toBe(
      "Account recovery failed after identity verification: adele.vance@contoso.example",
    );
    expect(failed.text).toContain("Outcome: failed after identity verification (face_check_failed)");
  });
});

describe("the notices' language", () => {
  it("is the directory's preferredLanguage, else the recovery's locale, else English", () => {
    expect(userNoticeLocale({ preferredLanguage: "de-DE", recoveryLocale: "fr" })).toBe("de");
    expect(userNoticeLocale({ preferredLanguage: "ko-KR", recoveryLocale: "fr" })).toBe("fr");
    expect(userNoticeLocale({ preferredLanguage: null, recoveryLocale: "pt-BR" })).toBe("pt-BR");
    expect(userNoticeLocale({ preferredLanguage: "zh-TW", recoveryLocale: "ko" })).toBe("en");
    expect(userNoticeLocale({ preferredLanguage: "not a tag", recoveryLocale: undefined })).toBe("en");
  });

  it("words the user's notice in that language, with the date in that language's form", () => {
    const n = userNotice(FACTS, "de");
    expect(n.subject).toBe("Ihr Konto wurde wiederhergestellt");
    expect(n.text).toContain("4. März 2026");
    expect(n.text).toContain("adele.vance@contoso.example");
    expect(n.text).toContain("(identity-admins@contoso.example)");
    expect(n.text).toContain(FACTS.recoveryId);
    expect(n.text).not.toMatch(/\{\w+\}/);
    const ja = userNotice({ ...FACTS, kind: "failed", failureCode: "face_check_failed" }, "ja");
    expect(ja.subject).toBe("アカウントの回復が試みられましたが、失敗しました");
    expect(ja.text).toContain("2026年3月4日");
    expect(ja.text).not.toContain("face_check_failed");
  });

  it("keeps addresses, ids and times left to right inside Arabic text (Unicode isolates)", () => {
    const n = userNotice(FACTS, "ar");
    expect(n.subject).toBe("تم استرداد حسابك");
    expect(n.text).toContain("\u2068adele.vance@contoso.example\u2069");
    expect(n.text).toContain("\u2068203.0.113.7\u2069");
    expect(n.text).toContain(`\u2068${FACTS.recoveryId}\u2069`);
    // No isolates where the language runs left to right already.
    expect(userNotice(FACTS, "fr").text).not.toMatch(/[\u2066-\u2069]/);
  });

  it("words the admin notice in the language it is given (the tenant's), every placeholder filled", () => {
    for (const locale of SUPPORTED_LOCALES) {
      const n = adminNotice({ ...FACTS, kind: "failed", failureCode: "face_check_failed" }, locale);
      expect(n.subject, locale).toContain("adele.vance@contoso.example");
      expect(n.text, locale).toContain("face_check_failed");
      expect(n.text, locale).toContain(FACTS.userId);
      expect(`${n.subject}${n.text}`, locale).not.toMatch(/\{\w+\}/);
    }
  });
});
