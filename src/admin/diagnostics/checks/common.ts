/** Small helpers shared by the checks: building an entry, sampling lists, mode-dependent severity. */
import type { PolicyDocument, PolicyProfile } from "../../../recovery/policy";
import type { CheckStatus, DiagnosticCheck } from "../../diagnosticsReport";
import {
  type DiagnosticsFacts,
  type Population,
  type ScopedUser,
  scopeTruncated,
  usersInScope,
} from "../facts";

/** Lists in evidence are cut to this many entries (the count says how many there were). */
export const SAMPLE_SIZE = 20;

export function sample<T>(items: readonly T[], size = SAMPLE_SIZE): T[] {
  return items.slice(0, size);
}

export function entry(
  id: string,
  title: string,
  status: CheckStatus,
  summary: string,
  evidence: Record<string, unknown>,
  fix?: string,
): DiagnosticCheck {
  return { id, title, status, summary, evidence, ...(status !== "pass" && fix ? { fix } : {}) };
}

/** A check whose input could not be read: fail, saying what was read, why it failed, what grants it. */
export function unreadable(
  id: string,
  title: string,
  what: string,
  error: string,
  fix: string,
): DiagnosticCheck {
  return entry(id, title, "fail", `Could not read ${what}: ${error}`, { error }, fix);
}

/** A check that needs the policy profiles, which could not be read. */
export function policyUnreadable(id: string, title: string, error: string): DiagnosticCheck {
  return unreadable(id, title, "the policy profiles", error, "Fix the policy store (see policy_store).");
}

/**
 * A problem that stops users of a Production profile from recovering now is a failure; under
 * an Evaluation profile (no TAP is issued yet) it is a warning to fix before switching.
 */
export function severityFor(profiles: Iterable<PolicyProfile>): CheckStatus {
  for (const p of profiles) if (p.mode === "production") return "fail";
  return "warn";
}

export function worst(statuses: Iterable<CheckStatus>): CheckStatus {
  let out: CheckStatus = "pass";
  for (const s of statuses) {
    if (s === "fail") return "fail";
    if (s === "warn") out = "warn";
  }
  return out;
}

/** A pass on an incomplete view of the directory is only a warning. */
export function unlessTruncated(status: CheckStatus, truncated: boolean): CheckStatus {
  return status === "pass" && truncated ? "warn" : status;
}

export const TRUNCATED_NOTE =
  "The directory is larger than DIAGNOSTICS_MAX_USERS: only part of it was examined, so this check cannot pass.";

const SCOPE_FIX = "Grant the app GroupMember.Read.All and User.Read.All.";

/** What every check about the users in scope needs: the policy, the population read, who is in scope. */
export type ScopeResult =
  | { ok: true; policy: PolicyDocument; population: Population; scoped: ScopedUser[]; truncated: boolean }
  | { ok: false; check: DiagnosticCheck };

/** The users in scope, or the failed check saying which input could not be read. */
export function scopeOf(facts: DiagnosticsFacts, id: string, title: string): ScopeResult {
  if (!facts.policy.ok)
    return {
      ok: false,
      check: unreadable(
        id,
        title,
        "the policy profiles",
        facts.policy.error,
        "Fix the policy store (see policy_store).",
      ),
    };
  if (!facts.population.ok)
    return {
      ok: false,
      check: unreadable(id, title, "the users in scope", facts.population.error, SCOPE_FIX),
    };
  return {
    ok: true,
    policy: facts.policy.value,
    population: facts.population.value,
    scoped: usersInScope(facts.policy.value, facts.population.value),
    truncated: scopeTruncated(facts.population.value),
  };
}
