/**
 * Crash safety: the host is killed with SIGKILL mid-flight and restarted on the same task
 * hub. An orchestration waiting for an event completes once the event arrives (no activity
 * ran twice), an activity that was running is run again (at-least-once, like the real
 * extension), a pending timer still fires. SIGTERM stops the host cleanly with exit code 0.
 */
import { describe, expect, inject, it } from "vitest";
import {
  advanceClock,
  executions,
  fixtureDir,
  openGate,
  postJson,
  type Status,
  spawnHost,
  start,
  uniqueHub,
  waitForStatus,
} from "./support";

const done = (s: Status): boolean => ["Completed", "Failed", "Terminated"].includes(s.runtimeStatus);

describe("local host: restarts", () => {
  it("resumes every orchestration after kill -9", async () => {
    const storage = inject("azuriteConnectionString");
    const hub = uniqueHub("HostRestart");
    const dir = fixtureDir();
    const first = await spawnHost({ hub, storage, dir, clock: "controllable" });

    // k1 waits for an event; k2 is inside a running activity; k3 waits for a 5-minute timer.
    await start(first, "approval", "k1", { key: "k1", minutes: 60 });
    await start(first, "bufferedEvent", "k2", { key: "k2" });
    await start(first, "approval", "k3", { key: "k3", minutes: 5 });
    await waitForStatus(first, "k1", (s) => s.customStatus === "waiting", "k1 waiting");
    await waitForStatus(first, "k3", (s) => s.customStatus === "waiting", "k3 waiting");
    await waitForStatus(first, "k2", () => executions(dir, "k2:gate") === 1, "k2's activity running");
    expect(await first.kill("SIGKILL")).toBeNull();

    const second = await spawnHost({ hub, storage, dir, clock: "controllable" });
    try {
      expect((await postJson(`${second.url}/api/raise/k1/approve`, { after: "restart" })).status).toBe(202);
      const k1 = await waitForStatus(second, "k1", done, "k1 finished");
      expect(k1).toMatchObject({
        runtimeStatus: "Completed",
        output: { outcome: "approved", payload: { after: "restart" } },
      });
      expect(executions(dir, "k1:before-wait")).toBe(1);
      expect(executions(dir, "k1:after-wait")).toBe(1);

      // The activity that was running when the host died runs again.
      await waitForStatus(second, "k2", () => executions(dir, "k2:gate") === 2, "k2's activity re-run");
      openGate(dir, "k2");
      await postJson(`${second.url}/api/raise/k2/go`, "ok");
      const k2 = await waitForStatus(second, "k2", done, "k2 finished");
      expect(k2).toMatchObject({ runtimeStatus: "Completed", output: { payload: "ok" } });

      // The timer armed by the first host fires on the second.
      await advanceClock(second, 6 * 60_000);
      const k3 = await waitForStatus(second, "k3", done, "k3 finished");
      expect(k3.output).toMatchObject({ outcome: "timeout" });
      expect(executions(dir, "k3:before-wait")).toBe(1);
      expect(second.output()).toContain("re-running activity 'gate'");
    } finally {
      await second.kill("SIGTERM");
    }
  });

  it("stops gracefully on SIGTERM with exit code 0", async () => {
    const host = await spawnHost({
      hub: uniqueHub("HostStop"),
      storage: inject("azuriteConnectionString"),
      dir: fixtureDir(),
    });
    expect(await host.kill("SIGTERM")).toBe(0);
    expect(host.output()).toContain("SIGTERM: stopping");
  });
});
