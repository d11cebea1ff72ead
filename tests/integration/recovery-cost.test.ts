/**
 * What one recovery costs the directory and the workflow engine, pinned (these counts are
 * deterministic; times are measured by `npm run bench`, never asserted): the Graph round trips
 * of a successful Production recovery, notices included, and the orchestrator's episodes.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { useStack } from "../support/stack";

const ADELE = DEMO_USERS.adeleVance;

describe("the cost of a successful Production recovery", () => {
  const stack = useStack({ mode: "production" });

  it("is 5 Graph round trips (discovery 2, the match's read, the writes, the notices) and at most 15 episodes", async () => {
    const graph = stack().sims.graph;
    const methodsBefore = graph.methods(ADELE.id).length;
    graph.clearRequests();
    const started = await stack().startRecovery({ username: ADELE.userPrincipalName });
    expect(started.status).toBe(202);
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!));
    const done = await stack().waitForStatus(started.body, ["recovered", "failed"], 30_000);
    expect(done.status).toBe("recovered");
    await stack().waitForWorkflowEnd(started.body.recoveryId);

    const roundTrips = graph.requests.filter((r) => !r.inBatch);
    expect(roundTrips.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(
      Array.from({ length: 5 }, () => "POST /$batch 200"),
    );
    // What they carried: the deletions (every method but the password), then the revocation,
    // then the TAP, then both notices.
    const label = (r: { method: string; path: string }) =>
      r.method === "DELETE" ? "delete" : (r.path.split("/").at(-1) ?? "");
    const writes = graph.requests
      .filter((r) => r.inBatch && r.method !== "GET" && !r.path.endsWith("/checkMemberGroups"))
      .map(label);
    expect(writes).toEqual([
      ...Array.from({ length: methodsBefore - 1 }, () => "delete"),
      "revokeSignInSessions",
      "temporaryAccessPassMethods",
      "sendMail",
      "sendMail",
    ]);

    const episodes = await stack().durableEpisodes(started.body.recoveryId);
    expect(episodes).toBeLessThanOrEqual(15);
    expect(episodes).toBeGreaterThanOrEqual(9); // one per activity and event at least
  });
});
