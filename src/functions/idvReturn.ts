/**
 * `GET /api/idv/{provider}/return`: the user's browser back from the IDV provider (issue 17).
 * In Microsoft's contract (FACTS §11) this return is the provider's only signal, so for a
 * provider in `return` or `either` mode it moves the recovery to the presentation — but only
 * with the one-time value of this recovery's hand-off (src/idv/returnValue.ts), for a recovery
 * still in `verifying_identity`, once. Whatever the return carries, the browser gets the same
 * redirect to the front end as before: a forged, reused or foreign value, an unknown session, a
 * recovery that moved on, all answer alike and change nothing (no oracle).
 *
 * A return with one of the provider's "not finished" parameters (an error or a cancellation,
 * `returnErrorParameters`) consumes nothing and ends nothing: the indication is not
 * authenticated (anyone holding the URL can add or strip it), so it is no verdict in either
 * direction. The user may go back to the provider, or cancel, while the IDV deadline lasts;
 * the audit records what the provider indicated.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { respond } from "../http";
import { resultsModeOf, returnAdvances, returnErrorParametersOf } from "../idv/resultsMode";
import { judgeReturn, type PresentedReturn, readReturn, unfinishedIndication } from "../idv/returnValue";
import { InvalidRequestError, NotFoundError } from "../recovery/errors";
import { isRecoveryId } from "../recovery/status";
import { services } from "../services";
import type { IdvReturnedEvent } from "./contracts";
import { markAdvanced, raiseToRecovery } from "./idvDelivery";
import { EVENTS } from "./names";

export async function idvReturn(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const s = services();
    const providerName = request.params.provider ?? "";
    const provider = s.config.providers.get(providerName);
    if (!provider || !s.adapters.has(providerName)) {
      throw new NotFoundError("unknown_provider", "No such identity verification provider.");
    }
    const recoveryId = request.query.get("recoveryId") ?? "";
    if (!isRecoveryId(recoveryId))
      throw new InvalidRequestError("invalid_request", "recoveryId is missing or malformed.");
    const presented = readReturn(request.query);
    if (presented && returnAdvances(resultsModeOf(provider))) {
      const outcome = await applyReturn(context, providerName, presented, request.query);
      if (outcome !== "advanced") context.info(`idv return ${providerName}/${recoveryId}: ${outcome}`);
    }
    // Only ever to our configured front end: the id is the one thing we pass along.
    const target = new URL(s.config.frontendReturnUrl);
    target.searchParams.set("recoveryId", recoveryId);
    return { status: 302, headers: { Location: target.toString(), "Cache-Control": "no-store" } };
  });
}

type ReturnOutcome = "advanced" | "refused" | "unfinished" | "not_waiting" | "late";

async function applyReturn(
  context: InvocationContext,
  providerName: string,
  presented: PresentedReturn,
  query: URLSearchParams,
): Promise<ReturnOutcome> {
  const s = services();
  const session = await s.idvSessions.get(providerName, presented.sessionId);
  const judged = judgeReturn(session, presented);
  if (judged === "refused" || !session) return "refused";
  const record = await s.recoveries.get(presented.recoveryId);
  if (
    record?.status !== "verifying_identity" ||
    record.stage !== "discovered" ||
    record.provider !== providerName ||
    // The session the record names now: a fresh hand-off's replaced an earlier one.
    record.idvSessionId !== presented.sessionId
  )
    return "not_waiting";
  const provider = s.config.providers.get(providerName);
  if (!provider) return "not_waiting";
  const unfinished = unfinishedIndication(query, returnErrorParametersOf(provider));
  if (unfinished) {
    if (judged === "first") {
      await s.audit.record(
        {
          recoveryId: presented.recoveryId,
          event: "identity_verification_return_unfinished",
          // The parameter's name (configured, key-safe), never its value (anything the URL carries).
          onceKey: `identity_verification_return_unfinished_${presented.sessionId}_${unfinished.parameter}`,
          outcome: "info",
          code: "idv_unfinished",
          detail: { provider: providerName, parameter: unfinished.parameter, value: unfinished.value },
        },
        record,
      );
    }
    return "unfinished";
  }
  const at = new Date().toISOString();
  // The etag-guarded write is the one use of the value: of two racing returns one wins. A
  // consumed value coming back ("again") only repairs an effect that did not land (the host
  // stopped after the write), while the recovery still waits; it never acts a second time.
  if (judged === "first" && !(await s.idvSessions.consumeReturn(session, at))) return "refused";
  const { record: current, holdsLock } = await markAdvanced(presented.recoveryId, record);
  await s.audit.record(
    {
      recoveryId: presented.recoveryId,
      event: "identity_verification_returned",
      onceKey: `identity_verification_returned_${providerName}_${presented.sessionId}`,
      outcome: "success",
      detail: { provider: providerName, sessionId: presented.sessionId },
    },
    record,
  );
  // A recovery that lost its user's lock (superseded, closed) must not go on.
  if (!holdsLock || !current) return "late";
  const event: IdvReturnedEvent = { sessionId: presented.sessionId };
  const raised = await raiseToRecovery(context, presented.recoveryId, EVENTS.idvReturned, event, current);
  return raised ? "advanced" : "late";
}
