/**
 * Where a recovery's identity verification stands, by the proof its provider's mode accepts
 * (src/idv/resultsMode.ts), read from what WE stored — never from the event that woke the
 * workflow (an event can be raised by anyone holding the task hub's keys):
 *
 * - `return`: a valid one-time return consumed for this recovery's own session;
 * - `webhook`: the authenticated webhook's stored `approved` result for that session;
 * - `either`: whichever of the two.
 *
 * A stored result that is final and not an approval (a decline, an expiry, a provider error)
 * ends the recovery in every mode, whenever it arrived: the step after the return re-reads it
 * before the presentation, after the credential check and before the directory is touched.
 */
import type { IdvDecision } from "../../idv/adapter";
import { resultsModeOf } from "../../idv/resultsMode";
import { checkFreshness, type FreshnessVerdict } from "../../recovery/freshness";
import { MAX_RENEWALS } from "../../recovery/handoffRenewal";
import { idvFailureCode } from "../../recovery/idvOutcome";
import type { PolicyProfile } from "../../recovery/policy";
import type { FailureCode } from "../../recovery/status";
import { services } from "../../services";
import type { IdvSession } from "../../store/correlations";
import type { DiscoveredRecovery } from "../../store/recoveries";
import type { PresentationOutcome } from "../../verified-id/callback";
import type { StepVerdict } from "../contracts";
import { openDiscovered } from "./common";

const SETTLING = new Set<IdvDecision>(["declined", "expired", "error"]);

export type IdvStanding =
  | { ok: true; session: IdvSession; proof: "return" | "webhook" }
  | { ok: false; code: FailureCode; reason: string; explanation: string; session?: IdvSession | undefined };

/** This recovery's IDV session (ours, named on the record when it started), when it is still mapped to it. */
export async function idvSessionOf(record: DiscoveredRecovery): Promise<IdvSession | undefined> {
  if (!record.idvSessionId) return undefined;
  const session = await services().idvSessions.get(record.provider, record.idvSessionId);
  return session?.recoveryId === record.recoveryId ? session : undefined;
}

function decisionOf(session: IdvSession): unknown {
  return session.result ? (JSON.parse(session.result) as { decision?: unknown }).decision : undefined;
}

/**
 * A session a fresh hand-off replaced (src/functions/idvHandoffRenewal.ts) whose provider
 * reported a decline (or expiry, error) since: that still ends the recovery, as it would have
 * on the current session. Follows the renewals back to the first hand-off: a session is its
 * predecessor's renewal count plus one and a renewal is refused at MAX_RENEWALS
 * (recovery/handoffRenewal), so no chain holds more than MAX_RENEWALS earlier sessions.
 */
async function earlierSettled(
  record: DiscoveredRecovery,
  session: IdvSession,
): Promise<IdvSession | undefined> {
  let previous = session.previousSessionId;
  for (let hops = 0; previous && hops < MAX_RENEWALS; hops++) {
    const earlier = await services().idvSessions.get(record.provider, previous);
    if (earlier?.recoveryId !== record.recoveryId) return undefined;
    if (SETTLING.has(decisionOf(earlier) as IdvDecision)) return earlier;
    previous = earlier.previousSessionId;
  }
  return undefined;
}

export async function idvStanding(record: DiscoveredRecovery): Promise<IdvStanding> {
  const s = services();
  const session = await idvSessionOf(record);
  const provider = s.config.providers.get(record.provider);
  if (!session || !provider) {
    return {
      ok: false,
      code: "idv_error",
      reason: "idv_result_not_stored",
      explanation: "the recovery has no identity verification session of its own",
    };
  }
  const decision = decisionOf(session);
  const settled = SETTLING.has(decision as IdvDecision) ? session : await earlierSettled(record, session);
  if (settled) {
    const final = decisionOf(settled) as Exclude<IdvDecision, "approved">;
    return {
      ok: false,
      code: idvFailureCode(final),
      reason: "idv_result_not_approved",
      explanation:
        settled === session
          ? `the provider's stored result is ${final}`
          : `the provider's stored result for an earlier hand-off (${settled.sessionId}) is ${final}`,
      session,
    };
  }
  const mode = resultsModeOf(provider);
  const returned = mode !== "webhook" && session.returnedAt !== undefined;
  const approved = mode !== "return" && decision === "approved";
  if (returned) return { ok: true, session, proof: "return" };
  if (approved) return { ok: true, session, proof: "webhook" };
  return {
    ok: false,
    code: "idv_error",
    reason: "idv_result_not_stored",
    explanation:
      mode === "return"
        ? "no valid return from the provider is stored for this recovery's session"
        : "the approval in the event has no stored result that agrees",
    session,
  };
}

/**
 * Activity, after the match and before the directory is touched: the recovery's verification
 * still stands (no decline stored since). Audited only when it does not. The session is read
 * afresh (that is the check); the record may be the version the match left (`etag`), since the
 * step after this one reads it afresh before any directory write, and the finish writes with
 * that etag (a cancel since fails it and is read).
 */
export async function confirmIdentityVerification(input: {
  recoveryId: string;
  etag?: string | undefined;
}): Promise<StepVerdict> {
  const record = await openDiscovered(input.recoveryId, input.etag);
  const standing = await idvStanding(record);
  if (standing.ok) return { ok: true };
  await services().audit.record(
    {
      recoveryId: input.recoveryId,
      event: "identity_verification_withdrawn",
      onceKey: "identity_verification_withdrawn",
      outcome: "failure",
      code: standing.code,
      detail: { reason: standing.reason, explanation: standing.explanation },
    },
    record,
  );
  return { ok: false, code: standing.code };
}

/**
 * The freshness verdict on a presented credential: its issuance (the service's and, when we
 * validated a receipt, our own) against this recovery's hand-off, the IDV session's creation
 * (named on the record with the session; none named: no hand-off, and the credential is refused).
 */
export function credentialFreshness(
  record: DiscoveredRecovery,
  outcome: PresentationOutcome,
  profile: PolicyProfile,
  now: Date,
): FreshnessVerdict {
  const own = outcome.selfValidation;
  return checkFreshness({
    issuanceDates: [
      { source: "service", value: outcome.credentials[0]?.issuanceDate },
      ...(own?.ok ? [{ source: "receipt" as const, value: own.issuanceDate }] : []),
    ],
    // The latest hand-off (a fresh one the user asked for is a new session, and its renewal
    // moves this time on): a renewal can only make the rule stricter.
    handoffAt: record.idvHandoffAt,
    maxAgeMinutes: profile.credentialMaxAgeMinutes,
    now,
  });
}
