/**
 * Inbound calls from other services: IDV webhooks, the IDV return redirect and Verified ID
 * callbacks. All are authenticated, correlated through our own stored mapping, persisted
 * before they are acknowledged, and idempotent: a duplicate or late call is acknowledged and
 * changes nothing.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { json, parseJsonText, problem, readRawBody, respond } from "../http";
import { secretsForWebhook } from "../idv/webhookSecrets";
import type { SelfValidation } from "../recovery/credential";
import { InvalidRequestError, NotFoundError, UnauthorizedError } from "../recovery/errors";
import { secretMatchesHash } from "../recovery/opaqueSecrets";
import { services } from "../services";
import type { InboxEntry } from "../store/correlations";
import { presentationKeys, presentationOf } from "../store/presentations";
import { type RecoveryRecord, subjectOf } from "../store/recoveries";
import { callbackSchema, type PresentationOutcome, toPresentationOutcome } from "../verified-id/callback";
import { presentationNonce, validatePresentation } from "../verified-id/vpValidation";
import { describeIssue } from "../zodText";
import type { PresentationResultEvent } from "./contracts";
import { deliverIdvEvent, raiseToRecovery as raise } from "./idvDelivery";
import { EVENTS } from "./names";

export { idvReturn } from "./idvReturn";

const WEBHOOK_LIMIT_BYTES = 64 * 1024;
const CALLBACK_LIMIT_BYTES = 256 * 1024;

/**
 * IDV webhook: raw body read once with a limit, authenticated (signature over the current and
 * previous secret, timestamp tolerance), parsed into the normalized result, correlated through
 * OUR provider-session mapping, written to the inbox, and only then acknowledged. Its effect
 * is applied right away when possible; if that fails the entry stays undelivered and the
 * sweeper applies it. A replayed event id is acknowledged and changes nothing.
 */
export async function idvWebhook(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const s = services();
    const providerName = request.params.provider ?? "";
    const adapter = s.adapters.get(providerName);
    if (!adapter) throw new NotFoundError("unknown_provider", "No such identity verification provider.");
    const raw = await readRawBody(request, WEBHOOK_LIMIT_BYTES);
    adapter.authenticateWebhook(
      request.headers,
      raw,
      await secretsForWebhook(s.secrets, providerName),
      new Date(),
    );
    const { eventId, result } = adapter.parseWebhook(request.headers, raw);

    const session = await s.idvSessions.get(providerName, result.sessionId);
    const entry: InboxEntry = {
      provider: providerName,
      webhookId: eventId,
      receivedAt: new Date().toISOString(),
      sessionId: result.sessionId,
      recoveryId: session?.recoveryId ?? "",
      // Names and date of birth stay out of storage: the match uses the presented credential.
      result: JSON.stringify({ ...result, person: undefined }),
      // A session that is not ours is recorded and has no effect: nothing left to deliver.
      delivered: !session,
      ...(session ? {} : { disposition: "unknown_session" }),
    };
    const accepted = await s.inbox.accept(entry);
    if (!session) {
      context.warn(`idv webhook ${providerName}/${eventId}: unknown session, recorded and ignored`);
      return json(200, { status: "ignored" });
    }
    if (!accepted.fresh && accepted.existing.delivered) return json(200, { status: "duplicate" });
    // The entry is persisted: from here on a failure is the sweeper's to repair, not the caller's.
    const pending = accepted.fresh ? entry : accepted.existing;
    try {
      return json(200, { status: await deliverIdvEvent(context, pending, session) });
    } catch (err) {
      context.warn(`idv webhook ${providerName}/${eventId}: accepted, delivery deferred (${String(err)})`);
      return json(200, { status: "queued" });
    }
  });
}

export async function verifiedIdCallback(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const s = services();
    const apiKey = request.headers.get("api-key");
    if (!apiKey) throw new UnauthorizedError("invalid_callback", "Missing api-key.");
    const parsed = callbackSchema.safeParse(parseJsonText(await readRawBody(request, CALLBACK_LIMIT_BYTES)));
    if (!parsed.success) throw new InvalidRequestError("invalid_payload", describeIssue(parsed.error));
    const callback = parsed.data;
    // The request and its recovery's record, in one read of the recovery's partition.
    const keys = presentationKeys(callback.state);
    const read = keys ? await s.recoveries.getWith(keys.recoveryId, [keys.rowKey]) : undefined;
    const found = keys ? presentationOf(read?.rows.get(keys.rowKey)) : undefined;
    const pending = found && s.presentations.remember(found);
    const record = read?.record;
    // Unknown state, wrong key or a requestId that is not the one we created: all alike.
    const authentic =
      !!pending &&
      !!record &&
      pending.state === callback.state &&
      secretMatchesHash(apiKey, pending.apiKeyHash) &&
      pending.requestId === callback.requestId;
    if (!pending || !record || !authentic)
      return problem(new UnauthorizedError("invalid_callback", "Unknown or unauthenticated callback."));

    if (callback.requestStatus === "request_retrieved") {
      if (pending.status === "pending") {
        await s.presentations.replace(pending, { ...stripEtag(pending), status: "retrieved" });
        await s.recoveries.advance(
          pending.recoveryId,
          { presentationRetrievedAt: new Date().toISOString() },
          read?.record,
          [{ recoveryId: pending.recoveryId, event: "presentation_retrieved", outcome: "info" }],
        );
      }
      return json(200, { status: "accepted" });
    }
    if (pending.status === "completed") {
      // Stored as completed, but the event may never have reached the workflow: the host died
      // (or the raise failed) after the write, and this is the service's retry. Raise it again;
      // the workflow waits for one result and ignores a second copy.
      if (pending.requestStatus) {
        const again: PresentationResultEvent = {
          state: callback.state,
          requestStatus: pending.requestStatus,
        };
        await raise(context, pending.recoveryId, EVENTS.presentationResult, again, record);
      }
      return json(200, { status: "duplicate" });
    }
    const outcome: PresentationOutcome = toPresentationOutcome(callback);
    // The raw VP is validated now and never stored: it carries the portrait.
    const vpToken = callback.receipt?.vp_token;
    if (outcome.requestStatus === "presentation_verified" && vpToken) {
      outcome.selfValidation = await validateReceipt(vpToken, callback.state, record);
    }
    // The outcome and its audit entry: one write.
    const stored = await s.presentations.replace(
      pending,
      {
        ...stripEtag(pending),
        status: "completed",
        requestStatus: outcome.requestStatus,
        outcome: JSON.stringify(outcome),
      },
      [
        {
          recoveryId: pending.recoveryId,
          event: "presentation_completed",
          outcome: outcome.requestStatus === "presentation_verified" ? "success" : "failure",
          code:
            outcome.requestStatus === "presentation_verified"
              ? "presentation_verified"
              : (outcome.error?.code ?? "presentation_error"),
          detail: {
            faceCheckScore: outcome.credentials[0]?.faceCheckScore ?? null,
            selfValidation: outcome.selfValidation
              ? outcome.selfValidation.ok
                ? "valid"
                : outcome.selfValidation.reason
              : null,
          },
        },
      ],
      subjectOf(record),
    );
    if (!stored) return json(200, { status: "duplicate" });
    const event: PresentationResultEvent = { state: callback.state, requestStatus: outcome.requestStatus };
    const live = await raise(context, pending.recoveryId, EVENTS.presentationResult, event, record);
    return json(200, { status: live ? "accepted" : "late" });
  });
}

/** Our own verdict on a receipt's VP/VC (docs/facts.md §7), against the recovery's provider's issuers. */
async function validateReceipt(
  vpToken: string,
  state: string,
  record: RecoveryRecord | undefined,
): Promise<SelfValidation> {
  const s = services();
  const provider = record?.stage === "discovered" ? s.config.providers.get(record.provider) : undefined;
  const verdict = await validatePresentation(
    vpToken,
    {
      verifierDid: s.config.verifiedId.authority,
      nonce: presentationNonce(state),
      acceptedIssuers: provider?.acceptedIssuers ?? [],
      requiredType: "VerifiedIdentity",
      now: new Date(),
    },
    s.didResolver,
  );
  if (!verdict.ok)
    return { ok: false, code: verdict.code, reason: verdict.reason, explanation: verdict.explanation };
  const { firstName, lastName } = verdict.claims;
  return {
    ok: true,
    issuer: verdict.issuer,
    firstName: String(firstName),
    lastName: String(lastName),
    issuanceDate: verdict.issuanceDate,
  };
}

function stripEtag<T extends { etag: string }>(value: T): Omit<T, "etag"> {
  const { etag: _etag, ...rest } = value;
  return rest;
}
