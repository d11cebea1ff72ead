/**
 * Orchestrations on the local host, end to end, through the fixture app's HTTP functions
 * and the real durable client: activities, retries, human waits racing a timer (on the
 * controllable clock), buffered events, terminate, failures, custom status, continueAsNew.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  advanceClock,
  executions,
  fixtureDir,
  type HostProcess,
  openGate,
  postJson,
  rpc,
  type Status,
  spawnHost,
  start,
  status,
  uniqueHub,
  waitForStatus,
} from "./support";

let host: HostProcess;
let dir: string;

beforeAll(async () => {
  dir = fixtureDir();
  host = await spawnHost({
    hub: uniqueHub("HostDurable"),
    storage: inject("azuriteConnectionString"),
    dir,
    clock: "controllable",
  });
});

afterAll(async () => {
  await host?.kill("SIGTERM");
});

const done = (s: Status): boolean => ["Completed", "Failed", "Terminated"].includes(s.runtimeStatus);

function types(s: Status): string[] {
  return (s.history ?? []).map((e) => String(e.EventType));
}

describe("local host: durable orchestrations", () => {
  it("runs activities in sequence, returns their results, keeps the custom status", async () => {
    await start(host, "sequence", "seq-1", { key: "seq-1" });
    const s = await waitForStatus(host, "seq-1", done, "finished");
    expect(s).toMatchObject({
      runtimeStatus: "Completed",
      output: ["ONE", "TWO", "THREE"],
      customStatus: { step: "done" },
    });
    for (const label of ["one", "two", "three"]) expect(executions(dir, `seq-1:${label}`)).toBe(1);
    expect(types(s).filter((t) => t === "TaskCompleted")).toHaveLength(3);
    expect(types(s)).not.toContain("TaskScheduled"); // as the extension shows history
  });

  it("retries a failing activity until it succeeds", async () => {
    await start(host, "retrying", "retry-ok", { key: "retry-ok", failTimes: 2, attempts: 3 });
    const s = await waitForStatus(host, "retry-ok", done, "finished");
    expect(s.output).toEqual({ ok: "succeeded on attempt 3" });
    expect(executions(dir, "retry-ok:flaky")).toBe(3);
    expect(types(s).filter((t) => t === "TaskFailed")).toHaveLength(2);
    expect(types(s).filter((t) => t === "TimerFired")).toHaveLength(2);
  });

  it("lets the orchestrator catch the error once retry attempts are exhausted", async () => {
    await start(host, "retrying", "retry-out", { key: "retry-out", failTimes: 10, attempts: 2 });
    const s = await waitForStatus(host, "retry-out", done, "finished");
    expect(s.runtimeStatus).toBe("Completed");
    expect((s.output as { caught: string }).caught).toContain("flaky failure 2");
    expect(executions(dir, "retry-out:flaky")).toBe(2);
  });

  it("an external event beats the timer; the cancelled timer never fires", async () => {
    await start(host, "approval", "appr-event", { key: "appr-event", minutes: 10 });
    const waiting = await waitForStatus(host, "appr-event", (s) => s.customStatus === "waiting", "waiting");
    expect(waiting.runtimeStatus).toBe("Running");
    expect((await postJson(`${host.url}/api/raise/appr-event/approve`, { by: "alice" })).status).toBe(202);
    const s = await waitForStatus(host, "appr-event", done, "finished");
    expect(s.output).toEqual({ outcome: "approved", payload: { by: "alice" } });
    await advanceClock(host, 11 * 60_000);
    const later = await status(host, "appr-event", true);
    expect(types(later)).toContain("TimerCreated");
    expect(types(later)).not.toContain("TimerFired");
    expect(executions(dir, "appr-event:after-wait")).toBe(1);
  });

  it("the timer wins when the clock passes the deadline", async () => {
    await start(host, "approval", "appr-timeout", { key: "appr-timeout", minutes: 30 });
    const waiting = await waitForStatus(host, "appr-timeout", (s) => s.customStatus === "waiting", "waiting");
    const timer = waiting.history?.find((e) => e.EventType === "TimerCreated");
    const now = await advanceClock(host, 31 * 60_000);
    const s = await waitForStatus(host, "appr-timeout", done, "finished");
    expect(s.output).toMatchObject({ outcome: "timeout" });
    const firedAt = Date.parse((s.output as { firedAt: string }).firedAt);
    expect(firedAt).toBeGreaterThanOrEqual(Date.parse(String(timer?.FireAt)));
    expect(firedAt).toBeLessThanOrEqual(Date.parse(now) + 5_000);
  });

  it("buffers an event raised before the orchestrator waits for it", async () => {
    await start(host, "bufferedEvent", "buffered", { key: "buffered" });
    await waitForStatus(
      host,
      "buffered",
      () => executions(dir, "buffered:gate") === 1,
      "the gate activity running",
    );
    expect((await postJson(`${host.url}/api/raise/buffered/go`, "early bird")).status).toBe(202);
    openGate(dir, "buffered");
    const s = await waitForStatus(host, "buffered", done, "finished");
    expect(s).toMatchObject({ runtimeStatus: "Completed", output: { payload: "early bird" } });
  });

  it("terminates a waiting instance; later events are refused with 410", async () => {
    await start(host, "approval", "term-1", { key: "term-1", minutes: 10 });
    await waitForStatus(host, "term-1", (s) => s.customStatus === "waiting", "waiting");
    expect((await postJson(`${host.url}/api/terminate/term-1`)).status).toBe(202);
    const s = await waitForStatus(host, "term-1", done, "finished");
    expect(s).toMatchObject({ runtimeStatus: "Terminated", output: "stopped by test" });
    expect((await postJson(rpc(host, "instances/term-1/raiseEvent/approve"), {})).status).toBe(410);
    await advanceClock(host, 11 * 60_000);
    expect(executions(dir, "term-1:after-wait")).toBe(0);
  });

  it("marks a throwing orchestrator Failed with its error", async () => {
    await start(host, "throws", "throws-1", { key: "throws-1" });
    const s = await waitForStatus(host, "throws-1", done, "finished");
    expect(s.runtimeStatus).toBe("Failed");
    expect(s.output).toBe("Orchestrator function 'throws' failed: orchestrator exploded");
  });

  it("fails loudly when the orchestrator uses a durable feature the host lacks", async () => {
    await start(host, "subOrchestrating", "unsupported-1");
    const s = await waitForStatus(host, "unsupported-1", done, "finished");
    expect(s.runtimeStatus).toBe("Failed");
    expect(s.output).toContain("local host does not support durable feature CallSubOrchestrator");
    expect(host.output()).toMatch(
      /error .*unsupported-1.*local host does not support durable feature CallSubOrchestrator/,
    );
  });

  it("fans out and in with Task.all", async () => {
    await start(host, "fanOut", "fan-1", { key: "fan-1", n: 6 });
    const s = await waitForStatus(host, "fan-1", done, "finished");
    expect(s.output).toEqual(["F0", "F1", "F2", "F3", "F4", "F5"]);
    for (let i = 0; i < 6; i++) expect(executions(dir, `fan-1:f${i}`)).toBe(1);
  });

  it("continues as new with a fresh history", async () => {
    await start(host, "continuing", "can-1", { key: "can-1", n: 0 });
    const s = await waitForStatus(host, "can-1", done, "finished");
    expect(s).toMatchObject({
      runtimeStatus: "Completed",
      output: { final: 2 },
      input: { key: "can-1", n: 2 },
    });
    for (const n of [0, 1, 2]) expect(executions(dir, `can-1:c${n}`)).toBe(1);
    expect(types(s).filter((t) => t === "TaskCompleted")).toHaveLength(1);
  });

  it("restarts a finished instance id as a new execution", async () => {
    await start(host, "sequence", "again-1", { key: "again-1a" });
    await waitForStatus(host, "again-1", done, "first run finished");
    expect((await start(host, "sequence", "again-1", { key: "again-1b" })).status).toBe(202);
    const s = await waitForStatus(
      host,
      "again-1",
      (x) => done(x) && (x.input as { key: string }).key === "again-1b",
      "second run",
    );
    expect(s.output).toEqual(["ONE", "TWO", "THREE"]);
    expect(executions(dir, "again-1b:one")).toBe(1);
  });

  it("answers clock queries and rejects bad advances", async () => {
    const res = await fetch(`${host.url}/_host/clock`);
    expect(await res.json()).toMatchObject({ mode: "controllable", now: expect.any(String) });
    expect((await postJson(`${host.url}/_host/clock/advance`, { ms: -1 })).status).toBe(400);
  });
});
