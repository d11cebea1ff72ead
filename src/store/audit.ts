/**
 * Audit trail: append-only events per recovery, in time order. Events record what happened
 * and why (precise ineligibility reasons, scores, match explanations) — never secrets.
 */
import { randomBytes } from "node:crypto";
import { odata } from "@azure/data-tables";
import type { TableStore } from "./tables";

export interface AuditEvent {
  recoveryId: string;
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
    // Row key sorts by time; the random suffix keeps two events of one millisecond apart.
    const rowKey = `${at}_${randomBytes(4).toString("hex")}`;
    const entity: StoredEvent & { partitionKey: string; rowKey: string } = {
      partitionKey: event.recoveryId,
      rowKey,
      at,
      event: event.event,
      outcome: event.outcome,
      ...(event.code ? { code: event.code } : {}),
      ...(event.detail ? { detail: JSON.stringify(event.detail) } : {}),
    };
    await table.createEntity(entity);
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
    return out;
  }
}
