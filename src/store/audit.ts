/**
 * Audit trail: append-only events per recovery, in time order. Events record what happened
 * and why (precise ineligibility reasons, scores, match explanations) — never secrets. Every
 * entry carries time, recovery id, user object id and source address (filled from the
 * recovery when the caller does not say), outcome, reason code, and Entra's name for the
 * same event where Entra has one.
 *
 * A recovery's entries live beside its record, in the recovery's partition of the Recoveries
 * table (row keys `audit_…`): a step's entries are then written in the same table transaction
 * as the record change they describe (`RecoveryRepository.update`), one request for both, and
 * either both are stored or neither. Entries about no recovery (policy changes) stay in the
 * Audit table, in partitions of their own.
 */
import { randomBytes } from "node:crypto";
import { type AuditEventType, entraActivityName } from "../recovery/auditEvents";
import { isRecoveryId } from "../recovery/status";
import {
  isConcurrencyConflict,
  odata,
  type TableName,
  type TableStore,
  type TransactionAction,
} from "./tables";

/** Who and where a recovery's events are about: the user (once discovered) and the client address. */
export interface AuditSubject {
  userId?: string | undefined;
  clientAddress?: string | undefined;
}
export type AuditSubjectLookup = (recoveryId: string) => Promise<AuditSubject | undefined>;

export interface AuditEvent {
  recoveryId: string;
  /**
   * For events a step records exactly once: a key unique within the recovery. An activity
   * re-run by the durable runtime (at-least-once) then finds the event already written.
   */
  onceKey?: string | undefined;
  at: string;
  event: AuditEventType;
  outcome: "info" | "success" | "failure";
  /** The reason code; defaults to the event name. */
  code?: string | undefined;
  detail?: Record<string, unknown> | undefined;
  /** The user's object id, when known. */
  userId?: string | undefined;
  /** The client address the recovery was started from. */
  sourceAddress?: string | undefined;
  /** Entra's activity display name for this event, when it has one. */
  activityDisplayName?: string | undefined;
}

/** An event as a step hands it over to be recorded (the time defaults to now). */
export type NewAuditEvent = Omit<AuditEvent, "at" | "activityDisplayName"> & { at?: string };

/** One audit entry as the table holds it (what an export or a test reads). */
export type StoredEvent = {
  at: string;
  event: string;
  outcome: string;
  code?: string;
  detail?: string;
  userId?: string;
  sourceAddress?: string;
  activityDisplayName?: string;
};

/** Row keys of a recovery's audit entries in its partition: all start with this (the record's is `recovery`). */
export const AUDIT_ROW_PREFIX = "audit_";

/** The row key an event with a `onceKey` is stored under (a second write of it conflicts: 409). */
export function onceRowKey(onceKey: string): string {
  return `${AUDIT_ROW_PREFIX}once_${onceKey}`;
}

/** The OData filter of a partition's audit rows (row keys from `audit_` up to, not including, `audit``). */
export function auditRowsFilter(recoveryId: string): string {
  return odata`PartitionKey eq ${recoveryId} and RowKey ge ${AUDIT_ROW_PREFIX} and RowKey lt ${"audit`"}`;
}

/** The table row of one event; `subject` fills the user and the address the event does not name. */
export function auditEntity(
  event: NewAuditEvent,
  subject: AuditSubject | undefined,
): StoredEvent & { partitionKey: string; rowKey: string } {
  const at = event.at ?? new Date().toISOString();
  // Row keys sort by time; the random suffix keeps two events of one millisecond apart.
  const rowKey = event.onceKey
    ? onceRowKey(event.onceKey)
    : `${AUDIT_ROW_PREFIX}${at}_${randomBytes(4).toString("hex")}`;
  const userId = event.userId ?? subject?.userId;
  const sourceAddress = event.sourceAddress ?? subject?.clientAddress;
  const activityDisplayName = entraActivityName(event);
  return {
    partitionKey: event.recoveryId,
    rowKey,
    at,
    event: event.event,
    outcome: event.outcome,
    code: event.code ?? event.event,
    ...(userId ? { userId } : {}),
    ...(sourceAddress ? { sourceAddress } : {}),
    ...(activityDisplayName ? { activityDisplayName } : {}),
    ...(event.detail ? { detail: JSON.stringify(event.detail) } : {}),
  };
}

/** An entry read back from its row. */
export function fromAuditRow(recoveryId: string, e: StoredEvent): AuditEvent {
  return {
    recoveryId,
    at: e.at,
    event: e.event as AuditEventType,
    outcome: e.outcome as AuditEvent["outcome"],
    code: e.code,
    userId: e.userId,
    sourceAddress: e.sourceAddress,
    activityDisplayName: e.activityDisplayName,
    detail: e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : undefined,
  };
}

/** A recovery's entries sit in its partition of the Recoveries table; anything else in the Audit table. */
function tableOf(partition: string): TableName {
  return isRecoveryId(partition) ? "recoveries" : "audit";
}

export class AuditRepository {
  constructor(
    private readonly store: TableStore,
    private readonly subjectOf?: AuditSubjectLookup,
  ) {}

  /**
   * Records one event on its own (a step with no record change to ride along with). `subject`:
   * the recovery as the caller holds it, sparing the read that would otherwise fill the user
   * and the address.
   */
  async record(event: NewAuditEvent, subject?: AuditSubject): Promise<void> {
    const table = await this.store.table(tableOf(event.recoveryId));
    const needsSubject = event.userId === undefined || event.sourceAddress === undefined;
    const known = subject ?? (needsSubject ? await this.subjectOf?.(event.recoveryId) : undefined);
    try {
      await table.createEntity(auditEntity(event, known));
    } catch (err) {
      if (!(event.onceKey && isConcurrencyConflict(err))) throw err;
    }
  }

  /**
   * Several events of one recovery in one table transaction (one partition: one request). When
   * the transaction fails (an event with a `onceKey` is already there: a re-run), each is
   * recorded on its own, so the ones already recorded are skipped and the rest are not lost.
   */
  async recordAll(events: readonly NewAuditEvent[], subject?: AuditSubject): Promise<void> {
    const partitions = new Set(events.map((e) => e.recoveryId));
    const [first] = events;
    if (!first || events.length < 2 || partitions.size !== 1) {
      for (const e of events) await this.record(e, subject);
      return;
    }
    const table = await this.store.table(tableOf(first.recoveryId));
    const known = subject ?? (await this.subjectOf?.(first.recoveryId));
    try {
      await table.submitTransaction(events.map((e): TransactionAction => ["create", auditEntity(e, known)]));
    } catch (err) {
      if (!isConcurrencyConflict(err)) throw err;
      for (const e of events) await this.record(e, known);
    }
  }

  /** The entries of one recovery (or other partition), oldest first. */
  async list(recoveryId: string): Promise<AuditEvent[]> {
    const table = await this.store.table(tableOf(recoveryId));
    const filter = isRecoveryId(recoveryId)
      ? auditRowsFilter(recoveryId)
      : odata`PartitionKey eq ${recoveryId}`;
    const out: AuditEvent[] = [];
    for await (const e of table.listEntities<StoredEvent>({ queryOptions: { filter } })) {
      out.push(fromAuditRow(recoveryId, e));
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }
}
