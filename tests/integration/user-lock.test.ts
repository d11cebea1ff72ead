/**
 * The per-user lock through the running app (issue 23, findings 1 and 2): a start cancelled at
 * once, or after reads, never leaves the user locked out; an anonymous start that nobody
 * advanced does not keep the user's own start out (the newer one supersedes it), while a
 * recovery the IDV provider has reported on does; housekeeping frees every lock whose recovery
 * is closed, gone or past its deadline. The stores are read to check that no lock outlives its
 * recovery.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { isTerminal, type RecoveryStatus } from "../../src/recovery/status";
import { recordRows } from "../support/recoveryRows";
import type { RecoveryStart, TestStack } from "../support/stack";
import { useStack } from "../support/stack";

const ADELE = DEMO_USERS.adeleVance;

interface LockRow {
  partitionKey: string;
  recoveryId: string;
  state: string;
  expiresAt?: string;
  advancedAt?: string;
}

async function cancel(s: TestStack, start: RecoveryStart): Promise<number> {
  const res = await fetch(`${s.url}/api/recovery/${start.recoveryId}/cancel`, {
    method: "POST",
    headers: { authorization: `Bearer ${start.recoveryToken}` },
  });
  await res.body?.cancel();
  return res.status;
}

/** Running locks whose recovery is closed or missing (read from the tables). */
async function orphanedLocks(s: TestStack): Promise<LockRow[]> {
  const records = new Map(
    (await recordRows<{ partitionKey: string; status: string }>(s)).map((r) => [r.partitionKey, r]),
  );
  return (await s.rows<LockRow>("UserLocks")).filter((lock) => {
    if (lock.state !== "running") return false;
    const record = records.get(lock.recoveryId);
    return !record || isTerminal(record.status as RecoveryStatus);
  });
}

/** Polls (with a deadline) until no lock outlives its recovery; fails with the orphans otherwise. */
async function expectNoOrphanedLock(s: TestStack, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let orphans = await orphanedLocks(s);
  while (orphans.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    orphans = await orphanedLocks(s);
  }
  expect(orphans).toEqual([]);
}

async function eligibilityCode(s: TestStack, recoveryId: string): Promise<string | undefined> {
  return (await s.auditEvents(recoveryId)).find((e) => e.event === "eligibility_checked")?.code;
}

async function startAdele(s: TestStack): Promise<RecoveryStart> {
  const started = await s.startRecovery({ username: ADELE.userPrincipalName });
  expect(started.status).toBe(202);
  return started.body;
}

describe("the per-user lock", () => {
  const stack = useStack();

  it("start then cancel — at once, after a read, or once verifying — never locks the user out", async () => {
    const s = stack();
    for (let round = 0; round < 6; round++) {
      // At once: the cancel races discovery (the reproduction).
      const atOnce = await startAdele(s);
      expect(await cancel(s, atOnce)).toBe(202);
      // After one read.
      const afterRead = await startAdele(s);
      await s.readRecovery(afterRead.recoveryId, afterRead.recoveryToken);
      expect(await cancel(s, afterRead)).toBe(202);
      // Once the recovery holds the lock and waits at the provider.
      const verifying = await startAdele(s);
      await s.waitForStatus(verifying, ["verifying_identity"]);
      expect(await cancel(s, verifying)).toBe(202);
    }
    await expectNoOrphanedLock(s);
    const after = await startAdele(s);
    const state = await s.waitForStatus(after, ["verifying_identity", "not_eligible"]);
    expect(state.status, await eligibilityCode(s, after.recoveryId)).toBe("verifying_identity");
    expect(await cancel(s, after)).toBe(202);
    await expectNoOrphanedLock(s);
  });

  it("a newer start supersedes a recovery nobody advanced; one the provider reported on keeps the user's lock", async () => {
    const s = stack();
    // Someone (anyone: a start needs only the username) starts and does nothing more.
    const idle = await startAdele(s);
    const idleWaiting = await s.waitForStatus(idle, ["verifying_identity"]);
    // The user's own start is not refused: it takes over.
    const mine = await startAdele(s);
    const myWaiting = await s.waitForStatus(mine, ["verifying_identity", "not_eligible"]);
    expect(myWaiting.status).toBe("verifying_identity");
    const superseded = await s.waitForStatus(idle, ["cancelled"]);
    expect(superseded.failure?.code).toBe("superseded");
    expect(
      (await s.auditEvents(idle.recoveryId)).find((e) => e.event === "recovery_superseded"),
    ).toMatchObject({
      code: "superseded",
    });
    // The superseded recovery's hand-off, completed anyway, is late: it changes nothing.
    await s.completeIdv(idleWaiting.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    expect((await s.readRecovery(idle.recoveryId, idle.recoveryToken)).body.status).toBe("cancelled");

    // The user verifies at the provider: from the provider's report on, a newer start is refused.
    await s.completeIdv(myWaiting.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    await s.waitForStatus(mine, ["awaiting_presentation"]);
    const lock = (await s.rows<LockRow>("UserLocks")).find((l) => l.partitionKey === ADELE.id);
    expect(lock).toMatchObject({ recoveryId: mine.recoveryId, state: "running" });
    expect(lock?.advancedAt).toBeTruthy();
    const intruder = await startAdele(s);
    expect((await s.waitForStatus(intruder, ["not_eligible", "verifying_identity"])).status).toBe(
      "not_eligible",
    );
    expect(await eligibilityCode(s, intruder.recoveryId)).toBe("recovery_in_progress");
    expect((await s.readRecovery(mine.recoveryId, mine.recoveryToken)).body.status).toBe(
      "awaiting_presentation",
    );

    expect(await cancel(s, mine)).toBe(202);
    await expectNoOrphanedLock(s);
  });

  it("a recovery that lost its user's lock before the provider reported does not go past identity verification", async () => {
    const s = stack();
    const started = await startAdele(s);
    const waiting = await s.waitForStatus(started, ["verifying_identity"]);
    // Taken over in the instant between a newer start's lock write and its closing this record.
    const other = randomUUID();
    await s.writeRow("UserLocks", {
      partitionKey: ADELE.id,
      rowKey: "lock",
      recoveryId: other,
      state: "running",
      acquiredAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const completed = await s.completeIdv(waiting.next!, "approved", {
      firstName: "Adele",
      lastName: "Vance",
    });
    expect(completed.webhookStatus).toBe(200);
    const audit = await s.auditEvents(started.recoveryId);
    expect(audit.some((e) => e.event === "identity_verification_completed")).toBe(true);
    // The result was recorded, not raised: the workflow still waits (and ends by its deadline).
    expect((await s.readRecovery(started.recoveryId, started.recoveryToken)).body.status).toBe(
      "verifying_identity",
    );
    expect((await s.rows<LockRow>("UserLocks")).find((l) => l.partitionKey === ADELE.id)?.recoveryId).toBe(
      other,
    );
    expect(await cancel(s, started)).toBe(202);
    await s.writeRow("UserLocks", {
      partitionKey: ADELE.id,
      rowKey: "lock",
      recoveryId: other,
      state: "released",
      acquiredAt: new Date().toISOString(),
    });
  });

  it("housekeeping frees locks whose recovery is closed, gone or past its deadline, and leaves live ones", async () => {
    const s = stack();
    const now = Date.now();
    const record = (id: string, status: string) => ({
      partitionKey: id,
      rowKey: "recovery",
      recoveryId: id,
      tokenHash: "x",
      status,
      createdAt: new Date(now - 3_600_000).toISOString(),
      updatedAt: new Date(now - 3_600_000).toISOString(),
      expiresAt: new Date(now + 600_000).toISOString(),
      username: "someone@contoso.example",
      clientAddress: "192.0.2.7",
    });
    const lock = (userId: string, recoveryId: string, expiresAt?: number) => ({
      partitionKey: userId,
      rowKey: "lock",
      recoveryId,
      state: "running",
      acquiredAt: new Date(now - 3_600_000).toISOString(),
      ...(expiresAt ? { expiresAt: new Date(expiresAt).toISOString() } : {}),
    });
    const cases = {
      cancelled: { user: randomUUID(), recovery: randomUUID() },
      deleted: { user: randomUUID(), recovery: randomUUID() },
      pastDeadline: { user: randomUUID(), recovery: randomUUID() },
      live: { user: randomUUID(), recovery: randomUUID() },
      legacyLive: { user: randomUUID(), recovery: randomUUID() },
    };
    await s.writeRow("Recoveries", record(cases.cancelled.recovery, "cancelled"));
    await s.writeRow("Recoveries", record(cases.pastDeadline.recovery, "verifying_identity"));
    await s.writeRow("Recoveries", record(cases.live.recovery, "verifying_identity"));
    await s.writeRow("Recoveries", record(cases.legacyLive.recovery, "awaiting_presentation"));
    // The orphan the bug left: running, no deadline, its recovery cancelled.
    await s.writeRow("UserLocks", lock(cases.cancelled.user, cases.cancelled.recovery));
    await s.writeRow("UserLocks", lock(cases.deleted.user, cases.deleted.recovery, now + 600_000));
    await s.writeRow("UserLocks", lock(cases.pastDeadline.user, cases.pastDeadline.recovery, now - 60_000));
    await s.writeRow("UserLocks", lock(cases.live.user, cases.live.recovery, now + 600_000));
    await s.writeRow("UserLocks", lock(cases.legacyLive.user, cases.legacyLive.recovery));

    await s.runTimer("housekeeping");

    const locks = new Map((await s.rows<LockRow>("UserLocks")).map((l) => [l.partitionKey, l]));
    expect(locks.get(cases.cancelled.user)?.state).toBe("released");
    expect(locks.get(cases.deleted.user)?.state).toBe("released");
    expect(locks.get(cases.pastDeadline.user)?.state).toBe("released");
    expect(locks.get(cases.live.user)?.state).toBe("running");
    expect(locks.get(cases.legacyLive.user)?.state).toBe("running");
    const records = new Map(
      (await recordRows<{ partitionKey: string; status: string; failure?: string }>(s)).map((r) => [
        r.partitionKey,
        r,
      ]),
    );
    // Open past its lock's deadline: closed as failed before its lock went.
    expect(records.get(cases.pastDeadline.recovery)?.status).toBe("failed");
    expect(JSON.parse(records.get(cases.pastDeadline.recovery)?.failure ?? "{}")).toMatchObject({
      code: "internal_error",
    });
    expect(records.get(cases.live.recovery)?.status).toBe("verifying_identity");
    expect(s.logs()).toMatch(/"locksRepaired":3/);
    await s.runTimer("housekeeping");
    expect(s.logs()).toMatch(/"locksRepaired":0/);
  });

  it("a start for a user whose lock was orphaned by a cancelled recovery is not refused", async () => {
    const s = stack();
    const stale = randomUUID();
    await s.writeRow("Recoveries", {
      partitionKey: stale,
      rowKey: "recovery",
      recoveryId: stale,
      tokenHash: "x",
      status: "cancelled",
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      expiresAt: new Date().toISOString(),
      username: ADELE.userPrincipalName,
      clientAddress: "192.0.2.7",
      userId: ADELE.id,
    });
    await s.writeRow("UserLocks", {
      partitionKey: ADELE.id,
      rowKey: "lock",
      recoveryId: stale,
      state: "running",
      acquiredAt: new Date().toISOString(),
    });
    const started = await startAdele(s);
    expect((await s.waitForStatus(started, ["verifying_identity", "not_eligible"])).status).toBe(
      "verifying_identity",
    );
    expect(await cancel(s, started)).toBe(202);
    await expectNoOrphanedLock(s);
  });
});
