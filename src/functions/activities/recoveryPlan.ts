/**
 * The recovery step's plan: which methods the reset deletes (in order), which it leaves, and the
 * TAP to ask for or why none can be had — decided from one read of the methods, the TAP policy
 * and the user's membership in the groups it names. The match makes that read in its round trip
 * and hands the plan to the recovery step through the workflow; a re-run of the step reads
 * afresh. Pure: the read is the caller's.
 */
import { type MatchFacts, METHOD_COLLECTIONS } from "../../directory/graph";
import { methodsLeftByReset, orderForDeletion } from "../../recovery/methodOrder";
import type { PolicyProfile } from "../../recovery/policy";
import { tapCoverage, tapPolicyGroups } from "../../recovery/tapPolicy";
import type { RecoveryPlan } from "../contracts";

/** The method types the reset can delete (those with a v1.0 collection). */
export const DELETABLE: ReadonlySet<string> = new Set(Object.keys(METHOD_COLLECTIONS));

/**
 * The plan, or undefined when the read does not decide it: a part missing, or the policy names
 * groups whose membership was not read (the policy changed since discovery, whose groups are
 * `knownGroups`).
 */
export function planRecovery(
  knownGroups: readonly string[],
  profile: PolicyProfile,
  facts: MatchFacts,
): RecoveryPlan | undefined {
  if (!facts.methods || !facts.tapPolicy || !facts.memberOf) return undefined;
  const known = new Set(knownGroups);
  if (!tapPolicyGroups(facts.tapPolicy).every((g) => known.has(g))) return undefined;
  const coverage = tapCoverage(facts.tapPolicy, facts.memberOf, profile.tapLifetimeMinutes);
  return {
    // Only what the writes need: the plan is kept in the workflow's history.
    methods: orderForDeletion(facts.methods, DELETABLE).map((m) => ({
      odataType: m.odataType,
      id: m.id,
      ...(m.phoneType ? { phoneType: m.phoneType } : {}),
    })),
    kept: methodsLeftByReset(facts.methods, DELETABLE).map((m) => ({ odataType: m.odataType, id: m.id })),
    tap: coverage.covered
      ? {
          covered: true,
          lifetimeInMinutes: coverage.lifetimeInMinutes,
          // One-time use by default; a policy that demands it wins over a profile that does not.
          isUsableOnce: profile.tapUsableOnce || facts.tapPolicy.isUsableOnce,
        }
      : coverage,
  };
}
