/**
 * Durable conformance, the flows: the same recoveries on the local host's durable driver
 * (`npm test`) and on Microsoft's Durable Functions extension (`npm run test:durable-engine`,
 * dev/durable-engine). What the workflow relies on — replay, retries, buffered and duplicate
 * events, termination, resuming after a crash — must behave the same on both.
 */
import { describe, expect, it } from "vitest";
import { EVENTS } from "../../src/functions/names";
import { DURABLE_ENGINE, useStack } from "../support/stack";
import {
  ADELE,
  conformancePolicy,
  RESTART_SETTLE_MS,
  raiseEvent,
  SETTLE_MS,
  startAdele,
  throughIdv,
  waitForRuntimeStatus,
} from "./support";

describe(`durable conformance (${DURABLE_ENGINE} engine): flows`, () => {
  const stack = useStack({ policy: conformancePolicy() });

  it("happy path: a recovery completes, the TAP is handed out once, the instance completes", async () => {
    const start = await startAdele(stack());
    const requestId = await throughIdv(stack(), start);
    const callback = await stack().sims.verifiedId.present(requestId, { faceCheckScore: 91 });
    expect(callback.status).toBe(200);
    const done = await stack().waitForStatus(start, ["recovered", "failed", "expired"], SETTLE_MS);
    expect(done.status).toBe("recovered");
    expect(done.tap?.value).toBe(
      stack().sims.graph.temporaryAccessPasses(ADELE.id).at(-1)?.temporaryAccessPass,
    );
    const again = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(again.body.tap).toBeUndefined();
    const instance = await waitForRuntimeStatus(stack(), start.recoveryId, ["Completed", "Failed"]);
    expect(instance).toMatchObject({ runtimeStatus: "Completed", output: { status: "recovered" } });
    // The history as the durable API shows it: `historyEvents`, completions named, no TaskScheduled.
    const steps = (instance.historyEvents ?? []).map(
      (e) => `${e.EventType}${(e.FunctionName ?? e.Name) ? `:${e.FunctionName ?? e.Name}` : ""}`,
    );
    expect(steps).toEqual([
      "ExecutionStarted:recoveryOrchestrator",
      "TaskCompleted:discoverAccount",
      "TaskCompleted:startIdentityVerification",
      "TimerCreated",
      "EventRaised:IdvResult",
      "TaskCompleted:requestPresentation",
      "TimerCreated",
      "EventRaised:PresentationResult",
      "TaskCompleted:checkPresentedCredential",
      "TaskCompleted:matchDirectoryProfile",
      "TaskCompleted:confirmIdentityVerification",
      "TaskCompleted:recoverAccount",
      "TaskCompleted:finishRecovery",
      "TaskCompleted:notifyRecoveryOutcome",
      "ExecutionCompleted",
    ]);
  });

  it("a duplicate callback is acknowledged once and a late one (after the end) changes nothing", async () => {
    const passesBefore = stack().sims.graph.temporaryAccessPasses(ADELE.id).length;
    const start = await startAdele(stack());
    const requestId = await throughIdv(stack(), start);
    const first = await stack().sims.verifiedId.present(requestId);
    const resend = () =>
      fetch(first.url, {
        method: "POST",
        headers: { "content-type": "application/json", "api-key": first.headers["api-key"] ?? "" },
        body: JSON.stringify(first.body),
      });
    const duplicate = await resend();
    expect(duplicate.status).toBe(200);
    expect(await duplicate.json()).toEqual({ status: "duplicate" });
    const done = await stack().waitForStatus(start, ["recovered", "failed", "expired"], SETTLE_MS);
    expect(done.status).toBe("recovered");
    await waitForRuntimeStatus(stack(), start.recoveryId, ["Completed"]);
    const late = await resend();
    expect(late.status).toBe(200);
    expect(stack().sims.graph.temporaryAccessPasses(ADELE.id)).toHaveLength(passesBefore + 1);
    // An event raised to the finished instance is refused by the durable API, not queued.
    expect(await raiseEvent(stack(), start.recoveryId, EVENTS.presentationResult, { state: "x" })).toBe(410);
  });

  it("an event raised before the workflow waits for it (twice) is buffered and used once", async () => {
    // Discovery's first Graph request is held up, so the workflow cannot be waiting for the IDV result yet.
    stack().sims.graph.networkFault({ path: /./, kind: "slow", delayMs: 4_000, times: 1 });
    const start = await startAdele(stack());
    expect(await raiseEvent(stack(), start.recoveryId, EVENTS.idvResult, { decision: "declined" })).toBe(202);
    expect(await raiseEvent(stack(), start.recoveryId, EVENTS.idvResult, { decision: "declined" })).toBe(202);
    const early = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(early.body.status).toBe("pending"); // still in discovery: nothing waits for the event yet
    const done = await stack().waitForStatus(start, ["failed", "expired", "recovered"], SETTLE_MS);
    expect(done).toMatchObject({ status: "failed", failure: { code: "idv_declined" } });
    const instance = await waitForRuntimeStatus(stack(), start.recoveryId, ["Completed", "Failed"]);
    expect(instance).toMatchObject({ runtimeStatus: "Completed", output: { status: "failed" } });
  });

  it("a refused activity (Verified ID 429) is retried by the durable retry policy", async () => {
    const start = await startAdele(stack());
    const verifying = await stack().waitForStatus(start, ["verifying_identity"], SETTLE_MS);
    const before = stack().sims.verifiedId.requests.length;
    stack().sims.verifiedId.failNext({
      status: 429,
      code: "tooManyRequests",
      innerCode: "throttled",
      retryAfterSeconds: 1,
    });
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    // The retry policy's first wait is 2 s: the local clock is moved past it, real time just passes.
    const deadline = Date.now() + SETTLE_MS;
    let state = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    while (state.body.status === "verifying_identity" && Date.now() < deadline) {
      if (DURABLE_ENGINE === "local") await stack().advanceClock(3_000);
      await new Promise((r) => setTimeout(r, 100));
      state = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    }
    expect(state.body.status).toBe("awaiting_presentation");
    expect(stack().sims.verifiedId.refusals.at(-1)?.status).toBe(429);
    expect(stack().sims.verifiedId.requests.length).toBe(before + 1);
    const cancel = await fetch(`${stack().url}/api/recovery/${start.recoveryId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${start.recoveryToken}` },
    });
    expect(cancel.status).toBe(202);
  });

  it("an activity failing every attempt is retried with backoff, then fails the step at once", async () => {
    stack().sims.graph.failNext({ path: /./, times: 1_000, status: 500, code: "generalException" });
    const start = await startAdele(stack());
    const deadline = Date.now() + SETTLE_MS;
    let state = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    while (state.body.status === "pending" && Date.now() < deadline) {
      if (DURABLE_ENGINE === "local") await stack().advanceClock(3_000);
      await new Promise((r) => setTimeout(r, 100));
      state = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    }
    stack().sims.graph.reset(); // the fault off, the tenant as seeded
    expect(state.body).toMatchObject({ status: "failed", failure: { code: "directory_error" } });
    const instance = await waitForRuntimeStatus(stack(), start.recoveryId, ["Completed", "Failed"]);
    const events = instance.historyEvents ?? [];
    expect(events.filter((e) => e.EventType === "TaskFailed")).toHaveLength(4); // maxNumberOfAttempts
    // A timer after each failure: a backoff (2, 4, 8 s) between attempts, none after the last.
    const waits = events
      .filter((e) => e.EventType === "TimerCreated")
      .map((e) => Date.parse(String(e.FireAt)) - Date.parse(String(e.Timestamp)));
    expect(waits).toHaveLength(4);
    expect(waits.slice(0, 3).every((ms) => ms >= 1_000)).toBe(true);
    expect(waits[3]).toBeLessThan(1_000);
  });

  it("cancel terminates the workflow; a webhook that comes after is acknowledged and ignored", async () => {
    const start = await startAdele(stack());
    const verifying = await stack().waitForStatus(start, ["verifying_identity"], SETTLE_MS);
    const cancel = await fetch(`${stack().url}/api/recovery/${start.recoveryId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${start.recoveryToken}` },
    });
    expect(cancel.status).toBe(202);
    const instance = await waitForRuntimeStatus(stack(), start.recoveryId, ["Terminated"]);
    expect(instance).toMatchObject({ runtimeStatus: "Terminated", output: "cancelled by the user" });
    // DTFx closes the terminated execution like any other: ExecutionTerminated, then ExecutionCompleted.
    expect((instance.historyEvents ?? []).slice(-2)).toMatchObject([
      { EventType: "ExecutionTerminated" },
      { EventType: "ExecutionCompleted", OrchestrationStatus: "Terminated" },
    ]);
    const late = await stack().completeIdv(verifying.next!, "approved", {
      firstName: "Adele",
      lastName: "Vance",
    });
    expect(late.webhookStatus).toBe(200);
    const after = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(after.body.status).toBe("cancelled");
    expect(await raiseEvent(stack(), start.recoveryId, EVENTS.idvResult, { decision: "approved" })).toBe(410);
  });

  it("the host restarted (killed) while a recovery waits resumes it to the end", async () => {
    const passesBefore = stack().sims.graph.temporaryAccessPasses(ADELE.id).length;
    const start = await startAdele(stack());
    const verifying = await stack().waitForStatus(start, ["verifying_identity"], SETTLE_MS);
    await stack().crashAndRestartHost();
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    const awaiting = await stack().waitForStatus(start, ["awaiting_presentation"], RESTART_SETTLE_MS);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!));
    const done = await stack().waitForStatus(start, ["recovered", "failed", "expired"], SETTLE_MS);
    expect(done.status).toBe("recovered");
    expect(stack().sims.graph.temporaryAccessPasses(ADELE.id)).toHaveLength(passesBefore + 1);
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.filter((e) => e.event === "identity_verification_started")).toHaveLength(1);
    expect(audit.filter((e) => e.event === "temporary_access_pass_issued")).toHaveLength(1);
  });
});
