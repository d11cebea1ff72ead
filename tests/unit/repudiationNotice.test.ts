/** The alert to the admin address when a user repudiates a recovery (recovery/repudiationNotice). */
import { describe, expect, it } from "vitest";
import { noticeTime } from "../../src/recovery/notifications";
import { type RepudiationFacts, repudiationAlert } from "../../src/recovery/repudiationNotice";

const FACTS: RepudiationFacts = {
  recoveryId: "3f7c9a52-0000-4000-8000-000000000001",
  userId: "67008e0a-ffab-4df3-8aea-ccc9381e0b72",
  userPrincipalName: "adele.vance@contoso.example",
  recoveredAt: "2026-03-04T05:06:07.890Z",
  repudiatedAt: "2026-03-04T17:45:00.000Z",
  sourceAddress: "203.0.113.7",
  methodsRemoved: 3,
  methodsKept: ["passwordAuthenticationMethod"],
};

describe("the repudiation alert", () => {
  it("writes its times as the recovery notices do", () => {
    const { text } = repudiationAlert(FACTS);
    expect(text).toContain(`completed ${noticeTime("en", FACTS.recoveredAt)}`);
    expect(text).toContain(
      `Repudiated: ${noticeTime("en", FACTS.repudiatedAt)}, from the address 203.0.113.7`,
    );
    expect(text).toContain("March 4, 2026 at 05:06 AM UTC");
    expect(text).toContain("March 4, 2026 at 05:45 PM UTC");
  });

  it("names the account, what was undone and what was left, and how to lift the block", () => {
    const { subject, text } = repudiationAlert(FACTS);
    expect(subject).toBe("Account recovery repudiated by the user: adele.vance@contoso.example");
    expect(text).toContain(`object id ${FACTS.userId}`);
    expect(text).toContain("registered since the recovery were deleted (3 in all)");
    expect(text).toContain("Left in place: passwordAuthenticationMethod.");
    expect(text).toContain(`/api/admin/accounts/${FACTS.userId}/recovery-block`);
    expect(repudiationAlert({ ...FACTS, methodsKept: [] }).text).not.toContain("Left in place");
  });
});
