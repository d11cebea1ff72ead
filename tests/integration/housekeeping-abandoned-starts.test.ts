/**
 * A start that wrote its record but never got its workflow going (the host died between the
 * two) would stay `pending` forever: housekeeping closes it once its deadline has passed, and
 * leaves alone every record that is still in time or already closed. (Found by the fault
 * campaign, dev/chaos: host kills during a burst of starts.)
 */
import { describe, expect, it } from "vitest";
import { recordRows } from "../support/recoveryRows";
import { useStack } from "../support/stack";

describe("housekeeping and abandoned starts", () => {
  const stack = useStack();

  it("fails a recovery left pending past its deadline, and only that one", async () => {
    const s = stack();
    const now = Date.now();
    const record = (id: string, status: string, expiresAt: number) => ({
      partitionKey: id,
      rowKey: "recovery",
      recoveryId: id,
      tokenHash: "x",
      status,
      createdAt: new Date(expiresAt - 15 * 60_000).toISOString(),
      updatedAt: new Date(expiresAt - 15 * 60_000).toISOString(),
      expiresAt: new Date(expiresAt).toISOString(),
      username: "someone@contoso.example",
      clientAddress: "192.0.2.7",
    });
    const abandoned = "00000000-0000-4000-8000-0000000000b1";
    const inTime = "00000000-0000-4000-8000-0000000000b2";
    const closed = "00000000-0000-4000-8000-0000000000b3";
    await s.writeRow("Recoveries", record(abandoned, "pending", now - 60_000));
    await s.writeRow("Recoveries", record(inTime, "pending", now + 10 * 60_000));
    await s.writeRow("Recoveries", record(closed, "expired", now - 60_000));

    await s.runTimer("housekeeping");

    const rows = await recordRows<{ partitionKey: string; status: string; failure?: string }>(s);
    const byId = Object.fromEntries(rows.map((r) => [r.partitionKey, r]));
    expect(byId[abandoned]?.status).toBe("failed");
    expect(JSON.parse(byId[abandoned]?.failure ?? "{}")).toMatchObject({ code: "internal_error" });
    expect(byId[inTime]?.status).toBe("pending");
    expect(byId[closed]?.status).toBe("expired");
    expect(s.logs()).toMatch(/"abandonedStartsClosed":1/);

    // Run again: nothing more to close.
    await s.runTimer("housekeeping");
    expect(s.logs()).toMatch(/"abandonedStartsClosed":0/);
  });
});
