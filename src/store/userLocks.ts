/**
 * Per-user lock and cooldown: at most one recovery in flight per directory user, and none
 * within the cooldown after a completed one (the rule is recovery/userLock). Every write is
 * etag-guarded (409/412 mean "read again and decide again"), so concurrent starts, a cancel
 * racing discovery, webhooks and housekeeping running at once leave one consistent holder.
 *
 * The lock cannot be orphaned: after taking it, the recovery names its user on its record in a
 * write guarded by the etag of the version it decided on (a cancel since fails the write, the
 * record is found closed and the lock released; a cancel after it knows which lock to release),
 * and a lock whose recovery is closed, gone or past its deadline is free to the next start and
 * repaired by housekeeping.
 */

import { BoundedMap } from "../boundedMap";
import { RecoveryStateError } from "../recovery/errors";
import { failure, isTerminal } from "../recovery/status";
import { type DisplacedReason, decideLock, isLockExpired, type UserLockState } from "../recovery/userLock";
import type { NewAuditEvent } from "./audit";
import type { Loaded, RecoveryRecord, RecoveryRepository } from "./recoveries";
import { getOptional, isConcurrencyConflict, isNotFound, odata, type TableStore } from "./tables";

export type LockOutcome =
  | {
      acquired: true;
      displaced?: { recoveryId: string; reason: DisplacedReason } | undefined;
      /** With an `opening`: the record as it wrote it (with its etag). */
      record?: Loaded | undefined;
    }
  | { acquired: false; reason: "recovery_in_progress" | "cooldown" | "recovery_closed" | "superseded" };

/**
 * What the recovery writes once it holds the lock, as the check that it is still open: an
 * etag-guarded write from the record as it named its user (a cancel meanwhile fails the etag;
 * the record is read again and found closed). `known`: the record as the caller read it.
 */
export interface LockOpening {
  known?: Loaded | undefined;
  change: (open: RecoveryRecord) => RecoveryRecord;
  events?: readonly NewAuditEvent[];
}

const ROW = "lock";
const ATTEMPTS = 8;
/** How many locks' last versions a process keeps (see `UserLockRepository.held`). */
const VERSIONS_KEPT = 500;

type HeldLock = UserLockState & { etag: string };

export class UserLockRepository {
  /**
   * The last version of each lock this process wrote, by user (bounded, oldest out first). A
   * later step of the same recovery (the webhook's advance, the finish's release) decides from
   * it and writes with its etag instead of reading first: a change by anyone since fails the
   * etag (412), and the lock is then read and decided again.
   */
  private readonly versions = new BoundedMap<string, HeldLock>(VERSIONS_KEPT);

  constructor(
    private readonly store: TableStore,
    private readonly recoveries: RecoveryRepository,
  ) {}

  private remember(userId: string, state: UserLockState, etag: string | undefined): void {
    this.versions.delete(userId);
    if (etag === undefined) return;
    this.versions.set(userId, { ...state, etag });
  }

  /** The lock as this process last wrote it (first attempt only), else as stored. */
  private async current(userId: string, attempt: number): Promise<HeldLock | undefined> {
    const held = attempt === 0 ? this.versions.get(userId) : undefined;
    return held ? { ...held } : this.read(userId);
  }

  /** The lock row as stored (with its etag), if any. */
  async read(userId: string): Promise<(UserLockState & { etag: string }) | undefined> {
    const table = await this.store.table("userLocks");
    const row = await getOptional<UserLockState>(table, userId, ROW);
    return row ? { ...pick(row), etag: row.etag } : undefined;
  }

  /**
   * Takes the lock of `userId` for `recoveryId` until `expiresAt`. A holder whose recovery is
   * closed or gone, past its deadline, or not advanced by its IDV provider gives way; a
   * displaced holder still open is closed (superseded, or failed past its deadline) after the
   * lock changed hands, so that a webhook advancing it meanwhile loses the race cleanly.
   */
  async acquire(
    userId: string,
    recoveryId: string,
    now: Date,
    expiresAt: Date,
    opening?: LockOpening,
  ): Promise<LockOutcome> {
    // 1. Decided for the record as the caller read it, open. The write of step 3 that names the
    // user on it is etag-guarded from this version: a cancel from here on fails it, and the lock
    // is released (a cancel that sees no user on the record has no lock to release itself).
    const named =
      opening?.known?.recoveryId === recoveryId ? opening.known : await this.recoveries.get(recoveryId);
    if (!named || isTerminal(named.status)) return { acquired: false, reason: "recovery_closed" };

    // 2. Decide against the lock as it stands, write with its etag.
    const table = await this.store.table("userLocks");
    let displaced: { recoveryId: string; reason: DisplacedReason } | undefined;
    let taken = false;
    for (let attempt = 0; attempt < ATTEMPTS && !taken; attempt++) {
      // A user whose lock was never taken has no row: the first attempt creates it at once (the
      // create is the guard: 409 when a row exists, which is then read and decided on).
      const current = attempt === 0 && !this.versions.has(userId) ? undefined : await this.read(userId);
      const holder =
        current && current.state === "running" && current.recoveryId !== recoveryId
          ? await this.openRecord(current.recoveryId)
          : undefined;
      const decision = decideLock(current, holder, named, now);
      if (decision.kind === "refuse") {
        // Started before the recovery holding the lock: this one is the superseded one.
        if (decision.reason === "superseded") await this.closeDisplaced({ recoveryId, reason: "superseded" });
        return { acquired: false, reason: decision.reason };
      }
      if (decision.kind === "held") {
        taken = true;
        break;
      }
      const fresh: UserLockState = {
        recoveryId,
        state: "running",
        acquiredAt: now.toISOString(),
        expiresAt: expiresAt.toISOString(),
      };
      try {
        const written = !current
          ? await table.createEntity({ partitionKey: userId, rowKey: ROW, ...fresh })
          : await table.updateEntity({ partitionKey: userId, rowKey: ROW, ...fresh }, "Replace", {
              etag: current.etag,
            });
        this.remember(userId, fresh, written.etag);
        taken = true;
        displaced = decision.displaced;
      } catch (err) {
        if (!isConcurrencyConflict(err)) throw err;
      }
    }
    if (!taken) return { acquired: false, reason: "recovery_in_progress" };
    if (displaced && displaced.reason !== "closed") await this.closeDisplaced(displaced);

    // 3. Still open after the take? One etag-guarded write from the record of step 1 names the user
    // (and, with an opening, writes what the caller decided): a cancel since fails it, the record is
    // read again and found closed, and the lock is released.
    const after = await this.recoveries.update(
      recoveryId,
      (r) => (isTerminal(r.status) ? undefined : (opening?.change ?? ((o) => o))({ ...r, userId })),
      named,
      // Recorded only with the write: a recovery found closed here records why it stopped instead.
      (next) => (next ? (opening?.events ?? []) : []),
    );
    if (!after || isTerminal(after.status)) {
      await this.release(userId, recoveryId, undefined);
      return { acquired: false, reason: "recovery_closed" };
    }
    return { acquired: true, ...(displaced ? { displaced } : {}), ...(opening ? { record: after } : {}) };
  }

  /**
   * Records that the IDV provider reported on `recoveryId`'s session: from now on a newer start
   * does not supersede it. False when `recoveryId` no longer holds the lock (it was superseded
   * or closed): the caller must then not let the recovery go on.
   */
  async markAdvanced(userId: string, recoveryId: string, now: Date): Promise<boolean> {
    const table = await this.store.table("userLocks");
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const held = attempt === 0 && this.versions.has(userId);
      const current = await this.current(userId, attempt);
      const ours = current?.recoveryId === recoveryId && current.state === "running";
      // Only a write is decided from the held version (its etag checks it); any other answer is read.
      if (held && (!ours || current?.advancedAt)) continue;
      if (!current || !ours) return false;
      if (current.advancedAt) return true;
      const { etag, ...state } = current;
      const advanced: UserLockState = { ...state, advancedAt: now.toISOString() };
      try {
        const written = await table.updateEntity(
          { partitionKey: userId, rowKey: ROW, ...advanced },
          "Replace",
          {
            etag,
          },
        );
        this.remember(userId, advanced, written.etag);
        return true;
      } catch (err) {
        if (!isConcurrencyConflict(err)) throw err;
      }
    }
    throw new RecoveryStateError("lock_contention", `lock of ${userId}: too many concurrent changes`);
  }

  /** Releases the lock if `recoveryId` holds it; `cooldownUntil` set after a completed recovery. */
  async release(userId: string, recoveryId: string, cooldownUntil: Date | undefined): Promise<void> {
    const table = await this.store.table("userLocks");
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const held = attempt === 0 && this.versions.has(userId);
      const current = await this.current(userId, attempt);
      if (!current || current.recoveryId !== recoveryId || current.state === "released") {
        // Decided from the held version: read it to be sure before leaving it.
        if (held) continue;
        return;
      }
      if (await this.releaseRow(table, userId, current, cooldownUntil)) return;
    }
    throw new RecoveryStateError("lock_contention", `lock of ${userId}: too many concurrent changes`);
  }

  /**
   * Housekeeping: frees every running lock whose recovery is closed or gone, and closes (as
   * failed) a recovery still open past its lock's deadline before freeing that lock. Returns
   * how many locks were freed.
   */
  async repair(now: Date): Promise<number> {
    const table = await this.store.table("userLocks");
    const running: string[] = [];
    for await (const e of table.listEntities<UserLockState>({
      queryOptions: { filter: odata`RowKey eq ${ROW} and state eq ${"running"}` },
    })) {
      running.push(e.partitionKey as string);
    }
    let freed = 0;
    for (const userId of running) {
      const current = await this.read(userId);
      if (current?.state !== "running") continue;
      const open = await this.isOpen(current.recoveryId);
      if (open && !isLockExpired(current, now)) continue;
      if (open) await this.closeDisplaced({ recoveryId: current.recoveryId, reason: "lock_expired" });
      // Etag of the row as read: a start that took the lock meanwhile keeps it.
      if (await this.releaseRow(table, userId, current, undefined)) freed++;
    }
    return freed;
  }

  private async releaseRow(
    table: Awaited<ReturnType<TableStore["table"]>>,
    userId: string,
    current: UserLockState & { etag: string },
    cooldownUntil: Date | undefined,
  ): Promise<boolean> {
    const released: UserLockState = {
      recoveryId: current.recoveryId,
      state: "released",
      acquiredAt: current.acquiredAt,
      ...(cooldownUntil ? { cooldownUntil: cooldownUntil.toISOString() } : {}),
    };
    try {
      const written = await table.updateEntity(
        { partitionKey: userId, rowKey: ROW, ...released },
        "Replace",
        {
          etag: current.etag,
        },
      );
      this.remember(userId, released, written.etag);
      return true;
    } catch (err) {
      if (isConcurrencyConflict(err) || isNotFound(err)) return false;
      throw err;
    }
  }

  private async isOpen(recoveryId: string): Promise<boolean> {
    return (await this.openRecord(recoveryId)) !== undefined;
  }

  private async openRecord(recoveryId: string): Promise<RecoveryRecord | undefined> {
    const record = await this.recoveries.get(recoveryId);
    return record && !isTerminal(record.status) ? record : undefined;
  }

  /** Closes a displaced holder that is still open; a closed one stays as it is. */
  private async closeDisplaced(displaced: { recoveryId: string; reason: DisplacedReason }): Promise<void> {
    const closed =
      displaced.reason === "superseded"
        ? { status: "cancelled" as const, failure: failure("superseded") }
        : { status: "failed" as const, failure: failure("internal_error") };
    const record = await this.recoveries.get(displaced.recoveryId);
    if (!record || isTerminal(record.status)) return;
    await this.recoveries.update(
      displaced.recoveryId,
      (r) => (isTerminal(r.status) ? undefined : { ...r, ...closed, next: undefined }),
      record,
    );
  }
}

function pick(row: UserLockState): UserLockState {
  return {
    recoveryId: row.recoveryId,
    state: row.state,
    acquiredAt: row.acquiredAt,
    ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
    ...(row.advancedAt ? { advancedAt: row.advancedAt } : {}),
    ...(row.cooldownUntil ? { cooldownUntil: row.cooldownUntil } : {}),
  };
}
