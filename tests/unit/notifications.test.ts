import { describe, expect, it } from "vitest";
import { adminNotice, type NoticeFacts, userNotice } from "../../src/recovery/notifications";

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
    expect(n.text).toContain("2026-03-04 05:06 UTC");
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
