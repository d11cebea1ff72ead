/**
 * What the diagnostics found out, as plain data: each source either read or failed (with the
 * reason), so one unreadable source turns its own checks to `fail` and spoils no other. The
 * checks (checks/*.ts) are pure functions of these facts.
 */
import type { ProviderConfig } from "../../config";
import type {
  ConditionalAccessPolicy,
  DirectoryUserRow,
  RoleAssignment,
} from "../../directory/diagnosticsReads";
import type { TapPolicy } from "../../directory/graph";
import { type PolicyDocument, type PolicyProfile, selectProfile } from "../../recovery/policy";

export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

/** The users the diagnostics enumerated, with their memberships among the enumerated groups. */
export interface Population {
  users: ReadonlyMap<string, DirectoryUserRow>;
  /** userId → the enumerated groups (ids as configured) the user is a transitive member of. */
  memberOf: ReadonlyMap<string, ReadonlySet<string>>;
  /** Groups whose enumeration stopped at the row limit. */
  truncatedGroups: readonly string[];
  /** Groups that could not be read, with the reason and Graph's status (404: no such group). */
  failedGroups: readonly { groupId: string; error: string; status?: number }[];
}

export type AuthorityResolution =
  | { kind: "resolved"; keys: number }
  | { kind: "not_checked"; method: string }
  | { kind: "error"; reason: string; message: string };

export interface PrivilegedFacts {
  assignments: readonly RoleAssignment[];
  /** Users holding a role directly or through a role-assignable group, with the roles. */
  holders: ReadonlyMap<string, { userPrincipalName: string; roles: Set<string>; via: Set<string> }>;
  /** userId → referenced policy groups the holder is a transitive member of. */
  memberOf: ReadonlyMap<string, ReadonlySet<string>>;
  /** Holders left unexamined because of the bound. */
  truncated: boolean;
}

export interface DiagnosticsFacts {
  policy: Read<PolicyDocument>;
  authority: string;
  authorityResolution: AuthorityResolution;
  providers: readonly ProviderConfig[];
  /** Secret name → present (never the value). */
  secrets: ReadonlyMap<string, boolean>;
  notificationsEnabled: boolean;
  /** The `roles` claim of our Graph token; "opaque" when the token is not a JWT. */
  tokenRoles: Read<string[] | "opaque">;
  tapPolicy: Read<TapPolicy>;
  conditionalAccess: Read<ConditionalAccessPolicy[]>;
  population: Read<Population>;
  /**
   * Accounts to compare the names in scope with, for namesakes: the tenant's users (bounded), or,
   * when the tenant is larger than the bound, every account named like someone in scope.
   * `complete`: every account that could share a name with a user in scope is among `rows`.
   */
  namesakeCandidates: Read<{
    rows: readonly DirectoryUserRow[];
    complete: boolean;
    source: "tenant" | "name_lookups";
  }>;
  /** userId → last successful sign-in (null: never), for the enabled users in scope. */
  signIns: Read<ReadonlyMap<string, string | null>>;
  privileged: Read<PrivilegedFacts>;
}

export interface ScopedUser {
  user: DirectoryUserRow;
  profile: PolicyProfile;
}

/**
 * The enabled users in scope, each with the profile discovery would select for them (the same
 * `selectProfile`: global exclusions, profile exclusions, priority). Users met only in other
 * groups (TAP targets, Conditional Access) are not in scope.
 */
export function usersInScope(policy: PolicyDocument, population: Population): ScopedUser[] {
  const includeGroups = new Set(policy.profiles.flatMap((p) => p.includeGroups));
  const out: ScopedUser[] = [];
  for (const user of population.users.values()) {
    if (!user.accountEnabled) continue;
    const memberOf = population.memberOf.get(user.id) ?? new Set<string>();
    if (![...memberOf].some((g) => includeGroups.has(g))) continue;
    const selection = selectProfile(policy, user, memberOf);
    if (selection.kind === "selected") out.push({ user, profile: selection.profile });
  }
  return out;
}

/**
 * Whether the view behind the scope is incomplete (then passes become warnings): an
 * enumeration cut short, or a group that exists but could not be read. A group that does not
 * exist (404) has no members to miss; policy_store reports it.
 */
export function scopeTruncated(population: Population): boolean {
  return population.truncatedGroups.length > 0 || population.failedGroups.some((f) => f.status !== 404);
}
