/**
 * "Go back to the provider" with a fresh hand-off (issue 17): `POST /api/recovery/{id}/idv-handoff`
 * while the recovery waits at the provider. The hand-off JWT lives 15 minutes and the IDV deadline
 * 30, and a provider takes a RequestId for one verification, so going back gets a new IDV session:
 * new JWT, new one-time return value; the earlier value stops acting. Unhappy paths first: no or
 * another's token, another state, past the deadline, the replaced hand-off's return; then a double
 * click, the credential's freshness against the newest hand-off, and the way back after a decline.
 * The provider is AU10TIX's simulator without webhooks (`results: "return"`).
 */
import { describe, expect, it } from "vitest";
import { demoPolicy } from "../../dev/seed/demo-policy";
import { newCredentialId } from "../../dev/simulators/wallet";
import { DEMO_PROVIDER } from "../../dev/stack";
import { MAX_RENEWALS } from "../../src/recovery/handoffRenewal";
import { hashSecret, newOpaqueSecret } from "../../src/recovery/opaqueSecrets";
import { ADELE, follow, type Handoff, handoffOf, MEGAN, type Person } from "../support/handoff";
import { type RecoveryStart, useStack } from "../support/stack";

const PROVIDER = "au10tix";
const ISSUER = "did:web:au10tix.idv.demo.example";

function policy() {
  const doc = demoPolicy("production");
  // NL: the generic provider, results `either` (webhooks and returns).
  doc.profiles[0]!.providers = { default: PROVIDER, byCountry: { NL: DEMO_PROVIDER } };
  doc.profiles[0]!.cooldownMinutes = 0;
  return doc;
}

interface SessionRow {
  partitionKey: string;
  rowKey: string;
  recoveryId: string;
  createdAt: string;
  returnedAt?: string;
  supersededAt?: string;
  previousSessionId?: string;
  handoffsRenewed?: number;
}

describe("going back to the provider with a fresh hand-off", { timeout: 120_000 }, () => {
  const stack = useStack({ mode: "production", policy: policy(), namedProviderWebhooks: false });

  async function startAt(who: Person, country?: "NL"): Promise<{ start: RecoveryStart; first: Handoff }> {
    const started = await stack().startRecovery({
      username: who.user.userPrincipalName,
      ...(country ? { country } : {}),
    });
    expect(started.status).toBe(202);
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    return { start: started.body, first: handoffOf(verifying.next!.url) };
  }

  async function renew(recoveryId: string, token: string | undefined) {
    const res = await fetch(`${stack().url}/api/recovery/${recoveryId}/idv-handoff`, {
      method: "POST",
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> & { code?: string } };
  }

  async function sessions(recoveryId: string): Promise<SessionRow[]> {
    return (await stack().rows<SessionRow>("IdvSessions")).filter((r) => r.recoveryId === recoveryId);
  }

  async function events(recoveryId: string): Promise<string[]> {
    return (await stack().auditEvents(recoveryId)).map((e) => e.event);
  }

  async function state(start: RecoveryStart) {
    return (await stack().readRecovery(start.recoveryId, start.recoveryToken)).body;
  }

  async function cancel(start: RecoveryStart): Promise<void> {
    await fetch(`${stack().url}/api/recovery/${start.recoveryId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${start.recoveryToken}` },
    });
    await stack().waitForStatus(start, ["cancelled"]);
  }

  async function present(start: RecoveryStart) {
    const awaiting = await stack().waitForStatus(start, ["awaiting_presentation"]);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!), {
      faceCheckScore: 91,
    });
    return stack().waitForStatus(start, ["recovered", "failed", "expired"]);
  }

  it("without the recovery's token, or with another recovery's, renews nothing", async () => {
    const adele = await startAt(ADELE);
    const megan = await startAt(MEGAN);
    const before = await sessions(adele.start.recoveryId);
    const missing = await renew(adele.start.recoveryId, undefined);
    expect(missing).toMatchObject({ status: 401, body: { code: "missing_recovery_token" } });
    const foreign = await renew(adele.start.recoveryId, megan.start.recoveryToken);
    expect(foreign).toMatchObject({ status: 404, body: { code: "recovery_not_found" } });
    const wrong = await renew(adele.start.recoveryId, "x".repeat(43));
    expect(wrong).toMatchObject({ status: 404, body: { code: "recovery_not_found" } });
    const unknown = await renew("00000000-0000-4000-8000-000000000000", adele.start.recoveryToken);
    expect(unknown).toMatchObject({ status: 404, body: { code: "recovery_not_found" } });
    expect(await sessions(adele.start.recoveryId)).toEqual(before);
    expect((await state(adele.start)).next).toEqual({ type: "redirect", url: adele.first.url });
    expect(await events(adele.start.recoveryId)).not.toContain("identity_verification_handoff_renewed");
    await cancel(adele.start);
    await cancel(megan.start);
  });

  it("for a recovery that no longer waits at the provider (moved on, cancelled): 409, nothing changes", async () => {
    const adele = await startAt(ADELE);
    expect((await follow(adele.first.returnUrl)).status).toBe(302);
    await stack().waitForStatus(adele.start, ["awaiting_presentation"]);
    const movedOn = await renew(adele.start.recoveryId, adele.start.recoveryToken);
    expect(movedOn).toMatchObject({ status: 409, body: { code: "handoff_unavailable" } });
    expect(await sessions(adele.start.recoveryId)).toHaveLength(1);
    expect((await state(adele.start)).status).toBe("awaiting_presentation");
    await cancel(adele.start);
    const closed = await renew(adele.start.recoveryId, adele.start.recoveryToken);
    expect(closed).toMatchObject({ status: 409, body: { code: "handoff_unavailable" } });

    const megan = await startAt(MEGAN);
    await cancel(megan.start);
    const cancelled = await renew(megan.start.recoveryId, megan.start.recoveryToken);
    expect(cancelled).toMatchObject({ status: 409, body: { code: "handoff_unavailable" } });
    expect(await sessions(megan.start.recoveryId)).toHaveLength(1);
    expect(await events(megan.start.recoveryId)).not.toContain("identity_verification_handoff_renewed");
  });

  it("after the IDV deadline: 409, and the recovery stays expired idv_timeout", async () => {
    const adele = await startAt(ADELE);
    await stack().advanceClock(31 * 60_000);
    const expired = await stack().waitForStatus(adele.start, ["expired"]);
    expect(expired.failure?.code).toBe("idv_timeout");
    const late = await renew(adele.start.recoveryId, adele.start.recoveryToken);
    expect(late).toMatchObject({ status: 409, body: { code: "handoff_unavailable" } });
    expect(await sessions(adele.start.recoveryId)).toHaveLength(1);
    expect((await follow(adele.first.returnUrl)).status).toBe(302);
    expect(await state(adele.start)).toMatchObject({ status: "expired", failure: { code: "idv_timeout" } });
  });

  it("the replaced hand-off's return changes nothing; the newest one's moves the recovery on", async () => {
    const adele = await startAt(ADELE);
    const renewed = await renew(adele.start.recoveryId, adele.start.recoveryToken);
    expect(renewed).toMatchObject({
      status: 200,
      body: { recoveryId: adele.start.recoveryId, status: "verifying_identity", renewed: true },
    });
    const fresh = handoffOf((renewed.body.next as { url: string }).url);
    expect(fresh.sessionId).not.toBe(adele.first.sessionId);
    expect(fresh.jti).not.toBe(adele.first.jti);
    expect(new URL(fresh.returnUrl).searchParams.get("returnValue")).not.toBe(
      new URL(adele.first.returnUrl).searchParams.get("returnValue"),
    );
    // The status read shows the fresh hand-off; the replaced session is marked, the new one chained to it.
    expect((await state(adele.start)).next).toEqual({ type: "redirect", url: fresh.url });
    const rows = await sessions(adele.start.recoveryId);
    expect(rows.find((r) => r.rowKey === adele.first.sessionId)?.supersededAt).toBeTypeOf("string");
    expect(rows.find((r) => r.rowKey === fresh.sessionId)).toMatchObject({
      previousSessionId: adele.first.sessionId,
      handoffsRenewed: 1,
    });

    // The replaced value, as it was and sent twice: the same answer, nothing consumed, nothing moves.
    for (let i = 0; i < 2; i++) {
      const { status, location } = await follow(adele.first.returnUrl);
      expect({ status, location }).toEqual({
        status: 302,
        location: `${stack().url}/recover?recoveryId=${adele.start.recoveryId}`,
      });
    }
    // The replaced value under the new session's name, and the new value under the old one's.
    const swapped = new URL(fresh.returnUrl);
    swapped.searchParams.set("returnValue", new URL(adele.first.returnUrl).searchParams.get("returnValue")!);
    expect((await follow(swapped.toString())).status).toBe(302);
    const crossed = new URL(adele.first.returnUrl);
    crossed.searchParams.set("returnValue", new URL(fresh.returnUrl).searchParams.get("returnValue")!);
    expect((await follow(crossed.toString())).status).toBe(302);
    expect((await sessions(adele.start.recoveryId)).every((r) => r.returnedAt === undefined)).toBe(true);
    expect(await events(adele.start.recoveryId)).not.toContain("identity_verification_returned");
    expect((await state(adele.start)).status).toBe("verifying_identity");

    // The fresh hand-off at the provider, and its return: recovered.
    const done = await stack().completeIdv({ url: fresh.url }, "approved", ADELE.names);
    expect(done.redirectUrl).toBe(fresh.returnUrl);
    expect((await follow(done.redirectUrl)).status).toBe(302);
    expect((await present(adele.start)).status).toBe("recovered");
    const trail = await events(adele.start.recoveryId);
    expect(trail.filter((e) => e === "identity_verification_handoff_renewed")).toHaveLength(1);
    expect(trail.filter((e) => e === "identity_verification_returned")).toHaveLength(1);
  });

  /** The stored row of a session, without the table's own fields (to write it back changed). */
  async function sessionRow(recoveryId: string, sessionId: string) {
    const row = (await sessions(recoveryId)).find((r) => r.rowKey === sessionId);
    if (!row) throw new Error(`no session ${sessionId}`);
    const { etag: _e, timestamp: _t, ...rest } = row as SessionRow & { etag?: string; timestamp?: string };
    return rest;
  }

  it("a host stopped between a renewal's steps leaves no value acting but the record's own", async () => {
    // A renewal that lost its race, or stopped after writing its session: a row of this
    // recovery with a value, that the record does not name.
    const adele = await startAt(ADELE);
    const unshown = newOpaqueSecret();
    const orphan = "00000000-0000-4000-8000-0000000000aa";
    await stack().writeRow("IdvSessions", {
      partitionKey: PROVIDER,
      rowKey: orphan,
      recoveryId: adele.start.recoveryId,
      createdAt: new Date().toISOString(),
      returnValueHash: hashSecret(unshown),
      previousSessionId: adele.first.sessionId,
      handoffsRenewed: 1,
    });
    const orphanReturn = new URL(adele.first.returnUrl);
    orphanReturn.searchParams.set("session", orphan);
    orphanReturn.searchParams.set("returnValue", unshown);
    expect((await follow(orphanReturn.toString())).status).toBe(302);
    expect((await sessionRow(adele.start.recoveryId, orphan)).returnedAt).toBeUndefined();
    // A renewal that stopped after marking the record's session replaced, before naming the new one.
    await stack().writeRow("IdvSessions", {
      ...(await sessionRow(adele.start.recoveryId, adele.first.sessionId)),
      supersededAt: new Date().toISOString(),
    });
    expect((await follow(adele.first.returnUrl)).status).toBe(302);
    expect((await sessions(adele.start.recoveryId)).every((r) => r.returnedAt === undefined)).toBe(true);
    expect(await events(adele.start.recoveryId)).not.toContain("identity_verification_returned");
    expect((await state(adele.start)).status).toBe("verifying_identity");
    // The user asks again: a fresh hand-off, and its return moves the recovery on.
    const renewed = await renew(adele.start.recoveryId, adele.start.recoveryToken);
    expect(renewed).toMatchObject({ status: 200, body: { renewed: true } });
    expect((await follow(handoffOf((renewed.body.next as { url: string }).url).returnUrl)).status).toBe(302);
    await stack().waitForStatus(adele.start, ["awaiting_presentation"]);
    await cancel(adele.start);
  });

  it("either mode: the replaced session's webhook approval moves nothing, its decline still ends the recovery", async () => {
    const megan = await startAt(MEGAN, "NL");
    const renewed = await renew(megan.start.recoveryId, megan.start.recoveryToken);
    expect(renewed.status).toBe(200);
    const approval = await stack().sims.idv.sendWebhook({
      result: { sessionId: megan.first.sessionId, status: "approved" },
    });
    expect(approval.status).toBe(200);
    // Then the newest session's decline: the workflow hears that alone (an approval raised
    // before it would have sent the workflow to the presentation step, audited unconfirmed).
    const declined = await stack().sims.idv.sendWebhook({
      result: {
        sessionId: handoffOf((renewed.body.next as { url: string }).url).sessionId,
        status: "declined",
      },
    });
    expect(declined.status).toBe(200);
    expect((await stack().waitForStatus(megan.start, ["failed"])).failure?.code).toBe("idv_declined");
    const trail = await events(megan.start.recoveryId);
    expect(trail).not.toContain("identity_verification_unconfirmed");
    expect(trail).not.toContain("presentation_requested");
    const adele = await startAt(ADELE, "NL");
    expect((await renew(adele.start.recoveryId, adele.start.recoveryToken)).status).toBe(200);
    const decline = await stack().sims.idv.sendWebhook({
      result: { sessionId: adele.first.sessionId, status: "declined" },
    });
    expect(decline.status).toBe(200);
    expect((await stack().waitForStatus(adele.start, ["failed"])).failure?.code).toBe("idv_declined");
  });

  it("a decline stored for the replaced session (its event lost) ends the recovery before the presentation", async () => {
    const megan = await startAt(MEGAN, "NL");
    const renewed = await renew(megan.start.recoveryId, megan.start.recoveryToken);
    const fresh = handoffOf((renewed.body.next as { url: string }).url);
    await stack().writeRow("IdvSessions", {
      ...(await sessionRow(megan.start.recoveryId, megan.first.sessionId)),
      result: JSON.stringify({ sessionId: megan.first.sessionId, decision: "declined", reasons: [] }),
      resultAt: new Date().toISOString(),
      resultEventId: "lost-event",
    });
    expect((await follow(fresh.returnUrl)).status).toBe(302);
    const done = await stack().waitForStatus(megan.start, ["failed", "awaiting_presentation"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "idv_declined" } });
  });

  it("a decline stored for the first hand-off of a chain of MAX_RENEWALS renewals still ends the recovery", async () => {
    const megan = await startAt(MEGAN, "NL");
    const renewed = await renew(megan.start.recoveryId, megan.start.recoveryToken);
    const fresh = handoffOf((renewed.body.next as { url: string }).url);
    const first = await sessionRow(megan.start.recoveryId, megan.first.sessionId);
    const latest = await sessionRow(megan.start.recoveryId, fresh.sessionId);
    // The renewals between the first hand-off and the latest (each a real renewal would have
    // made 30 s apart), written as rows: first ← between[0] ← … ← latest.
    const between = Array.from({ length: MAX_RENEWALS - 1 }, (_, i) => ({
      ...first,
      rowKey: `00000000-0000-4000-8000-${String(i + 1).padStart(12, "0")}`,
      supersededAt: new Date().toISOString(),
      handoffsRenewed: i + 1,
      ...(i > 0 ? { previousSessionId: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}` } : {}),
    }));
    for (const row of between) await stack().writeRow("IdvSessions", row);
    await stack().writeRow("IdvSessions", { ...between[0]!, previousSessionId: first.rowKey });
    await stack().writeRow("IdvSessions", {
      ...latest,
      previousSessionId: between.at(-1)!.rowKey,
      handoffsRenewed: MAX_RENEWALS,
    });
    await stack().writeRow("IdvSessions", {
      ...first,
      result: JSON.stringify({ sessionId: first.rowKey, decision: "declined", reasons: [] }),
      resultAt: new Date().toISOString(),
      resultEventId: "lost-event",
    });
    expect((await follow(fresh.returnUrl)).status).toBe(302);
    const done = await stack().waitForStatus(megan.start, ["failed", "awaiting_presentation"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "idv_declined" } });
  });

  it("a double click makes one fresh hand-off: both answers name it, a repeat right after too", async () => {
    const megan = await startAt(MEGAN);
    const [a, b] = await Promise.all([
      renew(megan.start.recoveryId, megan.start.recoveryToken),
      renew(megan.start.recoveryId, megan.start.recoveryToken),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(a.body.next).toEqual(b.body.next);
    expect([a.body.renewed, b.body.renewed].sort()).toEqual([false, true]);
    const again = await renew(megan.start.recoveryId, megan.start.recoveryToken);
    expect(again).toMatchObject({ status: 200, body: { renewed: false, next: a.body.next } });
    expect((await state(megan.start)).next).toEqual(a.body.next);
    const trail = await events(megan.start.recoveryId);
    expect(trail.filter((e) => e === "identity_verification_handoff_renewed")).toHaveLength(1);
    await cancel(megan.start);
  });

  it("the credential must be issued after the newest hand-off, not merely after the first", async () => {
    const adele = await startAt(ADELE);
    // The first hand-off was signed 20 minutes ago (the user waited, then asked to go back) ...
    const {
      etag: _etag,
      timestamp: _timestamp,
      ...first
    } = (await sessions(adele.start.recoveryId))[0]! as SessionRow & {
      etag?: string;
      timestamp?: string;
    };
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000).toISOString();
    await stack().writeRow("IdvSessions", { ...first, createdAt: twentyMinutesAgo });
    // The record keeps the hand-off time the freshness rule reads (the session's creation).
    await stack()
      .tableClient("Recoveries")
      .updateEntity(
        { partitionKey: adele.start.recoveryId, rowKey: "recovery", idvHandoffAt: twentyMinutesAgo },
        "Merge",
      );
    const renewed = await renew(adele.start.recoveryId, adele.start.recoveryToken);
    expect(renewed.status).toBe(200);
    const fresh = handoffOf((renewed.body.next as { url: string }).url);
    // ... and the wallet holds a credential from 10 minutes ago: after the first, before the newest.
    stack().sims.wallet.issue({
      id: newCredentialId(),
      type: "VerifiedIdentity",
      issuer: ISSUER,
      claims: { ...ADELE.names },
      issuanceDate: new Date(Date.now() - 10 * 60_000).toISOString(),
      expirationDate: new Date(Date.now() + 86_400_000).toISOString(),
    });
    // The user skips the provider: the newest return value read from the token.
    expect((await follow(fresh.returnUrl)).status).toBe(302);
    const done = await present(adele.start);
    expect(done).toMatchObject({ status: "failed", failure: { code: "credential_stale" } });
    const checked = (await stack().auditEvents(adele.start.recoveryId)).find(
      (e) => e.event === "credential_checked",
    );
    expect(JSON.parse(String(checked?.detail))).toMatchObject({ reason: "issued_before_handoff" });
  });

  it("declined at the provider, the user goes back with a fresh hand-off, is verified and recovers", async () => {
    const megan = await startAt(MEGAN);
    const declined = await stack().completeIdv({ url: megan.first.url }, "declined", MEGAN.names);
    expect((await follow(declined.redirectUrl)).status).toBe(302);
    expect(await events(megan.start.recoveryId)).toContain("identity_verification_return_unfinished");
    // The same RequestId cannot be completed again at the provider: the way back needs a new one.
    await expect(stack().completeIdv({ url: megan.first.url }, "approved", MEGAN.names)).rejects.toThrow(
      /410/,
    );
    const renewed = await renew(megan.start.recoveryId, megan.start.recoveryToken);
    expect(renewed).toMatchObject({ status: 200, body: { renewed: true } });
    const fresh = handoffOf((renewed.body.next as { url: string }).url);
    const done = await stack().completeIdv({ url: fresh.url }, "approved", MEGAN.names);
    expect((await follow(done.redirectUrl)).status).toBe(302);
    expect((await present(megan.start)).status).toBe("recovered");
  });
});
