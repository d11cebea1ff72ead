/**
 * A start whose record and audit entry cannot be written fails having started nothing: no
 * workflow, and — the two being one table transaction — no record either, so the person's retry
 * is a fresh start rather than `recovery_in_progress` for the whole IDV window. (Found by the
 * fault campaign, dev/chaos: an Azurite restart during a burst of starts.) The fault is real:
 * the Recoveries table, which holds each recovery's record and audit entries, is deleted under
 * the running app.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { recordRows } from "../support/recoveryRows";
import { useStack } from "../support/stack";

describe("a start whose record and audit entry cannot be written", () => {
  const stack = useStack({ mode: "production" });

  it("answers a 5xx problem, starts no workflow, leaves no record, and the retry goes through", async () => {
    const s = stack();
    // A first start makes the app create (and keep) its Recoveries table client.
    const first = await s.startRecovery({ username: DEMO_USERS.adeleVance.userPrincipalName });
    expect(first.status).toBe(202);
    const recoveries = s.tableClient("Recoveries");
    await recoveries.deleteTable();

    const username = DEMO_USERS.meganBowen.userPrincipalName;
    const refused = await s.startRecovery({ username });
    expect(refused.status).toBeGreaterThanOrEqual(500);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");

    await recoveries.createTable();
    const records = await recordRows<{ partitionKey: string; username: string }>(s);
    expect(records.find((r) => r.username === username)).toBeUndefined();
    const retry = await s.startRecovery({ username });
    expect(retry.status).toBe(202);
    const state = await s.waitForStatus(retry.body, ["verifying_identity", "not_eligible", "failed"]);
    expect(state.status).toBe("verifying_identity");
  });
});
