/**
 * Inbound calls from other services: IDV webhooks, the IDV return redirect and Verified ID
 * callbacks. All are authenticated, correlated through our own stored mapping, persisted
 * before they are acknowledged, and idempotent: a duplicate or late call is acknowledged and
 * changes nothing.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { json, parseJsonText, problem, readRawBody, respond } from "../http";
import { secretsForWebhook } from "../idv/webhookSecrets";
import type { SelfValidation } from "../recovery/credential";
import { InvalidRequestError, NotFoundError, UnauthorizedError } from "../recovery/errors";
import { describeIssue } from "../recovery/policy";
import { secretMatchesHash } from "../recovery/secretsCompare";
import { isRecoveryId, isTerminal } from "../recovery/status";
import { services } from "../services";
import { callbackSchema, type PresentationOutcome, toPresentationOutcome } from "../verified-id/callback";
import { presentationNonce, validatePresentation } from "../verified-id/vpValidation";
import type { IdvResultEvent, PresentationResultEvent } from "./contracts";
import { EVENTS } from "./names";

const WEBHOOK_LIMIT_BYTES = 64 * 1024;
const CALLBACK_LIMIT_BYTES = 256 * 1024;
const FINAL_DECISIONS = new Set(["approved", "declined", "expired", "error"]);

/**
 * Raises an event to a recovery's workflow. A recovery our record shows as closed (ended,
 * cancelled) gets nothing: the callback is late, acknowledged and ignored. A workflow that ends
 * between the check and the raise answers 410, which the client treats as done.
 */
async function raise(
  context: InvocationContext,
  recoveryId: string,
  name: string,
  data: unknown,
): Promise<boolean> {
  const record = await services().recoveries.get(recoveryId);
  if (!record || isTerminal(record.status)) return false;
  await df.getClient(context).raiseEvent(recoveryId, name, data);
  return true;
}

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
    if (!session) {
      context.warn(`idv webhook ${providerName}/${eventId}: unknown session, ignored`);
      return json(200, { status: "ignored" });
    }
    const accepted = await s.inbox.accept({
      provider: providerName,
      webhookId: eventId,
      receivedAt: new Date().toISOString(),
      sessionId: result.sessionId,
      recoveryId: session.recoveryId,
      delivered: false,
    });
    if (!accepted.fresh && accepted.existing.delivered) return json(200, { status: "duplicate" });

    if (!FINAL_DECISIONS.has(result.decision)) {
      await s.audit.record({
        recoveryId: session.recoveryId,
        event: "identity_verification_update",
        outcome: "info",
        code: result.decision,
      });
      await s.inbox.markDelivered(providerName, eventId);
      return json(200, { status: "accepted" });
    }
    const first = await s.idvSessions.recordResult(session, JSON.stringify(result), new Date().toISOString());
    // Another delivery for a session that already has its result changes nothing. A redelivery of
    // this very webhook (accepted before, not yet delivered: a crash before the raise) goes on.
    if (!first && accepted.fresh) {
      await s.inbox.markDelivered(providerName, eventId);
      return json(200, { status: "duplicate" });
    }
    if (first) {
      await s.audit.record({
        recoveryId: session.recoveryId,
        event: "identity_verification_completed",
        outcome: result.decision === "approved" ? "success" : "failure",
        code: result.decision,
        detail: {
          provider: providerName,
          reasons: result.reasons,
          document: result.document ?? null,
          checks: result.checks ?? null,
        },
      });
    }
    const event: IdvResultEvent = { decision: result.decision };
    const live = await raise(context, session.recoveryId, EVENTS.idvResult, event);
    await s.inbox.markDelivered(providerName, eventId);
    return json(200, { status: live ? "accepted" : "late" });
  });
}

export async function idvReturn(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const s = services();
    if (!s.adapters.has(request.params.provider ?? "")) {
      throw new NotFoundError("unknown_provider", "No such identity verification provider.");
    }
    const recoveryId = request.query.get("recoveryId") ?? "";
    if (!isRecoveryId(recoveryId)) throw new InvalidRequestError("recoveryId is missing or malformed.");
    // Only ever to our configured front end: the id is the one thing we pass along.
    const target = new URL(s.config.frontendReturnUrl);
    target.searchParams.set("recoveryId", recoveryId);
    return { status: 302, headers: { Location: target.toString(), "Cache-Control": "no-store" } };
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
    if (!parsed.success) throw new InvalidRequestError(describeIssue(parsed.error), "invalid_payload");
    const callback = parsed.data;
    const pending = await s.presentations.get(callback.state);
    // Unknown state, wrong key or a requestId that is not the one we created: all alike.
    const authentic =
      !!pending && secretMatchesHash(apiKey, pending.apiKeyHash) && pending.requestId === callback.requestId;
    if (!pending || !authentic)
      return problem(new UnauthorizedError("invalid_callback", "Unknown or unauthenticated callback."));

    if (callback.requestStatus === "request_retrieved") {
      if (pending.status === "pending") {
        await s.presentations.replace(pending, { ...stripEtag(pending), status: "retrieved" });
        await s.recoveries.advance(pending.recoveryId, { presentationRetrievedAt: new Date().toISOString() });
        await s.audit.record({
          recoveryId: pending.recoveryId,
          event: "presentation_retrieved",
          outcome: "info",
        });
      }
      return json(200, { status: "accepted" });
    }
    if (pending.status === "completed") return json(200, { status: "duplicate" });
    const outcome: PresentationOutcome = toPresentationOutcome(callback);
    // The raw VP is validated now and never stored: it carries the portrait.
    const vpToken = callback.receipt?.vp_token;
    if (outcome.requestStatus === "presentation_verified" && vpToken) {
      outcome.selfValidation = await validateReceipt(vpToken, callback.state, pending.recoveryId);
    }
    const stored = await s.presentations.replace(pending, {
      ...stripEtag(pending),
      status: "completed",
      requestStatus: outcome.requestStatus,
      outcome: JSON.stringify(outcome),
    });
    if (!stored) return json(200, { status: "duplicate" });
    await s.audit.record({
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
    });
    const event: PresentationResultEvent = { state: callback.state, requestStatus: outcome.requestStatus };
    const live = await raise(context, pending.recoveryId, EVENTS.presentationResult, event);
    return json(200, { status: live ? "accepted" : "late" });
  });
}

/** Our own verdict on a receipt's VP/VC (FACTS §7), against the recovery's provider's issuers. */
async function validateReceipt(vpToken: string, state: string, recoveryId: string): Promise<SelfValidation> {
  const s = services();
  const record = await s.recoveries.get(recoveryId);
  const provider = record?.provider ? s.config.providers.get(record.provider) : undefined;
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
  return { ok: true, issuer: verdict.issuer, firstName: String(firstName), lastName: String(lastName) };
}

function stripEtag<T extends { etag: string }>(value: T): Omit<T, "etag"> {
  const { etag: _etag, ...rest } = value;
  return rest;
}
