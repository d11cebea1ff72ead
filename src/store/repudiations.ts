/**
 * Repudiation ("this wasn't me", NIST SP 800-63B-4 §4.2.1): the one-time links of recovery
 * notices, and the per-account block a confirmed repudiation sets.
 *
 * A link is stored only as the SHA-256 hash of its secret (the row's partition key), with the
 * recovery and the account it is bound to and its expiry: a lookup by the presented secret's
 * hash is the whole check, and nothing in the table lets anyone rebuild a link. A notice sent
 * again (a durable retry after a lost answer) carries a new link of the same recovery; every
 * link of that recovery does the same thing, once.
 *
 * The block is one row per directory user. It is set before a repudiation touches the
 * directory and cleared only by an admin; every write is etag-guarded.
 */
import { getOptional, isConcurrencyConflict, type TableStore } from "./tables";

export interface RepudiationLink {
  recoveryId: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface RecoveryBlock {
  state: "blocked" | "cleared";
  /** The repudiated recovery that set the block. */
  recoveryId: string;
  blockedAt: string;
  clearedAt?: string | undefined;
  /** The admin's object id. */
  clearedBy?: string | undefined;
  clearReason?: string | undefined;
}

const LINK_ROW = "link";
const BLOCK_ROW = "block";
const ATTEMPTS = 8;

export class RepudiationLinkRepository {
  constructor(private readonly store: TableStore) {}

  async create(tokenHash: string, link: RepudiationLink): Promise<void> {
    const table = await this.store.table("repudiationLinks");
    await table.createEntity({ partitionKey: tokenHash, rowKey: LINK_ROW, ...link });
  }

  /** The link stored under a token hash, if any (expiry is the caller's to judge). */
  async find(tokenHash: string): Promise<RepudiationLink | undefined> {
    const table = await this.store.table("repudiationLinks");
    const row = await getOptional<RepudiationLink>(table, tokenHash, LINK_ROW);
    if (!row) return undefined;
    return {
      recoveryId: row.recoveryId,
      userId: row.userId,
      createdAt: row.createdAt,
      expiresAt: row.expiresAt,
    };
  }
}

export class RecoveryBlockRepository {
  constructor(private readonly store: TableStore) {}

  async get(userId: string): Promise<(RecoveryBlock & { etag: string }) | undefined> {
    const table = await this.store.table("recoveryBlocks");
    const row = await getOptional<RecoveryBlock>(table, userId, BLOCK_ROW);
    if (!row) return undefined;
    return {
      state: row.state,
      recoveryId: row.recoveryId,
      blockedAt: row.blockedAt,
      ...(row.clearedAt ? { clearedAt: row.clearedAt } : {}),
      ...(row.clearedBy ? { clearedBy: row.clearedBy } : {}),
      ...(row.clearReason ? { clearReason: row.clearReason } : {}),
      etag: row.etag,
    };
  }

  /** True when self-service recovery of `userId` is blocked. */
  async isBlocked(userId: string): Promise<boolean> {
    return (await this.get(userId))?.state === "blocked";
  }

  /**
   * Blocks `userId` for the repudiation of `recoveryId`. Idempotent: a block in force stays as
   * it is (the first repudiation named it). A block an admin cleared is set again only by a
   * repudiation of another recovery: a second click on the old link must not undo the admin.
   */
  async block(
    userId: string,
    recoveryId: string,
    now: Date,
  ): Promise<"blocked" | "already_blocked" | "cleared"> {
    const table = await this.store.table("recoveryBlocks");
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await this.get(userId);
      if (current?.state === "blocked") return "already_blocked";
      if (current?.state === "cleared" && current.recoveryId === recoveryId) return "cleared";
      const row: RecoveryBlock = { state: "blocked", recoveryId, blockedAt: now.toISOString() };
      try {
        if (!current) await table.createEntity({ partitionKey: userId, rowKey: BLOCK_ROW, ...row });
        else
          await table.updateEntity({ partitionKey: userId, rowKey: BLOCK_ROW, ...row }, "Replace", {
            etag: current.etag,
          });
        return "blocked";
      } catch (err) {
        if (!isConcurrencyConflict(err)) throw err;
      }
    }
    throw new Error(`recovery block of ${userId}: too many concurrent changes`);
  }

  /** Lifts a block in force; undefined when there is none. Returns the block as it was. */
  async clear(userId: string, admin: string, reason: string, now: Date): Promise<RecoveryBlock | undefined> {
    const table = await this.store.table("recoveryBlocks");
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await this.get(userId);
      if (current?.state !== "blocked") return undefined;
      const { etag, ...was } = current;
      const row: RecoveryBlock = {
        state: "cleared",
        recoveryId: was.recoveryId,
        blockedAt: was.blockedAt,
        clearedAt: now.toISOString(),
        clearedBy: admin,
        clearReason: reason,
      };
      try {
        await table.updateEntity({ partitionKey: userId, rowKey: BLOCK_ROW, ...row }, "Replace", { etag });
        return was;
      } catch (err) {
        if (!isConcurrencyConflict(err)) throw err;
      }
    }
    throw new Error(`recovery block of ${userId}: too many concurrent changes`);
  }
}
