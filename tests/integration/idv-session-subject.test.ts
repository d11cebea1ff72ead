/**
 * The IDV session row names whom its recovery is about (the user, the start's address), so a
 * webhook marks the user's lock and audits without reading the record (issue 16's table
 * requests): the lock, held and running, is then what says the recovery still runs. A row
 * written before that (an older version) is answered from the record, as before.
 */
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { type RecoveryStart, useStack } from "../support/stack";

describe("the IDV session row's subject", () => {
  const stack = useStack({ mode: "production" });

  async function verifying(username: string): Promise<{ start: RecoveryStart; sessionId: string }> {
    const started = await stack().startRecovery({ username });
    expect(started.status).toBe(202);
    const waiting = await stack().waitForStatus(started.body, ["verifying_identity"]);
    const token = new URL(waiting.next?.url ?? "").searchParams.get("token") ?? "";
    return { start: started.body, sessionId: String(decodeJwt(token).RequestId) };
  }

  async function sessionRow(sessionId: string) {
    const rows = await stack().rows<Record<string, unknown> & { rowKey: string }>("IdvSessions");
    const row = rows.find((r) => r.rowKey === sessionId);
    if (!row) throw new Error(`no session row ${sessionId}`);
    return row;
  }

  function answerOf(delivery: { answer?: string }): unknown {
    return JSON.parse(delivery.answer ?? "null");
  }

  it("a webhook after the recovery was cancelled (its lock freed) is answered late, recorded, and moves nothing", async () => {
    const adele = DEMO_USERS.adeleVance;
    const { start, sessionId } = await verifying(adele.userPrincipalName);
    expect(await sessionRow(sessionId)).toMatchObject({
      userId: adele.id,
      clientAddress: expect.any(String),
    });
    const cancelled = await fetch(`${stack().url}/api/recovery/${start.recoveryId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${start.recoveryToken}` },
    });
    expect(cancelled.status).toBe(202);

    const late = await stack().sims.idv.sendWebhook({ result: { sessionId, status: "approved" } });
    expect(late.status).toBe(200);
    expect(answerOf(late)).toEqual({ status: "late" });
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.filter((e) => e.event === "identity_verification_completed")).toEqual([
      expect.objectContaining({ code: "approved", userId: adele.id, sourceAddress: expect.any(String) }),
    ]);
    expect((await stack().readRecovery(start.recoveryId, start.recoveryToken)).body.status).toBe("cancelled");
    expect(audit.map((e) => e.event)).not.toContain("presentation_requested");
  });

  it("a session row written before it named the user (an older version) is delivered from the record", async () => {
    const megan = DEMO_USERS.meganBowen;
    const { start, sessionId } = await verifying(megan.userPrincipalName);
    const { userId: _u, clientAddress: _c, etag: _e, timestamp: _t, ...older } = await sessionRow(sessionId);
    await stack()
      .tableClient("IdvSessions")
      .updateEntity(older as { partitionKey: string; rowKey: string }, "Replace");
    expect(await sessionRow(sessionId)).not.toHaveProperty("userId");

    const delivered = await stack().sims.idv.sendWebhook({ result: { sessionId, status: "approved" } });
    expect(answerOf(delivered)).toEqual({ status: "accepted" });
    await stack().waitForStatus(start, ["awaiting_presentation"]);
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.filter((e) => e.event === "identity_verification_completed")).toEqual([
      expect.objectContaining({ code: "approved", userId: megan.id, sourceAddress: expect.any(String) }),
    ]);
  });
});
