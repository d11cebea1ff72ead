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
 *   never refuses the user's own start; only a recovery somebody is verifying in does.
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
  | { kind: "refuse"; reason: "recovery_in_progress" | "cooldown" }
  | { kind: "take"; displaced?: { recoveryId: string; reason: DisplacedReason } };

/**
 * What `recoveryId` may do with the lock as it stands. `holderOpen`: whether the current
 * holder's recovery record exists and is not terminal (read only when another recovery holds
 * a running lock; undefined otherwise).
 */
export function decideLock(
  current: UserLockState | undefined,
  holderOpen: boolean | undefined,
  recoveryId: string,
  now: Date,
): LockDecision {
  if (!current) return { kind: "take" };
  if (current.state === "released") {
    if (current.cooldownUntil && Date.parse(current.cooldownUntil) > now.getTime()) {
      return { kind: "refuse", reason: "cooldown" };
    }
    return { kind: "take" };
  }
  if (current.recoveryId === recoveryId) return { kind: "held" };
  const holder = current.recoveryId;
  if (holderOpen !== true) return { kind: "take", displaced: { recoveryId: holder, reason: "closed" } };
  if (isLockExpired(current, now)) {
    return { kind: "take", displaced: { recoveryId: holder, reason: "lock_expired" } };
  }
  if (!current.advancedAt) return { kind: "take", displaced: { recoveryId: holder, reason: "superseded" } };
  return { kind: "refuse", reason: "recovery_in_progress" };
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
