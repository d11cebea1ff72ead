/**
 * Eligibility: the pure decision of whether a directory account may start a recovery.
 * Every reason is precise (it goes to the audit log); the client only ever sees
 * `not_eligible` (DESIGN.md §3: no account enumeration).
 */
import { DEFAULT_MAX_EXTRA_WORDS, type NamedAccount, namesakesOf } from "./names";
import type { PolicyDocument, PolicyProfile } from "./policy";
import { disambiguatesNamesakes, routeProvider, selectProfile } from "./policy";

export interface DirectoryAccount {
  id: string;
  userPrincipalName: string;
  accountEnabled: boolean;
  givenName: string | null;
  surname: string | null;
  lastSuccessfulSignInDateTime: string | null;
}

export const INELIGIBILITY_REASONS = [
  "user_not_found",
  "recovery_blocked",
  "account_disabled",
  "globally_excluded",
  "out_of_scope",
  "no_prior_sign_in",
  "name_missing",
  "namesake",
  "no_provider_for_country",
] as const;
export type IneligibilityReason = (typeof INELIGIBILITY_REASONS)[number];

export type EligibilityDecision =
  | { eligible: true; profile: PolicyProfile; provider: string; namesakes?: string[] }
  | { eligible: false; reason: IneligibilityReason; namesakes?: string[] };

export interface EligibilityFacts {
  account: DirectoryAccount | undefined;
  /** Transitive memberships among the groups the policy mentions. */
  memberOf: ReadonlySet<string>;
  /**
   * Accounts whose names could match this account's (the name candidate query's answer);
   * `complete: false` when the query could not be asked or answered in full.
   */
  nameCandidates: { complete: boolean; accounts: readonly NamedAccount[] };
  country: string | undefined;
  /** Self-service recovery of this account is blocked (a repudiated recovery; an admin lifts it). */
  blocked: boolean;
}

export function decideEligibility(policy: PolicyDocument, facts: EligibilityFacts): EligibilityDecision {
  const { account } = facts;
  if (!account) return { eligible: false, reason: "user_not_found" };
  if (facts.blocked) return { eligible: false, reason: "recovery_blocked" };
  if (!account.accountEnabled) return { eligible: false, reason: "account_disabled" };
  const selection = selectProfile(policy, account, facts.memberOf);
  if (selection.kind !== "selected") return { eligible: false, reason: selection.kind };
  if (!account.lastSuccessfulSignInDateTime) return { eligible: false, reason: "no_prior_sign_in" };
  if (!account.givenName?.trim() || !account.surname?.trim())
    return { eligible: false, reason: "name_missing" };
  // A namesake could pass the name match in this account's place (under the profile's own rule),
  // unless the profile binds more than the name. Candidates that could not be read in full
  // count as a namesake: the match would refuse for the same reason (fail closed).
  const namesakes = namesakesOf(selection.profile.nameMatch, account, facts.nameCandidates.accounts, {
    maxExtraWords: selection.profile.nameMatchMaxExtraWords ?? DEFAULT_MAX_EXTRA_WORDS,
  });
  if (!disambiguatesNamesakes(selection.profile) && (namesakes.length > 0 || !facts.nameCandidates.complete))
    return { eligible: false, reason: "namesake", namesakes };
  const provider = routeProvider(selection.profile, facts.country);
  if (!provider) return { eligible: false, reason: "no_provider_for_country" };
  // Namesakes the profile tolerates (it binds more than the name) are named for the audit.
  return {
    eligible: true,
    profile: selection.profile,
    provider,
    ...(namesakes.length > 0 ? { namesakes } : {}),
  };
}
