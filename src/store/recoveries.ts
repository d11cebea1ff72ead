/**
 * Recovery records: the app-owned state a front end reads. Keyed by recoveryId; the
 * recovery token is kept only as a hash. Status changes go through `update` with etags.
 */
import { type PolicyProfile, policyProfileSchema } from "../recovery/policy";
import { type Failure, failure, isTerminal, type NextStep, type RecoveryStatus } from "../recovery/status";
import { getOptional, isConcurrencyConflict, odata, type TableClient, type TableStore } from "./tables";

export interface RecoveryRecord {
  recoveryId: string;
  tokenHash: string;
  status: RecoveryStatus;
  createdAt: string;
  updatedAt: string;
  /** Deadline of the current step (or of the recovery while pending). */
  expiresAt: string;
  username: string;
  country?: string | undefined;
  locale?: string | undefined;
  clientAddress: string;
  /** Public JWK (JSON) the client asked the TAP to be encrypted to. */
  tapEncryptionKey?: string | undefined;
  userId?: string | undefined;
  profileId?: string | undefined;
  /** The profile as it was when discovery selected it: later policy edits do not change a running recovery. */
  profile?: PolicyProfile | undefined;
  mode?: "evaluation" | "production" | undefined;
  provider?: string | undefined;
  next?: NextStep | undefined;
  failure?: Failure | undefined;
  presentationRetrievedAt?: string | undefined;
  /** Correlation key of the current presentation request (also its `state`). */
  presentationState?: string | undefined;
  sessionsRevokedAt?: string | undefined;
  tapIssuedAt?: string | undefined;
  methodsRemoved?: number | undefined;
  /** Group ids the TAP policy named at discovery (their membership is read again before the reset). */
  tapPolicyGroups?: string[] | undefined;
  /**
   * Production: what the match read for the recovery step (methods to delete, the TAP to ask
   * for or why none can be had), so the step can write at once. Used by its first run only.
   */
  preparedRecovery?: PreparedRecovery | undefined;
  /** Production: where the notices go, read at the match (the notice step then only sends). */
  noticeContacts?: StoredNoticeContacts | undefined;
  /** When the notice to the user / to the admin address was accepted by Graph (each sent once). */
  userNotifiedAt?: string | undefined;
  adminNotifiedAt?: string | undefined;
}

export interface PreparedRecovery {
  methods: { odataType: string; id: string; phoneType?: string }[];
  /** Methods the reset cannot delete (password, types without a v1.0 collection, unknown types): named in the audit. */
  kept?: { odataType: string; id: string }[];
  tap:
    | { covered: true; lifetimeInMinutes: number; isUsableOnce: boolean }
    | { covered: false; reason: string };
}

export interface StoredNoticeContacts {
  userPrincipalName: string;
  otherMails: string[];
  /** Read only when the manager is to be copied; null: none, or without mail. */
  managerMail?: string | null;
}

const ROW = "recovery";

/** Filters of the admin list: status, and a window on `createdAt` (ISO instants, from inclusive). */
export interface RecoveryListQuery {
  status?: RecoveryStatus | undefined;
  from?: string | undefined;
  to?: string | undefined;
  /** Page size (the table may answer fewer). */
  top: number;
  continuationToken?: string | undefined;
}
const JSON_FIELDS = [
  "next",
  "failure",
  "profile",
  "tapPolicyGroups",
  "preparedRecovery",
  "noticeContacts",
] as const;
type Stored = Omit<RecoveryRecord, (typeof JSON_FIELDS)[number]> & {
  [K in (typeof JSON_FIELDS)[number]]?: string;
};

function toStored(r: RecoveryRecord): Stored {
  const stored = { ...r } as unknown as Record<string, unknown>;
  for (const field of JSON_FIELDS)
    stored[field] = r[field] === undefined ? undefined : JSON.stringify(r[field]);
  return stored as Stored;
}

function fromStored(s: Stored): RecoveryRecord {
  const record = { ...s } as unknown as Record<string, unknown>;
  for (const field of JSON_FIELDS) {
    const text = s[field];
    record[field] = text ? JSON.parse(text) : undefined;
  }
  if (record.profile) record.profile = policyProfileSchema.parse(record.profile);
  for (const key of ["partitionKey", "rowKey", "etag", "timestamp", "odata.metadata"]) {
    delete record[key];
  }
  return record as unknown as RecoveryRecord;
}

export class RecoveryRepository {
  constructor(private readonly store: TableStore) {}

  private table(): Promise<TableClient> {
    return this.store.table("recoveries");
  }

  async create(record: RecoveryRecord): Promise<void> {
    const table = await this.table();
    await table.createEntity({ partitionKey: record.recoveryId, rowKey: ROW, ...toStored(record) });
  }

  /**
   * One page of records matching the filters, filtered by the table service. Table Storage
   * has no ORDER BY: pages come in recovery id order (random, stable), not by time; the time
   * window narrows them. Pages the service answers empty are skipped (up to 20 per call).
   */
  async list(query: RecoveryListQuery): Promise<{ items: RecoveryRecord[]; continuationToken?: string }> {
    const table = await this.table();
    const clauses = [odata`RowKey eq ${ROW}`];
    if (query.status) clauses.push(odata`status eq ${query.status}`);
    // createdAt is stored as an ISO string in UTC: string order is time order.
    if (query.from) clauses.push(odata`createdAt ge ${new Date(query.from).toISOString()}`);
    if (query.to) clauses.push(odata`createdAt lt ${new Date(query.to).toISOString()}`);
    const pages = table.listEntities<Stored>({ queryOptions: { filter: clauses.join(" and ") } }).byPage({
      maxPageSize: query.top,
      ...(query.continuationToken ? { continuationToken: query.continuationToken } : {}),
    });
    let scanned = 0;
    for await (const page of pages) {
      const items = page.map((e) => fromStored(e));
      // Bounded work per call: after a run of empty pages the caller gets the token to go on.
      if (items.length > 0 || !page.continuationToken || ++scanned >= 20) {
        return { items, ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}) };
      }
    }
    return { items: [] };
  }

  async get(recoveryId: string): Promise<(RecoveryRecord & { etag: string }) | undefined> {
    const table = await this.table();
    const entity = await getOptional<Stored>(table, recoveryId, ROW);
    return entity ? { ...fromStored(entity), etag: entity.etag } : undefined;
  }

  /**
   * Read-modify-write with the etag; retried on a lost race. `change` returns the new record,
   * or undefined to leave it as it is. Returns the record as stored afterwards. `known`: the
   * record as the caller just read it (with its etag), tried first to spare a read; a record
   * changed meanwhile fails the etag and is read afresh.
   */
  async update(
    recoveryId: string,
    change: (current: RecoveryRecord) => RecoveryRecord | undefined,
    known?: RecoveryRecord & { etag: string },
  ): Promise<RecoveryRecord> {
    const table = await this.table();
    for (let attempt = 0; ; attempt++) {
      const current = attempt === 0 && known?.recoveryId === recoveryId ? known : await this.get(recoveryId);
      if (!current) throw new Error(`recovery ${recoveryId} does not exist`);
      const { etag, ...record } = current;
      const next = change(record);
      if (!next) return record;
      next.updatedAt = new Date().toISOString();
      try {
        await table.updateEntity({ partitionKey: recoveryId, rowKey: ROW, ...toStored(next) }, "Replace", {
          etag,
        });
        return next;
      } catch (err) {
        if (!isConcurrencyConflict(err) || attempt >= 8) throw err;
      }
    }
  }

  /**
   * Applies `patch` unless the recovery is already terminal (cancelled meanwhile, or a late
   * writer): a closed recovery never moves again.
   */
  advance(
    recoveryId: string,
    patch: Partial<RecoveryRecord>,
    known?: RecoveryRecord & { etag: string },
  ): Promise<RecoveryRecord> {
    return this.update(recoveryId, (r) => (isTerminal(r.status) ? undefined : { ...r, ...patch }), known);
  }

  /**
   * Closes recoveries still `pending` past their deadline: a start that wrote its record but
   * never got its workflow going (the host died between the two, or storage was away for the
   * rollback). Nobody can be waiting for them — the client got no answer, or a 5xx — and a
   * workflow that does start late finds the record closed and changes nothing. Returns how
   * many were closed.
   */
  async closeAbandonedStarts(now: Date): Promise<number> {
    const table = await this.table();
    const cutoff = now.toISOString();
    const stale: string[] = [];
    for await (const e of table.listEntities<Stored>({
      queryOptions: { filter: odata`status eq ${"pending"} and expiresAt lt ${cutoff}` },
    })) {
      stale.push(e.partitionKey as string);
    }
    let closed = 0;
    for (const recoveryId of stale) {
      const after = await this.update(recoveryId, (r) =>
        r.status === "pending" && r.expiresAt < cutoff
          ? { ...r, status: "failed", next: undefined, failure: failure("internal_error") }
          : undefined,
      );
      if (after.status === "failed") closed++;
    }
    return closed;
  }
}
