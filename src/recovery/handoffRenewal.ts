/**
 * When a user may have a fresh hand-off to the IDV provider ("I did not finish at the
 * provider, take me back"): the pure decision, with the clock as an argument. The HTTP
 * handler (src/functions/idvHandoffRenewal.ts) reads the record and the IDV session, asks
 * here, and signs only on `renew`.
 *
 * - `unavailable`: the recovery does not wait at the provider (another status or stage, its
 *   IDV deadline passed, no session of its own, a return consumed or a result stored: the
 *   workflow is moving on or ending, and a new link must not race it);
 * - `repeat`: a renewal was made less than RENEWAL_REPEAT_MS ago — a double click or a retried
 *   request — so that hand-off is answered again and nothing is signed (the first renewal after
 *   the workflow's own hand-off is always made: the user asked for it);
 * - `limited`: MAX_RENEWALS made already; a user who lost a tab needs one or two, a loop of
 *   them only mints links;
 * - `renew`: sign a new hand-off.
 */
import { isTerminal, type RecoveryStatus } from "./status";

/** A second renewal this soon after the latest one answers that one. */
export const RENEWAL_REPEAT_MS = 30_000;
/** Fresh hand-offs one recovery may ask for. */
export const MAX_RENEWALS = 5;

export interface RenewalRecordView {
  recoveryId: string;
  stage: "started" | "discovered";
  status: RecoveryStatus;
  /** The IDV deadline while `verifying_identity`. */
  expiresAt: string;
  idvSessionId?: string | undefined;
  next?: { type: string } | undefined;
}

export interface RenewalSessionView {
  recoveryId: string;
  returnedAt?: string | undefined;
  result?: string | undefined;
  /** When its hand-off was signed. */
  createdAt: string;
  handoffsRenewed?: number | undefined;
}

export type RenewalDecision =
  | { kind: "unavailable" }
  | { kind: "repeat" }
  | { kind: "limited"; retryAfterSeconds: number }
  | { kind: "renew" };

/**
 * A re-run of the workflow's first hand-off (its activity ran again after a host stop) that a
 * fresh hand-off replaced meanwhile: the record names another session, or this one is marked
 * superseded. Such a re-run must change nothing — pointing the record back at the replaced
 * session would make its return and its stored result act again, against an earlier hand-off.
 */
export function replacedSince(
  record: { idvSessionId?: string | undefined },
  sessionId: string,
  existing: { supersededAt?: string | undefined } | undefined,
): boolean {
  return (record.idvSessionId !== undefined && record.idvSessionId !== sessionId) || !!existing?.supersededAt;
}

/** The record still waits at the provider with `sessionId` as its session, before its IDV deadline. */
export function waitsAtProvider(
  record: RenewalRecordView,
  sessionId: string | undefined,
  now: number,
): boolean {
  const deadline = Date.parse(record.expiresAt);
  return (
    record.stage === "discovered" &&
    record.status === "verifying_identity" &&
    !isTerminal(record.status) &&
    sessionId !== undefined &&
    record.idvSessionId === sessionId &&
    record.next?.type === "redirect" &&
    Number.isFinite(deadline) &&
    now < deadline
  );
}

export function decideRenewal(
  record: RenewalRecordView,
  session: RenewalSessionView | undefined,
  now: number,
): RenewalDecision {
  if (!waitsAtProvider(record, record.idvSessionId, now)) return { kind: "unavailable" };
  if (!session || session.recoveryId !== record.recoveryId || session.returnedAt || session.result) {
    return { kind: "unavailable" };
  }
  const renewals = session.handoffsRenewed ?? 0;
  const latest = Date.parse(session.createdAt);
  if (renewals > 0 && Number.isFinite(latest) && now >= latest && now - latest < RENEWAL_REPEAT_MS) {
    return { kind: "repeat" };
  }
  if (renewals >= MAX_RENEWALS) {
    return {
      kind: "limited",
      retryAfterSeconds: Math.max(1, Math.ceil((Date.parse(record.expiresAt) - now) / 1000)),
    };
  }
  return { kind: "renew" };
}
