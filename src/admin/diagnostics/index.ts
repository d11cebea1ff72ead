/**
 * Preflight diagnostics (`GET /api/admin/diagnostics`): the admin's troubleshooting list,
 * automated. `runDiagnostics` reads what the checks need — configuration, secrets (present or
 * not, never their values), the policy profiles, and from Graph the TAP and Conditional Access
 * policies, the users in scope (group members page by page, bounded by
 * DIAGNOSTICS_MAX_USERS), their sign-in activity, the tenant's names, privileged role
 * holders — then evaluates each check as a pure function of those facts (checks/*.ts).
 * A source that cannot be read fails its own checks and spoils no other.
 */
import { decodeJwt } from "jose";
import { DiagnosticsReads, type Enumeration } from "../../directory/diagnosticsReads";
import { graphStatusOf } from "../../directory/graphError";
import { json } from "../../http";
import { HANDOFF_SIGNING_KEY_SECRET } from "../../idv/handoffToken";
import { webhookSecretName } from "../../idv/webhookSecrets";
import { DependencyError, DidResolutionError } from "../../recovery/errors";
import { exactForm } from "../../recovery/names";
import { type PolicyDocument, referencedGroups } from "../../recovery/policy";
import { ALL_USERS } from "../../recovery/tapPolicy";
import { type Services, services } from "../../services";
import { TAP_HANDOFF_KEY_SECRET } from "../../tap/seal";
import { adminHandler } from "../auth";
import { type DiagnosticCheck, type DiagnosticsReport, diagnosticsReportSchema } from "../diagnosticsReport";
import { worst } from "./checks/common";
import { conditionalAccessRegistration, targetsRegistration } from "./checks/conditionalAccess";
import {
  appSecrets,
  faceCheck,
  graphPermissions,
  idvProviders,
  policyStore,
  verifiedIdAuthority,
} from "./checks/configuration";
import { tapPolicyEnabled, tapPolicyLifetime, tapPolicyScope } from "./checks/tapPolicy";
import {
  namesakesInScope,
  PRIVILEGED_ROLES,
  privilegedInProduction,
  usersWithoutNames,
  usersWithoutSignIn,
} from "./checks/users";
import {
  type AuthorityResolution,
  type DiagnosticsFacts,
  type Population,
  type PrivilegedFacts,
  type Read,
  type ScopedUser,
  usersInScope,
} from "./facts";

export type DiagnosticsDeps = Pick<
  Services,
  "config" | "credential" | "directory" | "secrets" | "policies" | "didResolver"
>;

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
/** Privileged role holders examined at most (each costs a group check). */
const MAX_PRIVILEGED_HOLDERS = 200;
const TENANT_SOURCE = "tenant";
/** Distinct names in scope looked up one by one at most, when the tenant is too large to list. */
const MAX_NAME_LOOKUPS = 1000;

async function attempt<T>(run: () => Promise<T>): Promise<Read<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

async function resolveAuthority(deps: DiagnosticsDeps): Promise<AuthorityResolution> {
  const did = deps.config.verifiedId.authority;
  if (!did.startsWith("did:web:"))
    return { kind: "not_checked", method: did.split(":").slice(0, 2).join(":") };
  try {
    const document = await deps.didResolver.resolve(did);
    const keys = (document.verificationMethod ?? []).filter((m) => m.publicKeyJwk).length;
    return { kind: "resolved", keys };
  } catch (err) {
    if (err instanceof DidResolutionError) return { kind: "error", reason: err.code, message: err.message };
    return { kind: "error", reason: "did_unresolvable", message: String(err) };
  }
}

async function readSecrets(
  deps: DiagnosticsDeps,
  policy: Read<PolicyDocument>,
): Promise<Map<string, boolean>> {
  const names = new Set([HANDOFF_SIGNING_KEY_SECRET, TAP_HANDOFF_KEY_SECRET]);
  for (const provider of deps.config.providers.values()) {
    names.add(webhookSecretName(provider.name));
    names.add(`${webhookSecretName(provider.name)}-previous`);
  }
  if (policy.ok)
    for (const p of policy.value.profiles)
      if (p.claimValidation?.apiKeySecret) names.add(p.claimValidation.apiKeySecret);
  const present = new Map<string, boolean>();
  await Promise.all(
    [...names].map(async (name) => {
      // An unreadable vault reads as "missing": the check's fix is the same.
      present.set(name, !!(await deps.secrets.get(name).catch(() => undefined)));
    }),
  );
  return present;
}

/** The `roles` claim of the app's Graph token: the application permissions it actually holds. */
async function tokenRoles(deps: DiagnosticsDeps): Promise<string[] | "opaque"> {
  const token = await deps.credential.getToken(GRAPH_SCOPE);
  if (!token) throw new DependencyError("directory_error", "no Graph token", true);
  try {
    // Our own token, only read (never trusted for a decision about someone else): no verification needed.
    const roles = decodeJwt(token.token).roles;
    return Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [];
  } catch {
    return "opaque";
  }
}

/** Every group the checks need members of: the profiles', the TAP policy's, the registration CA policies'. */
function groupsToEnumerate(
  facts: Pick<DiagnosticsFacts, "policy" | "tapPolicy" | "conditionalAccess">,
): string[] {
  const groups = new Set<string>();
  if (facts.policy.ok) for (const g of referencedGroups(facts.policy.value)) groups.add(g);
  if (facts.tapPolicy.ok) {
    for (const t of [...facts.tapPolicy.value.includeTargets, ...facts.tapPolicy.value.excludeTargets]) {
      if (t.id !== ALL_USERS) groups.add(t.id);
    }
  }
  if (facts.conditionalAccess.ok) {
    for (const p of facts.conditionalAccess.value.filter(targetsRegistration)) {
      for (const g of [
        ...(p.conditions.users?.includeGroups ?? []),
        ...(p.conditions.users?.excludeGroups ?? []),
      ])
        groups.add(g);
    }
  }
  return [...groups];
}

function population(
  groupIds: readonly string[],
  results: Map<string, Enumeration | Error>,
): Read<Population> {
  const users = new Map<string, Enumeration["rows"][number]>();
  const memberOf = new Map<string, Set<string>>();
  const truncatedGroups: string[] = [];
  const failedGroups: { groupId: string; error: string; status?: number }[] = [];
  for (const groupId of groupIds) {
    const result = results.get(groupId);
    if (!result || result instanceof Error) {
      const status = result ? graphStatusOf(result) : undefined;
      failedGroups.push({ groupId, error: result?.message ?? "not read", ...(status ? { status } : {}) });
      continue;
    }
    if (result.truncated) truncatedGroups.push(groupId);
    for (const row of result.rows) {
      users.set(row.id, row);
      const set = memberOf.get(row.id) ?? new Set<string>();
      set.add(groupId);
      memberOf.set(row.id, set);
    }
  }
  // Every group refused for another reason than "no such group" (e.g. a missing permission): nothing to judge by.
  const refused = failedGroups.filter((f) => f.status !== 404);
  const [firstRefused] = refused;
  if (groupIds.length > 0 && firstRefused && refused.length === groupIds.length)
    return { ok: false, error: firstRefused.error };
  return { ok: true, value: { users, memberOf, truncatedGroups, failedGroups } };
}

async function privilegedFacts(
  reads: DiagnosticsReads,
  policy: PolicyDocument,
  maxUsers: number,
): Promise<PrivilegedFacts> {
  const assignments = await reads.roleAssignments(Object.keys(PRIVILEGED_ROLES));
  const holders = new Map<string, { userPrincipalName: string; roles: Set<string>; via: Set<string> }>();
  const add = (userId: string, userPrincipalName: string, role: string, via: string) => {
    const h = holders.get(userId) ?? { userPrincipalName, roles: new Set<string>(), via: new Set<string>() };
    h.roles.add(role);
    h.via.add(via);
    holders.set(userId, h);
  };
  const groupRoles = new Map<string, Set<string>>();
  for (const a of assignments) {
    if (a.principalType === "user")
      add(a.principalId, a.userPrincipalName ?? "", a.roleDefinitionId, "direct");
    else if (a.principalType === "group") {
      groupRoles.set(a.principalId, new Set([...(groupRoles.get(a.principalId) ?? []), a.roleDefinitionId]));
    }
  }
  let truncated = false;
  if (groupRoles.size > 0) {
    const members = await reads.enumerate(
      new Map([...groupRoles.keys()].map((g) => [g, DiagnosticsReads.groupMembersUrl(g)])),
      maxUsers,
    );
    for (const [groupId, result] of members) {
      if (result instanceof Error) throw result;
      truncated ||= result.truncated;
      for (const row of result.rows)
        for (const role of groupRoles.get(groupId) ?? [])
          add(row.id, row.userPrincipalName, role, `group ${groupId}`);
    }
  }
  const examined = [...holders.keys()].slice(0, MAX_PRIVILEGED_HOLDERS);
  truncated ||= holders.size > examined.length;
  const memberOf = await reads.memberGroups(examined, referencedGroups(policy));
  for (const id of examined) if (!memberOf.has(id)) memberOf.set(id, new Set());
  const examinedHolders = new Map(
    examined.flatMap((id) => {
      const holder = holders.get(id);
      return holder ? [[id, holder] as const] : [];
    }),
  );
  return { assignments, holders: examinedHolders, memberOf, truncated };
}

/**
 * The accounts to compare names with: the tenant listing when it is complete; when the tenant
 * is larger than DIAGNOSTICS_MAX_USERS, per-name lookups for the distinct names in scope (at
 * most MAX_NAME_LOOKUPS, 20 a round trip); otherwise the partial listing, marked incomplete.
 */
async function candidatesForNamesakes(
  reads: DiagnosticsReads,
  tenant: Enumeration | Error | Read<never> | undefined,
  scoped: readonly ScopedUser[],
): Promise<DiagnosticsFacts["namesakeCandidates"]> {
  if (!tenant) return { ok: false, error: "not read" };
  if (tenant instanceof Error) return { ok: false, error: tenant.message };
  if ("ok" in tenant) return tenant;
  if (!tenant.truncated) return { ok: true, value: { rows: tenant.rows, complete: true, source: "tenant" } };
  const names = new Map<string, { givenName: string; surname: string }>();
  for (const { user } of scoped) {
    if (!user.givenName?.trim() || !user.surname?.trim()) continue;
    names.set(`${exactForm(user.givenName)}\u0000${exactForm(user.surname)}`, {
      givenName: user.givenName.trim(),
      surname: user.surname.trim(),
    });
  }
  if (names.size > MAX_NAME_LOOKUPS)
    return { ok: true, value: { rows: tenant.rows, complete: false, source: "tenant" } };
  return attempt(async () => ({
    ...(await reads.accountsNamed([...names.values()])),
    source: "name_lookups" as const,
  }));
}

/** Reads everything the checks need. */
export async function gatherFacts(deps: DiagnosticsDeps, reads: DiagnosticsReads): Promise<DiagnosticsFacts> {
  const maxUsers = deps.config.diagnosticsMaxUsers;
  const policy = await attempt(() => deps.policies.current());
  const [authorityResolution, secrets, roles, tapPolicy, conditionalAccess] = await Promise.all([
    resolveAuthority(deps),
    readSecrets(deps, policy),
    attempt(() => tokenRoles(deps)),
    attempt(() => reads.getTapPolicy()),
    attempt(() => reads.listConditionalAccessPolicies()),
  ]);
  const groupIds = groupsToEnumerate({ policy, tapPolicy, conditionalAccess });
  const sources = new Map(groupIds.map((g) => [g, DiagnosticsReads.groupMembersUrl(g)]));
  sources.set(TENANT_SOURCE, DiagnosticsReads.allUsersUrl());
  const enumerated = await attempt(() => reads.enumerate(sources, maxUsers));
  const pop: Read<Population> = enumerated.ok ? population(groupIds, enumerated.value) : enumerated;
  const scoped = policy.ok && pop.ok ? usersInScope(policy.value, pop.value) : [];
  const tenant = enumerated.ok ? enumerated.value.get(TENANT_SOURCE) : undefined;
  const namesakeCandidates = await candidatesForNamesakes(reads, enumerated.ok ? tenant : enumerated, scoped);
  const [signIns, privileged] = await Promise.all([
    pop.ok ? attempt(() => reads.lastSuccessfulSignIns(scoped.map((s) => s.user.id))) : Promise.resolve(pop),
    policy.ok ? attempt(() => privilegedFacts(reads, policy.value, maxUsers)) : Promise.resolve(policy),
  ]);
  return {
    policy,
    authority: deps.config.verifiedId.authority,
    authorityResolution,
    providers: [...deps.config.providers.values()],
    secrets,
    notificationsEnabled: deps.config.notifications.senderMailbox !== undefined,
    tokenRoles: roles,
    tapPolicy,
    conditionalAccess,
    population: pop,
    namesakeCandidates,
    signIns,
    privileged,
  };
}

/** Every check, in the order the report lists them. */
export const CHECKS: readonly ((facts: DiagnosticsFacts) => DiagnosticCheck)[] = [
  policyStore,
  verifiedIdAuthority,
  faceCheck,
  idvProviders,
  appSecrets,
  graphPermissions,
  tapPolicyEnabled,
  tapPolicyScope,
  tapPolicyLifetime,
  usersWithoutNames,
  usersWithoutSignIn,
  namesakesInScope,
  conditionalAccessRegistration,
  privilegedInProduction,
];

/** The report from the facts (pure). */
export function evaluate(
  facts: DiagnosticsFacts,
  cost: DiagnosticsReport["cost"],
  now: Date,
): DiagnosticsReport {
  const checks = CHECKS.map((check) => check(facts));
  const count = (s: string) => checks.filter((c) => c.status === s).length;
  return diagnosticsReportSchema.parse({
    generatedAt: now.toISOString(),
    status: worst(checks.map((c) => c.status)),
    summary: { pass: count("pass"), warn: count("warn"), fail: count("fail") },
    checks,
    cost,
  });
}

export async function runDiagnostics(
  deps: DiagnosticsDeps,
  now: () => Date = () => new Date(),
): Promise<DiagnosticsReport> {
  const reads = new DiagnosticsReads(deps.directory);
  const facts = await gatherFacts(deps, reads);
  const ids = new Set<string>();
  let truncated = false;
  if (facts.population.ok) {
    for (const id of facts.population.value.users.keys()) ids.add(id);
    truncated ||= facts.population.value.truncatedGroups.length > 0;
  }
  if (facts.namesakeCandidates.ok) {
    for (const row of facts.namesakeCandidates.value.rows) ids.add(row.id);
    truncated ||= !facts.namesakeCandidates.value.complete;
  }
  if (facts.privileged.ok) truncated ||= facts.privileged.value.truncated;
  return evaluate(facts, { graphRequests: reads.graphRequests, usersExamined: ids.size, truncated }, now());
}

/** `GET /api/admin/diagnostics` (role Recovery.Reader or Recovery.Admin): the report, 200, whatever the checks found. */
export const diagnosticsHandler = adminHandler("read", async () =>
  json(200, await runDiagnostics(services())),
);
