/**
 * Helpdesk verifications: what an agent asked for (the account, the reason, who asked) and the
 * one-time link that starts it. The link's secret is kept only as a hash; it is redeemed once,
 * before its deadline, by an etag-guarded write that names the recovery it started (the
 * verdict is that recovery's, read from its record and audit trail). Keyed by verification id.
 */
import { linkRefusal, type RedeemRefusal } from "../recovery/verification";
import { getOptional, isConcurrencyConflict, odata, type TableStore } from "./tables";

export interface VerificationRecord {
  verificationId: string;
  /** The account to verify (user principal name, lower case), as the agent named it. */
  username: string;
  /** Why the agent asked (free text, bounded): recorded with every audit entry of the verification. */
  reason: string;
  /** The agent's object id (`oid` of the admin token) and display name when the token had one. */
  agentId: string;
  agentName?: string | undefined;
  createdAt: string;
  /** The link works until then (exclusive). */
  expiresAt: string;
  /** SHA-256 of the link's secret (src/recovery/opaqueSecrets.ts). */
  linkHash: string;
  /** When the link was sent to the account's other mail addresses, if it was. */
  linkSentAt?: string | undefined;
  /** Set once, when the caller opened the link: the recovery (in verification mode) it started. */
  redeemedAt?: string | undefined;
  recoveryId?: string | undefined;
}

export type LoadedVerification = VerificationRecord & { etag: string };

const ROW = "verification";

export interface VerificationListQuery {
  from?: string | undefined;
  to?: string | undefined;
  agentId?: string | undefined;
  top: number;
  continuationToken?: string | undefined;
}

export type { RedeemRefusal } from "../recovery/verification";

export class VerificationRepository {
  constructor(private readonly store: TableStore) {}

  private table() {
    return this.store.table("verifications");
  }

  async create(record: VerificationRecord): Promise<void> {
    const table = await this.table();
    await table.createEntity({ partitionKey: record.verificationId, rowKey: ROW, ...record });
  }

  async get(verificationId: string): Promise<LoadedVerification | undefined> {
    const table = await this.table();
    const row = await getOptional<VerificationRecord>(table, verificationId, ROW);
    return row ? strip(row) : undefined;
  }

  async markSent(verificationId: string, at: string): Promise<void> {
    const table = await this.table();
    await table.updateEntity({ partitionKey: verificationId, rowKey: ROW, linkSentAt: at }, "Merge");
  }

  /**
   * Redeems the link `secret` of the verification `stored` (as its caller read it) for
   * `recoveryId`: once, before it expires. The row is not read again: the write is guarded by
   * the etag of the version read, so a change since (another open of the same link) fails it,
   * and two concurrent opens of one link start one recovery (the loser is refused as `used`).
   */
  async redeem(
    stored: LoadedVerification,
    secret: string,
    recoveryId: string,
    now: Date,
  ): Promise<{ ok: true; record: VerificationRecord } | { ok: false; reason: RedeemRefusal }> {
    const refusal = linkRefusal(stored, secret, now);
    if (refusal) return { ok: false, reason: refusal };
    const table = await this.table();
    const redeemedAt = now.toISOString();
    try {
      await table.updateEntity(
        { partitionKey: stored.verificationId, rowKey: ROW, redeemedAt, recoveryId },
        "Merge",
        { etag: stored.etag },
      );
    } catch (err) {
      if (isConcurrencyConflict(err)) return { ok: false, reason: "used" };
      throw err;
    }
    const { etag: _etag, ...record } = stored;
    return { ok: true, record: { ...record, redeemedAt, recoveryId } };
  }

  /** One page, newest windows first by filter only (Table Storage has no ORDER BY: id order). */
  async list(
    query: VerificationListQuery,
  ): Promise<{ items: VerificationRecord[]; continuationToken?: string }> {
    const table = await this.table();
    const clauses = [odata`RowKey eq ${ROW}`];
    if (query.from) clauses.push(odata`createdAt ge ${new Date(query.from).toISOString()}`);
    if (query.to) clauses.push(odata`createdAt lt ${new Date(query.to).toISOString()}`);
    if (query.agentId) clauses.push(odata`agentId eq ${query.agentId}`);
    const pages = table
      .listEntities<VerificationRecord>({ queryOptions: { filter: clauses.join(" and ") } })
      .byPage({
        maxPageSize: query.top,
        ...(query.continuationToken ? { continuationToken: query.continuationToken } : {}),
      });
    let scanned = 0;
    for await (const page of pages) {
      const items = page.map((e) => strip(e));
      if (items.length > 0 || !page.continuationToken || ++scanned >= 20) {
        return { items, ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) };
      }
    }
    return { items: [] };
  }
}

/** The record without the table's own fields. */
function strip<T extends object>(row: T): T & { etag: string } {
  const {
    partitionKey: _p,
    rowKey: _r,
    timestamp: _t,
    "odata.metadata": _m,
    ...rest
  } = row as T & Record<string, unknown>;
  return rest as T & { etag: string };
}
