/**
 * Rate-limit counters in Table Storage, each a row holding its current fixed window. An
 * address's counter is the row `window` of the address's partition; a username's two counters
 * (from all addresses, from one address) are rows of the username's partition, counted together
 * in one table transaction so that both count or neither. Updated with etags, so concurrent
 * starts are counted exactly.
 */

import { BoundedMap } from "../boundedMap";
import { decideRate, type RateDecision, type RateRule, type WindowState } from "../recovery/rateLimit";
import {
  getOptional,
  isConcurrencyConflict,
  isNotFound,
  odata,
  purgeRows,
  type TableClient,
  type TableStore,
  type TransactionAction,
} from "./tables";

/** The row of a partition's own counter (an address's; a username's from all addresses). */
export const WINDOW_ROW = "window";
/** Concurrent starts on one partition each win one round of the etag race: enough rounds for a burst. */
const ATTEMPTS = 30;

/** One counter to count a start on: its row in the partition, its rule, and a name for the log. */
export interface Counter {
  name: string;
  rowKey: string;
  rule: RateRule;
}

export type CountOutcome =
  | { allowed: true }
  /**
   * `refusedBy`: the name of the first counter (in the order given) that was full; none when the
   * races were lost. `retryAfterSeconds`: until the last of the full ones has a new window.
   */
  | { allowed: false; retryAfterSeconds: number; refusedBy?: string | undefined };

/** How many counters a process remembers (see `countTogether`). */
const ROWS_KEPT = 10_000;

/** A counter as this process last read or wrote it, with its etag. */
type HeldWindow = WindowState & { etag: string };

/** A row's key in the process's memory: neither key may contain `/` (a table key rule). */
const rowId = (partitionKey: string, rowKey: string) => `${partitionKey}/${rowKey}`;

export class RateLimitRepository {
  /**
   * The version of each counter this process last read or wrote, with its etag (bounded, oldest
   * out first). The next count on it is written from that version with its etag instead of
   * reading first: a count by anyone since fails the etag (412), a purged row answers 404, and
   * the counters are then read. A counter this process holds nothing of is most likely new and
   * is created at once: the create fails (409) when it exists, and it is then read.
   */
  private readonly held = new BoundedMap<string, HeldWindow>(ROWS_KEPT);

  constructor(private readonly store: TableStore) {}

  private remember(partitionKey: string, rowKey: string, state: WindowState, etag: string | undefined): void {
    const id = rowId(partitionKey, rowKey);
    if (etag === undefined) this.held.delete(id);
    else this.held.set(id, { windowStart: state.windowStart, count: state.count, etag });
  }

  /**
   * Deletes the counters whose window opened before `before` (epoch ms): they count nothing any
   * more. Every row of every partition, whatever its kind.
   */
  async purgeStale(before: number): Promise<number> {
    const table = await this.store.table("rateLimits");
    return purgeRows(table, odata`windowStart lt ${before}`);
  }

  /** Counts one start on the counter `key` (its row `window`); refused (and not counted) when its window is full. */
  count(key: string, rule: RateRule, now: () => number = Date.now): Promise<CountOutcome> {
    return this.countTogether(key, [{ name: WINDOW_ROW, rowKey: WINDOW_ROW, rule }], now);
  }

  /**
   * Counts one start on every counter of `counters`, rows of the one partition `partitionKey`,
   * in one request (a table transaction when more than one): all are counted, or — when any of
   * them is full, or the races are lost — none is. A counter whose limit is 0 is off: neither
   * read nor written.
   */
  async countTogether(
    partitionKey: string,
    counters: readonly Counter[],
    now: () => number = Date.now,
  ): Promise<CountOutcome> {
    // A transaction takes each row once and at most 100 of them.
    if (new Set(counters.map((c) => c.rowKey)).size !== counters.length || counters.length > 100)
      throw new TypeError("counters must name distinct rows, at most 100");
    const active = counters.filter((c) => c.rule.limit > 0);
    if (active.length === 0) return { allowed: true };
    const table = await this.store.table("rateLimits");
    // First try: the versions this process holds (a counter it holds nothing of: none, created).
    // Only a count is decided from them (their etags check them); a refusal is read to be sure.
    let fromMemory = true;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const versions = fromMemory
        ? active.map((c) => this.held.get(rowId(partitionKey, c.rowKey)))
        : await this.read(table, partitionKey, active);
      const at = now();
      const decisions = active.map((c, i) => decideRate(versions[i], c.rule, at));
      if (!allAllowed(decisions)) {
        if (fromMemory) {
          fromMemory = false;
          continue;
        }
        const refusedAt = decisions.findIndex((d) => !d.allowed);
        const retryAfterSeconds = Math.max(...decisions.map((d) => (d.allowed ? 0 : d.retryAfterSeconds)));
        return { allowed: false, retryAfterSeconds, refusedBy: active[refusedAt]?.name };
      }
      const actions = active.map((c, i): TransactionAction => {
        const entity = { partitionKey, rowKey: c.rowKey, ...decisions[i]?.next };
        const etag = versions[i]?.etag;
        return etag === undefined ? ["create", entity] : ["update", entity, "Replace", { etag }];
      });
      try {
        const etags = await submit(table, actions);
        active.forEach((c, i) => {
          const next = decisions[i]?.next;
          if (next) this.remember(partitionKey, c.rowKey, next, etags[i]);
        });
        return { allowed: true };
      } catch (err) {
        // Lost a race: a counter created (409) or counted (412) meanwhile, or purged (404) since
        // the version this process held or read. Read them all and decide again.
        if (!isConcurrencyConflict(err) && !isNotFound(err)) throw err;
        // Spread the losers after a read out, so they do not collide again in lockstep.
        if (!fromMemory)
          await new Promise((resolve) =>
            setTimeout(resolve, 2 + Math.random() * 10 * Math.min(attempt + 1, 5)),
          );
        fromMemory = false;
      }
    }
    // Still losing races after several tries: this partition is being hammered. Refuse rather than guess.
    return { allowed: false, retryAfterSeconds: 1 };
  }

  /** The counters as stored now (undefined: none), remembered: one request, whatever their number. */
  private async read(
    table: TableClient,
    partitionKey: string,
    counters: readonly Counter[],
  ): Promise<((WindowState & { etag: string }) | undefined)[]> {
    let rows: Map<string, WindowState & { etag: string }>;
    const [only] = counters;
    if (counters.length === 1 && only) {
      const row = await getOptional<WindowState>(table, partitionKey, only.rowKey);
      rows = new Map(row ? [[only.rowKey, row]] : []);
    } else {
      rows = new Map();
      const rowKeys = counters.map((c) => odata`RowKey eq ${c.rowKey}`).join(" or ");
      const filter = `${odata`PartitionKey eq ${partitionKey}`} and (${rowKeys})`;
      for await (const row of table.listEntities<WindowState>({ queryOptions: { filter } })) {
        if (row.rowKey !== undefined && row.etag !== undefined)
          rows.set(row.rowKey, row as WindowState & { etag: string });
      }
    }
    return counters.map((c) => {
      const row = rows.get(c.rowKey);
      if (row) this.remember(partitionKey, c.rowKey, row, row.etag);
      else this.held.delete(rowId(partitionKey, c.rowKey));
      return row;
    });
  }
}

function allAllowed(decisions: RateDecision[]): decisions is Extract<RateDecision, { allowed: true }>[] {
  return decisions.every((d) => d.allowed);
}

/**
 * One request for the actions: one alone, more in a transaction (all or nothing; a failed one
 * throws the status of the action that failed). The new etag of each, in their order.
 */
async function submit(table: TableClient, actions: TransactionAction[]): Promise<(string | undefined)[]> {
  const [only] = actions;
  if (actions.length === 1 && only) {
    if (only[0] === "create") return [(await table.createEntity(only[1])).etag];
    if (only[0] === "update") return [(await table.updateEntity(only[1], "Replace", only[3])).etag];
  }
  const answer = await table.submitTransaction(actions);
  return actions.map((_, i) => answer.subResponses[i]?.etag);
}
