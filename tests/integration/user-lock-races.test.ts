/**
 * The per-user lock against a cancel racing discovery, at every point the race can be forced:
 * the cancel (the recovery API's two writes: the record closed with its etag, then the lock of
 * the user the record names released) runs before or after each read the lock's acquisition
 * and update it makes of the recovery records — its own record's read, the holder check, the
 * close of a superseded holder, the write naming the user (the final check) and the reads that
 * write makes after a conflict. Whatever the order, no lock is left held
 * by the cancelled recovery, and none by any closed one. Real Azurite; the interleaving is
 * forced by a RecoveryRepository whose reads run the cancel at a chosen point.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/identity";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { isTerminal } from "../../src/recovery/status";
import { type RecoveryRecord, RecoveryRepository } from "../../src/store/recoveries";
import { TableStore } from "../../src/store/tables";
import { UserLockRepository } from "../../src/store/userLocks";

const noCredential: TokenCredential = {
  getToken: async () => {
    throw new Error("connection strings need no token");
  },
};

type Hook = { at: number; when: "before" | "after"; run: () => Promise<void> };

/**
 * The real repository; its n-th read or update runs `hook` just before or just after it (an
 * update's own reads, after a conflict, count too).
 */
class InterleavedRecoveries extends RecoveryRepository {
  reads = 0;
  hook: Hook | undefined;
  private async around<T>(act: () => Promise<T>): Promise<T> {
    const n = ++this.reads;
    const hook = this.hook?.at === n ? this.hook : undefined;
    if (hook) this.hook = undefined;
    if (hook?.when === "before") await hook.run();
    const result = await act();
    if (hook?.when === "after") await hook.run();
    return result;
  }
  override get(recoveryId: string): Promise<(RecoveryRecord & { etag: string }) | undefined> {
    return this.around(() => super.get(recoveryId));
  }
  override update(
    ...args: Parameters<RecoveryRepository["update"]>
  ): ReturnType<RecoveryRepository["update"]> {
    return this.around(() => super.update(...args));
  }
}

describe("the per-user lock and a cancel racing discovery", () => {
  let tables: TableStore;
  let plain: RecoveryRepository;
  let plainLocks: UserLockRepository;
  beforeAll(() => {
    tables = new TableStore(
      {
        storage: { kind: "connectionString", connectionString: inject("azuriteConnectionString") },
        tablePrefix: `r${randomBytes(4).toString("hex")}`,
      },
      noCredential,
    );
    plain = new RecoveryRepository(tables);
    plainLocks = new UserLockRepository(tables, plain);
  });

  async function openRecovery(startedAt = new Date()): Promise<string> {
    const recoveryId = randomUUID();
    const now = startedAt.toISOString();
    await plain.create({
      stage: "started",
      recoveryId,
      tokenHash: "x",
      status: "verifying_identity",
      createdAt: now,
      updatedAt: now,
      expiresAt: now,
      username: "someone@contoso.example",
      clientAddress: "192.0.2.1",
    });
    return recoveryId;
  }

  /** What POST /api/recovery/{id}/cancel writes (src/functions/recoveryApi.ts). */
  async function cancel(recoveryId: string): Promise<void> {
    const after = await plain.update(recoveryId, (r) =>
      isTerminal(r.status) ? undefined : { ...r, status: "cancelled", next: undefined },
    );
    if (after.userId) await plainLocks.release(after.userId, recoveryId, undefined);
  }

  /** No running lock names a closed or missing recovery. */
  async function expectNoOrphan(userId: string): Promise<void> {
    const lock = await plainLocks.read(userId);
    if (lock?.state !== "running") return;
    const holder = await plain.get(lock.recoveryId);
    expect(holder && !isTerminal(holder.status), `lock held by closed ${lock.recoveryId}`).toBe(true);
  }

  const inAnHour = () => new Date(Date.now() + 3_600_000);

  // What discovery writes once it holds the lock (src/functions/activities/discovery.ts): the
  // etag-guarded write from the record as it named the user is the "still open?" check.
  const opening = { change: (r: RecoveryRecord): RecoveryRecord => ({ ...r, locale: "opened" }) };
  for (const scenario of [
    "free lock",
    "lock held by an unadvanced recovery",
    "free lock, opened with discovery's write",
    "lock held by an unadvanced recovery, opened with discovery's write",
  ] as const) {
    const opened = scenario.endsWith("discovery's write") ? opening : undefined;
    it(`${scenario}: a cancel before or after any read of the acquisition leaves no lock to the cancelled recovery`, async () => {
      // Count the reads of an undisturbed acquisition, then force the cancel at each of them.
      const setUp = async () => {
        const userId = randomUUID();
        const other = scenario.startsWith("free lock")
          ? undefined
          : await openRecovery(new Date(Date.now() - 60_000));
        if (other)
          expect((await plainLocks.acquire(userId, other, new Date(), inAnHour())).acquired).toBe(true);
        return { userId, other, recoveryId: await openRecovery() };
      };
      const probe = await setUp();
      const counting = new InterleavedRecoveries(tables);
      await new UserLockRepository(tables, counting).acquire(
        probe.userId,
        probe.recoveryId,
        new Date(),
        inAnHour(),
        opened,
      );
      const reads = counting.reads;
      // Its own record's read and the write naming the user; with a holder, the holder check and its close.
      expect(reads).toBeGreaterThanOrEqual(scenario.startsWith("free lock") ? 2 : 4);

      const tried: string[] = [];
      for (let at = 1; at <= reads + 1; at++) {
        for (const when of ["before", "after"] as const) {
          const { userId, other, recoveryId } = await setUp();
          const recoveries = new InterleavedRecoveries(tables);
          recoveries.hook = { at, when, run: () => cancel(recoveryId) };
          const locks = new UserLockRepository(tables, recoveries);
          const outcome = await locks.acquire(userId, recoveryId, new Date(), inAnHour(), opened);
          // The cancel at a point the acquisition never reached runs once it has returned.
          if (recoveries.hook) await cancel(recoveryId);
          tried.push(`${when} read ${at}: ${outcome.acquired ? "acquired" : outcome.reason}`);
          // The opening write lands only on a record still open.
          if (opened && outcome.acquired) expect(outcome.record?.locale, tried.at(-1)).toBe("opened");

          expect((await plain.get(recoveryId))?.status).toBe("cancelled");
          const lock = await plainLocks.read(userId);
          expect(lock?.state === "running" && lock.recoveryId === recoveryId, tried.at(-1)).toBe(false);
          await expectNoOrphan(userId);
          if (other && lock?.recoveryId !== other) {
            // Superseded before the cancel: the other recovery was closed, not left open without its lock.
            expect(isTerminal((await plain.get(other))!.status), tried.at(-1)).toBe(true);
          }
        }
      }
      // Both outcomes were forced: some cancels came before the take, some after.
      expect(tried.some((t) => t.endsWith("recovery_closed"))).toBe(true);
      expect(tried.some((t) => t.endsWith("acquired"))).toBe(true);
    });
  }

  it("a lock left by a closed or deleted recovery (as the bug left them) is free to the next start", async () => {
    const table = await tables.table("userLocks");
    for (const holderState of ["cancelled", "deleted"] as const) {
      const userId = randomUUID();
      const stale = await openRecovery();
      // The orphan as the old code wrote it: running, no deadline, its recovery closed.
      await table.createEntity({
        partitionKey: userId,
        rowKey: "lock",
        recoveryId: stale,
        state: "running",
        acquiredAt: new Date(Date.now() - 86_400_000).toISOString(),
      });
      if (holderState === "cancelled") await cancel(stale);
      else await (await tables.table("recoveries")).deleteEntity(stale, "recovery");
      const next = await openRecovery();
      expect(await plainLocks.acquire(userId, next, new Date(), inAnHour()), holderState).toEqual({
        acquired: true,
        displaced: { recoveryId: stale, reason: "closed" },
      });
    }
  });

  it("an older start whose discovery runs late (its host died before answering) yields to the newer holder", async () => {
    const userId = randomUUID();
    const older = await openRecovery(new Date(Date.now() - 60_000));
    const newer = await openRecovery();
    expect((await plainLocks.acquire(userId, newer, new Date(), inAnHour())).acquired).toBe(true);
    expect(await plainLocks.acquire(userId, older, new Date(), inAnHour())).toEqual({
      acquired: false,
      reason: "superseded",
    });
    expect((await plainLocks.read(userId))?.recoveryId).toBe(newer);
    expect((await plain.get(older))?.failure?.code).toBe("superseded");
    expect((await plain.get(newer))?.status).toBe("verifying_identity");
  });

  it("a provider's report (advanced) and a newer start race: exactly one wins, and the loser is consistent", async () => {
    for (let round = 0; round < 10; round++) {
      const userId = randomUUID();
      const first = await openRecovery(new Date(Date.now() - 60_000));
      expect((await plainLocks.acquire(userId, first, new Date(), inAnHour())).acquired).toBe(true);
      const second = await openRecovery();
      const [advanced, taken] = await Promise.all([
        plainLocks.markAdvanced(userId, first, new Date()),
        plainLocks.acquire(userId, second, new Date(), inAnHour()),
      ]);
      const lock = await plainLocks.read(userId);
      if (advanced) {
        // The report came first: the first recovery keeps its lock, the newer start is refused.
        expect(taken).toEqual({ acquired: false, reason: "recovery_in_progress" });
        expect(lock?.recoveryId).toBe(first);
        expect((await plain.get(first))?.status).toBe("verifying_identity");
      } else {
        // The newer start came first: the first recovery is closed as superseded, its report ignored.
        expect(taken.acquired).toBe(true);
        expect(lock?.recoveryId).toBe(second);
        expect((await plain.get(first))?.failure?.code).toBe("superseded");
      }
    }
  });
});
