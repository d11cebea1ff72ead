/**
 * Durable state of the local host in Azure Table storage (Azurite locally).
 *
 * Everything about one orchestration instance lives in ONE partition (PartitionKey =
 * instanceId) of `<hub>Orchestrations`, so that an episode commits atomically with a single
 * entity-group transaction: the instance row (etag-checked: two hosts on one hub conflict
 * visibly instead of corrupting), the episode's history row(s), the inbox messages it
 * consumed, and any messages it enqueues. Row kinds, by RowKey:
 *
 *   instance                             status, name, input/output/custom status, armed timers
 *   history.<execId>.<episode>.<chunk>   the events one episode added (JSON), per execution
 *   inbox.<ms>.<rand>                    a message not yet applied: start, event, activity result, terminate
 *
 * `<hub>Host` keeps host-wide rows (the controllable clock's offset).
 * Strings longer than Azure's 32K-character property limit are split over numbered properties.
 */
import { randomBytes } from "node:crypto";
import { odata, RestError, TableClient, type TableEntity, type TransactionAction } from "@azure/data-tables";
import type { HistoryEvent } from "./wire";

export const INSTANCE_ROW = "instance";
const HISTORY_PREFIX = "history.";
const INBOX_PREFIX = "inbox.";
/** Azure Tables: 64 KiB per string property = 32K UTF-16 characters; stay below. */
const MAX_PROPERTY_CHARS = 30_000;
/** Keep history rows well under the 1 MiB entity limit (strings count two bytes a character). */
const MAX_HISTORY_ROW_CHARS = 300_000;

export type RuntimeStatus = "Pending" | "Running" | "Completed" | "Failed" | "Terminated";
export const TERMINAL_STATUSES: ReadonlySet<RuntimeStatus> = new Set(["Completed", "Failed", "Terminated"]);

export interface PendingTimerRecord {
  id: number;
  fireAt: string;
}

export interface InstanceRecord {
  instanceId: string;
  name: string;
  executionId: string;
  runtimeStatus: RuntimeStatus;
  createdTime: string;
  lastUpdatedTime: string;
  /** JSON text; null: no input. */
  input: string | null;
  /** JSON text; null: none yet. */
  output: string | null;
  /** JSON text; null: never set. */
  customStatus: string | null;
  /** Episodes committed for the current execution. */
  episodes: number;
  pendingTimers: PendingTimerRecord[];
}

export type InboxMessage =
  | { kind: "ExecutionStarted"; executionId: string; event: HistoryEvent }
  | { kind: "EventRaised"; event: HistoryEvent }
  | { kind: "TaskCompleted" | "TaskFailed"; executionId: string; event: HistoryEvent }
  | { kind: "Terminate"; reason: string };

export interface StoredInboxMessage {
  rowKey: string;
  message: InboxMessage;
}

export interface InstanceSnapshot {
  record: InstanceRecord;
  etag: string;
  /** History of the current execution, in order. */
  history: HistoryEvent[];
  inbox: StoredInboxMessage[];
  /** Row keys of history rows left by earlier executions (garbage to collect). */
  staleHistoryRows: string[];
}

/** Someone else changed the instance first (412/409/404 inside a transaction). */
export class StoreConflictError extends Error {
  override readonly name = "StoreConflictError";
  readonly code = "store_conflict";
}

/** Task hub names: as DTFx requires, so every derived table name is valid. */
export function validateTaskHubName(hub: string): void {
  if (!/^[A-Za-z][A-Za-z0-9]{2,44}$/.test(hub)) {
    throw new TypeError(
      `task hub name "${hub}" is invalid: 3-45 characters, letters and digits only, starting with a letter`,
    );
  }
}

/** Instance ids become PartitionKeys: no / \ # ? or control characters, at most 256 characters. */
export function isValidInstanceId(id: string): boolean {
  if (id.length === 0 || id.length > 256 || /[/\\#?]/.test(id)) return false;
  for (let i = 0; i < id.length; i++) {
    const code = id.charCodeAt(i);
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return false;
  }
  return true;
}

function pack(name: string, value: string | null, into: Record<string, unknown>): void {
  if (value === null) return;
  if (value.length <= MAX_PROPERTY_CHARS) {
    into[name] = value;
    return;
  }
  const parts = Math.ceil(value.length / MAX_PROPERTY_CHARS);
  into[name] = value.slice(0, MAX_PROPERTY_CHARS);
  into[`${name}Parts`] = parts;
  for (let i = 1; i < parts; i++)
    into[`${name}${i}`] = value.slice(i * MAX_PROPERTY_CHARS, (i + 1) * MAX_PROPERTY_CHARS);
}

function unpack(name: string, from: Record<string, unknown>): string | null {
  const first = from[name];
  if (typeof first !== "string") return null;
  const parts = from[`${name}Parts`];
  if (typeof parts !== "number") return first;
  let value = first;
  for (let i = 1; i < parts; i++) {
    const part = from[`${name}${i}`];
    if (typeof part !== "string") throw new Error(`stored value ${name} is missing part ${i}`);
    value += part;
  }
  return value;
}

function str(from: Record<string, unknown>, name: string): string {
  const v = from[name];
  return typeof v === "string" ? v : "";
}

function toRecord(entity: Record<string, unknown>): InstanceRecord {
  const timers = unpack("PendingTimers", entity);
  return {
    instanceId: str(entity, "partitionKey"),
    name: str(entity, "Name"),
    executionId: str(entity, "ExecutionId"),
    runtimeStatus: str(entity, "RuntimeStatus") as RuntimeStatus,
    createdTime: str(entity, "CreatedTime"),
    lastUpdatedTime: str(entity, "LastUpdatedTime"),
    input: unpack("Input", entity),
    output: unpack("Output", entity),
    customStatus: unpack("CustomStatus", entity),
    episodes: typeof entity.Episodes === "number" ? entity.Episodes : 0,
    pendingTimers: timers ? (JSON.parse(timers) as PendingTimerRecord[]) : [],
  };
}

function toEntity(record: InstanceRecord): TableEntity<Record<string, unknown>> {
  const entity: TableEntity<Record<string, unknown>> = {
    partitionKey: record.instanceId,
    rowKey: INSTANCE_ROW,
    Name: record.name,
    ExecutionId: record.executionId,
    RuntimeStatus: record.runtimeStatus,
    CreatedTime: record.createdTime,
    LastUpdatedTime: record.lastUpdatedTime,
    Episodes: record.episodes,
  };
  pack("Input", record.input, entity);
  pack("Output", record.output, entity);
  pack("CustomStatus", record.customStatus, entity);
  pack("PendingTimers", JSON.stringify(record.pendingTimers), entity);
  return entity;
}

let inboxSequence = 0;

/** Time-ordered; the per-process sequence keeps same-millisecond messages of one host in order. */
function inboxRowKey(): string {
  inboxSequence = (inboxSequence + 1) % 1_000_000;
  const ms = String(Date.now()).padStart(15, "0");
  return `${INBOX_PREFIX}${ms}.${String(inboxSequence).padStart(6, "0")}.${randomBytes(4).toString("hex")}`;
}

function inboxEntity(instanceId: string, message: InboxMessage): TableEntity<Record<string, unknown>> {
  const entity: TableEntity<Record<string, unknown>> = {
    partitionKey: instanceId,
    rowKey: inboxRowKey(),
    Kind: message.kind,
  };
  pack("Message", JSON.stringify(message), entity);
  return entity;
}

function historyEntities(
  instanceId: string,
  executionId: string,
  episode: number,
  events: HistoryEvent[],
): Array<TableEntity<Record<string, unknown>>> {
  const chunks: HistoryEvent[][] = [];
  let current: HistoryEvent[] = [];
  let size = 0;
  for (const event of events) {
    const length = JSON.stringify(event).length;
    if (current.length > 0 && size + length > MAX_HISTORY_ROW_CHARS) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(event);
    size += length;
  }
  if (current.length > 0) chunks.push(current);
  return chunks.map((chunk, i) => {
    const entity: TableEntity<Record<string, unknown>> = {
      partitionKey: instanceId,
      rowKey: `${HISTORY_PREFIX}${executionId}.${String(episode).padStart(8, "0")}.${String(i).padStart(3, "0")}`,
      ExecutionId: executionId,
      Episode: episode,
      EventCount: chunk.length,
    };
    pack("Events", JSON.stringify(chunk), entity);
    return entity;
  });
}

function isConflict(err: unknown): boolean {
  return (
    err instanceof RestError && (err.statusCode === 409 || err.statusCode === 412 || err.statusCode === 404)
  );
}

export function newExecutionId(): string {
  return randomBytes(8).toString("hex");
}

export interface EpisodeCommit {
  record: InstanceRecord;
  etag: string;
  /** Events this episode adds to the current execution's history (may be empty). */
  events: HistoryEvent[];
  consumed: string[];
  enqueue: InboxMessage[];
}

export class DurableStore {
  private constructor(
    private readonly orchestrations: TableClient,
    private readonly host: TableClient,
  ) {}

  static async open(connectionString: string, taskHub: string): Promise<DurableStore> {
    validateTaskHubName(taskHub);
    // Azurite speaks http; the SDK refuses shared-key auth over http unless told to.
    const options = {
      allowInsecureConnection: /http:\/\/|DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true/i.test(
        connectionString,
      ),
    };
    const orchestrations = TableClient.fromConnectionString(
      connectionString,
      `${taskHub}Orchestrations`,
      options,
    );
    const host = TableClient.fromConnectionString(connectionString, `${taskHub}Host`, options);
    await orchestrations.createTable();
    await host.createTable();
    return new DurableStore(orchestrations, host);
  }

  async getInstance(instanceId: string): Promise<{ record: InstanceRecord; etag: string } | undefined> {
    try {
      const entity = await this.orchestrations.getEntity<Record<string, unknown>>(instanceId, INSTANCE_ROW);
      return { record: toRecord(entity), etag: entity.etag };
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return undefined;
      throw err;
    }
  }

  /** The whole partition: instance row, current history, pending inbox (oldest first). */
  async loadInstance(instanceId: string): Promise<InstanceSnapshot | undefined> {
    let instance: { record: InstanceRecord; etag: string } | undefined;
    const historyRows: Array<{ rowKey: string; executionId: string; events: HistoryEvent[] }> = [];
    const inbox: StoredInboxMessage[] = [];
    const entities = this.orchestrations.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${instanceId}` },
    });
    for await (const entity of entities) {
      const rowKey = entity.rowKey ?? "";
      if (rowKey === INSTANCE_ROW) instance = { record: toRecord(entity), etag: entity.etag };
      else if (rowKey.startsWith(HISTORY_PREFIX)) {
        historyRows.push({
          rowKey,
          executionId: str(entity, "ExecutionId"),
          events: JSON.parse(unpack("Events", entity) ?? "[]") as HistoryEvent[],
        });
      } else if (rowKey.startsWith(INBOX_PREFIX)) {
        inbox.push({ rowKey, message: JSON.parse(unpack("Message", entity) ?? "null") as InboxMessage });
      }
    }
    if (!instance) return undefined;
    const executionId = instance.record.executionId;
    historyRows.sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
    inbox.sort((a, b) => (a.rowKey < b.rowKey ? -1 : a.rowKey > b.rowKey ? 1 : 0));
    return {
      record: instance.record,
      etag: instance.etag,
      history: historyRows.filter((r) => r.executionId === executionId).flatMap((r) => r.events),
      inbox,
      staleHistoryRows: historyRows.filter((r) => r.executionId !== executionId).map((r) => r.rowKey),
    };
  }

  /** Creates the instance and its ExecutionStarted message together. Conflict: it exists. */
  async createInstance(record: InstanceRecord, start: InboxMessage): Promise<void> {
    await this.#transact([
      ["create", toEntity(record)],
      ["create", inboxEntity(record.instanceId, start)],
    ]);
  }

  /** Starts a new execution over a terminal instance (etag-checked). */
  async restartInstance(record: InstanceRecord, etag: string, start: InboxMessage): Promise<void> {
    await this.#transact([
      ["update", toEntity(record), "Replace", { etag }],
      ["create", inboxEntity(record.instanceId, start)],
    ]);
  }

  /** Persists one message for an instance; resolves once it is durable. */
  async enqueue(instanceId: string, message: InboxMessage): Promise<void> {
    await this.orchestrations.createEntity(inboxEntity(instanceId, message));
  }

  /** Commits one episode atomically; StoreConflictError when the instance changed meanwhile. */
  async commitEpisode(commit: EpisodeCommit): Promise<void> {
    const id = commit.record.instanceId;
    const actions: TransactionAction[] = [
      ["update", toEntity(commit.record), "Replace", { etag: commit.etag }],
    ];
    if (commit.events.length > 0) {
      for (const row of historyEntities(
        id,
        commit.record.executionId,
        commit.record.episodes,
        commit.events,
      )) {
        actions.push(["create", row]);
      }
    }
    for (const rowKey of commit.consumed) actions.push(["delete", { partitionKey: id, rowKey }]);
    for (const message of commit.enqueue) actions.push(["create", inboxEntity(id, message)]);
    if (actions.length > 100) {
      throw new Error(
        `episode for ${id} needs ${actions.length} table operations; the limit of one transaction is 100`,
      );
    }
    await this.#transact(actions);
  }

  /** Best effort: removes rows of earlier executions. */
  async deleteRows(instanceId: string, rowKeys: string[]): Promise<void> {
    for (let i = 0; i < rowKeys.length; i += 100) {
      const batch = rowKeys
        .slice(i, i + 100)
        .map((rowKey): TransactionAction => ["delete", { partitionKey: instanceId, rowKey }]);
      try {
        await this.orchestrations.submitTransaction(batch);
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }

  async listInstances(filter?: { statuses?: RuntimeStatus[] }): Promise<InstanceRecord[]> {
    const records: InstanceRecord[] = [];
    const entities = this.orchestrations.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`RowKey eq ${INSTANCE_ROW}` },
    });
    for await (const entity of entities) {
      const record = toRecord(entity);
      if (!filter?.statuses || filter.statuses.includes(record.runtimeStatus)) records.push(record);
    }
    return records;
  }

  async readClockOffset(): Promise<number> {
    try {
      const entity = await this.host.getEntity<Record<string, unknown>>("clock", "offset");
      const offset = Number(entity.OffsetMs);
      return Number.isFinite(offset) ? offset : 0;
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404) return 0;
      throw err;
    }
  }

  async writeClockOffset(offsetMs: number): Promise<void> {
    // Text, not Int32: offsets can exceed 2^31 ms (~24 days).
    await this.host.upsertEntity(
      { partitionKey: "clock", rowKey: "offset", OffsetMs: String(offsetMs) },
      "Replace",
    );
  }

  async #transact(actions: TransactionAction[]): Promise<void> {
    try {
      await this.orchestrations.submitTransaction(actions);
    } catch (err) {
      if (isConflict(err)) {
        throw new StoreConflictError(
          `the instance changed concurrently (${(err as RestError).statusCode} ${(err as RestError).code ?? ""})`,
          {
            cause: err,
          },
        );
      }
      throw err;
    }
  }
}
