import { describe, expect, it } from "vitest";
import { entraActivityName } from "../../src/recovery/auditEvents";

describe("Entra's names for our audit events", () => {
  it.each([
    [{ event: "recovery_started", outcome: "info" }, "Started account recovery"],
    [
      { event: "identity_verification_started", outcome: "info" },
      "Started identity issuance with certified partner",
    ],
    [
      { event: "identity_verification_completed", outcome: "success", code: "approved" },
      "Completed identity issuance with certified partner",
    ],
    [
      { event: "identity_verification_completed", outcome: "failure", code: "declined" },
      "Failed document validation",
    ],
    [{ event: "credential_checked", outcome: "success" }, "Completed identity presentation"],
    [
      { event: "credential_checked", outcome: "failure", code: "face_check_failed" },
      "Failed face check comparison",
    ],
    [{ event: "profile_matched", outcome: "success", code: "matched" }, "Account matched and validated"],
    [
      { event: "profile_matched", outcome: "failure", code: "profile_mismatch" },
      "Account not matched or validated",
    ],
    [{ event: "recovery_finished", outcome: "success", code: "recovered" }, "Completed account recovery"],
  ] as const)("%o is %s", (event, name) => {
    expect(entraActivityName(event)).toBe(name);
  });

  it.each([
    { event: "credential_checked", outcome: "failure", code: "credential_invalid" },
    { event: "recovery_finished", outcome: "success", code: "evaluation_passed" },
    { event: "authentication_methods_reset", outcome: "success" },
    { event: "notification_sent", outcome: "success" },
  ] as const)("%o has no Entra counterpart", (event) => {
    expect(entraActivityName(event)).toBeUndefined();
  });
});
