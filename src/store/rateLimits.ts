/**
 * Rate-limit counters in Table Storage: one row per key (hashed username or address), holding
 * the current fixed window. Updated with etags, so concurrent starts are counted exactly.
 */

import { decideRate, type RateRule, type WindowState } from "../recovery/rateLimit";
import { getOptional, isConcurrencyConflict, odata, purgeRows, type TableStore } from "./tables";

const ROW = "window";
/** Concurrent starts on one key each win one round of the etag race: enough rounds for a burst. */
const ATTEMPTS = 30;

export type CountOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class RateLimitRepository {
  constructor(private readonly store: TableStore) {}

  /** Deletes the counters whose window opened before `before` (epoch ms): they count nothing any more. */
  async purgeStale(before: number): Promise<number> {
    const table = await this.store.table("rateLimits");
    return purgeRows(table, odata`windowStart lt ${before}`);
  }

  /** Counts one start under `key`; refused (and not counted) when the window is full. */
  async count(key: string, rule: RateRule, now: () => number = Date.now): Promise<CountOutcome> {
    if (rule.limit <= 0) return { allowed: true };
    const table = await this.store.table("rateLimits");
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const current = await getOptional<WindowState>(table, key, ROW);
      const decision = decideRate(current, rule, now());
      if (!decision.allowed) return decision;
      const entity = { partitionKey: key, rowKey: ROW, ...decision.next };
      try {
        if (current) await table.updateEntity(entity, "Replace", { etag: current.etag });
        else await table.createEntity(entity);
        return { allowed: true };
      } catch (err) {
        if (!isConcurrencyConflict(err)) throw err;
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
