/**
 * The webhook inbox survives a crash: the host is killed after the accepted webhook was
 * written to the inbox and before its event reached the workflow. The provider's retries all
 * fail while the host is down; after the restart the sweeper (a timer function, run here on
 * demand) re-delivers the entry and the recovery completes — exactly once, however often the
 * sweeper runs or the provider redelivers.
 */
import { randomUUID } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { MAX_DELIVERY_ATTEMPTS } from "../../src/functions/idvDelivery";
import { useStack } from "../support/stack";

const SWEEPER = "sweepIdvInbox";

describe("the IDV webhook inbox and its sweeper", () => {
  const stack = useStack({ mode: "production", settings: { IDV_INBOX_SWEEP_MIN_AGE_SECONDS: "0" } });

  it("a host killed between the inbox write and the event delivery loses nothing: the sweeper completes the recovery exactly once", async () => {
    const megan = DEMO_USERS.meganBowen;
    const started = await stack().startRecovery({ username: megan.userPrincipalName });
    expect(started.status).toBe(202);
    const start = started.body;
    const verifying = await stack().waitForStatus(start, ["verifying_identity"]);
    const sessionId = decodeJwt(new URL(verifying.next!.url).searchParams.get("token")!).RequestId;

    const arm = await fetch(`${stack().url}/_host/faults`, {
      method: "POST",
      body: JSON.stringify({ crashOnRaiseEvent: true }),
    });
    expect(arm.status).toBe(200);
    const first = stack().sims.idv.deliveries.length;
    const idv = await stack().completeIdv(verifying.next!, "approved", {
      firstName: "Megan",
      lastName: "Bowen",
    });
    expect(idv.webhookStatus).toBeNull(); // the host died mid-request
    // Every retry of the provider fails while the host is down.
    await stack().sims.idv.settled();
    const attempts = stack().sims.idv.deliveries.slice(first);
    expect(attempts.length).toBeGreaterThan(1);
    expect(attempts.every((d) => d.status === null)).toBe(true);

    await stack().crashAndRestartHost();
    const inbox = await stack().rows<{ rowKey: string; sessionId: string; delivered: boolean }>(
      "WebhookInbox",
    );
    expect(inbox.filter((e) => e.sessionId === sessionId)).toEqual([
      expect.objectContaining({ rowKey: attempts[0]!.id, delivered: false }),
    ]);
    expect((await stack().readRecovery(start.recoveryId, start.recoveryToken)).body.status).toBe(
      "verifying_identity",
    );

    await stack().runTimer(SWEEPER);
    const awaiting = await stack().waitForStatus(start, ["awaiting_presentation"]);
    // The sweeper may run again, the provider may redeliver: nothing happens twice.
    await stack().runTimer(SWEEPER);
    const redelivered = await stack().sims.idv.redeliver(first);
    expect(redelivered.status).toBe(200);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!));
    const done = await stack().waitForStatus(start, ["recovered", "failed"]);
    expect(done.status).toBe("recovered");
    await stack().runTimer(SWEEPER);

    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.filter((e) => e.event === "identity_verification_completed")).toHaveLength(1);
    expect(audit.filter((e) => e.event === "presentation_requested")).toHaveLength(1);
    expect(stack().sims.graph.temporaryAccessPasses(megan.id)).toHaveLength(1);
    const after = await stack().rows<{ sessionId: string; delivered: boolean }>("WebhookInbox");
    expect(after.filter((e) => e.sessionId === sessionId)).toEqual([
      expect.objectContaining({ delivered: true }),
    ]);
    const durable = JSON.parse((await stack().durableStatus(start.recoveryId)).text) as {
      historyEvents?: Array<{ EventType: string; Name?: string }>;
      history?: Array<{ EventType: string; Name?: string }>;
    };
    const history = durable.historyEvents ?? durable.history ?? [];
    expect(history.filter((e) => e.EventType === "EventRaised" && e.Name === "IdvResult")).toHaveLength(1);
  }, 120_000);

  it("an entry that keeps failing is retried a bounded number of times, then closed as delivery_failed", async () => {
    const inbox = TableClient.fromConnectionString(
      stack().settings.AzureWebJobsStorage!,
      `${stack().tablePrefix}WebhookInbox`,
      { allowInsecureConnection: true },
    );
    const webhookId = `poison-${randomUUID()}`;
    // An entry whose stored result cannot be read: its delivery fails every time.
    await inbox.createEntity({
      partitionKey: "demo-idv",
      rowKey: webhookId,
      provider: "demo-idv",
      webhookId,
      receivedAt: new Date(Date.now() - 60_000).toISOString(),
      sessionId: randomUUID(),
      recoveryId: randomUUID(),
      result: "{not json",
      delivered: false,
    });
    const entry = async () =>
      inbox.getEntity<{ delivered: boolean; attempts?: number; disposition?: string }>("demo-idv", webhookId);
    for (let run = 1; run < MAX_DELIVERY_ATTEMPTS; run++) {
      await stack().runTimer(SWEEPER);
      expect(await entry()).toMatchObject({ delivered: false, attempts: run });
    }
    await stack().runTimer(SWEEPER);
    expect(await entry()).toMatchObject({
      delivered: true,
      attempts: MAX_DELIVERY_ATTEMPTS,
      disposition: "delivery_failed",
    });
    expect(stack().logs()).toMatch(
      new RegExp(`${webhookId}: delivery attempt ${MAX_DELIVERY_ATTEMPTS} failed.*giving up`),
    );
    await stack().runTimer(SWEEPER);
    expect((await entry()).attempts).toBe(MAX_DELIVERY_ATTEMPTS);
  });

  it("the sweeper with nothing to do changes nothing", async () => {
    const before = await stack().dumpTables();
    await stack().runTimer(SWEEPER);
    const changed = (await stack().dumpTables())
      .split("\n")
      .filter((l) => l.startsWith(stack().tablePrefix) && !before.includes(l));
    expect(changed).toEqual([]);
  });
});
