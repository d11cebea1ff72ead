/**
 * Correlation of external callbacks with recoveries, through mappings WE stored when we
 * started the external step — never by trusting an id in a URL or body alone:
 *  - IDV sessions: (provider, sessionId) → recoveryId, plus the result once received;
 *  - webhook inbox: (provider, webhook id) → the accepted webhook, persisted before the 2xx.
 * (Presentation requests live in their recovery's partition: store/presentations.ts.)
 */
import { getOptional, isConcurrencyConflict, odata, purgeRows, type TableStore } from "./tables";

export interface IdvSession {
  provider: string;
  sessionId: string;
  recoveryId: string;
  /**
   * Whom the recovery is about (its user, the address it was started from), written with the
   * mapping so that a webhook needs no read of the record to mark the user's lock and audit.
   * Absent on rows written before issue 16 (the record is read then).
   */
  userId?: string | undefined;
  clientAddress?: string | undefined;
  createdAt: string;
  /** JSON of the normalized result, once a webhook delivered one. */
  result?: string | undefined;
  resultAt?: string | undefined;
  /** The webhook (inbox entry) whose result this is: only its redelivery may raise it again. */
  resultEventId?: string | undefined;
  /** SHA-256 of the one-time value in the hand-off's redirectUrl (src/idv/returnValue.ts). */
  returnValueHash?: string | undefined;
  /** When the browser came back with that value and it was consumed (once). */
  returnedAt?: string | undefined;
  /**
   * A fresh hand-off the user asked for (src/functions/idvHandoffRenewal.ts) is a new session:
   * the one it replaced, and how many renewals led to it.
   */
  previousSessionId?: string | undefined;
  handoffsRenewed?: number | undefined;
  /** When a fresh hand-off replaced this session: its return value no longer acts. */
  supersededAt?: string | undefined;
}

export interface InboxEntry {
  provider: string;
  webhookId: string;
  receivedAt: string;
  sessionId: string;
  /** Empty when the session is not one of ours (recorded, no effect). */
  recoveryId: string;
  /** JSON of the normalized result. */
  result: string;
  /** True once its effect (audit, stored result, raised event) is done; the sweeper skips it. */
  delivered: boolean;
  /** Why an entry had no effect: `unknown_session`, or `delivery_failed` after the sweeper gave up. */
  disposition?: string | undefined;
  /** Failed re-deliveries by the sweeper. */
  attempts?: number | undefined;
}

export type WithEtag<T> = T & { etag: string };

function strip<T>(entity: Record<string, unknown>): T {
  const { partitionKey: _p, rowKey: _r, etag: _e, timestamp: _t, "odata.metadata": _m, ...rest } = entity;
  return rest as T;
}

/** Writes a result tries over a row others change meanwhile (return, renewal: a few at most). */
const RESULT_ATTEMPTS = 5;

export class IdvSessionRepository {
  constructor(private readonly store: TableStore) {}

  /** Creates the mapping; returns the existing row when a re-run finds it already there. */
  async create(session: IdvSession): Promise<WithEtag<IdvSession> | undefined> {
    const table = await this.store.table("idvSessions");
    try {
      await table.createEntity({ partitionKey: session.provider, rowKey: session.sessionId, ...session });
      return undefined;
    } catch (err) {
      // A re-run activity creating the same mapping again is fine; a clash with another recovery is not.
      if (!isConcurrencyConflict(err)) throw err;
      const existing = await this.get(session.provider, session.sessionId);
      if (existing?.recoveryId !== session.recoveryId) throw err;
      return existing;
    }
  }

  async get(provider: string, sessionId: string): Promise<WithEtag<IdvSession> | undefined> {
    const table = await this.store.table("idvSessions");
    const e = await getOptional<Record<string, unknown>>(table, provider, sessionId);
    return e ? { ...strip<IdvSession>(e), etag: e.etag } : undefined;
  }

  /**
   * A re-run of the hand-off (the activity ran again) made a new one-time return value: the
   * session keeps the latest one, as long as no return was consumed yet.
   */
  async replaceReturnValue(session: WithEtag<IdvSession>, returnValueHash: string): Promise<boolean> {
    if (session.returnedAt) return false;
    return this.replaceGuarded(session, { returnValueHash });
  }

  /** Consumes the session's one-time return value; false when it was consumed (or changed) meanwhile. */
  async consumeReturn(session: WithEtag<IdvSession>, at: string): Promise<boolean> {
    // A session superseded meanwhile changed its etag: this write then fails (judgeReturn refuses one read superseded).
    if (session.returnedAt || !session.returnValueHash) return false;
    return this.replaceGuarded(session, { returnedAt: at });
  }

  /**
   * A fresh hand-off replaces this session: from now on its return value does not act. False
   * when a return was consumed or a result stored first (the workflow moves on with this one),
   * or the row changed meanwhile. A session replaced already stays replaced (true).
   */
  async supersede(session: WithEtag<IdvSession>, at: string): Promise<boolean> {
    if (session.returnedAt || session.result) return false;
    if (session.supersededAt) return true;
    return this.replaceGuarded(session, { supersededAt: at });
  }

  private async replaceGuarded(session: WithEtag<IdvSession>, change: Partial<IdvSession>): Promise<boolean> {
    const table = await this.store.table("idvSessions");
    const { etag, ...rest } = session;
    try {
      await table.updateEntity(
        { partitionKey: rest.provider, rowKey: rest.sessionId, ...rest, ...change },
        "Replace",
        { etag },
      );
      return true;
    } catch (err) {
      if (isConcurrencyConflict(err)) return false;
      throw err;
    }
  }

  /**
   * Records the first result of a session; false when one was already recorded. Another change
   * to the row meanwhile (a return consumed, a fresh hand-off superseding it) is not a result:
   * the row is read again and the result written over that version, so a decline racing a
   * return or a renewal is never lost.
   */
  async recordResult(
    session: WithEtag<IdvSession>,
    result: string,
    eventId: string,
    at: string,
  ): Promise<boolean> {
    const table = await this.store.table("idvSessions");
    let current: WithEtag<IdvSession> | undefined = session;
    for (let attempt = 0; attempt < RESULT_ATTEMPTS && current; attempt++) {
      if (current.result) return false;
      const { etag, ...rest } = current;
      try {
        await table.updateEntity(
          {
            partitionKey: rest.provider,
            rowKey: rest.sessionId,
            ...rest,
            result,
            resultAt: at,
            resultEventId: eventId,
          },
          "Replace",
          { etag },
        );
        return true;
      } catch (err) {
        if (!isConcurrencyConflict(err)) throw err;
      }
      current = await this.get(session.provider, session.sessionId);
    }
    if (current && !current.result)
      throw new Error(`idv session ${session.sessionId}: too many concurrent changes to record its result`);
    return false;
  }
}

export class WebhookInboxRepository {
  constructor(private readonly store: TableStore) {}

  /** Persists an accepted webhook. Returns the existing entry when this id was seen before. */
  async accept(entry: InboxEntry): Promise<{ fresh: true } | { fresh: false; existing: InboxEntry }> {
    const table = await this.store.table("webhookInbox");
    try {
      await table.createEntity({ partitionKey: entry.provider, rowKey: entry.webhookId, ...entry });
      return { fresh: true };
    } catch (err) {
      if (!isConcurrencyConflict(err)) throw err;
      const existing = await getOptional<Record<string, unknown>>(table, entry.provider, entry.webhookId);
      if (!existing) throw err;
      return { fresh: false, existing: strip<InboxEntry>(existing) };
    }
  }

  async get(provider: string, webhookId: string): Promise<InboxEntry | undefined> {
    const table = await this.store.table("webhookInbox");
    const e = await getOptional<Record<string, unknown>>(table, provider, webhookId);
    return e ? strip<InboxEntry>(e) : undefined;
  }

  async markDelivered(provider: string, webhookId: string): Promise<void> {
    const table = await this.store.table("webhookInbox");
    await table.updateEntity({ partitionKey: provider, rowKey: webhookId, delivered: true }, "Merge");
  }

  /** Counts a failed re-delivery; `giveUp` closes the entry as `delivery_failed`. */
  async recordFailedAttempt(entry: InboxEntry, giveUp: boolean): Promise<number> {
    const table = await this.store.table("webhookInbox");
    const attempts = (entry.attempts ?? 0) + 1;
    await table.updateEntity(
      {
        partitionKey: entry.provider,
        rowKey: entry.webhookId,
        attempts,
        ...(giveUp ? { delivered: true, disposition: "delivery_failed" } : {}),
      },
      "Merge",
    );
    return attempts;
  }

  /**
   * Deletes finished entries received before `receivedBefore`. Safe for deduplication as long
   * as the retention exceeds every provider's timestamp tolerance: a replay of a purged entry
   * carries a signed timestamp too old to be accepted.
   */
  async purgeDelivered(receivedBefore: string): Promise<number> {
    const table = await this.store.table("webhookInbox");
    return purgeRows(table, odata`delivered eq true and receivedAt lt ${receivedBefore}`);
  }

  /** Entries accepted before `receivedBefore` whose effect was never confirmed, oldest first, at most `limit`. */
  async listUndelivered(receivedBefore: string, limit: number): Promise<InboxEntry[]> {
    const table = await this.store.table("webhookInbox");
    const filter = odata`delivered eq false and receivedAt le ${receivedBefore}`;
    const entries: InboxEntry[] = [];
    for await (const e of table.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      entries.push(strip<InboxEntry>(e));
      if (entries.length >= limit) break;
    }
    return entries.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  }
}
