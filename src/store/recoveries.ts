/**
 * Recovery records: the app-owned state a front end reads. Keyed by recoveryId; the
 * recovery token is kept only as a hash. Status changes go through `update` with etags.
 */
import { odata, type TableClient } from "@azure/data-tables";
import { type PolicyProfile, policyProfileSchema } from "../recovery/policy";
import { type Failure, failure, isTerminal, type NextStep, type RecoveryStatus } from "../recovery/status";
import { getOptional, isConcurrencyConflict, type TableStore } from "./tables";

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
  /** When the notice to the user / to the admin address was accepted by Graph (each sent once). */
  userNotifiedAt?: string | undefined;
  adminNotifiedAt?: string | undefined;
}

const ROW = "recovery";
type Stored = Omit<RecoveryRecord, "next" | "failure" | "profile"> & {
  next?: string;
  failure?: string;
  profile?: string;
};

function toStored(r: RecoveryRecord): Stored {
  return {
    ...r,
    next: r.next ? JSON.stringify(r.next) : undefined,
    failure: r.failure ? JSON.stringify(r.failure) : undefined,
    profile: r.profile ? JSON.stringify(r.profile) : undefined,
  };
}

function fromStored(s: Stored): RecoveryRecord {
  const record: RecoveryRecord = {
    ...s,
    next: s.next ? (JSON.parse(s.next) as NextStep) : undefined,
    failure: s.failure ? (JSON.parse(s.failure) as Failure) : undefined,
    profile: s.profile ? policyProfileSchema.parse(JSON.parse(s.profile)) : undefined,
  };
  for (const key of ["partitionKey", "rowKey", "etag", "timestamp", "odata.metadata"]) {
    delete (record as unknown as Record<string, unknown>)[key];
  }
  return record;
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

  async get(recoveryId: string): Promise<(RecoveryRecord & { etag: string }) | undefined> {
    const table = await this.table();
    const entity = await getOptional<Stored>(table, recoveryId, ROW);
    return entity ? { ...fromStored(entity), etag: entity.etag } : undefined;
  }

  /**
   * Read-modify-write with the etag; retried on a lost race. `change` returns the new record,
   * or undefined to leave it as it is. Returns the record as stored afterwards.
   */
  async update(
    recoveryId: string,
    change: (current: RecoveryRecord) => RecoveryRecord | undefined,
  ): Promise<RecoveryRecord> {
    const table = await this.table();
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(recoveryId);
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
  advance(recoveryId: string, patch: Partial<RecoveryRecord>): Promise<RecoveryRecord> {
    return this.update(recoveryId, (r) => (isTerminal(r.status) ? undefined : { ...r, ...patch }));
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
