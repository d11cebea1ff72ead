/**
 * The sealed TAP, waiting for its one reader: a row (`tap`) in its recovery's partition of the
 * Recoveries table, created in the same transaction as the record change that says the TAP was
 * issued (`sealedTapRow`, given to `RecoveryRepository.update`), so a record that names an
 * issued TAP and its sealed value are written together or not at all. The status read gets the
 * row with the record in one query; `take` replaces it, by its etag, with a row that holds no
 * TAP (what a transaction can do: the SDK's transactional delete takes no etag), in the same
 * transaction as the `temporary_access_pass_handed_out` entry, so two concurrent status reads
 * cannot both get the TAP. An expired row is deleted and never returned; `purgeExpired` deletes,
 * once their TAP's lifetime is over, the rows of TAPs taken and of those nobody came to read.
 */
import { auditEntity, type NewAuditEvent } from "./audit";
import type { PartitionRow, RecoveryRecord } from "./recoveries";
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

/**
 * Withdrawal attempts on etag conflicts. A conflict means a status read took the TAP or another
 * withdrawal ran, and the next read then finds no TAP: more than one in a row is already odd.
 */
const WITHDRAW_ATTEMPTS = 8;

/** The row key of the sealed TAP in its recovery's partition. */
export const TAP_ROW = "tap";

/** The row to create with the record change that records the TAP's issue. */
export function sealedTapRow(sealed: SealedTap): PartitionRow {
  return { rowKey: TAP_ROW, ...sealed };
}

/** The sealed TAP a row of the partition holds, with the row's etag (what `take` deletes by). */
export function sealedTapOf(
  recoveryId: string,
  row: PartitionRow | undefined,
): (SealedTap & { etag: string }) | undefined {
  if (!row?.etag || row.rowKey !== TAP_ROW || typeof row.jwe !== "string") return undefined;
  return {
    recoveryId,
    jwe: String(row.jwe),
    sealedFor: row.sealedFor === "client" ? "client" : "server",
    expiresAt: String(row.expiresAt),
    lifetimeInMinutes: Number(row.lifetimeInMinutes),
    isUsableOnce: row.isUsableOnce === true,
    createdAt: String(row.createdAt),
    etag: row.etag,
  };
}

export class TapHandoffRepository {
  constructor(private readonly store: TableStore) {}

  /**
   * Takes the sealed TAP read with its record: deletes it by its etag, with the hand-out entry
   * in the same transaction. Undefined when another read took it first (the etag fails, and no
   * entry is written) or it has expired (deleted, never returned).
   */
  async take(
    sealed: SealedTap & { etag: string },
    record: RecoveryRecord,
    now: Date,
  ): Promise<SealedTap | undefined> {
    const table = await this.store.table("recoveries");
    const { etag, ...tap } = sealed;
    const expired = Date.parse(tap.expiresAt) <= now.getTime();
    const handedOut: NewAuditEvent = {
      recoveryId: tap.recoveryId,
      event: "temporary_access_pass_handed_out",
      outcome: "success",
      detail: { sealedFor: tap.sealedFor },
    };
    try {
      if (expired) await table.deleteEntity(tap.recoveryId, TAP_ROW, { etag });
      else
        await table.submitTransaction([
          [
            "update",
            {
              partitionKey: tap.recoveryId,
              rowKey: TAP_ROW,
              expiresAt: tap.expiresAt,
              takenAt: now.toISOString(),
            },
            "Replace",
            { etag },
          ],
          ["create", auditEntity(handedOut, { userId: record.userId, clientAddress: record.clientAddress })],
        ]);
    } catch (err) {
      if (isConcurrencyConflict(err) || isNotFound(err)) return undefined;
      throw err;
    }
    return expired ? undefined : tap;
  }

  /**
   * Withdraws the sealed TAP nobody has taken yet (a repudiated recovery): replaces the row, by
   * its etag, with one that holds no TAP, so no later status read hands it out. False when there
   * was none to withdraw (taken, expired and purged, or never issued). Throws after
   * WITHDRAW_ATTEMPTS lost races, the TAP still sealed: the caller's retry withdraws it (a
   * confirmation's page says to try again; the recovery step's activity is retried).
   */
  async withdraw(recoveryId: string, now: Date): Promise<boolean> {
    const table = await this.store.table("recoveries");
    for (let attempt = 0; attempt < WITHDRAW_ATTEMPTS; attempt++) {
      const row = await getOptional<PartitionRow>(table, recoveryId, TAP_ROW);
      if (!row || typeof row.jwe !== "string") return false;
      try {
        await table.updateEntity(
          {
            partitionKey: recoveryId,
            rowKey: TAP_ROW,
            expiresAt: row.expiresAt,
            withdrawnAt: now.toISOString(),
          },
          "Replace",
          { etag: row.etag },
        );
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        if (!isConcurrencyConflict(err)) throw err;
        // A status read took it, or another withdrawal ran, meanwhile: look again.
      }
    }
    throw new Error(`sealed TAP of ${recoveryId}: too many concurrent changes to withdraw it`);
  }

  async exists(recoveryId: string): Promise<boolean> {
    const table = await this.store.table("recoveries");
    return (await getOptional(table, recoveryId, TAP_ROW)) !== undefined;
  }

  /**
   * Deletes every sealed TAP that expired before `now` (never read: the client went away).
   * Returns how many went. Safe beside concurrent reads: a row gone meanwhile is skipped.
   */
  async purgeExpired(now: Date): Promise<number> {
    const table = await this.store.table("recoveries");
    return purgeRows(table, odata`RowKey eq ${TAP_ROW} and expiresAt lt ${now.toISOString()}`);
  }
}
