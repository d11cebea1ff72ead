/**
 * Durable conformance, the timeouts: a human wait is an external event raced against a
 * durable timer. On the local driver the host clock jumps; on Microsoft's engine the timers
 * fire in real time, shortened by DEV_WORKFLOW_MINUTE_SECONDS. A result that comes after the
 * timer won is acknowledged and changes nothing.
 */
import { describe, expect, it } from "vitest";
import { DURABLE_ENGINE, useStack } from "../support/stack";
import {
  ADELE,
  conformancePolicy,
  elapse,
  SETTLE_MS,
  startAdele,
  throughIdv,
  timeoutSettings,
  waitForRuntimeStatus,
} from "./support";

describe(`durable conformance (${DURABLE_ENGINE} engine): timeouts`, () => {
  const stack = useStack({ policy: conformancePolicy(true), settings: timeoutSettings() });

  it("IDV timeout: the timer wins, the recovery expires, a late IDV result changes nothing", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const start = await startAdele(stack());
    const verifying = await stack().waitForStatus(start, ["verifying_identity"], SETTLE_MS);
    await elapse(stack(), 5);
    const done = await stack().waitForStatus(start, ["expired", "failed", "recovered"], SETTLE_MS);
    expect(done).toMatchObject({ status: "expired", failure: { code: "idv_timeout" } });
    const instance = await waitForRuntimeStatus(stack(), start.recoveryId, ["Completed", "Failed"]);
    expect(instance).toMatchObject({ runtimeStatus: "Completed", output: { status: "expired" } });
    const late = await stack().completeIdv(verifying.next!, "approved", {
      firstName: "Adele",
      lastName: "Vance",
    });
    expect(late.webhookStatus).toBe(200);
    const after = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(after.body).toMatchObject({ status: "expired", failure: { code: "idv_timeout" } });
    expect(stack().sims.graph.methods(ADELE.id)).toHaveLength(methods);
  });

  it("presentation timeout: the timer wins, a late presentation is acknowledged and changes nothing", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const start = await startAdele(stack());
    const requestId = await throughIdv(stack(), start);
    await elapse(stack(), 2);
    const done = await stack().waitForStatus(start, ["expired", "failed", "recovered"], SETTLE_MS);
    expect(done).toMatchObject({ status: "expired", failure: { code: "presentation_timeout" } });
    await waitForRuntimeStatus(stack(), start.recoveryId, ["Completed", "Failed"]);
    const late = await stack().sims.verifiedId.present(requestId);
    expect(late.status).toBe(200);
    const after = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(after.body).toMatchObject({ status: "expired", failure: { code: "presentation_timeout" } });
    expect(stack().sims.graph.methods(ADELE.id)).toHaveLength(methods);
  });
});
