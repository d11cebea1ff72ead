/**
 * Housekeeping (a timer, every five minutes): deletes what has outlived its purpose — sealed
 * TAPs nobody came to read before they expired (DESIGN §3: deleted on first read or expiry),
 * rate-limit counters whose window has closed, and finished webhook inbox entries past their
 * retention; it closes starts abandoned before their workflow began (a record left
 * `pending` past its deadline), and frees every per-user lock whose recovery is closed or
 * gone (closing, as failed, one still open past its lock's deadline). Every write is
 * etag-guarded, so instances running it at once do no harm.
 */
import type { InvocationContext, Timer } from "@azure/functions";
import { services } from "../services";

export interface HousekeepingReport {
  expiredTapHandoffs: number;
  staleRateLimitCounters: number;
  purgedInboxEntries: number;
  abandonedStartsClosed: number;
  locksRepaired: number;
}

export async function runHousekeeping(now: Date): Promise<HousekeepingReport> {
  const s = services();
  const windowMs = s.config.rateLimits.windowSeconds * 1000;
  const retentionMs = s.config.webhookInboxRetentionDays * 86_400_000;
  return {
    expiredTapHandoffs: await s.taps.purgeExpired(now),
    staleRateLimitCounters: await s.rateLimits.purgeStale(now.getTime() - windowMs),
    purgedInboxEntries: await s.inbox.purgeDelivered(new Date(now.getTime() - retentionMs).toISOString()),
    abandonedStartsClosed: await s.recoveries.closeAbandonedStarts(now),
    // After closing abandoned starts, so that their locks are freed in the same run.
    locksRepaired: await s.locks.repair(now),
  };
}

export async function housekeeping(_timer: Timer, context: InvocationContext): Promise<void> {
  const report = await runHousekeeping(new Date());
  context.info(`housekeeping: ${JSON.stringify(report)}`);
}
