/**
 * Rate-limit counters in Table Storage: one row per key (hashed username or address), holding
 * the current fixed window. Updated with etags, so concurrent starts are counted exactly.
 */

import { BoundedMap } from "../boundedMap";
import { decideRate, type RateRule, type WindowState } from "../recovery/rateLimit";
import { getOptional, isConcurrencyConflict, isNotFound, odata, purgeRows, type TableStore } from "./tables";

const ROW = "window";
/** Concurrent starts on one key each win one round of the etag race: enough rounds for a burst. */
const ATTEMPTS = 30;

export type CountOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** How many keys a process remembers as having a counter (see `count`). */
const KEYS_KEPT = 10_000;

/** A counter as this process last read or wrote it, with its etag. */
type HeldWindow = WindowState & { etag: string };

export class RateLimitRepository {
  /**
   * Keys this process saw with a counter: when their window ends (epoch ms) and the version it
   * last read or wrote (bounded, oldest out first). The next count on the key is written from
   * that version with its etag instead of reading first: a count by anyone since fails the etag
   * (412), and the counter is then read.
   */
  private readonly live = new BoundedMap<string, { windowEnds: number; held?: HeldWindow | undefined }>(
    KEYS_KEPT,
  );

  constructor(private readonly store: TableStore) {}

  private remember(key: string, windowEnds: number, state: WindowState, etag: string | undefined): void {
    this.live.set(key, { windowEnds, held: etag === undefined ? undefined : { ...state, etag } });
  }

  /** Deletes the counters whose window opened before `before` (epoch ms): they count nothing any more. */
  async purgeStale(before: number): Promise<number> {
    const table = await this.store.table("rateLimits");
    return purgeRows(table, odata`windowStart lt ${before}`);
  }

  /** Counts one start under `key`; refused (and not counted) when the window is full. */
  async count(key: string, rule: RateRule, now: () => number = Date.now): Promise<CountOutcome> {
    if (rule.limit <= 0) return { allowed: true };
    const table = await this.store.table("rateLimits");
    const windowMs = rule.windowSeconds * 1000;
    // A key this process has not seen counting is most likely new: create its counter at once (one
    // request). The create is the guard: it fails (409) when a counter exists, which is then read
    // and counted with its etag as below. Keys seen with a live window are read first.
    if ((this.live.get(key)?.windowEnds ?? 0) <= now()) {
      const first = decideRate(undefined, rule, now());
      if (first.allowed) {
        try {
          const created = await table.createEntity({ partitionKey: key, rowKey: ROW, ...first.next });
          this.remember(key, first.next.windowStart + windowMs, first.next, created.etag);
          return { allowed: true };
        } catch (err) {
          if (!isConcurrencyConflict(err)) throw err;
        }
      }
    }
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      // First attempt: the version this process holds, if any. Only a count is decided from it
      // (its etag checks it); a refusal is read to be sure.
      const held = attempt === 0 ? this.live.get(key)?.held : undefined;
      const current = held ?? (await getOptional<WindowState>(table, key, ROW));
      if (current && !held) this.remember(key, current.windowStart + windowMs, current, current.etag);
      const decision = decideRate(current, rule, now());
      if (!decision.allowed) {
        if (held) continue;
        return decision;
      }
      const entity = { partitionKey: key, rowKey: ROW, ...decision.next };
      try {
        const written = current
          ? await table.updateEntity(entity, "Replace", { etag: current.etag })
          : await table.createEntity(entity);
        this.remember(key, decision.next.windowStart + windowMs, decision.next, written.etag);
        return { allowed: true };
      } catch (err) {
        // The version held may be gone (purged after its window, say): 404, read like a conflict.
        if (!isConcurrencyConflict(err) && !(held && isNotFound(err))) throw err;
        if (held) continue;
        // Spread the losers out so they do not collide again in lockstep.
        await new Promise((resolve) =>
          setTimeout(resolve, 2 + Math.random() * 10 * Math.min(attempt + 1, 5)),
        );
      }
    }
    // Still losing races after several tries: this key is being hammered. Refuse rather than guess.
    return { allowed: false, retryAfterSeconds: 1 };
  }
}
