/**
 * The recovery workflow, one orchestration per recovery (instanceId = recoveryId). It only
 * decides: every I/O is an activity; human waits race an external event against a durable
 * timer, and the timer is cancelled when the event wins. Transient activity failures are
 * retried by the durable retry policy; anything else ends the recovery in a terminal state
 * named after the step that failed.
 */

import type { OrchestrationContext, Task } from "durable-functions";
import * as df from "durable-functions";
import { idvFailureCode } from "../recovery/idvOutcome";
import type { FailureCode } from "../recovery/status";
import type {
  CheckVerdict,
  CredentialCheck,
  DiscoveryResult,
  FinishInput,
  IdvResultEvent,
  MatchInput,
  MatchVerdict,
  PresentationResultEvent,
  RecoverAccountInput,
  RecoveryInput,
  RecoveryOutcome,
  RequestPresentationResult,
  StartIdvResult,
  StepVerdict,
} from "./contracts";
import { ACTIVITIES, EVENTS } from "./names";

type Step = "discovery" | "identity_verification" | "presentation" | "validation" | "recovery";

const STEP_FAILURE: Record<Step, FailureCode> = {
  discovery: "directory_error",
  identity_verification: "idv_error",
  presentation: "verified_id_error",
  validation: "internal_error",
  recovery: "directory_error",
};

function retryPolicy(): df.RetryOptions {
  const retry = new df.RetryOptions(2_000, 4);
  retry.backoffCoefficient = 2;
  retry.maxRetryIntervalInMilliseconds = 30_000;
  return retry;
}

function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000);
}

/**
 * Waits for the first of several events until `deadline`; undefined when the deadline wins.
 * Each call makes new waiters: the runtime hands an event to the newest open waiter of its name.
 */
function* waitForFirstEvent(
  context: OrchestrationContext,
  eventNames: readonly string[],
  deadline: Date,
): Generator<Task, { name: string; data: unknown } | undefined, unknown> {
  const events = eventNames.map((name) => context.df.waitForExternalEvent(name));
  const timer = context.df.createTimer(deadline);
  const winner = yield context.df.Task.any([...events, timer]);
  if (winner === timer) return undefined;
  timer.cancel();
  const index = events.indexOf(winner as (typeof events)[number]);
  const name = eventNames[index];
  const event = events[index];
  // Task.any answers one of the tasks it was given: the timer was handled above.
  if (name === undefined || event === undefined)
    throw new TypeError("the first event is none of those awaited");
  return { name, data: event.result };
}

/**
 * Closes the recovery; with `notify`, then tells the user and the admins (after closing, so
 * the client gets its TAP without waiting for mail). A notice that cannot be sent is audited
 * by its activity (`notification_attempt_failed`) and does not change the outcome.
 */
function* finish(
  context: OrchestrationContext,
  input: FinishInput,
  notify = false,
): Generator<Task, RecoveryOutcome, unknown> {
  const closed = (yield context.df.callActivityWithRetry(ACTIVITIES.finishRecovery, retryPolicy(), input)) as
    | { etag?: string }
    | undefined;
  if (notify) {
    try {
      yield context.df.callActivityWithRetry(ACTIVITIES.notifyRecoveryOutcome, retryPolicy(), {
        recoveryId: input.recoveryId,
        ...(closed?.etag ? { etag: closed.etag } : {}),
      });
    } catch {
      // retries exhausted: the recovery's outcome stands
    }
  }
  return { status: input.status, ...(input.failureCode ? { failureCode: input.failureCode } : {}) };
}

export function* recoveryOrchestrator(
  context: OrchestrationContext,
): Generator<Task, RecoveryOutcome, unknown> {
  const { recoveryId, etag: started } = context.df.getInput() as RecoveryInput;
  const retry = retryPolicy();
  let step: Step = "discovery";
  // Production recoveries notify on success and on any failure once identity verification passed.
  let notify = false;
  // A passing check's finding, until the match has recorded it: should the match never return,
  // the finish records it (the trail keeps the check that passed).
  let checked: CredentialCheck | undefined;
  try {
    context.df.setCustomStatus({ step });
    const discovery = (yield context.df.callActivityWithRetry(ACTIVITIES.discoverAccount, retry, {
      recoveryId,
      ...(started ? { etag: started } : {}),
    })) as DiscoveryResult;
    if (!discovery.eligible) return yield* finish(context, { recoveryId, status: "not_eligible" });

    step = "identity_verification";
    context.df.setCustomStatus({ step });
    const idvDeadline = addMinutes(context.df.currentUtcDateTime, discovery.idvTimeoutMinutes);
    const idvStarted = (yield context.df.callActivityWithRetry(ACTIVITIES.startIdentityVerification, retry, {
      recoveryId,
      sessionId: context.df.newGuid(`${recoveryId}/idv`),
      deadline: idvDeadline.toISOString(),
      ...(discovery.etag ? { etag: discovery.etag } : {}),
    })) as StartIdvResult | undefined;
    // A signed webhook's result, or (results `return`/`either`) the browser's valid return: the
    // activity that follows checks that the proof the provider's mode accepts is stored.
    const heard = yield* waitForFirstEvent(context, [EVENTS.idvResult, EVENTS.idvReturned], idvDeadline);
    if (!heard) return yield* finish(context, { recoveryId, status: "expired", failureCode: "idv_timeout" });
    const idv: IdvResultEvent =
      heard.name === EVENTS.idvReturned ? { decision: "approved" } : (heard.data as IdvResultEvent);
    if (idv.decision !== "approved") {
      return yield* finish(context, {
        recoveryId,
        status: "failed",
        failureCode: idvFailureCode(idv.decision),
        detail: idv.decision,
      });
    }

    notify = discovery.mode === "production";

    step = "presentation";
    context.df.setCustomStatus({ step });
    const presentationDeadline = addMinutes(
      context.df.currentUtcDateTime,
      discovery.presentationTimeoutMinutes,
    );
    const request = (yield context.df.callActivityWithRetry(ACTIVITIES.requestPresentation, retry, {
      recoveryId,
      deadline: presentationDeadline.toISOString(),
      ...(idvStarted?.etag ? { etag: idvStarted.etag } : {}),
    })) as RequestPresentationResult;
    if (!request.ok)
      return yield* finish(context, { recoveryId, status: "failed", failureCode: request.code }, notify);
    // The user may have presented a renewed request (the first expired): the event names its state.
    // A webhook decline arriving meanwhile (results `either`/`return`) ends the recovery; a late
    // approval changes nothing.
    let presented: PresentationResultEvent | undefined;
    for (;;) {
      const heardNext = yield* waitForFirstEvent(
        context,
        [EVENTS.presentationResult, EVENTS.idvResult],
        presentationDeadline,
      );
      if (heardNext?.name === EVENTS.idvResult) {
        const late = heardNext.data as IdvResultEvent;
        if (late.decision === "approved") continue;
        return yield* finish(
          context,
          { recoveryId, status: "failed", failureCode: idvFailureCode(late.decision), detail: late.decision },
          notify,
        );
      }
      presented = heardNext?.data as PresentationResultEvent | undefined;
      break;
    }
    if (!presented) {
      return yield* finish(
        context,
        { recoveryId, status: "expired", failureCode: "presentation_timeout" },
        notify,
      );
    }

    step = "validation";
    context.df.setCustomStatus({ step });
    // Each step hands the next the record's version it left (etag): see contracts.ts.
    const verdict = (yield context.df.callActivityWithRetry(ACTIVITIES.checkPresentedCredential, retry, {
      recoveryId,
      state: presented.state,
      etag: request.etag,
    })) as CheckVerdict;
    if (!verdict.ok) {
      return yield* finish(
        context,
        { recoveryId, status: "failed", failureCode: verdict.code, etag: verdict.etag },
        notify,
      );
    }
    // A passing check wrote nothing: the match records its entry, with its own, in its one write.
    checked = verdict.checked;
    const matchInput: MatchInput = { recoveryId, state: presented.state, etag: verdict.etag, checked };
    const match = (yield context.df.callActivityWithRetry(
      ACTIVITIES.matchDirectoryProfile,
      retry,
      matchInput,
    )) as MatchVerdict;
    checked = undefined;
    if (!match.ok) {
      return yield* finish(
        context,
        { recoveryId, status: "failed", failureCode: match.code, etag: match.etag },
        notify,
      );
    }
    // A webhook decline stored since the presentation still ends a recovery that has not recovered.
    // (It reads the session, not the record, afresh and writes no record: the match's etag still
    // names the record's version.)
    const standing = (yield context.df.callActivityWithRetry(ACTIVITIES.confirmIdentityVerification, retry, {
      recoveryId,
      etag: match.etag,
    })) as StepVerdict;
    if (!standing.ok) {
      return yield* finish(
        context,
        { recoveryId, status: "failed", failureCode: standing.code, etag: match.etag },
        notify,
      );
    }
    // A helpdesk verification ends at the verdict: the directory is never touched — unless its
    // profile lets the verified caller go on to recover, and the caller chooses to in time.
    let plan = match.plan;
    if (discovery.verification) {
      if (!discovery.verification.offerRecovery)
        return yield* finish(context, { recoveryId, status: "verified", etag: match.etag }, notify);
      const offerDeadline = addMinutes(
        context.df.currentUtcDateTime,
        discovery.verification.recoveryOfferMinutes,
      );
      const offered = (yield context.df.callActivityWithRetry(
        ACTIVITIES.offerRecoveryAfterVerification,
        retry,
        {
          recoveryId,
          etag: match.etag,
          deadline: offerDeadline.toISOString(),
        },
      )) as StepVerdict;
      if (!offered.ok)
        return yield* finish(context, { recoveryId, status: "failed", failureCode: offered.code }, notify);
      const chosen = yield* waitForFirstEvent(context, [EVENTS.recoveryContinued], offerDeadline);
      // The offer lasted minutes: a decline the provider reported meanwhile (a return came
      // first, the webhook after) ends the flow failed, whether the caller chose to recover
      // (before the directory is touched) or let the offer run out (not "verified").
      const stillStanding = (yield context.df.callActivityWithRetry(
        ACTIVITIES.confirmIdentityVerification,
        retry,
        { recoveryId },
      )) as StepVerdict;
      if (!stillStanding.ok) {
        return yield* finish(
          context,
          { recoveryId, status: "failed", failureCode: stillStanding.code },
          notify,
        );
      }
      if (!chosen) return yield* finish(context, { recoveryId, status: "verified" }, notify);
      // Time passed since the match read the directory: the recovery step reads it again.
      plan = undefined;
    }
    if (discovery.mode === "evaluation")
      return yield* finish(context, { recoveryId, status: "evaluation_passed", etag: match.etag }, notify);

    step = "recovery";
    context.df.setCustomStatus({ step });
    // Method reset, session revocation and the TAP: one step, one Graph round trip (in that order).
    // The match's plan (what it read for this step) comes along, so the step need not read again.
    const recoverInput: RecoverAccountInput = { recoveryId, ...(plan ? { plan } : {}) };
    const recovered = (yield context.df.callActivityWithRetry(
      ACTIVITIES.recoverAccount,
      retry,
      recoverInput,
    )) as StepVerdict;
    if (!recovered.ok)
      return yield* finish(context, { recoveryId, status: "failed", failureCode: recovered.code }, notify);
    return yield* finish(context, { recoveryId, status: "recovered", etag: recovered.etag }, notify);
  } catch (err) {
    const detail = err instanceof Error ? err.message.slice(0, 300) : "unknown";
    return yield* finish(
      context,
      {
        recoveryId,
        status: "failed",
        failureCode: STEP_FAILURE[step],
        detail,
        ...(checked ? { checked } : {}),
      },
      notify,
    );
  }
}
