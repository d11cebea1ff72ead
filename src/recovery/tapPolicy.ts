/**
 * Will the tenant's Temporary Access Pass policy let us issue a TAP to this user? Decided at
 * discovery, before anything changes: a Production recovery must never delete a user's
 * methods and then fail to hand over the TAP for a reason knowable at the start.
 */

export interface TapPolicyView {
  state: string;
  minimumLifetimeInMinutes: number;
  maximumLifetimeInMinutes: number;
  includeTargets: readonly { targetType: string; id: string }[];
  excludeTargets: readonly { targetType: string; id: string }[];
}

/** The target id Graph uses for "every user". */
export const ALL_USERS = "all_users";

export type TapCoverage = { covered: true; lifetimeInMinutes: number } | { covered: false; reason: string };

/** Group ids the policy's targets name (for one transitive membership check). */
export function tapPolicyGroups(policy: TapPolicyView): string[] {
  return [...policy.includeTargets, ...policy.excludeTargets]
    .filter((t) => t.targetType === "group" && t.id !== ALL_USERS)
    .map((t) => t.id);
}

export function tapCoverage(
  policy: TapPolicyView,
  memberOf: ReadonlySet<string>,
  wantedLifetime: number,
): TapCoverage {
  if (policy.state !== "enabled") return { covered: false, reason: "tap_policy_disabled" };
  const inTarget = (t: { id: string }) => t.id === ALL_USERS || memberOf.has(t.id);
  if (!policy.includeTargets.some(inTarget)) return { covered: false, reason: "tap_policy_not_targeted" };
  if (policy.excludeTargets.some(inTarget)) return { covered: false, reason: "tap_policy_excluded" };
  const lifetimeInMinutes = Math.min(
    Math.max(wantedLifetime, policy.minimumLifetimeInMinutes),
    policy.maximumLifetimeInMinutes,
  );
  return { covered: true, lifetimeInMinutes };
}
