/**
 * Per-user lock and cooldown: at most one running recovery per directory user, and none
 * within the cooldown after a completed one. Taken with create-if-absent / etag-guarded
 * update, so concurrent starts for one user yield exactly one holder.
 */
import { getOptional, isConcurrencyConflict, type TableStore } from "./tables";

interface LockEntity {
  recoveryId: string;
  state: "running" | "released";
  acquiredAt: string;
  cooldownUntil?: string;
}

export type LockOutcome =
  | { acquired: true }
  | { acquired: false; reason: "recovery_in_progress" | "cooldown" };

const ROW = "lock";

export class UserLockRepository {
  constructor(private readonly store: TableStore) {}

  async acquire(userId: string, recoveryId: string, now: Date): Promise<LockOutcome> {
    const table = await this.store.table("userLocks");
    const fresh: LockEntity = { recoveryId, state: "running", acquiredAt: now.toISOString() };
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await getOptional<LockEntity>(table, userId, ROW);
      if (!current) {
        try {
          await table.createEntity({ partitionKey: userId, rowKey: ROW, ...fresh });
          return { acquired: true };
        } catch (err) {
          if (isConcurrencyConflict(err)) continue;
          throw err;
        }
      }
      if (current.recoveryId === recoveryId && current.state === "running") return { acquired: true };
      if (current.state === "running") return { acquired: false, reason: "recovery_in_progress" };
      if (current.cooldownUntil && Date.parse(current.cooldownUntil) > now.getTime()) {
        return { acquired: false, reason: "cooldown" };
      }
      try {
        await table.updateEntity({ partitionKey: userId, rowKey: ROW, ...fresh }, "Replace", {
          etag: current.etag,
        });
        return { acquired: true };
      } catch (err) {
        if (!isConcurrencyConflict(err)) throw err;
      }
    }
    return { acquired: false, reason: "recovery_in_progress" };
  }

  /** Releases the lock if `recoveryId` holds it; `cooldownUntil` set after a completed recovery. */
  async release(userId: string, recoveryId: string, cooldownUntil: Date | undefined): Promise<void> {
    const table = await this.store.table("userLocks");
    for (let attempt = 0; attempt < 5; attempt++) {
      const current = await getOptional<LockEntity>(table, userId, ROW);
      if (!current || current.recoveryId !== recoveryId || current.state === "released") return;
      const released: LockEntity = {
        recoveryId,
        state: "released",
        acquiredAt: current.acquiredAt,
        ...(cooldownUntil ? { cooldownUntil: cooldownUntil.toISOString() } : {}),
      };
      try {
        await table.updateEntity({ partitionKey: userId, rowKey: ROW, ...released }, "Replace", {
          etag: current.etag,
        });
        return;
      } catch (err) {
        if (!isConcurrencyConflict(err)) throw err;
      }
    }
  }
}
