/**
 * The effect of an accepted IDV webhook, shared by the webhook function and the inbox sweeper.
 * The webhook writes the event to the inbox before it answers 2xx; this module then applies
 * it — audit, the session's first result, the event raised to the recovery's workflow — and
 * marks the entry delivered. Every step is idempotent (write-once audit rows, an etag-guarded
 * first result, a closed recovery getting nothing), so delivering an entry twice, after a
 * crash or from both the webhook and the sweeper, has the effect of delivering it once.
 */
import type { InvocationContext, Timer } from "@azure/functions";
import * as df from "durable-functions";
import type { NormalizedIdvResult } from "../idv/adapter";
import { resultsModeOf, webhookApprovalAdvances } from "../idv/resultsMode";
import { isTerminal } from "../recovery/status";
import { services } from "../services";
import type { AuditSubject } from "../store/audit";
import type { IdvSession, InboxEntry, WithEtag } from "../store/correlations";
import { type RecoveryRecord, subjectOf } from "../store/recoveries";
import type { IdvResultEvent } from "./contracts";
import { EVENTS } from "./names";

/** Decisions that settle a verification; `review` and `resubmit` keep the recovery waiting. */
const FINAL_DECISIONS = new Set(["approved", "declined", "expired", "error"]);
/** Entries the sweeper takes per run; the next run takes the rest. */
const SWEEP_BATCH = 100;
/** Re-deliveries before an entry that keeps failing is closed (logged as an error) instead of retried forever. */
export const MAX_DELIVERY_ATTEMPTS = 5;

export type DeliveryOutcome = "accepted" | "late" | "duplicate" | "ignored";

/**
 * Raises an event to a recovery's workflow. A recovery our record shows as closed (ended,
 * cancelled) gets nothing: the callback is late, acknowledged and ignored.
 */
export async function raiseToRecovery(
  context: InvocationContext,
  recoveryId: string,
  name: string,
  data: unknown,
  known?: RecoveryRecord,
): Promise<boolean> {
  // `known`: the record as the caller read it in this same call, sparing a second read.
  const record = known?.recoveryId === recoveryId ? known : await services().recoveries.get(recoveryId);
  if (!record || isTerminal(record.status)) return false;
  await df.getClient(context).raiseEvent(recoveryId, name, data);
  return true;
}

/**
 * `session`: the correlation record as the webhook just read it (with its etag), to spare
 * reading it again; a record changed meanwhile fails the etag and is read afresh.
 */
export async function deliverIdvEvent(
  context: InvocationContext,
  entry: InboxEntry,
  session?: WithEtag<IdvSession>,
): Promise<DeliveryOutcome> {
  const s = services();
  const { provider, webhookId } = entry;
  const outcome = await applyIdvEvent(context, entry, session);
  await s.inbox.markDelivered(provider, webhookId);
  return outcome;
}

async function applyIdvEvent(
  context: InvocationContext,
  entry: InboxEntry,
  known: WithEtag<IdvSession> | undefined,
): Promise<DeliveryOutcome> {
  const s = services();
  if (!entry.recoveryId) return "ignored";
  const result = JSON.parse(entry.result) as NormalizedIdvResult;
  let session =
    known?.provider === entry.provider && known.sessionId === entry.sessionId
      ? known
      : await s.idvSessions.get(entry.provider, entry.sessionId);
  const recovery = await advanceFor(entry.recoveryId, session);
  if (!FINAL_DECISIONS.has(result.decision)) {
    await s.audit.record(
      {
        recoveryId: entry.recoveryId,
        event: "identity_verification_update",
        onceKey: `identity_verification_update_${entry.provider}_${entry.webhookId}`,
        outcome: "info",
        code: result.decision,
      },
      recovery.subject,
    );
    return "accepted";
  }
  if (!session) return "ignored";
  if (!session.resultEventId) {
    const first = await s.idvSessions.recordResult(session, entry.result, entry.webhookId, entry.receivedAt);
    // Lost a race with another delivery: whoever won owns the result.
    if (!first) session = await s.idvSessions.get(entry.provider, entry.sessionId);
    else session = { ...session, resultEventId: entry.webhookId };
  }
  // Another event for a session that already has its result changes nothing.
  if (session?.resultEventId !== entry.webhookId) return "duplicate";
  await s.audit.record(
    {
      recoveryId: entry.recoveryId,
      event: "identity_verification_completed",
      onceKey: `identity_verification_completed_${entry.provider}_${entry.sessionId}`,
      outcome: result.decision === "approved" ? "success" : "failure",
      code: result.decision,
      detail: {
        provider: entry.provider,
        reasons: result.reasons,
        document: result.document ?? null,
        checks: result.checks ?? null,
      },
    },
    recovery.subject,
  );
  const event: IdvResultEvent = { decision: result.decision };
  // A recovery that lost its user's lock (superseded, closed) must not go on: the result is late.
  if (!recovery.holdsLock) return "late";
  // In `return` mode an approval moves nothing (the return does); a decline ends the recovery.
  const provider = s.config.providers.get(entry.provider);
  if (result.decision === "approved" && provider && !webhookApprovalAdvances(resultsModeOf(provider)))
    return "accepted";
  // An approval for a hand-off the user replaced with a fresh one (idvHandoffRenewal.ts): the
  // recovery waits for the newest; a decline for it still ends the recovery (below).
  if (result.decision === "approved" && session.supersededAt) return "accepted";
  if (!recovery.record) {
    // Held by the lock: the recovery runs (a cancel or the finish closes the record before it
    // frees the lock, and every activity refuses a closed record; a raise to a workflow that
    // has ended is dropped).
    await df.getClient(context).raiseEvent(entry.recoveryId, EVENTS.idvResult, event);
    return "accepted";
  }
  return (await raiseToRecovery(context, entry.recoveryId, EVENTS.idvResult, event, recovery.record))
    ? "accepted"
    : "late";
}

/**
 * The recovery an IDV event is about, its user's lock marked advanced (`markAdvanced`). A
 * session row that names the user (written since issue 16) spares the record's read: the lock,
 * held by this recovery and running, is then what says it still runs, and the row gives the
 * audit its subject. An older row (or none) is answered from the record, as before.
 */
async function advanceFor(
  recoveryId: string,
  session: IdvSession | undefined,
): Promise<{ holdsLock: boolean; subject: AuditSubject | undefined; record?: RecoveryRecord | undefined }> {
  if (session?.recoveryId === recoveryId && session.userId) {
    const subject = { userId: session.userId, clientAddress: session.clientAddress };
    return {
      holdsLock: await services().locks.markAdvanced(session.userId, recoveryId, new Date()),
      subject,
    };
  }
  const { record, holdsLock } = await markAdvanced(recoveryId);
  return { holdsLock: holdsLock && record !== undefined, subject: record && subjectOf(record), record };
}

/**
 * The provider reported on the recovery's session (any decision, `review` included), or the
 * browser came back with the hand-off's one-time value (src/functions/idvReturn.ts): a person
 * is verifying there, so from now on a newer start for the same user no longer supersedes the
 * recovery (recovery/userLock). False when the recovery no longer holds its user's lock.
 * `known`: the record as the caller read it in this same call, sparing a second read.
 */
export async function markAdvanced(
  recoveryId: string,
  known?: RecoveryRecord,
): Promise<{ record: RecoveryRecord | undefined; holdsLock: boolean }> {
  const s = services();
  const record = known?.recoveryId === recoveryId ? known : await s.recoveries.get(recoveryId);
  if (!record || isTerminal(record.status) || !record.userId) return { record, holdsLock: false };
  return { record, holdsLock: await s.locks.markAdvanced(record.userId, recoveryId, new Date()) };
}

/**
 * Timer trigger: re-delivers inbox entries whose delivery never finished (the raise failed,
 * or the host stopped between the inbox write and the raise). Entries younger than
 * IDV_INBOX_SWEEP_MIN_AGE_SECONDS are left to the webhook call still handling them. An entry
 * that fails MAX_DELIVERY_ATTEMPTS times is closed as `delivery_failed` and logged as an
 * error; its recovery then ends by its own deadline.
 */
export async function sweepIdvInbox(_timer: Timer, context: InvocationContext): Promise<void> {
  const s = services();
  const before = new Date(Date.now() - s.config.idvInboxSweepMinAgeSeconds * 1000).toISOString();
  const entries = await s.inbox.listUndelivered(before, SWEEP_BATCH);
  let failed = 0;
  for (const entry of entries) {
    try {
      const outcome = await deliverIdvEvent(context, entry);
      context.info(`idv inbox ${entry.provider}/${entry.webhookId}: re-delivered (${outcome})`);
    } catch (err) {
      failed++;
      const giveUp = (entry.attempts ?? 0) + 1 >= MAX_DELIVERY_ATTEMPTS;
      const attempts = await s.inbox.recordFailedAttempt(entry, giveUp);
      const what = `idv inbox ${entry.provider}/${entry.webhookId}: delivery attempt ${attempts} failed (${String(err)})`;
      if (giveUp) context.error(`${what}; giving up, entry closed as delivery_failed`);
      else context.warn(what);
    }
  }
  if (entries.length > 0)
    context.info(`idv inbox sweep: ${entries.length - failed} delivered, ${failed} left`);
}
