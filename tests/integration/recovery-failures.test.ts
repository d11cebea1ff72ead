/**
 * Unhappy paths of the recovery flow. Each ends in a clear terminal state with a stable
 * failure code, and none changes the directory.
 */
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { DEMO_USERS, demoTenant } from "../../dev/seed/demo-tenant";
import { type RecoveryStart, useStack } from "../support/stack";

const ADELE = DEMO_USERS.adeleVance;

describe("recovery failures", () => {
  const stack = useStack({ mode: "production" });

  function expectDirectoryUntouched(userId: string, methodCount: number): void {
    expect(stack().sims.graph.methods(userId)).toHaveLength(methodCount);
    expect(stack().sims.graph.temporaryAccessPasses(userId)).toHaveLength(0);
    expect(stack().sims.graph.revocations(userId).count).toBe(0);
  }

  async function startAdele(): Promise<RecoveryStart> {
    const started = await stack().startRecovery({ username: ADELE.userPrincipalName });
    expect(started.status).toBe(202);
    return started.body;
  }

  async function cancel(start: RecoveryStart): Promise<void> {
    const res = await fetch(`${stack().url}/api/recovery/${start.recoveryId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${start.recoveryToken}` },
    });
    expect(res.status).toBe(202);
  }

  async function throughIdv(start: RecoveryStart, lastName = "Vance"): Promise<string> {
    const verifying = await stack().waitForStatus(start, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName });
    const awaiting = await stack().waitForStatus(start, ["awaiting_presentation"]);
    return stack().presentationRequestId(awaiting.next!);
  }

  it("a declined identity verification fails the recovery with idv_declined", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const start = await startAdele();
    const verifying = await stack().waitForStatus(start, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "declined", { firstName: "Adele", lastName: "Vance" });
    const done = await stack().waitForStatus(start, ["failed", "expired", "recovered"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "idv_declined" } });
    expect(done.next).toBeUndefined();
    expectDirectoryUntouched(ADELE.id, methods);
  });

  it("an identity verification that never completes expires with idv_timeout", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const start = await startAdele();
    await stack().waitForStatus(start, ["verifying_identity"]);
    await stack().advanceClock(29 * 60_000);
    const still = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(still.body.status).toBe("verifying_identity");
    await stack().advanceClock(2 * 60_000);
    const done = await stack().waitForStatus(start, ["expired", "failed"]);
    expect(done).toMatchObject({ status: "expired", failure: { code: "idv_timeout" } });
    expectDirectoryUntouched(ADELE.id, methods);
  });

  it("a credential never presented expires with presentation_timeout", async () => {
    const start = await startAdele();
    await throughIdv(start);
    await stack().advanceClock(11 * 60_000);
    const done = await stack().waitForStatus(start, ["expired", "failed"]);
    expect(done).toMatchObject({ status: "expired", failure: { code: "presentation_timeout" } });
  });

  it("a presentation that arrives after the deadline is acknowledged as late and changes nothing", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const start = await startAdele();
    const requestId = await throughIdv(start);
    await stack().advanceClock(11 * 60_000);
    await stack().waitForStatus(start, ["expired"]);
    const late = await stack().sims.verifiedId.present(requestId);
    expect(late.status).toBe(200);
    const after = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(after.body).toMatchObject({ status: "expired", failure: { code: "presentation_timeout" } });
    expectDirectoryUntouched(ADELE.id, methods);
  });

  it("a Face Check below the threshold fails with face_check_failed", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const start = await startAdele();
    const requestId = await throughIdv(start);
    const callback = await stack().sims.verifiedId.present(requestId, { faceCheckScore: 55 });
    expect(callback.body.requestStatus).toBe("presentation_error");
    const done = await stack().waitForStatus(start, ["failed", "recovered"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "face_check_failed" } });
    expectDirectoryUntouched(ADELE.id, methods);
  });

  it("a Verified ID callback delivered twice is acknowledged and changes nothing the second time", async () => {
    const start = await startAdele();
    const requestId = await throughIdv(start);
    const first = await stack().sims.verifiedId.present(requestId, { faceCheckScore: 55 });
    await stack().waitForStatus(start, ["failed"]);
    const replay = await fetch(first.url, {
      method: "POST",
      headers: { "content-type": "application/json", "api-key": first.headers["api-key"] ?? "" },
      body: JSON.stringify({ ...first.body, requestStatus: "presentation_verified" }),
    });
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ status: "duplicate" });
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.filter((e) => e.event === "presentation_completed")).toHaveLength(1);
    const after = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(after.body).toMatchObject({ status: "failed", failure: { code: "face_check_failed" } });
  });

  it("a throttled Verified ID request (429) is retried and the presentation is requested", async () => {
    const start = await startAdele();
    const verifying = await stack().waitForStatus(start, ["verifying_identity"]);
    const before = stack().sims.verifiedId.requests.length;
    stack().sims.verifiedId.failNext({
      status: 429,
      code: "tooManyRequests",
      innerCode: "throttled",
      retryAfterSeconds: 1,
    });
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    // The durable retry policy waits 2 s (host clock) before the second attempt.
    const deadline = Date.now() + 15_000;
    let state = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    while (state.body.status === "verifying_identity" && Date.now() < deadline) {
      await stack().advanceClock(3_000);
      await new Promise((r) => setTimeout(r, 100));
      state = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    }
    expect(state.body.status).toBe("awaiting_presentation");
    expect(stack().sims.verifiedId.refusals.at(-1)?.status).toBe(429); // the first attempt was refused…
    expect(stack().sims.verifiedId.requests.length).toBe(before + 1); // …and the retry created the request
    await cancel(start);
  });

  it("a presentation request Verified ID refuses (badOrMissingField) fails with verified_id_error naming the field", async () => {
    const start = await startAdele();
    const verifying = await stack().waitForStatus(start, ["verifying_identity"]);
    stack().sims.verifiedId.failNext({
      status: 400,
      code: "badRequest",
      innerCode: "badOrMissingField",
      target: "requestedCredentials[0].acceptedIssuers",
    });
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    const done = await stack().waitForStatus(start, ["failed", "awaiting_presentation"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "verified_id_error" } });
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.find((e) => e.event === "presentation_request_failed")?.detail).toContain(
      "requestedCredentials[0].acceptedIssuers",
    );
  });

  it("a correctly signed webhook for a session we never started is acknowledged, recorded and ignored", async () => {
    await stack().settle(); // earlier recoveries may still be sending their notices
    const inboxBefore = await stack().countRows("WebhookInbox");
    const recoveriesBefore = await stack().dumpTables();
    const body = JSON.stringify({
      type: "verification.completed",
      timestamp: new Date().toISOString(),
      data: { sessionId: "00000000-0000-4000-8000-00000000dead", status: "approved", reasons: [] },
    });
    const delivery = await stack().sims.idv.sendWebhook({ body });
    expect(delivery.status).toBe(200);
    expect(await stack().countRows("WebhookInbox")).toBe(inboxBefore + 1);
    const entry = (
      await stack().rows<{ rowKey: string; delivered: boolean; disposition?: string; recoveryId: string }>(
        "WebhookInbox",
      )
    ).find((e) => e.rowKey === delivery.id);
    expect(entry).toMatchObject({ delivered: true, disposition: "unknown_session", recoveryId: "" });
    // Nothing else moved: the only new or changed row of the app's tables is that inbox entry.
    const changed = (await stack().dumpTables())
      .split("\n")
      .filter((l) => l.startsWith(stack().tablePrefix) && !recoveriesBefore.includes(l));
    expect(changed.filter((l) => !l.startsWith(`${stack().tablePrefix}WebhookInbox`))).toEqual([]);
  });

  it("a credential whose name differs from the directory fails with profile_mismatch", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const start = await startAdele();
    const requestId = await throughIdv(start, "Vancey");
    await stack().sims.verifiedId.present(requestId);
    const done = await stack().waitForStatus(start, ["failed", "recovered"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "profile_mismatch" } });
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.find((e) => e.event === "profile_matched")).toMatchObject({
      outcome: "failure",
      code: "profile_mismatch",
    });
    expect(audit.find((e) => e.event === "profile_matched")?.detail).toContain("lastName≠surname");
    expectDirectoryUntouched(ADELE.id, methods);
  });

  it("a credential from an issuer we do not accept fails with credential_invalid", async () => {
    const start = await startAdele();
    const requestId = await throughIdv(start);
    await stack().sims.verifiedId.present(requestId, { issuer: "did:web:evil.example" });
    const done = await stack().waitForStatus(start, ["failed", "recovered"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "credential_invalid" } });
  });

  it("a TAP policy that stops covering the user before the reset fails with tap_policy_blocked and keeps every method", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const start = await startAdele();
    const requestId = await throughIdv(start);
    const tenant = demoTenant();
    stack().sims.graph.reset({ ...tenant, tapPolicy: { ...tenant.tapPolicy, state: "disabled" } });
    await stack().sims.verifiedId.present(requestId);
    const done = await stack().waitForStatus(start, ["failed", "recovered"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "tap_policy_blocked" } });
    expect(done.tap).toBeUndefined();
    expectDirectoryUntouched(ADELE.id, methods);
    const deletes = stack().sims.graph.requests.filter((r) => r.method === "DELETE");
    expect(deletes).toHaveLength(0);
    stack().sims.graph.reset(demoTenant());
  });

  it("a webhook with a bad signature is refused with 401 and changes nothing", async () => {
    const start = await startAdele();
    const verifying = await stack().waitForStatus(start, ["verifying_identity"]);
    const sessionId = decodeJwt(new URL(verifying.next!.url).searchParams.get("token")!).RequestId;
    const inboxBefore = await stack().countRows("WebhookInbox");
    const body = JSON.stringify({
      type: "verification.completed",
      timestamp: new Date().toISOString(),
      data: { sessionId, status: "approved", reasons: [] },
    });
    const forged = await stack().sims.idv.sendWebhook({
      body,
      secret: `whsec_${Buffer.from("not-the-secret").toString("base64")}`,
    });
    expect(forged.status).toBe(401);
    const stale = await stack().sims.idv.sendWebhook({
      body,
      timestamp: Math.floor(Date.now() / 1000) - 3600,
    });
    expect(stale.status).toBe(401);
    expect(await stack().countRows("WebhookInbox")).toBe(inboxBefore);
    const after = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(after.body.status).toBe("verifying_identity");
    // clean up: cancel so the user is free for the next test
    await cancel(start);
  });

  it("a duplicate webhook is acknowledged and ignored", async () => {
    const start = await startAdele();
    const verifying = await stack().waitForStatus(start, ["verifying_identity"]);
    const deliveriesBefore = stack().sims.idv.deliveries.length;
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    await stack().waitForStatus(start, ["awaiting_presentation"]);
    const duplicate = await stack().sims.idv.redeliver(deliveriesBefore);
    expect(duplicate.status).toBe(200);
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.filter((e) => e.event === "identity_verification_completed")).toHaveLength(1);
    expect(audit.filter((e) => e.event === "presentation_requested")).toHaveLength(1);
    const after = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(after.body.status).toBe("awaiting_presentation");
    await cancel(start);
  });

  it("a cancelled recovery ends as cancelled, and a late webhook for it changes nothing", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const start = await startAdele();
    const verifying = await stack().waitForStatus(start, ["verifying_identity"]);
    const noToken = await fetch(`${stack().url}/api/recovery/${start.recoveryId}/cancel`, { method: "POST" });
    expect(noToken.status).toBe(401);
    await cancel(start);
    const done = await stack().waitForStatus(start, ["cancelled"]);
    expect(done.failure?.code).toBe("cancelled");
    const again = await fetch(`${stack().url}/api/recovery/${start.recoveryId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${start.recoveryToken}` },
    });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { code: string }).code).toBe("not_cancellable");
    const late = await stack().completeIdv(verifying.next!, "approved", {
      firstName: "Adele",
      lastName: "Vance",
    });
    expect(late.webhookStatus).toBe(200);
    const after = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(after.body.status).toBe("cancelled");
    expectDirectoryUntouched(ADELE.id, methods);
  });

  it("a throttled directory (429 with Retry-After) is retried and the recovery completes", async () => {
    const megan = DEMO_USERS.meganBowen;
    stack().sims.graph.throttle({
      method: "DELETE",
      path: "/authentication/",
      times: 2,
      retryAfterSeconds: 0.2,
    });
    stack().sims.graph.throttle({
      method: "POST",
      path: "/revokeSignInSessions",
      times: 1,
      retryAfterSeconds: 0.1,
    });
    const started = await stack().startRecovery({ username: megan.userPrincipalName });
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Megan", lastName: "Bowen" });
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!));
    const done = await stack().waitForStatus(started.body, ["recovered", "failed"]);
    expect(done.status).toBe("recovered");
    const throttled = stack().sims.graph.requests.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(3);
    expect(stack().sims.graph.revocations(megan.id).count).toBe(1);
    expect(stack().sims.graph.temporaryAccessPasses(megan.id)).toHaveLength(1);
  });

  it("a directory that keeps failing ends the recovery as failed with directory_error", async () => {
    const maria = DEMO_USERS.mariaGarcia;
    stack().sims.graph.clearRequests();
    stack().sims.graph.failNext({
      method: "POST",
      path: "/checkMemberGroups",
      times: 100,
      status: 500,
      code: "generalException",
    });
    const started = await stack().startRecovery({ username: maria.userPrincipalName });
    // The durable retry policy waits 2 s, 4 s, 8 s between attempts: move the clock past each wait.
    const state = await stack().advanceClockUntil(
      () => stack().readRecovery(started.body.recoveryId, started.body.recoveryToken),
      (s) => s.body.status !== "pending",
      20_000,
    );
    expect(state.body).toMatchObject({ status: "failed", failure: { code: "directory_error" } });
    const attempts = stack().sims.graph.requests.filter((r) => r.path.endsWith("/checkMemberGroups"));
    expect(attempts).toHaveLength(4);
    stack().sims.graph.reset(demoTenant());
  });
});
