/**
 * The sealed TAP, waiting for its one reader. `take` deletes the row with its etag before
 * returning it, so two concurrent status reads cannot both get the TAP; an expired row is
 * deleted and never returned, and `purgeExpired` deletes the ones nobody came to read.
 */
import { getOptional, isConcurrencyConflict, isNotFound, odata, purgeRows, type TableStore } from "./tables";

export interface SealedTap {
  recoveryId: string;
  jwe: string;
  /** `client`: sealed to the client's key (hand out the JWE); `server`: open and hand out the value. */
  sealedFor: "client" | "server";
  expiresAt: string;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  createdAt: string;
}

const ROW = "tap";

export class TapHandoffRepository {
  constructor(private readonly store: TableStore) {}

  async put(sealed: SealedTap): Promise<void> {
    const table = await this.store.table("tapHandoff");
    await table.upsertEntity({ partitionKey: sealed.recoveryId, rowKey: ROW, ...sealed }, "Replace");
  }

  async take(recoveryId: string, now: Date): Promise<SealedTap | undefined> {
    const table = await this.store.table("tapHandoff");
    const row = await getOptional<SealedTap>(table, recoveryId, ROW);
    if (!row) return undefined;
    try {
      await table.deleteEntity(recoveryId, ROW, { etag: row.etag });
    } catch (err) {
      if (isConcurrencyConflict(err) || isNotFound(err)) return undefined;
      throw err;
    }
    if (Date.parse(row.expiresAt) <= now.getTime()) return undefined;
    return {
      recoveryId,
      jwe: row.jwe,
      sealedFor: row.sealedFor,
      expiresAt: row.expiresAt,
      lifetimeInMinutes: row.lifetimeInMinutes,
      isUsableOnce: row.isUsableOnce,
      createdAt: row.createdAt,
    };
  }

  async exists(recoveryId: string): Promise<boolean> {
    const table = await this.store.table("tapHandoff");
    return (await getOptional(table, recoveryId, ROW)) !== undefined;
  }

  /**
   * Deletes every sealed TAP that expired before `now` (never read: the client went away).
   * Returns how many went. Safe beside concurrent reads: a row gone meanwhile is skipped.
   */
  async purgeExpired(now: Date): Promise<number> {
    const table = await this.store.table("tapHandoff");
    return purgeRows(table, odata`expiresAt lt ${now.toISOString()}`);
  }
}
