/**
 * A Verified ID callback accepted and stored, then the host dies before the event reaches
 * the workflow: the service's retry is answered as a duplicate — and must still deliver the
 * result, or the recovery would wait for a presentation it already has and expire.
 * (Found by the fault campaign, dev/chaos.)
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { useStack } from "../support/stack";

const ADELE = DEMO_USERS.adeleVance;

describe("a presentation callback whose event was lost in a crash", () => {
  const stack = useStack({ mode: "production" });

  it("is raised again when the service retries it, and the recovery completes", async () => {
    const started = await stack().startRecovery({ username: ADELE.userPrincipalName });
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    const requestId = stack().presentationRequestId(awaiting.next!);

    const arm = await fetch(`${stack().url}/_host/faults`, {
      method: "POST",
      body: JSON.stringify({ crashOnRaiseEvent: true }),
    });
    expect(arm.status).toBe(200);
    const first = await stack().sims.verifiedId.present(requestId);
    expect(first.status).toBeNull(); // the host died after storing the result, before the raise
    await stack().crashAndRestartHost();

    // Stored as completed in the recovery's partition (src/store/presentations.ts).
    const rows = await stack().rows<{ partitionKey: string; rowKey: string; status: string }>("Recoveries");
    const presentations = rows.filter(
      (r) => r.partitionKey === started.body.recoveryId && r.rowKey.startsWith("presentation_"),
    );
    expect(presentations.map((p) => p.status)).toContain("completed");
    const index = stack().sims.verifiedId.callbacks.indexOf(first);
    const retry = await stack().sims.verifiedId.redeliverCallback(index);
    expect(retry.status).toBe(200);

    const done = await stack().waitForStatus(started.body, ["recovered", "failed", "expired"]);
    expect(done.status).toBe("recovered");
    expect(stack().sims.graph.temporaryAccessPasses(ADELE.id)).toHaveLength(1);

    // A further copy changes nothing.
    expect((await stack().sims.verifiedId.redeliverCallback(index)).status).toBe(200);
    await stack().waitForWorkflowEnd(started.body.recoveryId);
    expect(stack().sims.graph.temporaryAccessPasses(ADELE.id)).toHaveLength(1);
  });
});
