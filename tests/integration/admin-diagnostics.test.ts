/**
 * Preflight diagnostics against the simulators and Azurite, through the real services (Graph
 * SDK client, policy store, secrets, DID resolver): a healthy tenant passes every check; each
 * check fails on the misconfiguration it exists for and passes once it is fixed; a source
 * Graph refuses fails only its own checks; no secret value ever appears; the round trips the
 * report counts are the ones the simulator saw. The 20,000-user tenant is in
 * admin-diagnostics-scale.test.ts.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DEMO_TENANT_ID } from "../../dev/seed/demo-tenant";
import {
  type ConditionalAccessPolicySeed,
  type TenantSeed,
  type UserSeed,
  WELL_KNOWN_METHOD_IDS,
} from "../../dev/simulators/graph";
import {
  appSettings,
  type DevSecrets,
  generateDevSecrets,
  type SimulatorStack,
  startSimulators,
} from "../../dev/stack";
import { runDiagnostics } from "../../src/admin/diagnostics";
import { GRAPH_PERMISSIONS } from "../../src/admin/diagnostics/permissions";
import type { DiagnosticsReport } from "../../src/admin/diagnosticsReport";
import { diagnosticsReportSchema } from "../../src/admin/diagnosticsReport";
import { loadConfig } from "../../src/config";
import { createServices } from "../../src/services";

const GLOBAL_ADMIN = "62e90394-69f5-4237-9190-012177145e10";
const G = {
  scope: "0a0a0a0a-0000-4000-8000-000000000001",
  staff: "0a0a0a0a-0000-4000-8000-000000000002",
  admins: "0a0a0a0a-0000-4000-8000-000000000003",
  breakGlass: "0a0a0a0a-0000-4000-8000-000000000004",
};
const U = {
  alice: "0b0b0b0b-0000-4000-8000-000000000001",
  bob: "0b0b0b0b-0000-4000-8000-000000000002",
  admin: "0b0b0b0b-0000-4000-8000-000000000003",
  outsider: "0b0b0b0b-0000-4000-8000-000000000004",
};

function user(
  id: string,
  upn: string,
  givenName: string | null,
  surname: string | null,
  memberOf: string[],
): UserSeed {
  return {
    id,
    userPrincipalName: `${upn}@contoso.example`,
    givenName,
    surname,
    displayName: `${givenName ?? ""} ${surname ?? ""}`.trim() || upn,
    accountEnabled: true,
    lastSuccessfulSignInDateTime: "2025-05-01T08:00:00Z",
    memberOf,
    methods: [{ type: "password", id: WELL_KNOWN_METHOD_IDS.password }],
  };
}

/** Microsoft's template "Securing security info registration": MFA, which a TAP satisfies. */
const MFA_ON_REGISTRATION: ConditionalAccessPolicySeed = {
  id: "ca-mfa-registration",
  displayName: "Require MFA to register security info",
  state: "enabled",
  users: { includeUsers: ["All"], excludeGroups: [G.breakGlass] },
  applications: { includeUserActions: ["urn:user:registersecurityinfo"] },
  grantControls: { operator: "OR", builtInControls: ["mfa"] },
};

/** Every check passes on this tenant. */
function healthyTenant(): TenantSeed {
  return {
    tenantId: DEMO_TENANT_ID,
    groups: [
      { id: G.scope, displayName: "Recovery scope" },
      { id: G.staff, displayName: "All staff" },
      { id: G.admins, displayName: "Admins", memberOf: [] },
      { id: G.breakGlass, displayName: "Break glass" },
    ],
    users: [
      user(U.alice, "alice", "Alice", "Smith", [G.scope, G.staff]),
      user(U.bob, "bob", "Bob", "Jones", [G.scope, G.staff]),
      user(U.admin, "admin", "Ada", "Admin", [G.scope, G.staff, G.admins]),
      user(U.outsider, "outsider", "Olga", "Outside", [G.staff]),
    ],
    tapPolicy: {
      state: "enabled",
      defaultLifetimeInMinutes: 60,
      defaultLength: 16,
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      isUsableOnce: true,
      includeTargets: [{ id: G.staff }],
      excludeTargets: [],
    },
    conditionalAccessPolicies: [MFA_ON_REGISTRATION],
    roleAssignments: [{ id: "ra-1", roleDefinitionId: GLOBAL_ADMIN, principalId: U.admin }],
  };
}

type Profile = Record<string, unknown>;
interface PolicyDoc {
  profiles: Profile[];
  globalExclusions: { groups: string[]; users: string[] };
}

function healthyPolicy(): PolicyDoc {
  return {
    profiles: [
      {
        id: "staff",
        displayName: "Staff",
        mode: "production",
        includeGroups: [G.scope],
        providers: { default: "demo-idv", byCountry: {} },
        tapLifetimeMinutes: 60,
      },
    ],
    globalExclusions: { groups: [G.admins], users: [] },
  };
}

/** An unsigned JWT-shaped token: the app only reads its `roles` claim; the simulator accepts it as is. */
function tokenWithRoles(roles: readonly string[]): string {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "RS256", typ: "JWT" })}.${part({ aud: "https://graph.microsoft.com", roles, nonce: randomBytes(8).toString("hex") })}.c2lnbmF0dXJl`;
}
const ALL_ROLES = GRAPH_PERMISSIONS.map((p) => p.name);

interface Scenario {
  tenant?: (seed: TenantSeed) => void;
  policy?: (doc: PolicyDoc) => void;
  settings?: (settings: Record<string, string>) => void;
  roles?: readonly string[];
}

let sims: SimulatorStack;
let secrets: DevSecrets;

beforeAll(async () => {
  secrets = await generateDevSecrets();
  sims = await startSimulators({ appPort: 7071, tenant: healthyTenant(), secrets });
});
afterAll(async () => {
  await sims?.stop();
});

/** One diagnostics run on a fresh table prefix, with the scenario applied to the healthy setup. */
async function diagnose(
  scenario: Scenario = {},
): Promise<{ report: DiagnosticsReport; settings: Record<string, string> }> {
  const tenant = healthyTenant();
  scenario.tenant?.(tenant);
  sims.graph.reset(tenant);
  const policy = healthyPolicy();
  scenario.policy?.(policy);
  const token = tokenWithRoles(scenario.roles ?? ALL_ROLES);
  sims.graph.acceptToken(token);
  const settings = appSettings({
    appPort: 7071,
    storageConnectionString: inject("azuriteConnectionString"),
    tablePrefix: `diag${randomBytes(4).toString("hex")}`,
    tenantId: DEMO_TENANT_ID,
    simulators: sims,
    secrets,
    policy,
  });
  const providers = JSON.parse(settings.IDV_PROVIDERS!) as Record<string, unknown>[];
  for (const p of providers)
    p.manifestUri ??=
      "https://verifiedid.did.msidentity.com/v1.0/tenants/x/verifiableCredentials/contracts/y/manifest";
  settings.IDV_PROVIDERS = JSON.stringify(providers);
  // The Verified ID simulator publishes this issuer's did:web document (over http on loopback).
  settings.VERIFIED_ID_AUTHORITY = sims.verifiedId.issuerDids.es256;
  settings.DEV_ACCESS_TOKEN = token;
  scenario.settings?.(settings);
  const report = await runDiagnostics(createServices(loadConfig(settings), settings));
  return { report, settings };
}

function check(report: DiagnosticsReport, id: string) {
  const found = report.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${report.checks.map((c) => c.id).join(", ")}`);
  return found;
}

describe("preflight diagnostics", () => {
  it("a healthy tenant passes every check, in a report of the contract's shape, and counts the round trips Graph saw", async () => {
    sims.graph.clearRequests();
    const { report } = await diagnose();
    expect(diagnosticsReportSchema.parse(report)).toEqual(report);
    expect(report.checks.filter((c) => c.status !== "pass").map((c) => [c.id, c.summary])).toEqual([]);
    expect(report.status).toBe("pass");
    expect(report.summary).toEqual({ pass: report.checks.length, warn: 0, fail: 0 });
    expect(report.checks.map((c) => c.id)).toEqual([
      "policy_store",
      "verified_id_authority",
      "face_check",
      "idv_providers",
      "app_secrets",
      "graph_permissions",
      "tap_policy_enabled",
      "tap_policy_scope",
      "tap_policy_lifetime",
      "users_without_names",
      "users_without_sign_in",
      "namesakes_in_scope",
      "conditional_access_registration",
      "privileged_roles_in_production",
    ]);
    for (const c of report.checks) expect(c.fix).toBeUndefined();
    const roundTrips = sims.graph.requests.filter((r) => !r.inBatch);
    expect(report.cost.graphRequests).toBe(roundTrips.length);
    expect(roundTrips.every((r) => r.path === "/$batch")).toBe(true);
    expect(report.cost).toMatchObject({ usersExamined: 4, truncated: false });
    // Everything the diagnostics do is a read: no item of any batch wrote to the directory.
    const writes = sims.graph.requests.filter((r) => r.inBatch && r.method !== "GET");
    expect(writes.every((r) => r.path.endsWith("/checkMemberGroups"))).toBe(true);
  });

  const cases: [string, string, Scenario][] = [
    [
      "policy_store",
      "a profile names a group that does not exist",
      {
        policy: (d) =>
          void (d.profiles[0]!.includeGroups as string[]).push("0a0a0a0a-0000-4000-8000-00000000dead"),
      },
    ],
    [
      "policy_store",
      "the profile's only group does not exist",
      {
        policy: (d) =>
          void Object.assign(d.profiles[0]!, { includeGroups: ["0a0a0a0a-0000-4000-8000-00000000dead"] }),
      },
    ],
    [
      "verified_id_authority",
      "the authority is not a valid did:web",
      { settings: (s) => void Object.assign(s, { VERIFIED_ID_AUTHORITY: "did:web:bad..example" }) },
    ],
    [
      "face_check",
      "a Production profile turns Face Check off",
      { policy: (d) => void Object.assign(d.profiles[0]!, { faceCheck: false }) },
    ],
    [
      "idv_providers",
      "the routed provider's webhook secret is missing",
      { settings: (s) => void delete s.SECRET_IDV_DEMO_IDV_WEBHOOK_SECRET },
    ],
    [
      "app_secrets",
      "the TAP sealing key is missing",
      { settings: (s) => void delete s.SECRET_TAP_HANDOFF_KEY },
    ],
    [
      "graph_permissions",
      "the app's token lacks RoleManagement.Read.Directory",
      { roles: ALL_ROLES.filter((r) => r !== "RoleManagement.Read.Directory") },
    ],
    [
      "tap_policy_enabled",
      "the TAP method is disabled",
      { tenant: (t) => void Object.assign(t.tapPolicy, { state: "disabled" }) },
    ],
    [
      "tap_policy_scope",
      "a user in scope is outside the TAP policy's targets",
      { tenant: (t) => void Object.assign(t.users[1]!, { memberOf: [G.scope] }) },
    ],
    [
      "tap_policy_scope",
      "the TAP policy excludes the profile's group",
      { tenant: (t) => void t.tapPolicy.excludeTargets.push({ id: G.scope }) },
    ],
    [
      "tap_policy_lifetime",
      "the policy's minimum makes the TAP outlive the profile's lifetime",
      {
        tenant: (t) =>
          Object.assign(t.tapPolicy, { minimumLifetimeInMinutes: 120, defaultLifetimeInMinutes: 120 }),
      },
    ],
    [
      "users_without_names",
      "a user in scope has no surname",
      { tenant: (t) => void Object.assign(t.users[1]!, { surname: null }) },
    ],
    [
      "users_without_sign_in",
      "a user in scope never signed in",
      { tenant: (t) => void Object.assign(t.users[1]!, { lastSuccessfulSignInDateTime: null }) },
    ],
    [
      "namesakes_in_scope",
      "a user out of scope shares the name of one in scope",
      { tenant: (t) => Object.assign(t.users[3]!, { givenName: "Alice", surname: "SMITH " }) },
    ],
    [
      "conditional_access_registration",
      "an enabled policy blocks registering security info",
      {
        tenant: (t) =>
          void Object.assign(t, {
            conditionalAccessPolicies: [
              {
                ...MFA_ON_REGISTRATION,
                id: "ca-block",
                displayName: "Block registration",
                grantControls: { operator: "OR", builtInControls: ["block"] },
              },
            ],
          }),
      },
    ],
    [
      "conditional_access_registration",
      "an authentication strength without TAP guards registration",
      {
        tenant: (t) =>
          void Object.assign(t, {
            conditionalAccessPolicies: [
              {
                ...MFA_ON_REGISTRATION,
                grantControls: {
                  operator: "OR",
                  builtInControls: [],
                  authenticationStrength: {
                    id: "00000000-0000-0000-0000-000000000004",
                    displayName: "Phishing-resistant MFA",
                    allowedCombinations: ["windowsHelloForBusiness", "fido2", "x509CertificateMultiFactor"],
                  },
                },
              },
            ],
          }),
      },
    ],
    [
      "privileged_roles_in_production",
      "a Global Administrator is in scope of the Production profile",
      { policy: (d) => void Object.assign(d.globalExclusions, { groups: [] }) },
    ],
    [
      "privileged_roles_in_production",
      "a role-assignable group holding Global Administrator contains a user in scope",
      {
        tenant: (t) =>
          void t.roleAssignments!.push({ id: "ra-2", roleDefinitionId: GLOBAL_ADMIN, principalId: G.staff }),
      },
    ],
  ];

  it.each(cases)("%s fails when %s, and passes once fixed", async (id, _what, scenario) => {
    const broken = (await diagnose(scenario)).report;
    const c = check(broken, id);
    expect(c.status, c.summary).toBe("fail");
    expect(c.fix).toMatch(/\w/);
    expect(broken.status).toBe("fail");
    const fixed = (await diagnose()).report;
    expect(check(fixed, id).status).toBe("pass");
  });

  it("names what it found: the user without a surname, the namesakes, the blocking policy, the privileged holder", async () => {
    const { report } = await diagnose({
      tenant: (t) => {
        t.users[1]!.surname = null;
        Object.assign(t.users[3]!, { givenName: "Alice", surname: "Smith" });
        t.conditionalAccessPolicies!.push({
          ...MFA_ON_REGISTRATION,
          id: "ca-block",
          displayName: "Block registration",
          grantControls: { operator: "OR", builtInControls: ["block"] },
        });
      },
      policy: (d) => void Object.assign(d.globalExclusions, { groups: [] }),
    });
    expect(check(report, "users_without_names").evidence).toMatchObject({
      affected: 1,
      sample: [{ id: U.bob, profile: "staff" }],
    });
    expect(check(report, "namesakes_in_scope").evidence).toMatchObject({
      groups: 1,
      comparedWith: "the whole tenant",
      namesakes: [{ name: "Alice Smith", accounts: 2, inScope: [{ id: U.alice }] }],
    });
    expect(
      (check(report, "namesakes_in_scope").evidence.namesakes as { userIds: string[] }[])[0]!.userIds.sort(),
    ).toEqual([U.alice, U.outsider].sort());
    expect(check(report, "conditional_access_registration").evidence).toMatchObject({
      blocking: [{ id: "ca-block", verdict: "blocks", usersInScopeCovered: 3 }],
    });
    expect(check(report, "privileged_roles_in_production").evidence).toMatchObject({
      inProductionScope: 1,
      sample: [{ id: U.admin, roles: ["Global Administrator"], via: ["direct"] }],
    });
  });

  it("a privileged holder the global exclusions name by UPN is out of scope, as in discovery", async () => {
    const { report } = await diagnose({
      policy: (d) => Object.assign(d.globalExclusions, { groups: [], users: ["ADMIN@contoso.example"] }),
    });
    expect(check(report, "privileged_roles_in_production")).toMatchObject({
      status: "pass",
      evidence: { privilegedHolders: 1, inProductionScope: 0 },
    });
  });

  it("under an Evaluation profile the same problems are warnings to fix before switching to Production", async () => {
    const { report } = await diagnose({
      tenant: (t) => {
        t.users[1]!.lastSuccessfulSignInDateTime = null;
        t.tapPolicy.excludeTargets.push({ id: G.scope });
      },
      policy: (d) => {
        d.profiles[0]!.mode = "evaluation";
        d.globalExclusions.groups = [];
      },
    });
    for (const id of ["users_without_sign_in", "tap_policy_scope", "privileged_roles_in_production"]) {
      expect(check(report, id).status, id).toBe("warn");
    }
  });

  it("report-only and location-scoped blocks are warnings, not failures", async () => {
    const block = {
      ...MFA_ON_REGISTRATION,
      grantControls: { operator: "OR" as const, builtInControls: ["block"] },
    };
    const reportOnly = await diagnose({
      tenant: (t) =>
        void Object.assign(t, {
          conditionalAccessPolicies: [{ ...block, state: "enabledForReportingButNotEnforced" }],
        }),
    });
    expect(check(reportOnly.report, "conditional_access_registration").status).toBe("warn");
    const untrusted = await diagnose({
      tenant: (t) =>
        void Object.assign(t, {
          conditionalAccessPolicies: [
            { ...block, locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] } },
          ],
        }),
    });
    const c = check(untrusted.report, "conditional_access_registration");
    expect(c.status).toBe("warn");
    expect(c.evidence).toMatchObject({
      blocking: [{ verdict: "may_block", narrowingConditions: ["locations"] }],
    });
  });

  it("a read Graph refuses fails only the checks that need it, saying which permission to grant", async () => {
    sims.graph.reset(healthyTenant());
    const run = diagnose({
      settings: () =>
        sims.graph.failNext({
          path: "/roleManagement/directory/roleAssignments",
          times: 100,
          status: 403,
          code: "Authorization_RequestDenied",
          message: "Insufficient privileges to complete the operation.",
        }),
    });
    const { report } = await run;
    const c = check(report, "privileged_roles_in_production");
    expect(c.status).toBe("fail");
    expect(c.summary).toContain("403 Authorization_RequestDenied");
    expect(c.fix).toContain("RoleManagement.Read.Directory");
    expect(report.checks.filter((x) => x.status !== "pass").map((x) => x.id)).toEqual([
      "privileged_roles_in_production",
    ]);
  });

  it("reads Graph throttles (429 with Retry-After) are resent after the wait, and the report is the healthy one", async () => {
    sims.graph.clearRequests();
    const { report } = await diagnose({
      settings: () => {
        sims.graph.throttle({ path: "/identity/conditionalAccess/policies", times: 1, retryAfterSeconds: 1 });
        sims.graph.throttle({ path: /^\/groups\//, times: 1, retryAfterSeconds: 1 });
      },
    });
    expect(report.checks.filter((c) => c.status !== "pass").map((c) => [c.id, c.summary])).toEqual([]);
    const throttled = sims.graph.requests.filter((r) => r.inBatch && r.status === 429);
    expect(throttled.length).toBe(2);
    const roundTrips = sims.graph.requests.filter((r) => !r.inBatch);
    expect(report.cost.graphRequests).toBe(roundTrips.length);
  });

  it("group members Graph refuses to list leave the user checks failing with the reason, never passing on an empty scope", async () => {
    const { report } = await diagnose({
      settings: () =>
        sims.graph.failNext({
          path: /^\/groups\//,
          times: 1000,
          status: 403,
          code: "Authorization_RequestDenied",
          message: "Insufficient privileges to complete the operation.",
        }),
    });
    for (const id of [
      "tap_policy_scope",
      "users_without_names",
      "users_without_sign_in",
      "namesakes_in_scope",
    ]) {
      const c = check(report, id);
      expect(c.status, id).toBe("fail");
      expect(c.summary, id).toContain("403 Authorization_RequestDenied");
      expect(c.fix, id).toContain("GroupMember.Read.All");
    }
  });

  it("never puts a secret value in the report", async () => {
    const { report, settings } = await diagnose({
      settings: (s) => void delete s.SECRET_IDV_AU10TIX_WEBHOOK_SECRET,
    });
    const text = JSON.stringify(report);
    const secretValues = Object.entries(settings)
      .filter(([name]) => name.startsWith("SECRET_") || name === "DEV_ACCESS_TOKEN")
      .map(([, value]) => value);
    expect(secretValues.length).toBeGreaterThan(4);
    for (const value of secretValues) expect(text).not.toContain(value);
    expect(text).not.toContain(secrets.webhookSecret);
    expect(check(report, "idv_providers").evidence).toMatchObject({
      providers: expect.arrayContaining([
        expect.objectContaining({
          name: "au10tix",
          webhookSecret: { name: "idv-au10tix-webhook-secret", present: false },
        }),
      ]),
    });
  });
});
