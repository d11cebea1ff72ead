/**
 * The workflow does not take the IDV decision carried in an event on trust (issue 23, finding
 * 8): an "approved" raised straight into the task hub, without the authenticated webhook having
 * stored that result for the recovery's own session, fails the recovery (idv_error) before any
 * presentation is requested. The same for a "returned" event (issue 17) without a one-time
 * return consumed for the recovery's session.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { EVENTS } from "../../src/functions/names";
import { type RecoveryStart, useStack } from "../support/stack";
import { waitFor } from "../support/waitFor";

describe("an IDV decision the stored result does not back", () => {
  const stack = useStack({ mode: "production" });

  /**
   * Raises `event` straight at the workflow (the durable runtime's own endpoint, as a forged or
   * buggy caller could), with no stored IDV result or consumed return behind it: the workflow
   * must fail with idv_error and never ask for a presentation.
   */
  async function expectRefusedWithoutProof(
    started: RecoveryStart,
    event: string,
    body: unknown,
  ): Promise<void> {
    const raised = await fetch(
      `${stack().url}/runtime/webhooks/durabletask/instances/${started.recoveryId}/raiseEvent/${event}`,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
    expect(raised.status).toBeLessThan(300);
    const done = await stack().waitForStatus(started, ["failed", "awaiting_presentation"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "idv_error" } });
    const events = (await stack().auditEvents(started.recoveryId)).map((e) => e.event);
    expect(events).toContain("identity_verification_unconfirmed");
    expect(events).not.toContain("presentation_requested");
  }

  it("an approved event raised without a stored approval fails with idv_error and requests no presentation", async () => {
    const adele = DEMO_USERS.adeleVance;
    const methods = stack().sims.graph.methods(adele.id).length;
    const started = await stack().startRecovery({ username: adele.userPrincipalName });
    await stack().waitForStatus(started.body, ["verifying_identity"]);
    await expectRefusedWithoutProof(started.body, EVENTS.idvResult, { decision: "approved" });
    expect(stack().sims.graph.methods(adele.id)).toHaveLength(methods);
  });

  it("a return event raised without a consumed one-time return fails with idv_error (issue 17)", async () => {
    const megan = DEMO_USERS.meganBowen;
    const started = await stack().startRecovery({ username: megan.userPrincipalName });
    await stack().waitForStatus(started.body, ["verifying_identity"]);
    await expectRefusedWithoutProof(started.body, EVENTS.idvReturned, { sessionId: "anything" });
  });

  /**
   * Another instance renews the hand-off after this host's IDV start wrote the record (the host
   * still holds that version: the workflow hands its etag to the presentation step), the way
   * `idvHandoffRenewal` does: the first session superseded, a second one mapped, the record
   * switched to it. `firstApproved`: the first session's approval arrived after it was replaced.
   * `secondApproved`: the provider approved the second session (its webhook raised nothing yet).
   * Returns the raise of an "approved" event at the workflow, as the second session's would be.
   */
  async function renewedElsewhere(
    started: RecoveryStart,
    stored: { firstApproved: boolean; secondApproved: boolean },
  ): Promise<void> {
    const records = stack().tableClient("Recoveries");
    const sessions = stack().tableClient("IdvSessions");
    const record = await records.getEntity<{ provider: string; idvSessionId: string }>(
      started.recoveryId,
      "recovery",
    );
    const now = new Date().toISOString();
    const approved = (eventId: string) => ({
      result: JSON.stringify({ decision: "approved", reasons: [] }),
      resultAt: now,
      resultEventId: eventId,
    });
    await sessions.updateEntity(
      {
        partitionKey: record.provider,
        rowKey: record.idvSessionId,
        supersededAt: now,
        ...(stored.firstApproved ? approved("msg_first") : {}),
      },
      "Merge",
    );
    const second = randomUUID();
    await sessions.createEntity({
      partitionKey: record.provider,
      rowKey: second,
      provider: record.provider,
      sessionId: second,
      recoveryId: started.recoveryId,
      createdAt: now,
      previousSessionId: record.idvSessionId,
      handoffsRenewed: 1,
      ...(stored.secondApproved ? approved("msg_second") : {}),
    });
    await records.updateEntity(
      { partitionKey: started.recoveryId, rowKey: "recovery", idvSessionId: second, idvHandoffAt: now },
      "Merge",
      { etag: record.etag },
    );
    const raised = await fetch(
      `${stack().url}/runtime/webhooks/durabletask/instances/${started.recoveryId}/raiseEvent/${EVENTS.idvResult}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ decision: "approved" }),
      },
    );
    expect(raised.status).toBeLessThan(300);
  }

  /**
   * Waits for the presentation step's decision in the trail, read straight from the table: a
   * status read through the host would make the host read the record, and the step would then
   * no longer start from the version the IDV start left (what these tests are about).
   */
  async function presentationStepDecided(started: RecoveryStart): Promise<void> {
    await waitFor(async () => {
      const events = (await stack().auditEvents(started.recoveryId)).map((e) => e.event);
      return (
        events.includes("identity_verification_unconfirmed") || events.includes("presentation_requested")
      );
    }, "the presentation step's decision");
  }

  it("the IDV start's version, replaced by a renewal in another instance, does not back an approval of the replaced session", async () => {
    const started = await stack().startRecovery({ username: DEMO_USERS.adeleVance.userPrincipalName });
    await stack().waitForStatus(started.body, ["verifying_identity"]);
    await renewedElsewhere(started.body, { firstApproved: true, secondApproved: false });
    await presentationStepDecided(started.body);
    const done = await stack().waitForStatus(started.body, ["failed", "awaiting_presentation"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "idv_error" } });
    const events = (await stack().auditEvents(started.body.recoveryId)).map((e) => e.event);
    expect(events).toContain("identity_verification_unconfirmed");
    expect(events).not.toContain("presentation_requested");
  });

  it("the IDV start's version, replaced by a renewal in another instance, does not refuse the newest session's approval", async () => {
    const started = await stack().startRecovery({ username: DEMO_USERS.meganBowen.userPrincipalName });
    await stack().waitForStatus(started.body, ["verifying_identity"]);
    await renewedElsewhere(started.body, { firstApproved: false, secondApproved: true });
    await presentationStepDecided(started.body);
    const shown = await stack().waitForStatus(started.body, ["failed", "awaiting_presentation"]);
    expect(shown.status).toBe("awaiting_presentation");
    const events = (await stack().auditEvents(started.body.recoveryId)).map((e) => e.event);
    expect(events).not.toContain("identity_verification_unconfirmed");
    expect(events.filter((e) => e === "presentation_requested")).toHaveLength(1);
  });
});
