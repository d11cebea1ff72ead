/**
 * The per-user lock's rule, the pure part (the row lives in store/userLocks). The lock keeps
 * one recovery per directory user in flight — one directory reset at a time, one IDV session
 * at a time for the person verifying — and can never be orphaned:
 *
 * - it names its recovery and expires with that recovery's latest possible end;
 * - a lock whose recovery is closed (any terminal status) or gone holds nothing;
 * - until the IDV provider has reported on the recovery's session (`advancedAt`: a signed
 *   webhook, which takes a person at the provider with a document and a face), it keeps nobody
 *   out: a newer eligible start for the same user supersedes it. An anonymous start therefore
 *   never refuses the user's own start; only a recovery somebody is verifying in does. An
 *   older start whose discovery runs late yields to the newer one instead.
 */

export interface UserLockState {
  recoveryId: string;
  state: "running" | "released";
  acquiredAt: string;
  /** Latest possible end of the holder's recovery. Rows written before this field have none. */
  expiresAt?: string | undefined;
  /** When the IDV provider first reported on the holder's session. */
  advancedAt?: string | undefined;
  cooldownUntil?: string | undefined;
}

/** Why a holder loses the lock to another recovery. */
export type DisplacedReason = "closed" | "superseded" | "lock_expired";

export type LockDecision =
  | { kind: "held" }
  | { kind: "refuse"; reason: "recovery_in_progress" | "cooldown" | "superseded" }
  | { kind: "take"; displaced?: { recoveryId: string; reason: DisplacedReason } };

/** A recovery as the lock rule sees it: its id and when it was started. */
export interface LockCandidate {
  recoveryId: string;
  createdAt: string;
}

/**
 * What `candidate` may do with the lock as it stands. `holder`: the current holder's record
 * when another recovery holds a running lock (undefined when it is gone or closed, or when
 * nobody else holds it). Only a newer start supersedes: a start whose discovery runs late (its
 * host died before it answered) yields to the newer recovery holding the lock ("superseded").
 */
export function decideLock(
  current: UserLockState | undefined,
  holder: LockCandidate | undefined,
  candidate: LockCandidate,
  now: Date,
): LockDecision {
  const recoveryId = candidate.recoveryId;
  if (!current) return { kind: "take" };
  if (current.state === "released") {
    if (current.cooldownUntil && Date.parse(current.cooldownUntil) > now.getTime()) {
      return { kind: "refuse", reason: "cooldown" };
    }
    return { kind: "take" };
  }
  if (current.recoveryId === recoveryId) return { kind: "held" };
  const holderId = current.recoveryId;
  if (!holder) return { kind: "take", displaced: { recoveryId: holderId, reason: "closed" } };
  if (isLockExpired(current, now)) {
    return { kind: "take", displaced: { recoveryId: holderId, reason: "lock_expired" } };
  }
  if (current.advancedAt) return { kind: "refuse", reason: "recovery_in_progress" };
  if (isNewer(holder, candidate)) return { kind: "refuse", reason: "superseded" };
  return { kind: "take", displaced: { recoveryId: holderId, reason: "superseded" } };
}

/** Start order: `createdAt`, ties broken by id so that two racing takers agree. */
function isNewer(a: LockCandidate, b: LockCandidate): boolean {
  return a.createdAt === b.createdAt ? a.recoveryId > b.recoveryId : a.createdAt > b.createdAt;
}

export function isLockExpired(lock: UserLockState, now: Date): boolean {
  return lock.expiresAt !== undefined && Date.parse(lock.expiresAt) <= now.getTime();
}

/**
 * Margin after a recovery's two human waits (IDV and presentation) for the steps that follow
 * them (validation, the directory writes, their durable retries, the notices).
 */
export const LOCK_MARGIN_MINUTES = 30;

/** The latest a recovery discovered at `now` can still be running: when its lock expires. */
export function lockDeadline(
  now: Date,
  profile: { idvTimeoutMinutes: number; presentationTimeoutMinutes: number },
): Date {
  const minutes = profile.idvTimeoutMinutes + profile.presentationTimeoutMinutes + LOCK_MARGIN_MINUTES;
  return new Date(now.getTime() + minutes * 60_000);
}
