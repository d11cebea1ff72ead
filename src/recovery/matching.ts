/**
 * Profile match: the verified credential's names against the directory's givenName/surname,
 * under the profile's mode, by the one name equivalence of `names.ts`, and the uniqueness of
 * that match in the tenant. Display name and UPN are never used. Explanations name fields and
 * word positions, never the names.
 */
import { type Binding, checkBindings } from "./bindings";
import {
  type CredentialNames,
  DEFAULT_MAX_EXTRA_WORDS,
  type DirectoryNames,
  exactForm,
  exactNamesMatch,
  type NameDecision,
  type NamedAccount,
  type NameMatchMode,
  namesMatch,
  otherMatches,
  relaxedNamesMatch,
  relaxedWords,
} from "./names";

export type { CredentialNames, DirectoryNames, NameMatchMode };
export type NameMatchResult = NameDecision;

/** Exact form of a name field ("" for none): see `exactForm`. */
export function normalizeName(value: string | null | undefined): string {
  return value ? exactForm(value) : "";
}

/** Relaxed words of a name field: see `relaxedWords`. */
export function nameTokens(value: string | null | undefined): string[] {
  return value ? relaxedWords(value) : [];
}

export const matchProfileExact = exactNamesMatch;
export const matchProfileRelaxed = relaxedNamesMatch;

/** The profile settings the match reads. */
export interface MatchRule {
  nameMatch: NameMatchMode;
  nameMatchMaxExtraWords: number;
}

/** The name match of a profile's mode (relaxed: with its bound on extra credential words). */
export function matchProfile(
  rule: MatchRule | NameMatchMode,
  credential: CredentialNames,
  directory: DirectoryNames,
): NameMatchResult {
  const r: MatchRule =
    typeof rule === "string" ? { nameMatch: rule, nameMatchMaxExtraWords: DEFAULT_MAX_EXTRA_WORDS } : rule;
  return namesMatch(r.nameMatch, credential, directory, { maxExtraWords: r.nameMatchMaxExtraWords });
}

export type UniquenessDecision =
  | { unique: true }
  | { unique: false; colliding: string[]; reason: "other_accounts_match" | "candidates_incomplete" };

/**
 * Whether the credential singles out this account: no other enabled account among the
 * candidates matches it under the same rule, and the candidates are complete (else: not
 * unique, failing closed).
 */
export function decideUniqueness(
  rule: MatchRule,
  credential: CredentialNames,
  self: string,
  candidates: { complete: boolean; accounts: readonly NamedAccount[] },
): UniquenessDecision {
  const colliding = otherMatches(rule.nameMatch, credential, self, candidates.accounts, {
    maxExtraWords: rule.nameMatchMaxExtraWords,
  });
  if (colliding.length > 0) return { unique: false, colliding, reason: "other_accounts_match" };
  if (!candidates.complete) return { unique: false, colliding: [], reason: "candidates_incomplete" };
  return { unique: true };
}

/**
 * Whether a profile's checks beyond the name single out this account among the others the
 * credential matches: the claim-validation callout vouches for this very account (it is asked
 * only once this account passed it); bindings do when they hold for none of the others, read in
 * full. The caller has already checked that this account passes them.
 */
export function singledOut(
  profile: { bindings: readonly Binding[]; claimValidation?: unknown },
  claims: Readonly<Record<string, unknown>>,
  colliding: readonly string[],
  candidates: {
    complete: boolean;
    accounts: readonly (NamedAccount & { attributes?: Readonly<Record<string, string | null>> })[];
  },
): boolean {
  if (profile.claimValidation !== undefined) return true;
  if (profile.bindings.length === 0 || !candidates.complete) return false;
  const byId = new Map(candidates.accounts.map((a) => [a.id, a]));
  return colliding.every((id) => {
    const other = byId.get(id);
    return other?.attributes !== undefined && !checkBindings(profile.bindings, claims, other.attributes).ok;
  });
}
