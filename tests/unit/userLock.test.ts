/**
 * The per-user lock's rule (src/recovery/userLock.ts): who may take it, who gives way, and when.
 */
import { describe, expect, it } from "vitest";
import {
  decideLock,
  LOCK_MARGIN_MINUTES,
  lockDeadline,
  type UserLockState,
} from "../../src/recovery/userLock";

const now = new Date("2026-06-01T12:00:00Z");
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();
const me = { recoveryId: "b-mine", createdAt: at(0) };
const older = { recoveryId: "a-older", createdAt: at(-5) };
const newer = { recoveryId: "c-newer", createdAt: at(1) };
const running = (holder: string, extra: Partial<UserLockState> = {}): UserLockState => ({
  recoveryId: holder,
  state: "running",
  acquiredAt: at(-5),
  expiresAt: at(60),
  ...extra,
});

describe("the per-user lock rule", () => {
  it("a free lock, or one released without a cooldown, is taken", () => {
    expect(decideLock(undefined, undefined, me, now)).toEqual({ kind: "take" });
    expect(decideLock({ ...running("x"), state: "released" }, undefined, me, now)).toEqual({ kind: "take" });
  });

  it("a cooldown refuses until it has passed", () => {
    const cooling: UserLockState = { ...running("x"), state: "released", cooldownUntil: at(10) };
    expect(decideLock(cooling, undefined, me, now)).toEqual({ kind: "refuse", reason: "cooldown" });
    expect(decideLock(cooling, undefined, me, new Date(at(11)))).toEqual({ kind: "take" });
  });

  it("the holder itself (a re-run of discovery) holds it", () => {
    expect(decideLock(running(me.recoveryId), undefined, me, now)).toEqual({ kind: "held" });
  });

  it("a holder whose recovery is closed or gone gives way, advanced or not", () => {
    for (const lock of [running(older.recoveryId), running(older.recoveryId, { advancedAt: at(-1) })]) {
      expect(decideLock(lock, undefined, me, now)).toEqual({
        kind: "take",
        displaced: { recoveryId: older.recoveryId, reason: "closed" },
      });
    }
  });

  it("a holder past its deadline gives way, advanced or not", () => {
    const lock = running(older.recoveryId, { expiresAt: at(0), advancedAt: at(-1) });
    expect(decideLock(lock, older, me, now)).toEqual({
      kind: "take",
      displaced: { recoveryId: older.recoveryId, reason: "lock_expired" },
    });
  });

  it("an older holder nobody advanced is superseded; an advanced one refuses", () => {
    expect(decideLock(running(older.recoveryId), older, me, now)).toEqual({
      kind: "take",
      displaced: { recoveryId: older.recoveryId, reason: "superseded" },
    });
    expect(decideLock(running(older.recoveryId, { advancedAt: at(-1) }), older, me, now)).toEqual({
      kind: "refuse",
      reason: "recovery_in_progress",
    });
  });

  it("a start whose discovery runs after a newer start's yields to it (start order, ties by id)", () => {
    expect(decideLock(running(newer.recoveryId), newer, me, now)).toEqual({
      kind: "refuse",
      reason: "superseded",
    });
    const twin = { recoveryId: "a-twin", createdAt: me.createdAt };
    expect(decideLock(running(twin.recoveryId), twin, me, now).kind).toBe("take");
    expect(decideLock(running(me.recoveryId), me, twin, now)).toEqual({
      kind: "refuse",
      reason: "superseded",
    });
  });

  it("a legacy lock (no deadline) never expires by time: only its recovery's state frees it", () => {
    const legacy = running(older.recoveryId, { expiresAt: undefined, advancedAt: at(-1) });
    expect(decideLock(legacy, older, me, new Date(at(100_000)))).toEqual({
      kind: "refuse",
      reason: "recovery_in_progress",
    });
  });

  it("the lock's deadline covers both human waits and the steps after them", () => {
    const deadline = lockDeadline(now, { idvTimeoutMinutes: 30, presentationTimeoutMinutes: 10 });
    expect(deadline.toISOString()).toBe(at(40 + LOCK_MARGIN_MINUTES));
  });
});
