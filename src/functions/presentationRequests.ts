/**
 * Verified ID presentation requests of a recovery, shared by the presentation step (the first
 * request) and the status read (a request that expired before the user presented is renewed
 * while the step's deadline lasts): the request made at the Request Service, its correlation
 * stored, the record switched over to show it; and the outcome the callback recorded.
 */
import { DependencyError, RecoveryStateError } from "../recovery/errors";
import { hashSecret, newOpaqueSecret } from "../recovery/opaqueSecrets";
import type { PolicyProfile } from "../recovery/policy";
import { isTerminal, type NextStep } from "../recovery/status";
import { services } from "../services";
import { newPresentationState, presentationRow } from "../store/presentations";
import type { DiscoveredRecovery, Loaded, RecoveryRecord } from "../store/recoveries";
import type { PresentationOutcome } from "../verified-id/callback";

/** The Face Check threshold a profile asks for; undefined when it turned Face Check off. */
export function faceCheckThresholdOf(profile: PolicyProfile): number | undefined {
  return profile.faceCheck === false ? undefined : profile.faceCheckThreshold;
}

/**
 * Creates a presentation request at the Request Service, stores its correlation (state →
 * recovery, api-key hash) and shows it to the front end. `replacing`: the state of the expired
 * request this one replaces; the record is only switched over while it still shows that one.
 * `stillHolds`: what the caller decided from `record` must still hold of the record as stored
 * (checked again after a conflict); when it does not, nothing is shown, stored or audited.
 */
export async function openPresentationRequest(
  record: Loaded<DiscoveredRecovery>,
  deadline: Date,
  replacing: string | undefined,
  stillHolds?: (stored: RecoveryRecord) => boolean,
): Promise<{ ok: true; state: string; record: Loaded } | { ok: false; code: "verified_id_error" }> {
  const s = services();
  const recoveryId = record.recoveryId;
  const profile = record.profile;
  const provider = s.config.providers.get(record.provider);
  if (!provider)
    throw new DependencyError("verified_id_error", `provider ${record.provider} not configured`, false);
  const state = newPresentationState(recoveryId);
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
      await s.audit.record(
        {
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
        },
        record,
      );
      return { ok: false, code: "verified_id_error" };
    }
    throw err;
  }
  const requestExpires = new Date(created.expiry * 1000);
  const next: NextStep = {
    type: "present_credential",
    url: created.url,
    ...(created.qrCode ? { qrCode: created.qrCode } : {}),
    expiresAt: (requestExpires < deadline ? requestExpires : deadline).toISOString(),
  };
  // Stored and audited with the write that shows the request to the user (one transaction): a
  // re-run after the status moved returns early, and the entry is there; a request that is not
  // shown (closed meanwhile, another renewal won) is not stored, and its callback is unknown.
  const shown = await s.recoveries.update(
    recoveryId,
    (r) => {
      // Closed meanwhile, or another renewal won the race: leave the record alone (the request expires unused).
      if (
        r.stage !== "discovered" ||
        isTerminal(r.status) ||
        (replacing !== undefined && r.presentationState !== replacing) ||
        (stillHolds !== undefined && !stillHolds(r))
      ) {
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
    record,
    (shows) =>
      shows || stillHolds === undefined
        ? [
            {
              recoveryId,
              event: replacing ? "presentation_renewed" : "presentation_requested",
              onceKey: `presentation_requested_${created.requestId}`,
              outcome: "info",
              detail: {
                requestId: created.requestId,
                faceCheckThreshold: faceCheckThresholdOf(profile) ?? null,
              },
            },
          ]
        : [],
    [
      presentationRow({
        state,
        recoveryId,
        requestId: created.requestId,
        apiKeyHash: hashSecret(apiKey),
        createdAt: new Date().toISOString(),
        expiresAt: requestExpires.toISOString(),
        status: "pending",
      }),
    ],
  );
  return { ok: true, state, record: shown };
}

/**
 * A presentation request expired before the user presented, while the step's deadline lasts:
 * make a new one (the status endpoint calls this when it would show an expired request). The
 * workflow needs no signal: it waits for a result from any of this recovery's requests.
 * Returns the record as it should be shown.
 */
export async function renewExpiredPresentation(record: Loaded, now: Date): Promise<Loaded> {
  if (record.stage !== "discovered") return record;
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
  return opened.ok ? opened.record : record;
}

/** What the callback recorded for a presentation request of this recovery (never the raw receipt). */
export async function presentationOutcome(state: string, recoveryId: string): Promise<PresentationOutcome> {
  const request = await services().presentations.get(state);
  if (!request || request.recoveryId !== recoveryId || !request.outcome) {
    throw new RecoveryStateError("outcome_missing", `presentation ${recoveryId} has no recorded outcome`);
  }
  return JSON.parse(request.outcome) as PresentationOutcome;
}
