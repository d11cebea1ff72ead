/**
 * Durability: the host is killed (SIGKILL, nothing flushed) while a recovery waits for the
 * IDV webhook, and again while it waits for the presentation. Each time a new host resumes
 * from Azurite, the recovery completes, and no step ran twice with a visible effect.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { useStack } from "../support/stack";

const ADELE = DEMO_USERS.adeleVance;

describe("a recovery across host crashes", () => {
  const stack = useStack({ mode: "production" });

  it("completes with one TAP and one revocation", async () => {
    const started = await stack().startRecovery({ username: ADELE.userPrincipalName });
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);

    await stack().crashAndRestartHost();
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);

    await stack().crashAndRestartHost();
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!));
    const done = await stack().waitForStatus(started.body, ["recovered", "failed"]);
    expect(done.status).toBe("recovered");

    const passes = stack().sims.graph.temporaryAccessPasses(ADELE.id);
    expect(passes).toHaveLength(1);
    expect(passes[0]?.temporaryAccessPass).toBe(done.tap?.value);
    expect(stack().sims.graph.revocations(ADELE.id).count).toBe(1);
    expect(stack().sims.verifiedId.requests).toHaveLength(1);

    const audit = await stack().auditEvents(started.body.recoveryId);
    const count = (event: string) => audit.filter((e) => e.event === event).length;
    expect(count("eligibility_checked")).toBe(1);
    expect(count("identity_verification_started")).toBe(1);
    expect(count("presentation_requested")).toBe(1);
    expect(count("temporary_access_pass_issued")).toBe(1);
    expect(count("sign_in_sessions_revoked")).toBe(1);
    expect(count("recovery_finished")).toBe(1);
  });

  it("still fires a durable timer that was armed before a crash", async () => {
    const started = await stack().startRecovery({ username: ADELE.userPrincipalName });
    // Adele is in cooldown after the recovery above: use Megan.
    const megan = await stack().startRecovery({ username: DEMO_USERS.meganBowen.userPrincipalName });
    const adeleState = await stack().waitForStatus(started.body, ["not_eligible", "verifying_identity"]);
    expect(adeleState.status).toBe("not_eligible");
    const audit = await stack().auditEvents(started.body.recoveryId);
    expect(audit.find((e) => e.event === "eligibility_checked")?.code).toBe("cooldown");

    await stack().waitForStatus(megan.body, ["verifying_identity"]);
    await stack().crashAndRestartHost();
    await stack().advanceClock(31 * 60_000);
    const done = await stack().waitForStatus(megan.body, ["expired", "failed"]);
    expect(done).toMatchObject({ status: "expired", failure: { code: "idv_timeout" } });
  });
});
