/**
 * The preflight diagnostics on a tenant of 20,000 users in scope: bounded Graph work (round
 * trips counted from the simulator's request log, not a stopwatch), exact findings among the
 * 20,000, and the DIAGNOSTICS_MAX_USERS bound cutting the work short with `truncated`.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_TENANT_ID } from "../../dev/seed/demo-tenant";
import { generatedUsers, type TenantSeed, WELL_KNOWN_METHOD_IDS } from "../../dev/simulators/graph";
import {
  appSettings,
  type DevSecrets,
  generateDevSecrets,
  type SimulatorStack,
  startSimulators,
} from "../../dev/stack";
import { runDiagnostics } from "../../src/admin/diagnostics";
import type { DiagnosticsReport } from "../../src/admin/diagnosticsReport";
import { loadConfig } from "../../src/config";
import { createServices } from "../../src/services";

const USERS = 20_000;
const SCOPE = "0c0c0c0c-0000-4000-8000-000000000001";
const EXCLUDED = "0c0c0c0c-0000-4000-8000-000000000002";
const OUTSIDE = "0c0c0c0c-0000-4000-8000-000000000003";

/** 20,000 users in scope, with a few of each problem the user checks look for, and 50 users out of scope. */
function largeTenant(): TenantSeed {
  const users = generatedUsers(USERS, { memberOf: [SCOPE] });
  for (let i = 0; i < 5; i++) users[100 + i * 3000]!.surname = null;
  for (let i = 0; i < 7; i++) users[200 + i * 2500]!.lastSuccessfulSignInDateTime = null;
  const outside = generatedUsers(50, { memberOf: [OUTSIDE], batch: 1 });
  // Three people in scope share their name with someone out of scope (discovery counts tenant-wide).
  for (let i = 0; i < 3; i++) {
    const inScope = users[300 + i * 4000]!;
    Object.assign(outside[i]!, { givenName: inScope.givenName, surname: inScope.surname });
  }
  return {
    tenantId: DEMO_TENANT_ID,
    groups: [
      { id: SCOPE, displayName: "Recovery scope (20k)" },
      { id: EXCLUDED, displayName: "Executives" },
      { id: OUTSIDE, displayName: "Contractors" },
    ],
    users: [
      ...users,
      ...outside,
      {
        id: "0d0d0d0d-0000-4000-8000-000000000001",
        userPrincipalName: "ceo@contoso.example",
        givenName: "Cee",
        surname: "Eo",
        displayName: "CEO",
        accountEnabled: true,
        lastSuccessfulSignInDateTime: "2025-05-01T08:00:00Z",
        memberOf: [SCOPE, EXCLUDED],
        methods: [{ type: "password", id: WELL_KNOWN_METHOD_IDS.password }],
      },
    ],
    tapPolicy: {
      state: "enabled",
      defaultLifetimeInMinutes: 60,
      defaultLength: 16,
      minimumLifetimeInMinutes: 10,
      maximumLifetimeInMinutes: 480,
      isUsableOnce: true,
      includeTargets: [{ id: "all_users" }],
      excludeTargets: [],
    },
    conditionalAccessPolicies: [
      {
        id: "ca-1",
        displayName: "Require MFA to register security info",
        state: "enabled",
        users: { includeUsers: ["All"], excludeGroups: [EXCLUDED] },
        applications: { includeUserActions: ["urn:user:registersecurityinfo"] },
        grantControls: { operator: "OR", builtInControls: ["mfa"] },
      },
    ],
    roleAssignments: [
      {
        id: "ra-1",
        roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10",
        principalId: "0d0d0d0d-0000-4000-8000-000000000001",
      },
    ],
  };
}

let sims: SimulatorStack;
let secrets: DevSecrets;

beforeAll(async () => {
  secrets = await generateDevSecrets();
  sims = await startSimulators({ appPort: 7071, tenant: largeTenant(), secrets });
});
afterAll(async () => {
  await sims?.stop();
});

async function diagnose(extra: Record<string, string> = {}): Promise<DiagnosticsReport> {
  const settings = {
    ...appSettings({
      appPort: 7071,
      storageConnectionString: inject("azuriteConnectionString"),
      tablePrefix: `scale${randomBytes(4).toString("hex")}`,
      tenantId: DEMO_TENANT_ID,
      simulators: sims,
      secrets,
      policy: {
        profiles: [
          {
            id: "everyone",
            displayName: "Everyone",
            mode: "production",
            includeGroups: [SCOPE],
            providers: { default: "demo-idv" },
          },
        ],
        globalExclusions: { groups: [EXCLUDED], users: [] },
      },
    }),
    ...extra,
  };
  return runDiagnostics(createServices(loadConfig(settings), settings));
}

const status = (report: DiagnosticsReport, id: string) => report.checks.find((c) => c.id === id)!;

describe("preflight diagnostics on 20,000 users", () => {
  it("examines every user within a bounded number of Graph round trips and finds exactly the seeded problems", async () => {
    sims.graph.clearRequests();
    const started = performance.now();
    const report = await diagnose();
    const elapsedMs = Math.round(performance.now() - started);
    const roundTrips = sims.graph.requests.filter((r) => !r.inBatch).length;
    console.log(
      `diagnostics, ${USERS} users in scope (${USERS + 51} in the tenant): ${roundTrips} Graph round trips, ${elapsedMs} ms`,
    );
    expect(report.cost.graphRequests).toBe(roundTrips);
    expect(report.cost).toMatchObject({ usersExamined: USERS + 51, truncated: false });
    // The bound: TAP policy, Conditional Access, role assignments, the holders' group check (one
    // round trip each); pages of 999 for the scope and the tenant listed side by side; sign-in
    // activity for 300 users a round trip.
    const bound = 4 + Math.ceil((USERS + 51) / 999) + Math.ceil(USERS / 300);
    expect(roundTrips).toBeLessThanOrEqual(bound);
    expect(bound).toBeLessThan(100);
    expect(status(report, "users_without_names").evidence).toMatchObject({
      usersInScope: USERS,
      affected: 5,
    });
    expect(status(report, "users_without_sign_in").evidence).toMatchObject({
      usersInScope: USERS,
      affected: 7,
    });
    expect(status(report, "namesakes_in_scope").evidence).toMatchObject({
      groups: 3,
      comparedWith: "the whole tenant",
    });
    expect(status(report, "privileged_roles_in_production").status).toBe("pass");
    expect(status(report, "tap_policy_scope").status).toBe("pass");
    expect(status(report, "conditional_access_registration").status).toBe("pass");
  });

  it("with DIAGNOSTICS_MAX_USERS below the tenant's size stops early, says truncated, and lets no user check pass", async () => {
    sims.graph.clearRequests();
    const report = await diagnose({ DIAGNOSTICS_MAX_USERS: "2000" });
    const roundTrips = sims.graph.requests.filter((r) => !r.inBatch).length;
    console.log(
      `diagnostics, ${USERS} users in scope, DIAGNOSTICS_MAX_USERS=2000: ${roundTrips} Graph round trips`,
    );
    expect(report.cost.graphRequests).toBe(roundTrips);
    expect(report.cost.truncated).toBe(true);
    expect(report.cost.usersExamined).toBeLessThanOrEqual(2 * 2 * 999);
    expect(roundTrips).toBeLessThanOrEqual(4 + 3 + Math.ceil(2997 / 300));
    for (const id of [
      "tap_policy_scope",
      "users_without_names",
      "users_without_sign_in",
      "namesakes_in_scope",
      "conditional_access_registration",
    ]) {
      expect(status(report, id).status, id).not.toBe("pass");
      expect(status(report, id).evidence, id).toMatchObject({ truncated: true });
    }
    // What was found in the part examined is still reported: the first user without a surname.
    expect(status(report, "users_without_names").evidence).toMatchObject({ affected: 1 });
  });
});

describe("a small pilot in a tenant larger than DIAGNOSTICS_MAX_USERS", () => {
  it("finds namesakes anywhere in the tenant by looking up the pilot's names, exactly and cheaply", async () => {
    const outside = generatedUsers(3000, { memberOf: [OUTSIDE], batch: 2 });
    // The pilot's names begin with letters no one outside has: the candidate query (by initials,
    // names.ts) then answers each lookup in one page. Names sharing initials with more than 999
    // accounts would make the lookup incomplete (truncated), never a silent pass.
    const pilot = generatedUsers(40, { memberOf: [SCOPE], batch: 3 }).map((u, i) => ({
      ...u,
      givenName: `Quinn${i}`,
      surname: `Xu${i}`,
    }));
    // Far beyond the part of the tenant listing the bound lets through.
    Object.assign(outside[2500]!, { givenName: pilot[7]!.givenName, surname: pilot[7]!.surname });
    const seed = largeTenant();
    sims.graph.reset({ ...seed, users: [...outside, ...pilot, seed.users.at(-1)!] });
    const report = await diagnose({ DIAGNOSTICS_MAX_USERS: "1000" });
    const roundTrips = sims.graph.requests.filter((r) => !r.inBatch).length;
    expect(report.cost.graphRequests).toBe(roundTrips);
    expect(status(report, "namesakes_in_scope")).toMatchObject({
      status: "fail",
      evidence: {
        groups: 1,
        comparedWith: "accounts named like users in scope (per-name lookups)",
        truncated: false,
        namesakes: [{ userIds: expect.arrayContaining([pilot[7]!.id, outside[2500]!.id]) }],
      },
    });
    expect(report.cost.truncated).toBe(false);
    // 40 names, 20 lookups a round trip.
    const lookups = sims.graph.requests.filter((r) => r.inBatch && /surname:/.test(r.query.$search ?? ""));
    expect(lookups).toHaveLength(40);
  });
});
