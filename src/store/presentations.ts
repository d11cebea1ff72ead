/**
 * Verified ID presentation requests of a recovery, stored as rows of the recovery's own
 * partition (the `Recoveries` table): created in the transaction that shows the request on the
 * record, completed by the callback in one transaction with its audit entry, and read with the
 * record in one query.
 *
 * The request's `state` (sent to the Request Service, echoed in every callback) is
 * `<recoveryId>.<random secret>`: the callback finds the partition from it, never trusting it
 * alone — the row must exist under that secret, and the callback must carry the request's
 * api-key (its hash is stored) and requestId.
 */
import { BoundedMap } from "../boundedMap";
import { isTableKey } from "../recovery/keys";
import { newOpaqueSecret } from "../recovery/opaqueSecrets";
import { type AuditSubject, auditEntity, type NewAuditEvent } from "./audit";
import type { PartitionRow } from "./recoveries";
import { getOptional, isConcurrencyConflict, type TableStore, type TransactionAction } from "./tables";

export interface PresentationRequest {
  state: string;
  recoveryId: string;
  requestId: string;
  apiKeyHash: string;
  createdAt: string;
  expiresAt: string;
  status: "pending" | "retrieved" | "completed";
  requestStatus?: "presentation_verified" | "presentation_error" | undefined;
  /** JSON of the normalized callback (credential summary, error), without photos. */
  outcome?: string | undefined;
}

export type StoredPresentation = PresentationRequest & { etag: string };

const ROW_PREFIX = "presentation_";

/** A new request's state for `recoveryId`: the partition it lives in, and a secret. */
export function newPresentationState(recoveryId: string): string {
  return `${recoveryId}.${newOpaqueSecret()}`;
}

/** Where a state's request row is: undefined for a state we cannot have made. */
export function presentationKeys(state: string): { recoveryId: string; rowKey: string } | undefined {
  const dot = state.indexOf(".");
  const recoveryId = state.slice(0, dot);
  const rowKey = `${ROW_PREFIX}${state.slice(dot + 1)}`;
  if (dot <= 0 || !isTableKey(recoveryId) || !isTableKey(rowKey) || state.indexOf(".", dot + 1) >= 0)
    return undefined;
  return { recoveryId, rowKey };
}

/** The row of a new request, to create with the record write that shows it (`RecoveryRepository.update`). */
export function presentationRow(request: PresentationRequest): PartitionRow {
  const keys = presentationKeys(request.state);
  if (!keys || keys.recoveryId !== request.recoveryId)
    throw new Error(`presentation state ${request.state} does not name recovery ${request.recoveryId}`);
  return { rowKey: keys.rowKey, ...request };
}

/** The request a row of the partition holds (as `RecoveryRepository.getWith` returns it). */
export function presentationOf(row: PartitionRow | undefined): StoredPresentation | undefined {
  if (!row?.etag) return undefined;
  const {
    partitionKey: _p,
    rowKey: _r,
    timestamp: _t,
    "odata.metadata": _m,
    etag,
    ...rest
  } = row as Record<string, unknown> & { etag: string };
  return { ...(rest as unknown as PresentationRequest), etag };
}

/** How many completed presentation requests a process keeps (see `PresentationRepository.completed`). */
const COMPLETED_KEPT = 500;

export class PresentationRepository {
  /**
   * Completed requests this process wrote or read, by state (bounded, oldest out first). A
   * completed request never changes again (a later callback for it is a duplicate, a renewal
   * makes a new request), so the steps that read its outcome (the verdict, the match) may take
   * it from here.
   */
  private readonly completed = new BoundedMap<string, StoredPresentation>(COMPLETED_KEPT);

  constructor(private readonly store: TableStore) {}

  /** Keeps `request` if completed; returns it. */
  remember(request: StoredPresentation): StoredPresentation {
    if (request.status !== "completed") return request;
    this.completed.set(request.state, request);
    return request;
  }

  async get(state: string): Promise<StoredPresentation | undefined> {
    const done = this.completed.get(state);
    if (done) return { ...done };
    const keys = presentationKeys(state);
    if (!keys) return undefined;
    const table = await this.store.table("recoveries");
    const row = await getOptional<Record<string, unknown>>(table, keys.recoveryId, keys.rowKey);
    const request = presentationOf(row ? { ...row, rowKey: keys.rowKey } : undefined);
    return request && this.remember(request);
  }

  /**
   * Etag-guarded replace of the request, with `events` (audit entries of the recovery, about
   * `subject`) in the same transaction; false when another writer got there first.
   */
  async replace(
    request: StoredPresentation,
    next: PresentationRequest,
    events: readonly NewAuditEvent[] = [],
    subject?: AuditSubject,
  ): Promise<boolean> {
    const keys = presentationKeys(next.state);
    if (!keys || next.state !== request.state)
      throw new Error(`presentation ${next.state}: not a stored request`);
    const table = await this.store.table("recoveries");
    const row = { partitionKey: keys.recoveryId, rowKey: keys.rowKey, ...next };
    try {
      let etag: string | undefined;
      if (events.length === 0) etag = (await table.updateEntity(row, "Replace", { etag: request.etag })).etag;
      else {
        const actions: TransactionAction[] = [
          ["update", row, "Replace", { etag: request.etag }],
          ...events.map((e): TransactionAction => ["create", auditEntity(e, subject)]),
        ];
        etag = (await table.submitTransaction(actions)).subResponses[0]?.etag;
      }
      if (etag) this.remember({ ...next, etag });
      return true;
    } catch (err) {
      if (isConcurrencyConflict(err)) return false;
      throw err;
    }
  }
}
