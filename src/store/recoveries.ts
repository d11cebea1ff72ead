/**
 * Recovery records: the app-owned state a front end reads. Keyed by recoveryId; the
 * recovery token is kept only as a hash. Status changes go through `update` with etags, and
 * the audit entries of a change are written with it, in the same table transaction (they live
 * in the recovery's partition: see store/audit).
 *
 * A record is in one of two stages: `started` (what the client sent) and `discovered` (discovery
 * found the account eligible and wrote what every later step relies on: the user, the profile as
 * it was then, the provider, the TAP policy's groups). Later steps take a `DiscoveredRecovery`,
 * so what they may assume is the compiler's to check.
 */
import { BoundedMap } from "../boundedMap";
import { RecoveryStateError } from "../recovery/errors";
import { isTableKey } from "../recovery/keys";
import { type PolicyProfile, policyProfileSchema } from "../recovery/policy";
import { type Failure, failure, isTerminal, type NextStep, type RecoveryStatus } from "../recovery/status";
import { AUDIT_ROW_PREFIX, auditEntity, type NewAuditEvent, onceRowKey } from "./audit";
import {
  getOptional,
  isConcurrencyConflict,
  odata,
  type TableClient,
  type TableStore,
  type TransactionAction,
} from "./tables";

/** What every record holds from its start. */
interface RecoveryCommon {
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
  /** Named by discovery before it takes the user's lock (so a cancel knows which lock to release). */
  userId?: string | undefined;
  next?: NextStep | undefined;
  failure?: Failure | undefined;
  /**
   * Set when a helpdesk verification link started it (src/store/verifications.ts): the flow runs
   * to the verdict and stops there (`verified`), changing nothing in the directory.
   */
  verificationId?: string | undefined;
}

/** A recovery discovery has not (or not yet) found eligible. */
export interface StartedRecovery extends RecoveryCommon {
  stage: "started";
}

/** A recovery discovery found eligible: what it decided, and what the steps after it record. */
export interface DiscoveredRecovery extends RecoveryCommon {
  stage: "discovered";
  userId: string;
  profileId: string;
  /** The profile as it was when discovery selected it: later policy edits do not change a running recovery. */
  profile: PolicyProfile;
  mode: "evaluation" | "production";
  provider: string;
  /** Group ids the TAP policy named at discovery (their membership is read again before the reset). */
  tapPolicyGroups: string[];
  /** This recovery's session at its IDV provider (our id, the one the webhook's session maps to). */
  idvSessionId?: string | undefined;
  /** When that session was created (the hand-off): a presented credential must be issued after it. */
  idvHandoffAt?: string | undefined;
  presentationRetrievedAt?: string | undefined;
  /** Correlation key of the current presentation request (also its `state`). */
  presentationState?: string | undefined;
  /** Set by the recovery step's first write (0 or more): from then on a re-run reads the directory afresh. */
  methodsRemoved?: number | undefined;
  sessionsRevokedAt?: string | undefined;
  tapIssuedAt?: string | undefined;
  /** Production: where the notices go, read at the match (the notice step then only sends). */
  noticeContacts?: StoredNoticeContacts | undefined;
  /** When the notice to the user / to the admin address was accepted by Graph (each sent once). */
  userNotifiedAt?: string | undefined;
  adminNotifiedAt?: string | undefined;
  /** When the user repudiated the recovery ("this wasn't me"), and when the admin address was alerted. */
  repudiatedAt?: string | undefined;
  repudiationAlertedAt?: string | undefined;
}

export type RecoveryRecord = StartedRecovery | DiscoveredRecovery;

/** A record as read, with its etag: pass it to `update`/`advance` to spare a second read. */
export type Loaded<T extends RecoveryRecord = RecoveryRecord> = T & { etag: string };

/** What `advance` may change: the fields every stage has, and the later steps' own. */
export type RecoveryPatch = Partial<
  Omit<DiscoveredRecovery, "stage" | "recoveryId" | "tokenHash" | "createdAt">
>;

export interface StoredNoticeContacts {
  userPrincipalName: string;
  otherMails: string[];
  /** The directory's `preferredLanguage`: the user's notice speaks it when we have it. */
  preferredLanguage?: string | null;
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
const JSON_FIELDS = ["next", "failure", "profile", "tapPolicyGroups", "noticeContacts"] as const;
type JsonField = (typeof JSON_FIELDS)[number];
type Stored = { [K in keyof DiscoveredRecovery]?: K extends JsonField ? string : DiscoveredRecovery[K] } & {
  recoveryId: string;
};

function toStored(r: RecoveryRecord): Stored {
  const stored: Record<string, unknown> = { ...r };
  for (const field of JSON_FIELDS) {
    const value = stored[field];
    stored[field] = value === undefined ? undefined : JSON.stringify(value);
  }
  return stored as Stored;
}

/** Fields of the stored row that are not the record's (the table's own, and what older versions wrote). */
const NOT_RECORD_FIELDS = [
  "partitionKey",
  "rowKey",
  "etag",
  "timestamp",
  "odata.metadata",
  "preparedRecovery",
];

/**
 * The record a row holds. A row written before records had a stage (an older version) is
 * `discovered` when it holds a profile; a `discovered` row must hold everything the stage
 * promises, or it is refused rather than handed to a step that relies on it.
 */
export function fromStored(s: Stored): RecoveryRecord {
  const record: Record<string, unknown> = { ...s };
  for (const field of JSON_FIELDS) {
    const text = s[field];
    record[field] = text ? JSON.parse(text) : undefined;
  }
  for (const key of NOT_RECORD_FIELDS) delete record[key];
  if (record.profile) record.profile = policyProfileSchema.parse(record.profile);
  record.stage ??= record.profile ? "discovered" : "started";
  // Recorded before the TAP policy's groups were kept: none known, so the recovery step reads them.
  if (record.stage === "discovered") record.tapPolicyGroups ??= [];
  const missing =
    record.stage === "discovered"
      ? ["userId", "profileId", "profile", "mode", "provider"].filter((k) => record[k] === undefined)
      : [];
  if (missing.length > 0)
    throw new RecoveryStateError(
      "recovery_not_discovered",
      `recovery ${s.recoveryId}: discovered, without ${missing.join(", ")}`,
    );
  return record as unknown as RecoveryRecord;
}

/** Audit entries written with a change: always, or as a function of the new record (undefined: no change). */
export type AuditOfChange =
  | readonly NewAuditEvent[]
  | ((next: RecoveryRecord | undefined) => readonly NewAuditEvent[]);

/** A row of a recovery's partition other than its record (a sealed TAP), as read or to be created. */
export type PartitionRow = Record<string, unknown> & { rowKey: string; etag?: string };

/** The user and address a recovery's audit entries name. */
export function subjectOf(r: RecoveryRecord) {
  return { userId: r.userId, clientAddress: r.clientAddress };
}

/** How many records' last versions a process keeps (see `RecoveryRepository.at`). */
const VERSIONS_KEPT = 500;

export class RecoveryRepository {
  /** The last version of each record this process read or wrote, by recovery id (bounded, oldest out first). */
  private readonly versions = new BoundedMap<string, Loaded>(VERSIONS_KEPT);

  constructor(private readonly store: TableStore) {}

  private remember(record: Loaded): void {
    this.versions.set(record.recoveryId, structuredClone(record));
  }

  /**
   * The record at the version `etag` names (the one the previous step left, handed on by the
   * workflow): from what this process last read or wrote when that is this very version, else
   * read. It may no longer be the stored version — a cancel may have come since — so a caller
   * writes with its etag (a change meanwhile fails the write and the record is read and decided
   * again) and does nothing before that write that a closed recovery must not see done.
   */
  /** True when this process holds version `etag` of the record: `at` then answers without a read. */
  holds(recoveryId: string, etag: string): boolean {
    return this.versions.get(recoveryId)?.etag === etag;
  }

  async at(recoveryId: string, etag: string | undefined): Promise<Loaded | undefined> {
    const known = etag === undefined ? undefined : this.versions.get(recoveryId);
    if (known && known.etag === etag) return structuredClone(known);
    return this.get(recoveryId);
  }

  private table(): Promise<TableClient> {
    return this.store.table("recoveries");
  }

  /**
   * Creates the record and records `events` with it (one transaction: both or neither). Returns
   * the new record's etag (the version the workflow's first step is handed).
   */
  async create(record: RecoveryRecord, events: readonly NewAuditEvent[] = []): Promise<string | undefined> {
    const table = await this.table();
    const entity = { partitionKey: record.recoveryId, rowKey: ROW, ...toStored(record) };
    const etag =
      events.length === 0
        ? (await table.createEntity(entity)).etag
        : (
            await table.submitTransaction([
              ["create", entity],
              ...events.map((e): TransactionAction => ["create", auditEntity(e, subjectOf(record))]),
            ])
          ).subResponses[0]?.etag;
    if (etag) this.remember({ ...record, etag });
    return etag;
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

  async get(recoveryId: string): Promise<Loaded | undefined> {
    const table = await this.table();
    const entity = await getOptional<Stored>(table, recoveryId, ROW);
    if (!entity) return undefined;
    const record: Loaded = { ...fromStored(entity), etag: entity.etag };
    this.remember(record);
    return record;
  }

  /**
   * The record and the other rows of its partition named by `rowKeys` that exist, in one query
   * (a status read that also needs the sealed TAP; a write that lost a race or met an entry of
   * an earlier run).
   */
  async getWith(
    recoveryId: string,
    rowKeys: readonly string[],
  ): Promise<{ record: Loaded | undefined; rows: Map<string, PartitionRow> }> {
    if (!isTableKey(recoveryId)) return { record: undefined, rows: new Map() };
    const table = await this.table();
    const keys = [ROW, ...rowKeys];
    const filter = `${odata`PartitionKey eq ${recoveryId}`} and (${keys.map((k) => odata`RowKey eq ${k}`).join(" or ")})`;
    let record: Loaded | undefined;
    const rows = new Map<string, PartitionRow>();
    for await (const e of table.listEntities<Stored & { rowKey?: string }>({ queryOptions: { filter } })) {
      if (e.rowKey === ROW) {
        record = { ...fromStored(e), etag: e.etag };
        this.remember(record);
      } else if (e.rowKey !== undefined && e.etag !== undefined) {
        rows.set(e.rowKey, { ...(e as Record<string, unknown>), rowKey: e.rowKey, etag: e.etag });
      }
    }
    return { record, rows };
  }

  /**
   * Read-modify-write with the etag; retried on a lost race. `change` returns the new record,
   * or undefined to leave it as it is. Returns the record as stored afterwards, with its etag.
   * `known`: the record as the caller just read it (with its etag), tried first to spare a
   * read; a record changed meanwhile fails the etag and is read afresh.
   *
   * `events`: audit entries of this change, written in the same transaction (whether or not
   * `change` changes anything; a function decides by the new record, undefined when nothing
   * changes). An entry with a `onceKey` already recorded (an earlier run of the step) is not
   * written again; the change still is.
   *
   * `rows`: other rows of the recovery's partition created with the change (only when there is
   * one), in the same transaction. Each is created once: when one of them exists already the
   * write fails with the conflict the service answered, and nothing is written.
   */
  async update(
    recoveryId: string,
    change: (current: RecoveryRecord) => RecoveryRecord | undefined,
    known?: Loaded,
    events: AuditOfChange = [],
    rows: readonly PartitionRow[] = [],
  ): Promise<Loaded> {
    const table = await this.table();
    const eventsOf = typeof events === "function" ? events : () => events;
    // After a conflict the next attempt also reads which of its once-only entries are there already.
    let onceKeys: string[] = [];
    let recorded = new Set<string>();
    let conflict: unknown;
    // A row to create found already there (read after a conflict): the write fails with that conflict.
    let rowTaken = false;
    for (let attempt = 0; ; attempt++) {
      let current: Loaded | undefined;
      if (attempt === 0 && known?.recoveryId === recoveryId) current = known;
      else if (onceKeys.length > 0 || (attempt > 0 && rows.length > 0)) {
        const read = await this.getWith(recoveryId, [
          ...onceKeys.map(onceRowKey),
          ...rows.map((r) => r.rowKey),
        ]);
        current = read.record;
        recorded = new Set([...read.rows.keys()].filter((k) => k.startsWith(AUDIT_ROW_PREFIX)));
        rowTaken = rows.some((r) => read.rows.has(r.rowKey));
      } else current = await this.get(recoveryId);
      if (!current) throw new RecoveryStateError("recovery_missing", `recovery ${recoveryId} does not exist`);
      const { etag, ...record } = current;
      const next = change(record);
      if (next && rowTaken) throw conflict;
      if (next) next.updatedAt = new Date().toISOString();
      const subject = subjectOf(next ?? record);
      const entries = eventsOf(next);
      onceKeys = entries.flatMap((e) => (e.onceKey ? [e.onceKey] : []));
      const actions: TransactionAction[] = entries
        .filter((e) => !(e.onceKey && recorded.has(onceRowKey(e.onceKey))))
        .map((e) => ["create", auditEntity(e, subject)]);
      if (next) {
        actions.unshift([
          "update",
          { partitionKey: recoveryId, rowKey: ROW, ...toStored(next) },
          "Replace",
          { etag },
        ]);
        for (const { etag: _, ...row } of rows)
          actions.push(["create", { ...row, partitionKey: recoveryId }]);
      }
      try {
        const newEtag = await this.submit(table, actions);
        if (!next) return current;
        // Remembered only with the etag the service gave this version (never under the old one).
        if (newEtag) this.remember({ ...next, etag: newEtag });
        return { ...next, etag: newEtag ?? etag };
      } catch (err) {
        if (!isConcurrencyConflict(err) || attempt >= 8) throw err;
        conflict = err;
      }
    }
  }

  /** One request for the actions (none: nothing; one: alone; more: a transaction). The record's new etag. */
  private async submit(table: TableClient, actions: TransactionAction[]): Promise<string | undefined> {
    const [only] = actions;
    if (!only) return undefined;
    if (actions.length === 1) {
      if (only[0] === "create") {
        await table.createEntity(only[1]);
        return undefined;
      }
      if (only[0] === "update")
        return (await table.updateEntity(only[1], "Replace", { etag: only[3]?.etag })).etag;
    }
    const answer = await table.submitTransaction(actions);
    // Sub-responses come in the order of the actions; an update's names no row key.
    const index = actions.findIndex(([kind, entity]) => kind === "update" && entity.rowKey === ROW);
    return index < 0 ? undefined : answer.subResponses[index]?.etag;
  }

  /**
   * Applies `patch` unless the recovery is already terminal (cancelled meanwhile, or a late
   * writer): a closed recovery never moves again. `events` as in `update`.
   */
  advance(
    recoveryId: string,
    patch: RecoveryPatch,
    known?: Loaded,
    events: AuditOfChange = [],
  ): Promise<Loaded> {
    return this.update(
      recoveryId,
      (r) => (isTerminal(r.status) ? undefined : ({ ...r, ...patch } as RecoveryRecord)),
      known,
      events,
    );
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
      queryOptions: { filter: odata`RowKey eq ${ROW} and status eq ${"pending"} and expiresAt lt ${cutoff}` },
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
