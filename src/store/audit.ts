/**
 * Audit trail: append-only events per recovery, in time order. Events record what happened
 * and why (precise ineligibility reasons, scores, match explanations) — never secrets. Every
 * entry carries time, recovery id, user object id and source address (filled from the
 * recovery when the caller does not say), outcome, reason code, and Entra's name for the
 * same event where Entra has one.
 */
import { randomBytes } from "node:crypto";
import { entraActivityName } from "../recovery/auditEvents";
import { isConcurrencyConflict, odata, type TableStore, type TransactionAction } from "./tables";

/** Who and where a recovery's events are about: the user (once discovered) and the client address. */
export type AuditSubjectLookup = (
  recoveryId: string,
) => Promise<{ userId?: string | undefined; clientAddress?: string | undefined } | undefined>;

export interface AuditEvent {
  recoveryId: string;
  /**
   * For events a step records exactly once: a key unique within the recovery. An activity
   * re-run by the durable runtime (at-least-once) then finds the event already written.
   */
  onceKey?: string | undefined;
  at: string;
  event: string;
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

/** One audit entry as the Audit table holds it (what an export or a test reads). */
export interface StoredEvent {
  at: string;
  event: string;
  outcome: string;
  code?: string;
  detail?: string;
  userId?: string;
  sourceAddress?: string;
  activityDisplayName?: string;
}

export class AuditRepository {
  /**
   * Subjects already complete (user known): they never change afterwards, so a recovery's
   * later audit entries need no extra read. Bounded; the oldest entries go first.
   */
  private readonly subjects = new Map<string, { userId?: string; clientAddress?: string }>();

  constructor(
    private readonly store: TableStore,
    private readonly subjectOf?: AuditSubjectLookup,
  ) {}

  private async subject(recoveryId: string) {
    const known = this.subjects.get(recoveryId);
    if (known || !this.subjectOf) return known;
    const found = await this.subjectOf(recoveryId);
    if (found?.userId) {
      if (this.subjects.size >= 1000) this.subjects.delete(this.subjects.keys().next().value!);
      this.subjects.set(recoveryId, {
        userId: found.userId,
        ...(found.clientAddress ? { clientAddress: found.clientAddress } : {}),
      });
    }
    return found;
  }

  private async entity(
    event: Omit<AuditEvent, "at"> & { at?: string },
  ): Promise<StoredEvent & { partitionKey: string; rowKey: string }> {
    const at = event.at ?? new Date().toISOString();
    // Row keys sort by time; the random suffix keeps two events of one millisecond apart.
    const rowKey = event.onceKey ? `once_${event.onceKey}` : `${at}_${randomBytes(4).toString("hex")}`;
    const subject =
      event.userId === undefined || event.sourceAddress === undefined
        ? await this.subject(event.recoveryId)
        : undefined;
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

  async record(event: Omit<AuditEvent, "at"> & { at?: string }): Promise<void> {
    const table = await this.store.table("audit");
    const entity = await this.entity(event);
    try {
      await table.createEntity(entity);
    } catch (err) {
      if (!(event.onceKey && isConcurrencyConflict(err))) throw err;
    }
  }

  /**
   * Several events of one recovery in one table transaction (one partition: one request). When
   * the transaction fails (an event with a `onceKey` is already there: a re-run), each is
   * recorded on its own, so the ones already recorded are skipped and the rest are not lost.
   */
  async recordAll(events: readonly (Omit<AuditEvent, "at"> & { at?: string })[]): Promise<void> {
    const recoveryIds = new Set(events.map((e) => e.recoveryId));
    if (events.length < 2 || recoveryIds.size !== 1) {
      for (const e of events) await this.record(e);
      return;
    }
    const table = await this.store.table("audit");
    const entities = [];
    for (const e of events) entities.push(await this.entity(e));
    try {
      await table.submitTransaction(entities.map((entity): TransactionAction => ["create", { ...entity }]));
    } catch (err) {
      if (!isConcurrencyConflict(err)) throw err;
      for (const e of events) await this.record(e);
    }
  }

  async list(recoveryId: string): Promise<AuditEvent[]> {
    const table = await this.store.table("audit");
    const out: AuditEvent[] = [];
    const filter = odata`PartitionKey eq ${recoveryId}`;
    for await (const e of table.listEntities<StoredEvent>({ queryOptions: { filter } })) {
      out.push({
        recoveryId,
        at: e.at,
        event: e.event,
        outcome: e.outcome as AuditEvent["outcome"],
        code: e.code,
        userId: e.userId,
        sourceAddress: e.sourceAddress,
        activityDisplayName: e.activityDisplayName,
        detail: e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : undefined,
      });
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }
}
