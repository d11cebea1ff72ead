import { describe, expect, it } from "vitest";
import { detailOf } from "../../src/functions/adminRecoveries";
import type { RecoveryRecord } from "../../src/store/recoveries";

const STACK =
  "Graph refused the recovery writes (method deletion 403)\n    at recoverAccount (/app/dist/src/functions/activities/recovery.js:120:11)\n    at async run (/app/x.js:1:1)";

describe("admin records carry no stack traces", () => {
  it("cuts the failure reason and every audit detail string to its first line", () => {
    const record = {
      recoveryId: "00000000-0000-4000-8000-000000000001",
      tokenHash: "h",
      status: "failed",
      createdAt: "2026-12-04T10:00:00.000Z",
      updatedAt: "2026-12-04T10:05:00.000Z",
      expiresAt: "2026-12-04T10:30:00.000Z",
      username: "adele.vance@contoso.example",
      clientAddress: "203.0.113.7",
      failure: { code: "directory_error", message: "The directory could not complete the recovery." },
    } as RecoveryRecord;
    const detail = detailOf(record, [
      {
        recoveryId: record.recoveryId,
        at: "2026-12-04T10:05:00.000Z",
        event: "recovery_finished",
        outcome: "failure",
        code: "directory_error",
        detail: { detail: STACK },
      },
    ]);
    const text = JSON.stringify(detail);
    expect(text).not.toContain("    at ");
    expect(detail.failureReason).toBe("Graph refused the recovery writes (method deletion 403)");
  });
});
