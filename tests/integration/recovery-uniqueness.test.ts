/**
 * The insider path, over HTTP on the test stack: under a relaxed profile, an employee presents
 * his own genuine credential in a colleague's recovery. His name ("Michael John Smith") matches
 * the colleague's account ("John Smith": one extra word). Discovery refuses the colleague up
 * front when it sees the insider's account; when the insider's account is not there yet at
 * discovery (created or renamed while the colleague verifies), the match reads the accounts
 * the presented credential matches, finds his, and ends the recovery `failed` with
 * `profile_ambiguous`: no directory write at all.
 */
import { describe, expect, it } from "vitest";
import { demoPolicy } from "../../dev/seed/demo-policy";
import { DEMO_USERS, demoTenant } from "../../dev/seed/demo-tenant";
import type { TenantSeed } from "../../dev/simulators/graph";
import { useStack } from "../support/stack";

const VICTIM = { id: "00000000-0000-4000-8000-00000000a001", upn: "john.smith@contoso.example" };
const INSIDER = { id: "00000000-0000-4000-8000-00000000a002", upn: "michael.smith@contoso.example" };
const LONE = { id: "00000000-0000-4000-8000-00000000a003", upn: "zoe.lefevre@contoso.example" };
const LATE_VICTIM = { id: "00000000-0000-4000-8000-00000000a004", upn: "jane.doe@contoso.example" };
const MARY = { id: "00000000-0000-4000-8000-00000000a006", upn: "mary.ann@contoso.example" };
const THROTTLED = { id: "00000000-0000-4000-8000-00000000a007", upn: "elodie.marchand@contoso.example" };
const UNREADABLE = { id: "00000000-0000-4000-8000-00000000a008", upn: "ingrid.berg@contoso.example" };
const LATE_INSIDER = { id: "00000000-0000-4000-8000-00000000a005", upn: "mary.doe@contoso.example" };

function tenant(late = false): TenantSeed {
  const seed = demoTenant();
  const adele = seed.users.find((u) => u.id === DEMO_USERS.adeleVance.id)!;
  const person = (p: { id: string; upn: string }, givenName: string, surname: string) => ({
    ...structuredClone(adele),
    id: p.id,
    userPrincipalName: p.upn,
    mail: p.upn,
    givenName,
    surname,
    displayName: `${givenName} ${surname}`,
  });
  return {
    ...seed,
    users: [
      ...seed.users,
      person(VICTIM, "John", "Smith"),
      person(INSIDER, "Michael John", "Smith"),
      person(LONE, "Zoë", "Lefèvre"),
      person(LATE_VICTIM, "Jane", "Doe"),
      person(MARY, "Mary Ann", "Smithson"),
      person(THROTTLED, "Élodie", "Marchand"),
      person(UNREADABLE, "Ingrid", "Bergström"),
      ...(late ? [person(LATE_INSIDER, "Jane Mary", "DOE")] : []),
    ],
  };
}

const doc = demoPolicy("production");
const POLICY = { ...doc, profiles: doc.profiles.map((p) => ({ ...p, nameMatch: "relaxed" })) };

describe("the match is unique in the tenant (relaxed profile)", () => {
  const stack = useStack({ mode: "production", tenant: tenant(), policy: POLICY });

  async function recover(
    upn: string,
    names: { firstName: string; lastName: string },
    afterDiscovery: () => void = () => {},
  ) {
    const started = await stack().startRecovery({ username: upn });
    expect(started.status).toBe(202);
    const verifying = await stack().waitForStatus(
      started.body,
      ["verifying_identity", "not_eligible"],
      30_000,
    );
    expect(verifying.status).toBe("verifying_identity");
    afterDiscovery();
    await stack().completeIdv(verifying.next!, "approved", names);
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!));
    const done = await stack().waitForStatus(started.body, ["recovered", "failed"], 30_000);
    await stack().waitForWorkflowEnd(started.body.recoveryId);
    const audit = await stack().auditEvents(started.body.recoveryId);
    const matched = audit.find((e) => e.event === "profile_matched");
    return { done, matched, detail: JSON.parse(matched?.detail ?? "{}") as Record<string, unknown> };
  }

  it("discovery refuses an account another employee's own name matches (namesake, audited with his id)", async () => {
    const started = await stack().startRecovery({ username: VICTIM.upn });
    const state = await stack().waitForStatus(started.body, ["verifying_identity", "not_eligible"], 30_000);
    expect(state.status).toBe("not_eligible");
    const audit = await stack().auditEvents(started.body.recoveryId);
    const checked = audit.find((e) => e.event === "eligibility_checked");
    expect(checked).toMatchObject({ outcome: "failure", code: "namesake" });
    expect(JSON.parse(checked?.detail ?? "{}")).toMatchObject({ namesakes: [INSIDER.id] });
  });

  it("another employee's genuine credential in a colleague's recovery ends profile_ambiguous, naming his account, with no directory write", async () => {
    const graph = stack().sims.graph;
    const methodsBefore = graph.methods(LATE_VICTIM.id).length;
    // The insider's account appears only after the colleague's discovery.
    const { done, matched, detail } = await recover(
      LATE_VICTIM.upn,
      { firstName: "Jane Mary", lastName: "Doe" },
      () => graph.reset(tenant(true)),
    );
    expect(done).toMatchObject({ status: "failed", failure: { code: "profile_ambiguous" } });
    expect(matched).toMatchObject({ outcome: "failure", code: "profile_ambiguous" });
    expect(detail).toMatchObject({
      uniqueness: "other_accounts_match",
      collidingAccounts: [LATE_INSIDER.id],
    });
    // Nothing written to the directory: no method deleted, no session revoked, no TAP.
    expect(graph.methods(LATE_VICTIM.id)).toHaveLength(methodsBefore);
    expect(graph.temporaryAccessPasses(LATE_VICTIM.id)).toHaveLength(0);
    expect(graph.revocations(LATE_VICTIM.id).count).toBe(0);
    const writes = graph.requests.filter(
      (r) => r.inBatch && r.method !== "GET" && !r.path.endsWith("/checkMemberGroups"),
    );
    expect(writes.filter((r) => !r.path.endsWith("/sendMail"))).toEqual([]);
    // The candidate query Graph saw was a $search with ConsistencyLevel (else the simulator answers 400).
    const searches = graph.requests.filter((r) => r.inBatch && r.path === "/users" && "$search" in r.query);
    expect(searches.length).toBeGreaterThan(0);
    expect(searches.every((r) => r.status === 200)).toBe(true);
  });

  it("a credential whose only match is this account recovers it (the uniqueness check reads, it does not block)", async () => {
    const { done, detail } = await recover(LONE.upn, { firstName: "ZOE", lastName: "LEFEVRE" });
    expect(done.status).toBe("recovered");
    expect(detail.uniqueness).toBeUndefined();
  });

  it("a candidate search Graph throttles (429 with Retry-After) is resent, and the unique match recovers", async () => {
    const graph = stack().sims.graph;
    const searches = () =>
      graph.requests.filter((r) => r.inBatch && r.path === "/users" && r.query.$search !== undefined);
    const { done, detail } = await recover(
      THROTTLED.upn,
      { firstName: "ELODIE", lastName: "MARCHAND" },
      () => {
        graph.clearRequests();
        graph.throttle({ path: /^\/users$/, times: 1, retryAfterSeconds: 1 });
      },
    );
    expect(done.status).toBe("recovered");
    expect(detail.uniqueness).toBeUndefined();
    expect(searches().map((r) => r.status)).toEqual([429, 200]);
  });

  it("a candidate search Graph keeps refusing never lets the match pass: failed, no directory write", async () => {
    const graph = stack().sims.graph;
    const started = await stack().startRecovery({ username: UNREADABLE.upn });
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"], 30_000);
    graph.failNext({ path: /^\/users$/, times: 1_000, status: 503, code: "serviceNotAvailable" });
    await stack().completeIdv(verifying.next!, "approved", { firstName: "Ingrid", lastName: "Bergström" });
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!));
    // The durable retry policy waits between attempts: move the clock past each wait.
    const state = await stack().advanceClockUntil(
      () => stack().readRecovery(started.body.recoveryId, started.body.recoveryToken),
      (s) => ["failed", "recovered"].includes(s.body.status),
      30_000,
    );
    try {
      // The match runs in the validation step, whose unexpected failures end `internal_error`.
      expect(state.body).toMatchObject({ status: "failed", failure: { code: "internal_error" } });
      expect(graph.temporaryAccessPasses(UNREADABLE.upn)).toEqual([]);
      expect(graph.revocations(UNREADABLE.upn)).toMatchObject({ count: 0 });
    } finally {
      graph.reset(tenant()); // the fault off, the tenant as seeded
    }
  });

  it("a credential name with an invisible character is refused: credential_invalid, reason name_characters, no directory write", async () => {
    const graph = stack().sims.graph;
    const { done, matched, detail } = await recover(MARY.upn, {
      firstName: "Mary\uFEFFAnn",
      lastName: "Smithson",
    });
    expect(done).toMatchObject({ status: "failed", failure: { code: "credential_invalid" } });
    expect(matched).toMatchObject({ outcome: "failure", code: "credential_invalid" });
    expect(detail).toMatchObject({ reason: "name_characters" });
    expect(graph.temporaryAccessPasses(MARY.id)).toHaveLength(0);
    expect(graph.revocations(MARY.id).count).toBe(0);
  });
});
