/**
 * The workflow does not take the IDV decision carried in an event on trust (issue 23, finding
 * 8): an "approved" raised straight into the task hub, without the authenticated webhook having
 * stored that result for the recovery's own session, fails the recovery (idv_error) before any
 * presentation is requested. The same for a "returned" event (issue 17) without a one-time
 * return consumed for the recovery's session.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { EVENTS } from "../../src/functions/names";
import { useStack } from "../support/stack";

describe("an IDV decision the stored result does not back", () => {
  const stack = useStack({ mode: "production" });

  it("an approved event raised without a stored approval fails with idv_error and requests no presentation", async () => {
    const adele = DEMO_USERS.adeleVance;
    const methods = stack().sims.graph.methods(adele.id).length;
    const started = await stack().startRecovery({ username: adele.userPrincipalName });
    await stack().waitForStatus(started.body, ["verifying_identity"]);
    const raised = await fetch(
      `${stack().url}/runtime/webhooks/durabletask/instances/${started.body.recoveryId}/raiseEvent/${EVENTS.idvResult}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ decision: "approved" }),
      },
    );
    expect(raised.status).toBeLessThan(300);
    const done = await stack().waitForStatus(started.body, ["failed", "awaiting_presentation"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "idv_error" } });
    const audit = await stack().auditEvents(started.body.recoveryId);
    expect(audit.map((e) => e.event)).toContain("identity_verification_unconfirmed");
    expect(audit.map((e) => e.event)).not.toContain("presentation_requested");
    expect(stack().sims.graph.methods(adele.id)).toHaveLength(methods);
  });

  it("a return event raised without a consumed one-time return fails with idv_error (issue 17)", async () => {
    const megan = DEMO_USERS.meganBowen;
    const started = await stack().startRecovery({ username: megan.userPrincipalName });
    await stack().waitForStatus(started.body, ["verifying_identity"]);
    const raised = await fetch(
      `${stack().url}/runtime/webhooks/durabletask/instances/${started.body.recoveryId}/raiseEvent/${EVENTS.idvReturned}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ sessionId: "anything" }),
      },
    );
    expect(raised.status).toBeLessThan(300);
    const done = await stack().waitForStatus(started.body, ["failed", "awaiting_presentation"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "idv_error" } });
    const audit = await stack().auditEvents(started.body.recoveryId);
    expect(audit.map((e) => e.event)).toContain("identity_verification_unconfirmed");
    expect(audit.map((e) => e.event)).not.toContain("presentation_requested");
  });
});
