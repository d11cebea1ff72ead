/**
 * The policy store and the rate-limit counters against a real Azurite: seeding from the
 * settings' document, admin rows surviving a re-seed, a store edited into an invalid state
 * refused (fail closed), the read cache, and exact counting under concurrency.
 */
import { randomBytes } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import { describe, expect, inject, it } from "vitest";
import { type PolicyDocument, policyDocumentSchema } from "../../src/recovery/policy";
import { PolicyRepository } from "../../src/store/policies";
import { RateLimitRepository } from "../../src/store/rateLimits";
import { TableStore } from "../../src/store/tables";

const noCredential: TokenCredential = {
  getToken: async () => {
    throw new Error("connection strings need no token");
  },
};

function freshTables(): TableStore {
  return new TableStore(
    {
      storage: { kind: "connectionString", connectionString: inject("azuriteConnectionString") },
      tablePrefix: `p${randomBytes(4).toString("hex")}`,
    },
    noCredential,
  );
}

function rawTable(tables: TableStore): TableClient {
  return TableClient.fromConnectionString(inject("azuriteConnectionString"), tables.tableName("policies"), {
    allowInsecureConnection: true,
  });
}

function rawRateTable(tables: TableStore): TableClient {
  return TableClient.fromConnectionString(inject("azuriteConnectionString"), tables.tableName("rateLimits"), {
    allowInsecureConnection: true,
  });
}

function doc(profiles: { id: string; priority?: number }[], excludedUsers: string[] = []): PolicyDocument {
  return policyDocumentSchema.parse({
    profiles: profiles.map((p) => ({ displayName: p.id, includeGroups: ["g-staff"], ...p })),
    globalExclusions: { users: excludedUsers },
  });
}

const repo = (tables: TableStore, seed: PolicyDocument, cacheMs = 0, now?: () => number) =>
  new PolicyRepository(tables, seed, { cacheMs, ...(now ? { now } : {}) });

describe("policy store", () => {
  it("seeds the table from the settings' document, with every default filled in", async () => {
    const tables = freshTables();
    const current = await repo(tables, doc([{ id: "staff" }], ["ceo@contoso.example"])).current();
    expect(current.profiles.map((p) => [p.id, p.mode, p.faceCheckThreshold])).toEqual([
      ["staff", "evaluation", 70],
    ]);
    expect(current.globalExclusions.users).toEqual(["ceo@contoso.example"]);
    const rows = [];
    for await (const row of rawTable(tables).listEntities()) rows.push(`${row.partitionKey}/${row.rowKey}`);
    expect(rows.sort()).toEqual(["global/exclusions", "profile/staff"]);
  });

  it("a changed seed updates and removes seeded rows but never overwrites an admin's row", async () => {
    const tables = freshTables();
    await repo(tables, doc([{ id: "staff" }, { id: "old" }, { id: "admins" }])).current();
    // An admin (the admin API, later) takes ownership of "admins".
    const adminProfile = { ...doc([{ id: "admins", priority: 1 }]).profiles[0]!, displayName: "Edited" };
    await rawTable(tables).upsertEntity(
      {
        partitionKey: "profile",
        rowKey: "admins",
        document: JSON.stringify(adminProfile),
        source: "admin",
        updatedAt: new Date().toISOString(),
      },
      "Replace",
    );
    const next = await repo(
      tables,
      doc([
        { id: "staff", priority: 7 },
        { id: "admins", priority: 50 },
      ]),
    ).current();
    expect(next.profiles.map((p) => [p.id, p.priority, p.displayName]).sort()).toEqual([
      ["admins", 1, "Edited"],
      ["staff", 7, "staff"],
    ]);
  });

  it("refuses a store edited into something the schema rejects, naming the row and the field", async () => {
    const tables = freshTables();
    await repo(tables, doc([{ id: "staff" }])).current();
    const broken = { ...doc([{ id: "staff" }]).profiles[0]!, faceCheckThreshold: 10 };
    await rawTable(tables).updateEntity(
      { partitionKey: "profile", rowKey: "staff", document: JSON.stringify(broken), source: "admin" },
      "Merge",
    );
    await expect(repo(tables, doc([{ id: "staff" }])).current()).rejects.toThrow(
      /policy store: profile staff: faceCheckThreshold/,
    );
  });

  it("serves reads from its cache until the cache time has passed", async () => {
    const tables = freshTables();
    let now = 1_000_000;
    const policies = repo(tables, doc([{ id: "staff" }]), 30_000, () => now);
    expect((await policies.current()).profiles[0]!.priority).toBe(100);
    const changed = { ...doc([{ id: "staff" }]).profiles[0]!, priority: 3 };
    await rawTable(tables).updateEntity(
      { partitionKey: "profile", rowKey: "staff", document: JSON.stringify(changed), source: "admin" },
      "Merge",
    );
    now += 29_999;
    expect((await policies.current()).profiles[0]!.priority).toBe(100);
    now += 1;
    expect((await policies.current()).profiles[0]!.priority).toBe(3);
  });
});

describe("rate-limit counters", () => {
  it("count a burst of concurrent starts exactly: the limit is allowed, the rest refused", async () => {
    const limits = new RateLimitRepository(freshTables());
    const rule = { limit: 7, windowSeconds: 600 };
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => limits.count("u_burst", rule)));
    expect(outcomes.filter((o) => o.allowed)).toHaveLength(7);
    const refused = outcomes.filter((o) => !o.allowed);
    expect(refused).toHaveLength(13);
    expect(refused.every((o) => !o.allowed && o.retryAfterSeconds > 590)).toBe(true);
  });

  it("a process that never saw a key still counts on the counter another process wrote (refused when full)", async () => {
    const tables = freshTables();
    const rule = { limit: 2, windowSeconds: 600 };
    const first = new RateLimitRepository(tables);
    expect(await first.count("u_other_process", rule)).toEqual({ allowed: true });
    expect(await first.count("u_other_process", rule)).toEqual({ allowed: true });
    // A second process (nothing remembered): its first try is a create, which the counter there refuses.
    const second = new RateLimitRepository(tables);
    expect(await second.count("u_other_process", rule)).toMatchObject({ allowed: false });
    expect(await new RateLimitRepository(tables).count("u_other_process", rule)).toMatchObject({
      allowed: false,
    });
    // A new key is counted from one.
    expect(await second.count("u_new_key", rule)).toEqual({ allowed: true });
    expect(await second.count("u_new_key", rule)).toEqual({ allowed: true });
    expect(await second.count("u_new_key", rule)).toMatchObject({ allowed: false });
  });

  it("a process counting from the version it holds counts what other processes counted since, and a purged counter anew", async () => {
    const tables = freshTables();
    const rule = { limit: 3, windowSeconds: 600 };
    const mine = new RateLimitRepository(tables);
    const other = new RateLimitRepository(tables);
    expect(await mine.count("u_held", rule)).toEqual({ allowed: true }); // 1, held by mine
    expect(await other.count("u_held", rule)).toEqual({ allowed: true }); // 2, written by the other
    // Mine's held version (count 1) is stale: its write fails the etag, the counter is read: 3.
    expect(await mine.count("u_held", rule)).toEqual({ allowed: true });
    expect(await other.count("u_held", rule)).toMatchObject({ allowed: false });
    expect(await mine.count("u_held", rule)).toMatchObject({ allowed: false });
    const stored = await rawRateTable(tables).getEntity<{ count: number }>("u_held", "window");
    expect(stored.count).toBe(3);

    // The counter purged while mine holds a version of it: counted anew from one, not an error.
    const fresh = new RateLimitRepository(tables);
    expect(await fresh.count("u_purged", rule)).toEqual({ allowed: true });
    expect(await fresh.count("u_purged", rule)).toEqual({ allowed: true });
    // And one it holds as full: the refusal is read to be sure, and the start counted anew.
    for (let i = 0; i < 3; i++) expect(await fresh.count("u_full", rule)).toEqual({ allowed: true });
    expect(await fresh.count("u_full", rule)).toMatchObject({ allowed: false });
    expect(await fresh.purgeStale(Date.now() + 1)).toBeGreaterThanOrEqual(2);
    for (const key of ["u_purged", "u_full"]) {
      expect(await fresh.count(key, rule), key).toEqual({ allowed: true });
      expect((await rawRateTable(tables).getEntity<{ count: number }>(key, "window")).count, key).toBe(1);
    }
  });

  it("a limit of 0 turns the rule off", async () => {
    const limits = new RateLimitRepository(freshTables());
    for (let i = 0; i < 5; i++) {
      expect(await limits.count("a4_192.0.2.1", { limit: 0, windowSeconds: 60 })).toEqual({ allowed: true });
    }
  });
});
