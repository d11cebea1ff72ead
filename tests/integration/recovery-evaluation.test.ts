/**
 * Evaluation mode (the default): the whole proofing flow runs, the result is
 * `evaluation_passed`, and nothing in the directory changes — not even for a user the TAP
 * policy does not cover, since no TAP will be issued.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { useStack } from "../support/stack";

describe("a recovery in evaluation mode", () => {
  const stack = useStack({ mode: "evaluation" });

  it("verifies the person and changes nothing", async () => {
    const user = DEMO_USERS.tapExcluded;
    const methods = stack().sims.graph.methods(user.id).length;
    const started = await stack().startRecovery({ username: user.userPrincipalName });
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity", "not_eligible"]);
    expect(verifying.status).toBe("verifying_identity");
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Johanna", lastName: "Lorenz" });
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!));
    const done = await stack().waitForStatus(started.body, ["evaluation_passed", "failed", "recovered"]);
    expect(done.status).toBe("evaluation_passed");
    expect(done.tap).toBeUndefined();
    expect(done.failure).toBeUndefined();
    expect(stack().sims.graph.methods(user.id)).toHaveLength(methods);
    expect(stack().sims.graph.temporaryAccessPasses(user.id)).toHaveLength(0);
    expect(stack().sims.graph.revocations(user.id).count).toBe(0);
    expect(
      stack().sims.graph.requests.filter(
        (r) => r.method === "DELETE" || r.path.endsWith("revokeSignInSessions"),
      ),
    ).toHaveLength(0);
    // Zero writes, proven from the simulator's log: every request was a read (GET, the
    // membership checks Graph models as POST, and $batch envelopes whose items are logged on
    // their own) — no deletion, revocation, TAP, mail or update.
    const requests = stack().sims.graph.requests;
    expect(requests.length).toBeGreaterThan(0);
    const reads = /\/(checkMemberGroups|getMemberGroups|\$batch)$/;
    const writes = requests.filter((r) => r.method !== "GET" && !(r.method === "POST" && reads.test(r.path)));
    expect(writes).toEqual([]);
    expect(stack().sims.graph.sentMail).toHaveLength(0);
  });
});
