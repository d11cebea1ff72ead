/**
 * The preflight checks as pure functions of their facts: the Conditional Access verdict for a
 * TAP holder, scope as discovery computes it, severity by profile mode, truncation, and the
 * permission, lifetime, Face Check and namesake rules — no I/O.
 */
import { describe, expect, it } from "vitest";
import { grantVerdict, narrowingConditions } from "../../src/admin/diagnostics/checks/conditionalAccess";
import { type DiagnosticsFacts, type Population, usersInScope } from "../../src/admin/diagnostics/facts";
import { CHECKS, evaluate } from "../../src/admin/diagnostics/index";
import { GRAPH_PERMISSIONS } from "../../src/admin/diagnostics/permissions";
import type { DiagnosticCheck } from "../../src/admin/diagnosticsReport";
import type { ConditionalAccessPolicy, DirectoryUserRow } from "../../src/directory/diagnosticsReads";
import { relativeNextLink } from "../../src/directory/diagnosticsReads";
import { type PolicyDocument, policyDocumentSchema } from "../../src/recovery/policy";

function policy(
  overrides: Record<string, unknown> = {},
  exclusions: Record<string, unknown> = {},
): PolicyDocument {
  return policyDocumentSchema.parse({
    profiles: [
      {
        id: "prod",
        displayName: "Prod",
        mode: "production",
        priority: 10,
        includeGroups: ["g-scope"],
        providers: { default: "idv" },
        ...overrides,
      },
    ],
    globalExclusions: exclusions,
  });
}

const row = (
  id: string,
  givenName: string | null = `G${id}`,
  surname: string | null = `S${id}`,
  accountEnabled = true,
): DirectoryUserRow => ({
  id,
  userPrincipalName: `${id}@contoso.example`,
  accountEnabled,
  givenName,
  surname,
});

function population(
  members: Record<string, string[]>,
  rows: DirectoryUserRow[],
  truncatedGroups: string[] = [],
): Population {
  const users = new Map(rows.map((r) => [r.id, r]));
  const memberOf = new Map<string, Set<string>>();
  for (const [group, ids] of Object.entries(members)) {
    for (const id of ids) memberOf.set(id, new Set([...(memberOf.get(id) ?? []), group]));
  }
  return { users, memberOf, truncatedGroups, failedGroups: [] };
}

/** Facts on which every check passes; each test spoils one part. */
function facts(overrides: Partial<DiagnosticsFacts> = {}): DiagnosticsFacts {
  const rows = [row("u1"), row("u2")];
  return {
    policy: { ok: true, value: policy() },
    authority: "did:web:contoso.example",
    authorityResolution: { kind: "resolved", keys: 1 },
    providers: [
      {
        name: "idv",
        adapter: "standard-webhooks",
        displayName: "IDV",
        verificationUrl: "https://idv.example/v",
        acceptedIssuers: ["did:web:idv.example"],
        manifestUri: "https://m.example",
        webhookToleranceSeconds: 300,
      },
    ],
    secrets: new Map([
      ["idv-handoff-signing-key", true],
      ["tap-handoff-key", true],
      ["idv-idv-webhook-secret", true],
    ]),
    notificationsEnabled: true,
    tokenRoles: { ok: true, value: GRAPH_PERMISSIONS.map((p) => p.name) },
    tapPolicy: {
      ok: true,
      value: {
        state: "enabled",
        defaultLifetimeInMinutes: 60,
        minimumLifetimeInMinutes: 10,
        maximumLifetimeInMinutes: 480,
        isUsableOnce: true,
        includeTargets: [{ targetType: "group", id: "all_users" }],
        excludeTargets: [],
      },
    },
    conditionalAccess: { ok: true, value: [] },
    population: { ok: true, value: population({ "g-scope": ["u1", "u2"] }, rows) },
    namesakeCandidates: { ok: true, value: { rows, complete: true, source: "tenant" } },
    signIns: {
      ok: true,
      value: new Map([
        ["u1", "2025-01-01T00:00:00Z"],
        ["u2", "2025-01-01T00:00:00Z"],
      ]),
    },
    privileged: {
      ok: true,
      value: { assignments: [], holders: new Map(), memberOf: new Map(), truncated: false },
    },
    ...overrides,
  };
}

function run(f: DiagnosticsFacts, id: string): DiagnosticCheck {
  const report = evaluate(f, { graphRequests: 0, usersExamined: 0, truncated: false }, new Date(0));
  return report.checks.find((c) => c.id === id)!;
}

const ca = (
  grantControls: ConditionalAccessPolicy["grantControls"],
  conditions: Partial<ConditionalAccessPolicy["conditions"]> = {},
): ConditionalAccessPolicy => ({
  id: "p",
  displayName: "p",
  state: "enabled",
  conditions: {
    users: { includeUsers: ["All"] },
    applications: { includeUserActions: ["urn:user:registersecurityinfo"] },
    ...conditions,
  },
  grantControls,
});

describe("what a Conditional Access grant means for a TAP holder", () => {
  it.each([
    ["block", { operator: "OR", builtInControls: ["block"] }, "blocks"],
    ["MFA (a TAP satisfies it)", { operator: "OR", builtInControls: ["mfa"] }, "allows"],
    ["MFA or a compliant device", { operator: "OR", builtInControls: ["mfa", "compliantDevice"] }, "allows"],
    [
      "MFA and a compliant device",
      { operator: "AND", builtInControls: ["mfa", "compliantDevice"] },
      "may_block",
    ],
    ["a compliant device alone", { operator: "OR", builtInControls: ["compliantDevice"] }, "may_block"],
    ["a password change with MFA", { operator: "AND", builtInControls: ["mfa", "passwordChange"] }, "blocks"],
    ["terms of use", { operator: "OR", builtInControls: [], termsOfUse: ["tou"] }, "allows"],
    [
      "a custom control",
      { operator: "OR", builtInControls: [], customAuthenticationFactors: ["duo"] },
      "may_block",
    ],
    [
      "a strength with a TAP combination",
      {
        operator: "OR",
        builtInControls: [],
        authenticationStrength: { allowedCombinations: ["fido2", "temporaryAccessPassOneTime"] },
      },
      "allows",
    ],
    [
      "a phishing-resistant strength",
      {
        operator: "OR",
        builtInControls: [],
        authenticationStrength: { allowedCombinations: ["fido2", "windowsHelloForBusiness"] },
      },
      "blocks",
    ],
    [
      "a TAP only together with a password",
      {
        operator: "OR",
        builtInControls: [],
        authenticationStrength: { allowedCombinations: ["password,temporaryAccessPassOneTime"] },
      },
      "blocks",
    ],
    [
      "a strength whose combinations are not given",
      { operator: "OR", builtInControls: [], authenticationStrength: { displayName: "x" } },
      "may_block",
    ],
    ["no grant controls (session controls only)", null, "allows"],
  ] as const)("%s → %s", (_name, grant, verdict) => {
    expect(grantVerdict(ca(grant as ConditionalAccessPolicy["grantControls"]))).toBe(verdict);
  });

  it("location, platform, client app and risk conditions narrow a policy; 'all' does not", () => {
    expect(
      narrowingConditions(
        ca(null, { locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] } }),
      ),
    ).toEqual(["locations"]);
    expect(
      narrowingConditions(
        ca(null, { locations: { includeLocations: ["All"], excludeLocations: [] }, clientAppTypes: ["all"] }),
      ),
    ).toEqual([]);
    expect(
      narrowingConditions(
        ca(null, {
          platforms: { includePlatforms: ["android"] },
          clientAppTypes: ["exchangeActiveSync"],
          userRiskLevels: ["high"],
        }),
      ),
    ).toEqual(["platforms", "clientAppTypes", "userRiskLevels"]);
  });
});

describe("scope as discovery computes it", () => {
  it("global exclusions (groups, users by id or UPN) and profile exclusions win; disabled users and users only in other groups are out", () => {
    const doc = policy({ excludeGroups: ["g-out"] }, { groups: ["g-exec"], users: ["u5@contoso.example"] });
    const rows = [row("u1"), row("u2"), row("u3"), row("u4", "A", "B", false), row("u5"), row("u6")];
    const pop = population(
      { "g-scope": ["u1", "u2", "u3", "u4", "u5"], "g-exec": ["u2"], "g-out": ["u3"], "g-tap": ["u6"] },
      rows,
    );
    expect(usersInScope(doc, pop).map((s) => s.user.id)).toEqual(["u1"]);
  });

  it("the profile with the lowest priority applies", () => {
    const doc = policyDocumentSchema.parse({
      profiles: [
        { id: "b", displayName: "b", priority: 20, includeGroups: ["g1"] },
        { id: "a", displayName: "a", priority: 10, includeGroups: ["g2"] },
      ],
    });
    const scoped = usersInScope(doc, population({ g1: ["u1"], g2: ["u1"] }, [row("u1")]));
    expect(scoped.map((s) => s.profile.id)).toEqual(["a"]);
  });
});

describe("check rules", () => {
  it("every check passes on healthy facts, and the report lists them all", () => {
    const report = evaluate(facts(), { graphRequests: 3, usersExamined: 2, truncated: false }, new Date(0));
    expect(report.checks).toHaveLength(CHECKS.length);
    expect(report.checks.filter((c) => c.status !== "pass")).toEqual([]);
    expect(report.status).toBe("pass");
  });

  it("a problem is a failure under a Production profile and a warning under an Evaluation one", () => {
    const rows = [row("u1", "Ann", null), row("u2")];
    const pop = { ok: true as const, value: population({ "g-scope": ["u1", "u2"] }, rows) };
    expect(run(facts({ population: pop }), "users_without_names").status).toBe("fail");
    expect(
      run(
        facts({ population: pop, policy: { ok: true, value: policy({ mode: "evaluation" }) } }),
        "users_without_names",
      ).status,
    ).toBe("warn");
  });

  it("an incomplete directory turns a pass into a warning but keeps a failure", () => {
    const truncated = {
      ok: true as const,
      value: population({ "g-scope": ["u1", "u2"] }, [row("u1"), row("u2")], ["g-scope"]),
    };
    expect(run(facts({ population: truncated }), "users_without_names").status).toBe("warn");
    const withProblem = {
      ok: true as const,
      value: population({ "g-scope": ["u1", "u2"] }, [row("u1", null, "X"), row("u2")], ["g-scope"]),
    };
    expect(run(facts({ population: withProblem }), "users_without_names").status).toBe("fail");
  });

  it("a broader permission satisfies a required one; Mail.Send is needed only with notices; an opaque token is a warning", () => {
    const roles = GRAPH_PERMISSIONS.map((p) => p.name).filter(
      (r) => r !== "User.Read.All" && r !== "Mail.Send",
    );
    expect(
      run(
        facts({
          tokenRoles: { ok: true, value: [...roles, "Directory.Read.All"] },
          notificationsEnabled: false,
        }),
        "graph_permissions",
      ).status,
    ).toBe("pass");
    const missing = run(facts({ tokenRoles: { ok: true, value: roles } }), "graph_permissions");
    expect(missing.status).toBe("fail");
    expect(missing.evidence.missing).toEqual([
      { permission: "User.Read.All", neededFor: expect.any(String) },
      { permission: "Mail.Send", neededFor: expect.any(String) },
    ]);
    expect(run(facts({ tokenRoles: { ok: true, value: "opaque" } }), "graph_permissions").status).toBe(
      "warn",
    );
  });

  it("a TAP clamped longer than the profile says fails in Production; clamped shorter or forced one-time is a warning", () => {
    const tap = (min: number, max: number, isUsableOnce = true) =>
      ({
        ok: true,
        value: {
          ...(facts().tapPolicy as { value: object }).value,
          minimumLifetimeInMinutes: min,
          maximumLifetimeInMinutes: max,
          isUsableOnce,
        },
      }) as DiagnosticsFacts["tapPolicy"];
    expect(run(facts({ tapPolicy: tap(120, 480) }), "tap_policy_lifetime").status).toBe("fail");
    expect(run(facts({ tapPolicy: tap(10, 30) }), "tap_policy_lifetime").status).toBe("warn");
    expect(
      run(
        facts({ tapPolicy: tap(10, 480), policy: { ok: true, value: policy({ tapUsableOnce: false }) } }),
        "tap_policy_lifetime",
      ).status,
    ).toBe("warn");
  });

  it("Face Check off fails in Production; a threshold under 70 warns", () => {
    expect(
      run(facts({ policy: { ok: true, value: policy({ faceCheck: false }) } }), "face_check").status,
    ).toBe("fail");
    expect(
      run(facts({ policy: { ok: true, value: policy({ faceCheckThreshold: 60 }) } }), "face_check").status,
    ).toBe("warn");
  });

  it("namesakes are tolerated when the profile binds more than the name", () => {
    const rows = [row("u1", "Ann", "Lee"), row("u2", "ann", "LEE ")];
    const f = {
      population: { ok: true as const, value: population({ "g-scope": ["u1", "u2"] }, rows) },
      namesakeCandidates: { ok: true as const, value: { rows, complete: true, source: "tenant" as const } },
    };
    expect(run(facts(f), "namesakes_in_scope").status).toBe("fail");
    const bound = policy({
      bindings: [{ claim: "dateOfBirth", attribute: "extensionAttribute3", compare: "date" }],
    });
    const check = run(facts({ ...f, policy: { ok: true, value: bound } }), "namesakes_in_scope");
    expect(check.status).toBe("pass");
    expect(check.evidence.tolerated).toBe(1);
  });

  it("an unreadable source fails the checks that need it, with the reason, and no other", () => {
    const report = evaluate(
      facts({
        conditionalAccess: {
          ok: false,
          error: "Graph Conditional Access read failed (403 Authorization_RequestDenied)",
        },
      }),
      { graphRequests: 0, usersExamined: 0, truncated: false },
      new Date(0),
    );
    expect(report.checks.filter((c) => c.status !== "pass").map((c) => [c.id, c.summary])).toEqual([
      [
        "conditional_access_registration",
        "Could not read Conditional Access policies: Graph Conditional Access read failed (403 Authorization_RequestDenied)",
      ],
    ]);
  });

  it("a did:web authority that resolves to no key fails; one unreachable from here warns", () => {
    expect(
      run(facts({ authorityResolution: { kind: "resolved", keys: 0 } }), "verified_id_authority").status,
    ).toBe("fail");
    expect(
      run(
        facts({ authorityResolution: { kind: "error", reason: "did_unresolvable", message: "timeout" } }),
        "verified_id_authority",
      ).status,
    ).toBe("warn");
    expect(
      run(
        facts({ authorityResolution: { kind: "error", reason: "did_unsupported", message: "bad host" } }),
        "verified_id_authority",
      ).status,
    ).toBe("fail");
  });
});

describe("paging links", () => {
  it("an absolute @odata.nextLink becomes a $batch-relative URL, query kept", () => {
    expect(
      relativeNextLink(
        "https://graph.microsoft.com/v1.0/groups/g/transitiveMembers/microsoft.graph.user?$top=999&$skiptoken=abc",
      ),
    ).toBe("/groups/g/transitiveMembers/microsoft.graph.user?$top=999&$skiptoken=abc");
    expect(relativeNextLink("http://127.0.0.1:5000/beta/users?$skiptoken=x")).toBe("/users?$skiptoken=x");
  });
});
