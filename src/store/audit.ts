/**
 * Audit trail: append-only events per recovery, in time order. Events record what happened
 * and why (precise ineligibility reasons, scores, match explanations) — never secrets.
 */
import { randomBytes } from "node:crypto";
import { odata } from "@azure/data-tables";
import { isConcurrencyConflict, type TableStore } from "./tables";

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
  code?: string | undefined;
  detail?: Record<string, unknown> | undefined;
}

interface StoredEvent {
  at: string;
  event: string;
  outcome: string;
  code?: string;
  detail?: string;
}

export class AuditRepository {
  constructor(private readonly store: TableStore) {}

  async record(event: Omit<AuditEvent, "at"> & { at?: string }): Promise<void> {
    const table = await this.store.table("audit");
    const at = event.at ?? new Date().toISOString();
    // Row keys sort by time; the random suffix keeps two events of one millisecond apart.
    const rowKey = event.onceKey ? `once_${event.onceKey}` : `${at}_${randomBytes(4).toString("hex")}`;
    const entity: StoredEvent & { partitionKey: string; rowKey: string } = {
      partitionKey: event.recoveryId,
      rowKey,
      at,
      event: event.event,
      outcome: event.outcome,
      ...(event.code ? { code: event.code } : {}),
      ...(event.detail ? { detail: JSON.stringify(event.detail) } : {}),
    };
    try {
      await table.createEntity(entity);
    } catch (err) {
      if (!(event.onceKey && isConcurrencyConflict(err))) throw err;
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
        detail: e.detail ? (JSON.parse(e.detail) as Record<string, unknown>) : undefined,
      });
    }
    return out.sort((a, b) => a.at.localeCompare(b.at));
  }
}
