/**
 * The Verified ID presentation step: the first request (renewals are made by the status read,
 * through the same module) and the verdict on what was presented.
 */
import { checkPresentation } from "../../recovery/credential";
import { DependencyError } from "../../recovery/errors";
import { services } from "../../services";
import type { NewAuditEvent } from "../../store/audit";
import type { DiscoveredRecovery, Loaded, RecoveryRecord } from "../../store/recoveries";
import { expectedLinkedDomains } from "../../verified-id/linkedDomain";
import type {
  CheckVerdict,
  CredentialCheck,
  PresentationStepInput,
  RequestPresentationInput,
  RequestPresentationResult,
} from "../contracts";
import { faceCheckThresholdOf, openPresentationRequest, presentationOutcome } from "../presentationRequests";
import { etagToHandOn, openDiscovered } from "./common";
import { credentialFreshness, idvStanding } from "./idvStanding";

export async function requestPresentation(
  input: RequestPresentationInput,
): Promise<RequestPresentationResult> {
  // First from the version the IDV start left, when this process holds it (see the input's
  // contract): a request is then shown only while the record as stored is still that version in
  // what the decision read. Whatever it cannot settle is decided from the record as stored, which
  // is read at once when the process holds nothing (so a refusal is decided once, not twice).
  const held = input.etag !== undefined && services().recoveries.holds(input.recoveryId, input.etag);
  const handedOn = held ? await openDiscovered(input.recoveryId, input.etag) : undefined;
  const first = handedOn && (await requestFrom(handedOn, input, true));
  return first ?? requestFrom(await openDiscovered(input.recoveryId), input, false);
}

/**
 * The step decided on `record`. `handedOn`: the record may be older than the one stored, so a
 * refusal is not final (undefined: decide again on the stored one) and the request is shown
 * only while the stored record names the same IDV session and shows no request yet.
 */
async function requestFrom(
  record: Loaded<DiscoveredRecovery>,
  input: RequestPresentationInput,
  handedOn: false,
): Promise<RequestPresentationResult>;
async function requestFrom(
  record: Loaded<DiscoveredRecovery>,
  input: RequestPresentationInput,
  handedOn: true,
): Promise<RequestPresentationResult | undefined>;
async function requestFrom(
  record: Loaded<DiscoveredRecovery>,
  input: RequestPresentationInput,
  handedOn: boolean,
): Promise<RequestPresentationResult | undefined> {
  // A re-run after the request was made (and shown to the user) reuses it.
  if (record.presentationState && record.status === "awaiting_presentation") {
    return { ok: true, state: record.presentationState, ...etagToHandOn(record) };
  }
  // The workflow heard "approved" (or "returned") in an event; an event can be raised by anyone
  // holding the task hub's keys. It counts only when the proof the provider's mode accepts is
  // stored for this recovery's own IDV session (./idvStanding.ts).
  const standing = await idvStanding(record);
  if (!standing.ok) {
    if (handedOn) return undefined;
    await services().audit.record(
      {
        recoveryId: input.recoveryId,
        event: "identity_verification_unconfirmed",
        onceKey: "identity_verification_unconfirmed",
        outcome: "failure",
        code: standing.code,
        detail: { reason: standing.reason, explanation: standing.explanation },
      },
      record,
    );
    return { ok: false, code: standing.code };
  }
  const stillHolds = handedOn
    ? (stored: RecoveryRecord) =>
        stored.stage === "discovered" &&
        stored.idvSessionId === record.idvSessionId &&
        stored.presentationState === undefined
    : undefined;
  const opened = await openPresentationRequest(record, new Date(input.deadline), undefined, stillHolds);
  if (!opened.ok) return opened;
  const shown = opened.record.stage === "discovered" && opened.record.presentationState === opened.state;
  if (handedOn && !shown) return undefined;
  return { ok: true, state: opened.state, ...etagToHandOn(opened.record) };
}

/**
 * The audit entry of a passing check. The check itself writes nothing when it passes: the match
 * records this entry in its own write (so the record moves to `validating` once, there), or the
 * finish when the match never returned; `onceKey` keeps it once whoever writes it, however often.
 */
export function credentialCheckedEntry(recoveryId: string, checked: CredentialCheck): NewAuditEvent {
  return {
    recoveryId,
    at: checked.at,
    event: "credential_checked",
    onceKey: "credential_checked",
    outcome: "success",
    code: "credential_valid",
    detail: {
      faceCheckScore: checked.faceCheckScore,
      issuer: checked.issuer,
      selfValidated: checked.selfValidated,
    },
  };
}

/**
 * The verdict on what was presented; the check itself reads only the stored callback outcome.
 * Failing: the record moves to `validating` with the verdict's audit entry, in one write, and the
 * workflow closes it. Passing: nothing is written — the verdict carries its finding to the match
 * (`credentialCheckedEntry`) and hands on the version it read.
 */
export async function checkPresentedCredential(input: PresentationStepInput): Promise<CheckVerdict> {
  const s = services();
  // The version the request step left, when this process holds it: a failing verdict's write is made with its etag.
  const record = await openDiscovered(input.recoveryId, input.etag);
  const outcome = await presentationOutcome(input.state, input.recoveryId);
  const profile = record.profile;
  const provider = s.config.providers.get(record.provider);
  if (!provider)
    throw new DependencyError("verified_id_error", `provider ${record.provider} not configured`, false);
  const presented = checkPresentation(outcome, {
    acceptedIssuers: provider.acceptedIssuers,
    linkedDomains: expectedLinkedDomains(provider.acceptedIssuers, provider.linkedDomains),
    requiredType: "VerifiedIdentity",
    faceCheckThreshold: faceCheckThresholdOf(profile),
    now: new Date(),
  });
  // Issued by this recovery's verification (src/recovery/freshness.ts), in every results mode.
  const result = presented.ok ? credentialFreshness(record, outcome, profile, new Date()) : presented;
  // Admins need the score to diagnose a failed Face Check; the portrait is never recorded.
  const faceCheckScore = outcome.credentials[0]?.faceCheckScore ?? null;
  const issuer = outcome.credentials[0]?.issuer ?? null;
  if (result.ok) {
    const checked: CredentialCheck = {
      at: new Date().toISOString(),
      faceCheckScore,
      issuer,
      selfValidated: outcome.selfValidation?.ok === true,
    };
    return { ok: true, checked, ...etagToHandOn(record) };
  }
  const failed: NewAuditEvent = {
    recoveryId: input.recoveryId,
    event: "credential_checked",
    onceKey: "credential_checked",
    outcome: "failure",
    code: result.code,
    detail: {
      reason: result.reason,
      explanation: result.explanation,
      faceCheckScore,
      issuer,
      serviceError: outcome.error?.code ?? null,
      selfValidated: outcome.selfValidation !== undefined,
    },
  };
  const after = await s.recoveries.advance(
    input.recoveryId,
    { status: "validating", next: undefined },
    record,
    [failed],
  );
  return { ok: false, code: result.code, ...etagToHandOn(after) };
}
