/**
 * The housekeeping timer on the local host: expired sealed TAPs, closed rate-limit windows
 * and finished inbox entries past retention are deleted; everything still in use stays.
 */
import { describe, expect, it } from "vitest";
import { useStack } from "../support/stack";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

describe("housekeeping", () => {
  const stack = useStack({
    settings: { RATE_LIMIT_WINDOW_SECONDS: "900", WEBHOOK_INBOX_RETENTION_DAYS: "7" },
  });

  it("deletes what outlived its purpose and keeps what is still in use", async () => {
    const s = stack();
    const now = Date.now();
    const tap = (id: string, expiresAt: number) => ({
      partitionKey: id,
      rowKey: "tap",
      jwe: "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..x.y.z",
      sealedFor: "server",
      expiresAt: new Date(expiresAt).toISOString(),
      lifetimeInMinutes: 60,
      isUsableOnce: true,
      createdAt: new Date(expiresAt - HOUR).toISOString(),
    });
    // Sealed TAPs live in their recovery's partition of the Recoveries table.
    await s.writeRow("Recoveries", tap("00000000-0000-4000-8000-0000000000a1", now - 60_000));
    await s.writeRow("Recoveries", tap("00000000-0000-4000-8000-0000000000a2", now + HOUR));
    // A TAP taken leaves a row without it, until the TAP's lifetime is over.
    await s.writeRow("Recoveries", {
      partitionKey: "00000000-0000-4000-8000-0000000000a3",
      rowKey: "tap",
      expiresAt: new Date(now - 60_000).toISOString(),
      takenAt: new Date(now - HOUR).toISOString(),
    });
    await s.writeRow("RateLimits", {
      partitionKey: "a4_192.0.2.1",
      rowKey: "window",
      windowStart: now - 2 * HOUR,
      count: 3,
    });
    await s.writeRow("RateLimits", {
      partitionKey: "a4_192.0.2.2",
      rowKey: "window",
      windowStart: now - 60_000,
      count: 3,
    });
    const inbox = (webhookId: string, age: number, delivered: boolean) => ({
      partitionKey: "demo-idv",
      rowKey: webhookId,
      provider: "demo-idv",
      webhookId,
      receivedAt: new Date(now - age).toISOString(),
      sessionId: "s",
      recoveryId: "",
      result: "{}",
      delivered,
    });
    await s.writeRow("WebhookInbox", inbox("old-delivered", 8 * DAY, true));
    await s.writeRow("WebhookInbox", inbox("old-undelivered", 8 * DAY, false));
    await s.writeRow("WebhookInbox", inbox("recent-delivered", DAY, true));

    await s.runTimer("housekeeping");

    const keys = async (table: string) =>
      (await s.rows<{ partitionKey: string; rowKey: string }>(table))
        .map((r) => `${r.partitionKey}/${r.rowKey}`)
        .sort();
    expect((await keys("Recoveries")).filter((k) => k.endsWith("/tap"))).toEqual([
      "00000000-0000-4000-8000-0000000000a2/tap",
    ]);
    expect(await keys("RateLimits")).toEqual(["a4_192.0.2.2/window"]);
    // An undelivered entry is the sweeper's business, however old: never purged.
    expect(await keys("WebhookInbox")).toEqual(["demo-idv/old-undelivered", "demo-idv/recent-delivered"]);
    expect(s.logs()).toMatch(
      /housekeeping: \{"expiredTapHandoffs":2,"staleRateLimitCounters":1,"purgedInboxEntries":1,"abandonedStartsClosed":0,"locksRepaired":0\}/,
    );
  });
});
