/**
 * A username's two rate-limit counters (from one address, from all addresses) against a real
 * Azurite: rows of the username's partition, counted together in one table transaction. Both
 * count or neither, exactly under concurrency between processes, from versions a process holds
 * (stale ones read, purged ones counted anew), and each still works alone when the other is off.
 */
import { randomBytes } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import { describe, expect, inject, it } from "vitest";
import { addressKey, type RateRule, usernameKey } from "../../src/recovery/rateLimit";
import { type CountOutcome, RateLimitRepository, WINDOW_ROW } from "../../src/store/rateLimits";
import { TableStore } from "../../src/store/tables";

const noCredential: TokenCredential = {
  getToken: async () => {
    throw new Error("connection strings need no token");
  },
};

/** One storage account (a fresh table prefix); `process()` is another app instance on it. */
function storage() {
  const config = {
    storage: { kind: "connectionString" as const, connectionString: inject("azuriteConnectionString") },
    tablePrefix: `r${randomBytes(4).toString("hex")}`,
  };
  const raw = TableClient.fromConnectionString(
    inject("azuriteConnectionString"),
    new TableStore(config, noCredential).tableName("rateLimits"),
    { allowInsecureConnection: true },
  );
  return {
    process: () => new RateLimitRepository(new TableStore(config, noCredential)),
    /** The stored row of a counter: its count and etag, or undefined. */
    async row(partitionKey: string, rowKey: string) {
      try {
        const e = await raw.getEntity<{ count: number }>(partitionKey, rowKey);
        return { count: e.count, etag: e.etag };
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return undefined;
        throw err;
      }
    },
    /** A username's two counts as stored (undefined: no row) for starts from `address`. */
    async counts(user: { partitionKey: string; fromRow: (address: string) => string }, address: string) {
      const [fromAddress, all] = await Promise.all([
        this.row(user.partitionKey, user.fromRow(address)),
        this.row(user.partitionKey, WINDOW_ROW),
      ]);
      return { fromAddress: fromAddress?.count, all: all?.count };
    },
    raw,
  };
}

const WINDOW = 600;

/** The layout the start uses (recoveryApi's enforceUsernameLimits), with the given limits. */
function username(name: string, limits: { perAddress: number; all: number }) {
  const partitionKey = usernameKey(name);
  const fromRow = (address: string) => usernameKey(name, addressKey(address));
  const rule = (limit: number): RateRule => ({ limit, windowSeconds: WINDOW });
  return {
    partitionKey,
    fromRow,
    count: (limiter: RateLimitRepository, address: string): Promise<CountOutcome> =>
      limiter.countTogether(partitionKey, [
        { name: "from this address", rowKey: fromRow(address), rule: rule(limits.perAddress) },
        { name: "all addresses", rowKey: WINDOW_ROW, rule: rule(limits.all) },
      ]),
  };
}

const allowed = (outcomes: CountOutcome[]) => outcomes.filter((o) => o.allowed).length;

describe("a username's two counters, counted together", () => {
  it("counters naming one row twice are a programmer's mistake: TypeError, nothing counted", async () => {
    const s = storage();
    const rule = { limit: 5, windowSeconds: WINDOW };
    const twice = [
      { name: "one", rowKey: WINDOW_ROW, rule },
      { name: "two", rowKey: WINDOW_ROW, rule },
    ];
    await expect(s.process().countTogether("u_twice", twice)).rejects.toThrow(TypeError);
    expect(await s.row("u_twice", WINDOW_ROW)).toBeUndefined();
  });

  it("two processes counting one username at once count exactly: no lost update, no start over either limit", async () => {
    const s = storage();
    const [one, two] = [s.process(), s.process()];
    const user = username("burst@contoso.example", { perAddress: 5, all: 7 });
    // 24 starts at once, from two addresses, through two processes.
    const starts = Array.from({ length: 24 }, (_, i) =>
      user.count(i % 2 === 0 ? one : two, i % 4 < 2 ? "192.0.2.1" : "192.0.2.2"),
    );
    const outcomes = await Promise.all(starts);
    expect(allowed(outcomes)).toBe(7);
    const refused = outcomes.filter((o) => !o.allowed);
    expect(refused.every((o) => !o.allowed && o.retryAfterSeconds > WINDOW - 10)).toBe(true);
    const fromOne = (await s.row(user.partitionKey, user.fromRow("192.0.2.1")))?.count ?? 0;
    const fromTwo = (await s.row(user.partitionKey, user.fromRow("192.0.2.2")))?.count ?? 0;
    expect(fromOne).toBeLessThanOrEqual(5);
    expect(fromTwo).toBeLessThanOrEqual(5);
    // Every start allowed was counted on both rows, and no refused one on either.
    expect(fromOne + fromTwo).toBe(7);
    expect((await s.row(user.partitionKey, WINDOW_ROW))?.count).toBe(7);
  });

  it("two processes at the per-address limit admit exactly that many from the address", async () => {
    const s = storage();
    const [one, two] = [s.process(), s.process()];
    const user = username("edge@contoso.example", { perAddress: 3, all: 100 });
    const outcomes = await Promise.all(
      Array.from({ length: 16 }, (_, i) => user.count(i % 2 === 0 ? one : two, "198.51.100.7")),
    );
    expect(allowed(outcomes)).toBe(3);
    expect(
      outcomes.filter((o) => !o.allowed).every((o) => !o.allowed && o.refusedBy === "from this address"),
    ).toBe(true);
    expect(await s.counts(user, "198.51.100.7")).toEqual({ fromAddress: 3, all: 3 });
  });

  it("a start refused by the per-address limit leaves the all-addresses counter as it was", async () => {
    const s = storage();
    const limiter = s.process();
    const user = username("from-one@contoso.example", { perAddress: 2, all: 10 });
    for (let i = 0; i < 2; i++) expect(await user.count(limiter, "203.0.113.7")).toEqual({ allowed: true });
    const before = await s.row(user.partitionKey, WINDOW_ROW);
    // From the version this process holds and, to be sure, read: refused by the per-address row.
    expect(await user.count(limiter, "203.0.113.7")).toMatchObject({
      allowed: false,
      refusedBy: "from this address",
    });
    // And by another process, which holds nothing.
    expect(await user.count(s.process(), "203.0.113.7")).toMatchObject({ allowed: false });
    expect(await s.row(user.partitionKey, WINDOW_ROW)).toEqual(before);
    expect((await s.row(user.partitionKey, user.fromRow("203.0.113.7")))?.count).toBe(2);
    // Another address still counts, on both.
    expect(await user.count(limiter, "203.0.113.8")).toEqual({ allowed: true });
    expect((await s.row(user.partitionKey, WINDOW_ROW))?.count).toBe(3);
  });

  it("a start refused by the all-addresses limit leaves its address's counter as it was, or absent", async () => {
    const s = storage();
    const limiter = s.process();
    const user = username("flooded@contoso.example", { perAddress: 10, all: 3 });
    for (const address of ["192.0.2.10", "192.0.2.11", "192.0.2.12"])
      expect(await user.count(limiter, address)).toEqual({ allowed: true });
    const seen = await s.row(user.partitionKey, user.fromRow("192.0.2.10"));
    expect(await user.count(limiter, "192.0.2.10")).toMatchObject({
      allowed: false,
      refusedBy: "all addresses",
    });
    expect(await user.count(s.process(), "192.0.2.13")).toMatchObject({
      allowed: false,
      refusedBy: "all addresses",
    });
    expect(await s.row(user.partitionKey, user.fromRow("192.0.2.10"))).toEqual(seen);
    expect(await s.row(user.partitionKey, user.fromRow("192.0.2.13"))).toBeUndefined();
    expect((await s.row(user.partitionKey, WINDOW_ROW))?.count).toBe(3);
  });

  it("a process counting from versions it holds counts what another process counted since (and refuses when that filled it)", async () => {
    const s = storage();
    const [mine, other] = [s.process(), s.process()];
    const user = username("held@contoso.example", { perAddress: 3, all: 3 });
    expect(await user.count(mine, "192.0.2.1")).toEqual({ allowed: true }); // 1, held by mine
    expect(await user.count(other, "192.0.2.1")).toEqual({ allowed: true }); // 2, written by the other
    // Mine's held versions (1 and 1) are stale: the transaction fails the etag, the rows are read: 3.
    expect(await user.count(mine, "192.0.2.1")).toEqual({ allowed: true });
    expect(await s.counts(user, "192.0.2.1")).toEqual({ fromAddress: 3, all: 3 });

    // Mine holds a version below the limit that another process has filled since: refused, not over-admitted.
    const user2 = username("held-full@contoso.example", { perAddress: 2, all: 5 });
    expect(await user2.count(mine, "192.0.2.2")).toEqual({ allowed: true }); // mine holds 1
    expect(await user2.count(other, "192.0.2.2")).toEqual({ allowed: true }); // 2: full
    expect(await user2.count(mine, "192.0.2.2")).toMatchObject({
      allowed: false,
      refusedBy: "from this address",
    });
    expect(await s.counts(user2, "192.0.2.2")).toEqual({ fromAddress: 2, all: 2 });
  });

  it("counters purged while a process holds them are counted anew; a refusal from a held version is read to be sure", async () => {
    const s = storage();
    const limiter = s.process();
    const user = username("purged@contoso.example", { perAddress: 2, all: 4 });
    expect(await user.count(limiter, "192.0.2.1")).toEqual({ allowed: true });
    expect(await user.count(limiter, "192.0.2.1")).toEqual({ allowed: true });
    expect(await user.count(limiter, "192.0.2.1")).toMatchObject({ allowed: false }); // held as full
    // Housekeeping purges both kinds of row (and nothing but these two exist).
    expect(await limiter.purgeStale(Date.now() + 1)).toBe(2);
    expect(await user.count(limiter, "192.0.2.1")).toEqual({ allowed: true });
    expect(await s.counts(user, "192.0.2.1")).toEqual({ fromAddress: 1, all: 1 });

    // One row of the pair gone (the other still there): the transaction fails as a whole, the
    // rows are read, the gone one created anew and the other counted on.
    await s.raw.deleteEntity(user.partitionKey, user.fromRow("192.0.2.1"));
    expect(await user.count(limiter, "192.0.2.1")).toEqual({ allowed: true });
    expect(await s.counts(user, "192.0.2.1")).toEqual({ fromAddress: 1, all: 2 });
  });

  it("a limit of 0 turns its counter off: the other is still counted and still refuses", async () => {
    const s = storage();
    const limiter = s.process();
    const perAddressOff = username("no-per-address@contoso.example", { perAddress: 0, all: 2 });
    expect(await perAddressOff.count(limiter, "192.0.2.1")).toEqual({ allowed: true });
    expect(await perAddressOff.count(s.process(), "192.0.2.1")).toEqual({ allowed: true });
    expect(await perAddressOff.count(limiter, "192.0.2.2")).toMatchObject({
      allowed: false,
      refusedBy: "all addresses",
    });
    expect((await s.row(perAddressOff.partitionKey, WINDOW_ROW))?.count).toBe(2);
    expect(await s.row(perAddressOff.partitionKey, perAddressOff.fromRow("192.0.2.1"))).toBeUndefined();

    const allOff = username("no-ceiling@contoso.example", { perAddress: 2, all: 0 });
    expect(await allOff.count(limiter, "192.0.2.1")).toEqual({ allowed: true });
    expect(await allOff.count(s.process(), "192.0.2.1")).toEqual({ allowed: true });
    expect(await allOff.count(limiter, "192.0.2.1")).toMatchObject({
      allowed: false,
      refusedBy: "from this address",
    });
    expect(await allOff.count(limiter, "192.0.2.2")).toEqual({ allowed: true });
    expect(await s.row(allOff.partitionKey, WINDOW_ROW)).toBeUndefined();
    expect((await s.row(allOff.partitionKey, allOff.fromRow("192.0.2.1")))?.count).toBe(2);

    const bothOff = username("no-limits@contoso.example", { perAddress: 0, all: 0 });
    for (let i = 0; i < 3; i++) expect(await bothOff.count(limiter, "192.0.2.1")).toEqual({ allowed: true });
    expect(await s.row(bothOff.partitionKey, WINDOW_ROW)).toBeUndefined();
  });
});
