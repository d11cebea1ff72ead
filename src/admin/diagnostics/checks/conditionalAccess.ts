/**
 * Conditional Access policies on the user action "register security information" that would
 * stop a recovered user from registering new methods with the TAP (docs/facts.md §5 pain point).
 *
 * What blocks a TAP holder, as decided here: `block`; an authentication strength without a
 * Temporary Access Pass combination; `passwordChange` (the user just lost access). A TAP
 * satisfies `mfa`; terms of use can be accepted. Device and app controls (compliant or joined
 * device, approved or compliant app) and custom controls depend on where the user recovers
 * from: they *may* block. Conditions that narrow a policy (locations, platforms, client apps,
 * risk) turn "blocks" into "may block". Report-only policies never block, but are reported.
 */
import type { ConditionalAccessPolicy } from "../../../directory/diagnosticsReads";
import type { CheckStatus, DiagnosticCheck } from "../../diagnosticsReport";
import { type DiagnosticsFacts, scopeTruncated } from "../facts";
import { entry, sample, scopeOf, severityFor, unlessTruncated, unreadable, worst } from "./common";

export const REGISTER_SECURITY_INFO = "urn:user:registersecurityinfo";

export type RegistrationVerdict = "blocks" | "may_block" | "allows";

const TAP_MODES = ["temporaryAccessPassOneTime", "temporaryAccessPassMultiUse"];

/** Whether a policy's grant controls stop a user who signs in with a TAP and nothing else. */
export function grantVerdict(policy: ConditionalAccessPolicy): RegistrationVerdict {
  const grant = policy.grantControls;
  if (!grant) return "allows";
  const controls: RegistrationVerdict[] = [];
  for (const c of grant.builtInControls ?? []) {
    if (c === "block" || c === "passwordChange") controls.push("blocks");
    else if (c === "mfa") controls.push("allows");
    else controls.push("may_block");
  }
  for (const _ of grant.customAuthenticationFactors ?? []) controls.push("may_block");
  for (const _ of grant.termsOfUse ?? []) controls.push("allows");
  const strength = grant.authenticationStrength;
  if (strength) {
    const combos = strength.allowedCombinations;
    if (!combos) controls.push("may_block");
    else
      controls.push(
        combos.some((c) => c.split(",").every((m) => TAP_MODES.includes(m.trim()))) ? "allows" : "blocks",
      );
  }
  if (controls.length === 0) return "allows";
  if ((grant.builtInControls ?? []).includes("block")) return "blocks";
  if (grant.operator === "OR") {
    if (controls.includes("allows")) return "allows";
    return controls.includes("may_block") ? "may_block" : "blocks";
  }
  if (controls.includes("blocks")) return "blocks";
  return controls.includes("may_block") ? "may_block" : "allows";
}

/** Conditions that make a policy apply only to some sign-ins (so a block is only sometimes). */
export function narrowingConditions(policy: ConditionalAccessPolicy): string[] {
  const c = policy.conditions;
  const out: string[] = [];
  if (
    c.locations &&
    ((c.locations.includeLocations ?? []).some((l) => l !== "All") ||
      (c.locations.excludeLocations ?? []).length > 0)
  )
    out.push("locations");
  if (
    c.platforms &&
    ((c.platforms.includePlatforms ?? []).some((p) => p !== "all") ||
      (c.platforms.excludePlatforms ?? []).length > 0)
  )
    out.push("platforms");
  if (
    c.clientAppTypes &&
    c.clientAppTypes.length > 0 &&
    !c.clientAppTypes.includes("all") &&
    !c.clientAppTypes.includes("browser")
  )
    out.push("clientAppTypes");
  if ((c.signInRiskLevels ?? []).length > 0) out.push("signInRiskLevels");
  if ((c.userRiskLevels ?? []).length > 0) out.push("userRiskLevels");
  return out;
}

export function targetsRegistration(policy: ConditionalAccessPolicy): boolean {
  return (
    policy.state !== "disabled" &&
    (policy.conditions.applications?.includeUserActions ?? []).includes(REGISTER_SECURITY_INFO)
  );
}

export function conditionalAccessRegistration(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "conditional_access_registration";
  const title = "Conditional Access lets a TAP holder register security info";
  if (!facts.conditionalAccess.ok)
    return unreadable(
      id,
      title,
      "Conditional Access policies",
      facts.conditionalAccess.error,
      "Grant the app Policy.Read.All.",
    );
  const s = scopeOf(facts, id, title);
  if (!s.ok) return s.check;
  const { population, scoped } = s;
  const rows: Record<string, unknown>[] = [];
  const statuses: CheckStatus[] = [];
  for (const policy of facts.conditionalAccess.value.filter(targetsRegistration)) {
    const grant = grantVerdict(policy);
    if (grant === "allows") continue;
    const narrowed = narrowingConditions(policy);
    const verdict: RegistrationVerdict = grant === "blocks" && narrowed.length === 0 ? "blocks" : "may_block";
    const users = policy.conditions.users ?? {};
    const has = (list: string[] | undefined, v: string) =>
      (list ?? []).some((x) => x.toLowerCase() === v.toLowerCase());
    const covered = scoped.filter(({ user }) => {
      const groups = population.memberOf.get(user.id) ?? new Set<string>();
      const included =
        has(users.includeUsers, "All") ||
        has(users.includeUsers, user.id) ||
        (users.includeGroups ?? []).some((g) => groups.has(g));
      const excluded =
        has(users.excludeUsers, user.id) || (users.excludeGroups ?? []).some((g) => groups.has(g));
      return included && !excluded;
    });
    const byRoles = (users.includeRoles ?? []).length > 0;
    if (covered.length === 0 && !byRoles) continue;
    const reportOnly = policy.state === "enabledForReportingButNotEnforced";
    const status: CheckStatus =
      reportOnly || verdict === "may_block" || covered.length === 0
        ? "warn"
        : severityFor(covered.map((c) => c.profile));
    statuses.push(status);
    rows.push({
      id: policy.id,
      displayName: policy.displayName,
      state: policy.state,
      verdict,
      grantControls: {
        operator: policy.grantControls?.operator ?? null,
        builtInControls: policy.grantControls?.builtInControls ?? [],
        authenticationStrength: policy.grantControls?.authenticationStrength?.displayName ?? null,
      },
      narrowingConditions: narrowed,
      usersInScopeCovered: covered.length,
      ...(byRoles ? { includeRoles: users.includeRoles } : {}),
      sample: sample(covered, 10).map((c) => ({
        id: c.user.id,
        userPrincipalName: c.user.userPrincipalName,
        profile: c.profile.id,
      })),
    });
  }
  const truncated = scopeTruncated(population);
  const status = unlessTruncated(worst(statuses), truncated);
  const evidence = {
    policiesOnRegistration: facts.conditionalAccess.value.filter(targetsRegistration).length,
    blocking: rows,
    truncated,
  };
  if (status === "pass")
    return entry(
      id,
      title,
      "pass",
      "No Conditional Access policy stops a TAP holder in scope from registering security info.",
      evidence,
    );
  if (rows.length === 0)
    return entry(
      id,
      title,
      status,
      "No blocking policy found in the part of the directory examined.",
      evidence,
    );
  return entry(
    id,
    title,
    status,
    `${rows.length} Conditional Access polic${rows.length === 1 ? "y" : "ies"} on "register security information" would stop (or may stop) recovered users: ${rows.map((r) => r.displayName).join(", ")}.`,
    evidence,
    "Let a TAP satisfy the policy: require MFA (a TAP counts) or an authentication strength that includes Temporary Access Pass instead of block or device controls, or exclude the recovery groups from it. Otherwise the user gets a TAP and cannot register anything with it.",
  );
}
