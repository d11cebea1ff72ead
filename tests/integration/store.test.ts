/**
 * The Table Storage repositories against a real Azurite: the concurrency guarantees the
 * workflow leans on (one lock holder, one TAP reader, write-once step events).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/identity";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { AuditRepository } from "../../src/store/audit";
import { IdvSessionRepository } from "../../src/store/correlations";
import { newPresentationState, PresentationRepository, presentationRow } from "../../src/store/presentations";
import { RecoveryRepository } from "../../src/store/recoveries";
import { TableStore } from "../../src/store/tables";
import {
  type SealedTap,
  sealedTapOf,
  sealedTapRow,
  TAP_ROW,
  TapHandoffRepository,
} from "../../src/store/tapHandoff";
import { UserLockRepository } from "../../src/store/userLocks";

const noCredential: TokenCredential = {
  getToken: async () => {
    throw new Error("connection strings need no token");
  },
};

describe("table repositories", () => {
  let tables: TableStore;
  beforeAll(() => {
    tables = new TableStore(
      {
        storage: { kind: "connectionString", connectionString: inject("azuriteConnectionString") },
        tablePrefix: `s${randomBytes(4).toString("hex")}`,
      },
      noCredential,
    );
  });

  /** An open recovery record, as a start writes it. */
  async function openRecovery(recoveries: RecoveryRepository): Promise<string> {
    const recoveryId = randomUUID();
    const now = new Date().toISOString();
    await recoveries.create({
      stage: "started",
      recoveryId,
      tokenHash: "x",
      status: "pending",
      createdAt: now,
      updatedAt: now,
      expiresAt: now,
      username: "someone@contoso.example",
      clientAddress: "192.0.2.1",
    });
    return recoveryId;
  }
  const inAnHour = () => new Date(Date.now() + 3_600_000);

  it("twenty concurrent lock attempts for one user leave exactly one holder, and every other taker closed", async () => {
    const recoveries = new RecoveryRepository(tables);
    const locks = new UserLockRepository(tables, recoveries);
    const userId = randomUUID();
    const ids = await Promise.all(Array.from({ length: 20 }, () => openRecovery(recoveries)));
    const outcomes = await Promise.all(ids.map((id) => locks.acquire(userId, id, new Date(), inAnHour())));
    const holder = await locks.read(userId);
    expect(holder?.state).toBe("running");
    expect(ids).toContain(holder?.recoveryId);
    for (const [i, id] of ids.entries()) {
      const record = await recoveries.get(id);
      if (id === holder?.recoveryId) expect(record?.status).toBe("pending");
      // Told it had the lock, then superseded by a later taker: closed, never left open.
      else if (outcomes[i]?.acquired) expect(record?.status).toBe("cancelled");
    }
  });

  it("a released lock with a cooldown refuses until the cooldown has passed; a lock somebody advanced refuses", async () => {
    const recoveries = new RecoveryRepository(tables);
    const locks = new UserLockRepository(tables, recoveries);
    const userId = randomUUID();
    const first = await openRecovery(recoveries);
    const now = new Date("2026-01-01T00:00:00Z");
    const until = new Date("2026-01-01T02:00:00Z");
    expect(await locks.acquire(userId, first, now, until)).toEqual({ acquired: true });
    expect(await locks.acquire(userId, first, now, until)).toEqual({ acquired: true }); // a re-run of the same recovery
    await locks.release(userId, "someone-else", undefined); // not the holder: no effect
    expect(await locks.markAdvanced(userId, first, now)).toBe(true);
    expect(await locks.acquire(userId, await openRecovery(recoveries), now, until)).toEqual({
      acquired: false,
      reason: "recovery_in_progress",
    });
    await locks.release(userId, first, new Date("2026-01-02T00:00:00Z"));
    expect(
      await locks.acquire(userId, await openRecovery(recoveries), new Date("2026-01-01T12:00:00Z"), until),
    ).toEqual({
      acquired: false,
      reason: "cooldown",
    });
    expect(
      await locks.acquire(userId, await openRecovery(recoveries), new Date("2026-01-02T00:00:01Z"), until),
    ).toEqual({
      acquired: true,
    });
  });

  /** A sealed TAP as the recovery step stores it, with the record change that records its issue. */
  function sealed(recoveryId: string, expiresAt: string): SealedTap {
    return {
      recoveryId,
      jwe: "sealed",
      sealedFor: "server",
      expiresAt,
      lifetimeInMinutes: 60,
      isUsableOnce: true,
      createdAt: new Date(Date.parse(expiresAt) - 3_600_000).toISOString(),
    };
  }
  async function storeTap(recoveries: RecoveryRepository, tap: SealedTap) {
    return recoveries.update(
      tap.recoveryId,
      (r) => ({ ...r, status: "recovered" }),
      undefined,
      [],
      [sealedTapRow(tap)],
    );
  }
  /** What a status read does: the record and its sealed TAP in one query, then the take. */
  async function readTap(recoveries: RecoveryRepository, taps: TapHandoffRepository, id: string, now: Date) {
    const { record, rows } = await recoveries.getWith(id, [TAP_ROW]);
    const tap = sealedTapOf(id, rows.get(TAP_ROW));
    return record && tap ? taps.take(tap, record, now) : undefined;
  }
  const handedOut = async (audit: AuditRepository, id: string) =>
    (await audit.list(id)).filter((e) => e.event === "temporary_access_pass_handed_out");

  it("an IDV result written over a session read before a return or a renewal changed it is still recorded, once", async () => {
    const sessions = new IdvSessionRepository(tables);
    const session = {
      provider: "demo-idv",
      sessionId: randomUUID(),
      recoveryId: randomUUID(),
      createdAt: "2026-01-01T00:00:00.000Z",
      returnValueHash: "h",
    };
    await sessions.create(session);
    // The webhook read the row; a fresh hand-off superseded it before the webhook wrote.
    const readByWebhook = await sessions.get(session.provider, session.sessionId);
    const readByRenewal = await sessions.get(session.provider, session.sessionId);
    expect(await sessions.supersede(readByRenewal!, "2026-01-01T00:01:00.000Z")).toBe(true);
    const declined = JSON.stringify({ decision: "declined" });
    expect(await sessions.recordResult(readByWebhook!, declined, "evt-1", "2026-01-01T00:02:00.000Z")).toBe(
      true,
    );
    const stored = await sessions.get(session.provider, session.sessionId);
    expect(stored).toMatchObject({
      result: declined,
      resultEventId: "evt-1",
      supersededAt: "2026-01-01T00:01:00.000Z",
    });
    // A second event for the same session changes nothing: the first result stands.
    const approved = JSON.stringify({ decision: "approved" });
    expect(await sessions.recordResult(readByWebhook!, approved, "evt-2", "2026-01-01T00:03:00.000Z")).toBe(
      false,
    );
    expect(await sessions.get(session.provider, session.sessionId)).toMatchObject({ resultEventId: "evt-1" });
  });

  it("two concurrent reads of a sealed TAP: exactly one gets it (one hand-out entry), then it is gone", async () => {
    const recoveries = new RecoveryRepository(tables);
    const taps = new TapHandoffRepository(tables);
    const recoveryId = await openRecovery(recoveries);
    const now = new Date();
    await storeTap(recoveries, sealed(recoveryId, new Date(now.getTime() + 60_000).toISOString()));
    // Both readers hold the row as read (same etag) before either takes it.
    const { record, rows } = await recoveries.getWith(recoveryId, [TAP_ROW]);
    const tap = sealedTapOf(recoveryId, rows.get(TAP_ROW));
    expect(tap?.jwe).toBe("sealed");
    const reads = await Promise.all([taps.take(tap!, record!, now), taps.take(tap!, record!, now)]);
    expect(reads.filter(Boolean)).toHaveLength(1);
    expect(await readTap(recoveries, taps, recoveryId, now)).toBeUndefined();
    expect(await handedOut(new AuditRepository(tables), recoveryId)).toHaveLength(1);
  });

  it("a withdrawn sealed TAP (a repudiated recovery) is never handed out; a second withdrawal finds none", async () => {
    const recoveries = new RecoveryRepository(tables);
    const taps = new TapHandoffRepository(tables);
    const recoveryId = await openRecovery(recoveries);
    const now = new Date();
    await storeTap(recoveries, sealed(recoveryId, new Date(now.getTime() + 60_000).toISOString()));
    // A status read holding the row as read before the withdrawal loses to it.
    const { record, rows } = await recoveries.getWith(recoveryId, [TAP_ROW]);
    const held = sealedTapOf(recoveryId, rows.get(TAP_ROW));
    expect(await taps.withdraw(recoveryId, now)).toBe(true);
    expect(await taps.take(held!, record!, now)).toBeUndefined();
    expect(await readTap(recoveries, taps, recoveryId, now)).toBeUndefined();
    expect(await taps.withdraw(recoveryId, now)).toBe(false);
    expect(await handedOut(new AuditRepository(tables), recoveryId)).toHaveLength(0);
  });

  it("a withdrawal that keeps losing the row's etag gives up with an error after a few tries, the TAP still sealed", async () => {
    const recoveries = new RecoveryRepository(tables);
    const recoveryId = await openRecovery(recoveries);
    const now = new Date();
    await storeTap(recoveries, sealed(recoveryId, new Date(now.getTime() + 60_000).toISOString()));
    // The real table, with another writer that rewrites the sealed row (still holding its TAP)
    // between each of the withdrawal's reads and its write: every write meets a stale etag (412).
    // It stops after 50, so a withdrawal that never gives up ends too (having withdrawn).
    const real = await tables.table("recoveries");
    let interfered = 0;
    const contended = new Proxy(real, {
      get(target, name, receiver) {
        if (name !== "updateEntity") return Reflect.get(target, name, receiver);
        return async (...args: Parameters<typeof real.updateEntity>) => {
          if (interfered < 50) {
            interfered++;
            await target.updateEntity(
              { partitionKey: recoveryId, rowKey: TAP_ROW, touched: interfered },
              "Merge",
            );
          }
          return target.updateEntity(...args);
        };
      },
    });
    const taps = new TapHandoffRepository({ table: async () => contended } as unknown as TableStore);
    await expect(taps.withdraw(recoveryId, now)).rejects.toThrow(/too many concurrent changes/);
    expect(interfered).toBeGreaterThan(1);
    expect(interfered).toBeLessThan(50);
    // Nothing withdrawn; the caller's retry (once the other writer is gone) withdraws it.
    const { rows } = await recoveries.getWith(recoveryId, [TAP_ROW]);
    expect(sealedTapOf(recoveryId, rows.get(TAP_ROW))?.jwe).toBe("sealed");
    expect(await new TapHandoffRepository(tables).withdraw(recoveryId, now)).toBe(true);
    expect(await readTap(recoveries, new TapHandoffRepository(tables), recoveryId, now)).toBeUndefined();
  });

  it("an expired sealed TAP is deleted and never returned", async () => {
    const recoveries = new RecoveryRepository(tables);
    const taps = new TapHandoffRepository(tables);
    const recoveryId = await openRecovery(recoveries);
    await storeTap(recoveries, sealed(recoveryId, "2026-01-01T00:00:00.000Z"));
    expect(await readTap(recoveries, taps, recoveryId, new Date("2026-01-01T00:00:01Z"))).toBeUndefined();
    expect(await taps.exists(recoveryId)).toBe(false);
    expect(await handedOut(new AuditRepository(tables), recoveryId)).toHaveLength(0);
  });

  it("a sealed TAP is stored with its record change or not at all: a TAP row already there fails the write, which changes nothing", async () => {
    const recoveries = new RecoveryRepository(tables);
    const recoveryId = await openRecovery(recoveries);
    const before = await recoveries.get(recoveryId);
    const planted = { ...sealed(recoveryId, "2026-01-01T00:00:00.000Z"), jwe: "planted" };
    await (await tables.table("recoveries")).createEntity({
      partitionKey: recoveryId,
      ...sealedTapRow(planted),
    });
    await expect(storeTap(recoveries, sealed(recoveryId, "2026-01-01T01:00:00.000Z"))).rejects.toMatchObject({
      statusCode: 409,
    });
    const after = await recoveries.getWith(recoveryId, [TAP_ROW]);
    expect(after.record).toMatchObject({ status: "pending", etag: before!.etag });
    expect(sealedTapOf(recoveryId, after.rows.get(TAP_ROW))?.jwe).toBe("planted");
  });

  it("expired sealed TAPs, read or not, are purged; live ones stay", async () => {
    const recoveries = new RecoveryRepository(tables);
    const taps = new TapHandoffRepository(tables);
    const [old1, old2, live] = [
      await openRecovery(recoveries),
      await openRecovery(recoveries),
      await openRecovery(recoveries),
    ];
    await storeTap(recoveries, sealed(old1, "2026-02-01T01:00:00.000Z"));
    await storeTap(recoveries, sealed(old2, "2026-02-01T01:59:59.000Z"));
    await storeTap(recoveries, sealed(live, "2026-02-01T02:00:01.000Z"));
    // A TAP taken leaves a row without it until its lifetime is over.
    expect(await readTap(recoveries, taps, old2, new Date("2026-02-01T01:00:00Z"))).toMatchObject({
      jwe: "sealed",
    });
    expect(await taps.exists(old2)).toBe(true);
    const purged = await taps.purgeExpired(new Date("2026-02-01T02:00:00Z"));
    expect(purged).toBeGreaterThanOrEqual(2); // (other tests' rows of this table may be past it too)
    expect(await taps.exists(old1)).toBe(false);
    expect(await taps.exists(old2)).toBe(false);
    expect(await taps.exists(live)).toBe(true);
    expect(await recoveries.get(old1)).toBeDefined();
  });

  it("a presentation request is kept by a process only once completed: one still pending is read again", async () => {
    const mine = new PresentationRepository(tables);
    const other = new PresentationRepository(tables); // another instance of the app
    const recoveries = new RecoveryRepository(tables);
    const recoveryId = await openRecovery(recoveries);
    const state = newPresentationState(recoveryId);
    const now = new Date();
    // Stored with the record write that shows it (src/functions/presentationRequests.ts).
    await recoveries.update(
      recoveryId,
      (r) => ({ ...r }),
      undefined,
      [],
      [
        presentationRow({
          state,
          recoveryId,
          requestId: "r1",
          apiKeyHash: "h",
          createdAt: now.toISOString(),
          expiresAt: new Date(now.getTime() + 300_000).toISOString(),
          status: "pending",
        }),
      ],
    );
    const pending = await mine.get(state);
    expect(pending?.status).toBe("pending");
    // The callback lands on the other instance and completes the request there.
    const { etag: _, ...stored } = pending!;
    expect(await other.replace(pending!, { ...stored, status: "completed", outcome: "{}" })).toBe(true);
    expect(await mine.get(state)).toMatchObject({ status: "completed", outcome: "{}" });
    // Completed, it never changes again: a later replace from a stale read loses.
    expect(await mine.replace(pending!, { ...stored, status: "retrieved" })).toBe(false);
    expect(await mine.get(state)).toMatchObject({ status: "completed" });
  });

  it("a step event recorded twice (an activity re-run) is stored once; ordinary events append", async () => {
    const audit = new AuditRepository(tables);
    const recoveryId = randomUUID();
    await audit.record({ recoveryId, event: "credential_checked", onceKey: "checked", outcome: "success" });
    await audit.record({ recoveryId, event: "credential_checked", onceKey: "checked", outcome: "success" });
    await audit.record({ recoveryId, event: "presentation_retrieved", outcome: "info" });
    await audit.record({ recoveryId, event: "presentation_retrieved", outcome: "info" });
    const events = await audit.list(recoveryId);
    expect(events.map((e) => e.event).sort()).toEqual([
      "credential_checked",
      "presentation_retrieved",
      "presentation_retrieved",
    ]);
  });

  it("every audit entry names the user, the source address, a reason code and Entra's name for it", async () => {
    const recoveryId = randomUUID();
    const audit = new AuditRepository(tables, async (id) =>
      id === recoveryId ? { userId: "user-1", clientAddress: "203.0.113.7" } : undefined,
    );
    await audit.record({ recoveryId, event: "profile_matched", outcome: "success", code: "matched" });
    await audit.record({
      recoveryId,
      event: "sign_in_sessions_revoked",
      outcome: "success",
      userId: "user-2",
    });
    const events = await audit.list(recoveryId);
    expect(events.find((e) => e.event === "profile_matched")).toMatchObject({
      userId: "user-1",
      sourceAddress: "203.0.113.7",
      code: "matched",
      activityDisplayName: "Account matched and validated",
    });
    const revoked = events.find((e) => e.event === "sign_in_sessions_revoked");
    expect(revoked).toMatchObject({
      userId: "user-2",
      sourceAddress: "203.0.113.7",
      code: "sign_in_sessions_revoked",
    });
    expect(revoked?.activityDisplayName).toBeUndefined();
    expect(events.every((e) => typeof e.at === "string" && e.recoveryId === recoveryId)).toBe(true);
  });

  it("concurrent updates of one recovery all apply (etag retry, no lost update)", async () => {
    const recoveries = new RecoveryRepository(tables);
    const recoveryId = randomUUID();
    const now = new Date().toISOString();
    await recoveries.create({
      stage: "started",
      recoveryId,
      tokenHash: "h",
      status: "pending",
      createdAt: now,
      updatedAt: now,
      expiresAt: now,
      username: "a@b.example",
      clientAddress: "127.0.0.1",
    });
    await Promise.all(
      Array.from({ length: 5 }, () =>
        recoveries.update(recoveryId, (r) => ({ ...r, locale: `${r.locale ?? ""}x` })),
      ),
    );
    expect((await recoveries.get(recoveryId))?.locale).toBe("xxxxx");
  });
});
