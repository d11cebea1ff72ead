/**
 * The Verified ID presentation: the request (renewed while the deadline lasts) and the
 * verdict on what was presented.
 */
import { checkPresentation } from "../../recovery/credential";
import { DependencyError } from "../../recovery/errors";
import type { PolicyProfile } from "../../recovery/policy";
import { hashSecret, newOpaqueSecret } from "../../recovery/secretsCompare";
import { isTerminal, type NextStep } from "../../recovery/status";
import { services } from "../../services";
import type { RecoveryRecord } from "../../store/recoveries";
import type { PresentationOutcome } from "../../verified-id/callback";
import { expectedLinkedDomains } from "../../verified-id/linkedDomain";
import type {
  PresentationStepInput,
  RequestPresentationInput,
  RequestPresentationResult,
  StepVerdict,
} from "../contracts";
import { openRecord, profileOf } from "./common";
import { credentialFreshness, idvStanding } from "./idvStanding";

export async function requestPresentation(
  input: RequestPresentationInput,
): Promise<RequestPresentationResult> {
  const record = await openRecord(input.recoveryId);
  // A re-run after the request was made (and shown to the user) reuses it.
  if (record.presentationState && record.status === "awaiting_presentation") {
    return { ok: true, state: record.presentationState };
  }
  // The workflow heard "approved" (or "returned") in an event; an event can be raised by anyone
  // holding the task hub's keys. It counts only when the proof the provider's mode accepts is
  // stored for this recovery's own IDV session (./idvStanding.ts).
  const standing = await idvStanding(record);
  if (!standing.ok) {
    await services().audit.record({
      recoveryId: input.recoveryId,
      event: "identity_verification_unconfirmed",
      onceKey: "identity_verification_unconfirmed",
      outcome: "failure",
      code: standing.code,
      detail: { reason: standing.reason, explanation: standing.explanation },
    });
    return { ok: false, code: standing.code };
  }
  const opened = await openPresentationRequest(record, new Date(input.deadline), undefined);
  return opened.ok ? { ok: true, state: opened.state } : opened;
}

/**
 * Creates a presentation request at the Request Service, stores its correlation (state →
 * recovery, api-key hash) and shows it to the front end. `replacing`: the state of the expired
 * request this one replaces; the record is only switched over while it still shows that one.
 */
async function openPresentationRequest(
  record: RecoveryRecord,
  deadline: Date,
  replacing: string | undefined,
): Promise<{ ok: true; state: string } | { ok: false; code: "verified_id_error" }> {
  const s = services();
  const recoveryId = record.recoveryId;
  const profile = profileOf(record);
  const provider = s.config.providers.get(record.provider!)!;
  const state = newOpaqueSecret();
  const apiKey = newOpaqueSecret();
  let created: Awaited<ReturnType<typeof s.verifiedId.createPresentationRequest>>;
  try {
    created = await s.verifiedId.createPresentationRequest({
      authority: s.config.verifiedId.authority,
      clientName: s.config.verifiedId.clientName,
      purpose: s.config.verifiedId.purpose,
      acceptedIssuers: provider.acceptedIssuers,
      faceCheckThreshold: faceCheckThresholdOf(profile),
      callbackUrl: `${s.config.publicBaseUrl}/api/verified-id/callback`,
      state,
      apiKey,
    });
  } catch (err) {
    if (err instanceof DependencyError && !err.transient) {
      await s.audit.record({
        recoveryId,
        event: "presentation_request_failed",
        onceKey: "presentation_request_failed",
        outcome: "failure",
        code: "verified_id_error",
        detail: {
          error: err.message,
          innerCode: (err as { innerCode?: string }).innerCode ?? null,
          target: (err as { target?: string }).target ?? null,
        },
      });
      return { ok: false, code: "verified_id_error" };
    }
    throw err;
  }
  const requestExpires = new Date(created.expiry * 1000);
  await s.presentations.create({
    state,
    recoveryId,
    requestId: created.requestId,
    apiKeyHash: hashSecret(apiKey),
    createdAt: new Date().toISOString(),
    expiresAt: requestExpires.toISOString(),
    status: "pending",
  });
  const next: NextStep = {
    type: "present_credential",
    url: created.url,
    ...(created.qrCode ? { qrCode: created.qrCode } : {}),
    expiresAt: (requestExpires < deadline ? requestExpires : deadline).toISOString(),
  };
  // Audited before the user can see the request: a re-run after the status moved returns early.
  await s.audit.record({
    recoveryId,
    event: replacing ? "presentation_renewed" : "presentation_requested",
    onceKey: `presentation_requested_${created.requestId}`,
    outcome: "info",
    detail: { requestId: created.requestId, faceCheckThreshold: faceCheckThresholdOf(profile) ?? null },
  });
  await s.recoveries.update(
    recoveryId,
    (r) => {
      // Closed meanwhile, or another renewal won the race: leave the record alone (the request expires unused).
      if (isTerminal(r.status) || (replacing !== undefined && r.presentationState !== replacing)) {
        return undefined;
      }
      return {
        ...r,
        status: "awaiting_presentation",
        presentationState: state,
        presentationRetrievedAt: undefined,
        next,
        expiresAt: deadline.toISOString(),
      };
    },
    "etag" in record && typeof record.etag === "string"
      ? (record as RecoveryRecord & { etag: string })
      : undefined,
  );
  return { ok: true, state };
}

/**
 * A presentation request expired before the user presented, while the step's deadline lasts:
 * make a new one (the status endpoint calls this when it would show an expired request). The
 * workflow needs no signal: it waits for a result from any of this recovery's requests.
 * Returns the record as it should be shown.
 */
export async function renewExpiredPresentation(record: RecoveryRecord, now: Date): Promise<RecoveryRecord> {
  const next = record.next;
  const state = record.presentationState;
  if (record.status !== "awaiting_presentation" || next?.type !== "present_credential" || !state)
    return record;
  const deadline = new Date(record.expiresAt);
  if (Date.parse(next.expiresAt) > now.getTime() || deadline.getTime() <= now.getTime()) return record;
  // Only a request nobody answered is replaced; one that was answered is being validated.
  const current = await services().presentations.get(state);
  if (current?.status === "completed") return record;
  const opened = await openPresentationRequest(record, deadline, state);
  if (!opened.ok) return record;
  return (await services().recoveries.get(record.recoveryId)) ?? record;
}

/** What the callback recorded for a presentation request of this recovery (never the raw receipt). */
export async function presentationOutcome(state: string, recoveryId: string): Promise<PresentationOutcome> {
  const request = await services().presentations.get(state);
  if (!request || request.recoveryId !== recoveryId || !request.outcome) {
    throw new Error(`presentation ${recoveryId} has no recorded outcome`);
  }
  return JSON.parse(request.outcome) as PresentationOutcome;
}

export async function checkPresentedCredential(input: PresentationStepInput): Promise<StepVerdict> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  await s.recoveries.advance(input.recoveryId, { status: "validating", next: undefined }, record);
  const outcome = await presentationOutcome(input.state, input.recoveryId);
  const profile = profileOf(record);
  const provider = s.config.providers.get(record.provider!)!;
  const checked = checkPresentation(outcome, {
    acceptedIssuers: provider.acceptedIssuers,
    linkedDomains: expectedLinkedDomains(provider.acceptedIssuers, provider.linkedDomains),
    requiredType: "VerifiedIdentity",
    faceCheckThreshold: faceCheckThresholdOf(profile),
    now: new Date(),
  });
  // Issued by this recovery's verification (src/recovery/freshness.ts), in every results mode.
  const result = checked.ok ? await credentialFreshness(record, outcome, profile, new Date()) : checked;
  const verdict: StepVerdict = result.ok ? { ok: true } : { ok: false, code: result.code };
  // Admins need the score to diagnose a failed Face Check; the portrait is never recorded.
  const faceCheckScore = outcome.credentials[0]?.faceCheckScore ?? null;
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "credential_checked",
    onceKey: "credential_checked",
    outcome: verdict.ok ? "success" : "failure",
    code: verdict.ok ? "credential_valid" : verdict.code,
    detail: result.ok
      ? {
          faceCheckScore,
          issuer: outcome.credentials[0]?.issuer ?? null,
          selfValidated: outcome.selfValidation?.ok === true,
        }
      : {
          reason: result.reason,
          explanation: result.explanation,
          faceCheckScore,
          issuer: outcome.credentials[0]?.issuer ?? null,
          serviceError: outcome.error?.code ?? null,
          selfValidated: outcome.selfValidation !== undefined,
        },
  });
  return verdict;
}

/** The Face Check threshold a profile asks for; undefined when it turned Face Check off. */
function faceCheckThresholdOf(profile: PolicyProfile): number | undefined {
  return profile.faceCheck === false ? undefined : profile.faceCheckThreshold;
}
