/**
 * The host's replay bookkeeping against the real SDK replay engine, in process: each episode
 * runs the SDK's orchestrator handler over the history, `decide` turns its actions into new
 * history, and a tiny driver plays the outside world (activity results, timers, events).
 * A sequence number handed out differently from the SDK shows up here as a wrong result or
 * a stuck orchestration, without starting a host.
 */
import { createRequire } from "node:module";
import type { OrchestrationContext } from "durable-functions";
import * as df from "durable-functions";
import { describe, expect, it } from "vitest";
import { decide, NonDeterminismError, UnsupportedDurableFeatureError } from "../../dev/host/durable/replay";
import {
  type HistoryEvent,
  HistoryEventType,
  parseOrchestratorFailure,
  parseOrchestratorState,
  TIMER_SETTINGS,
} from "../../dev/host/durable/wire";

type Generator = (context: OrchestrationContext) => IterableIterator<unknown>;
type Handler = (trigger: unknown, context: unknown) => Promise<unknown>;
type Outcome = { ok: unknown } | { error: string };

const sdkRequire = createRequire(require.resolve("durable-functions"));
const { createOrchestrator } = sdkRequire("./util/testingUtils") as {
  createOrchestrator(fn: Generator): Handler;
};

const START = Date.parse("2030-01-01T00:00:00.000Z");

function ev(type: number, at: number, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: new Date(at).toISOString(), ...fields };
}

interface DriveOptions {
  input?: unknown;
  /** Result of each activity run; `attempt` counts runs of that activity name. */
  activity?: (name: string, input: unknown, attempt: number) => Outcome;
  /** Which pending activity completes next. */
  order?: "fifo" | "lifo";
  /** External events, delivered one per episode when no activity is pending (before timers fire). */
  events?: Array<{ name: string; input: unknown }>;
  /** Deliver the events before any activity result instead. */
  eventsFirst?: boolean;
}

interface Driven {
  status: "completed" | "failed";
  output: unknown;
  history: HistoryEvent[];
  runs: string[];
  /** Timer ids still armed after each episode. */
  armed: number[][];
}

async function drive(fn: Generator, options: DriveOptions = {}): Promise<Driven> {
  const handler = createOrchestrator(fn);
  let now = START;
  let history: HistoryEvent[] = [];
  let inbox: HistoryEvent[] = [
    ev(HistoryEventType.ExecutionStarted, now, {
      Name: "test",
      Input: JSON.stringify(options.input ?? null),
    }),
  ];
  const pending: Array<{ id: number; name: string; input: string | null }> = [];
  const attempts = new Map<string, number>();
  const events = [...(options.events ?? [])];
  const runs: string[] = [];
  const armed: number[][] = [];
  for (let episode = 0; episode < 200; episode++) {
    const full = [
      ...history.map((e) => ({ ...e, IsPlayed: true })),
      ev(HistoryEventType.OrchestratorStarted, now),
      ...inbox,
    ];
    inbox = [];
    const payload = {
      history: full,
      input: options.input ?? null,
      instanceId: "replay-test",
      isReplaying: history.length > 0,
      parentInstanceId: null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      maximumShortTimerDuration: TIMER_SETTINGS.maximumShortTimerDuration,
      longRunningTimerIntervalDuration: TIMER_SETTINGS.longRunningTimerIntervalDuration,
      defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
    };
    let raw: unknown;
    try {
      raw = await handler(
        JSON.parse(JSON.stringify(payload)),
        new df.DummyOrchestrationContext("test", "id", () => undefined),
      );
    } catch (err) {
      const failure = parseOrchestratorFailure(err instanceof Error ? err.message : String(err));
      return {
        status: "failed",
        output: failure.state?.error ?? failure.message,
        history: full,
        runs,
        armed,
      };
    }
    const state = parseOrchestratorState(JSON.parse(JSON.stringify(raw)));
    const decision = decide(full, state.actions[0] ?? [], TIMER_SETTINGS);
    history = [...full, ...decision.newEvents];
    armed.push(decision.pendingTimers.map((t) => t.id));
    if (state.isDone) return { status: "completed", output: state.output, history, runs, armed };
    pending.push(...decision.activities);
    for (const f of decision.syntheticFailures) {
      inbox.push(
        ev(HistoryEventType.TaskFailed, now, { TaskScheduledId: f.id, Reason: f.reason, Details: f.details }),
      );
    }
    if (inbox.length > 0) continue;
    const early = options.eventsFirst ? events.shift() : undefined;
    if (early) {
      inbox.push(
        ev(HistoryEventType.EventRaised, now, { Name: early.name, Input: JSON.stringify(early.input) }),
      );
      continue;
    }
    const next = options.order === "lifo" ? pending.pop() : pending.shift();
    if (next) {
      const attempt = (attempts.get(next.name) ?? 0) + 1;
      attempts.set(next.name, attempt);
      runs.push(`${next.name}#${attempt}`);
      const input: unknown = next.input === null ? undefined : JSON.parse(JSON.parse(next.input) as string);
      const outcome = options.activity?.(next.name, input, attempt) ?? { ok: null };
      inbox.push(
        "ok" in outcome
          ? ev(HistoryEventType.TaskCompleted, now, {
              TaskScheduledId: next.id,
              Result: JSON.stringify(outcome.ok),
            })
          : ev(HistoryEventType.TaskFailed, now, {
              TaskScheduledId: next.id,
              Reason: outcome.error,
              Details: "stack",
            }),
      );
      continue;
    }
    const event = events.shift();
    if (event) {
      inbox.push(
        ev(HistoryEventType.EventRaised, now, { Name: event.name, Input: JSON.stringify(event.input) }),
      );
      continue;
    }
    const timer = [...decision.pendingTimers].sort((a, b) => Date.parse(a.fireAt) - Date.parse(b.fireAt))[0];
    if (!timer) throw new Error(`orchestration is stuck after episode ${episode}`);
    now = Math.max(now, Date.parse(timer.fireAt));
    inbox.push(ev(HistoryEventType.TimerFired, now, { TimerId: timer.id, FireAt: timer.fireAt }));
  }
  throw new Error("orchestration did not finish in 200 episodes");
}

function count(history: HistoryEvent[], type: number): number {
  return history.filter((e) => e.EventType === type).length;
}

/** Activity inputs pass through the SDK's processInput: strings are JSON-encoded once more. */
function label(input: unknown): string {
  return typeof input === "string" ? input : JSON.stringify(input);
}

describe("replay bookkeeping with the real SDK", () => {
  it("runs a sequence of activities with their results", async () => {
    const result = await drive(
      function* (context) {
        const a = yield context.df.callActivity("upper", "a");
        const b = yield context.df.callActivity("upper", "b");
        return [a, b];
      },
      { activity: (_name, input) => ({ ok: label(input).toUpperCase() }) },
    );
    expect(result).toMatchObject({ status: "completed", output: ["A", "B"] });
    expect(count(result.history, HistoryEventType.TaskScheduled)).toBe(2);
  });

  it("retries a failing activity: failure, timer, next attempt, as the SDK's RetryableTask expects", async () => {
    const result = await drive(
      function* (context) {
        return yield context.df.callActivityWithRetry("flaky", new df.RetryOptions(1_000, 3), null);
      },
      {
        activity: (_n, _i, attempt) => (attempt < 3 ? { error: `failure ${attempt}` } : { ok: "third time" }),
      },
    );
    expect(result).toMatchObject({ status: "completed", output: "third time" });
    expect(result.runs).toEqual(["flaky#1", "flaky#2", "flaky#3"]);
    expect(count(result.history, HistoryEventType.TimerCreated)).toBe(2);
    const fires = result.history
      .filter((e) => e.EventType === HistoryEventType.TimerCreated)
      .map((e) => e.FireAt);
    expect(fires).toEqual([new Date(START + 1_000).toISOString(), new Date(START + 2_000).toISOString()]);
  });

  it("surfaces the last failure once attempts are exhausted (after one more retry timer)", async () => {
    const result = await drive(
      function* (context) {
        try {
          yield context.df.callActivityWithRetry("flaky", new df.RetryOptions(500, 2), null);
          return "unexpected";
        } catch (err) {
          return (err as Error).message;
        }
      },
      { activity: (_n, _i, attempt) => ({ error: `failure ${attempt}` }) },
    );
    expect(result.status).toBe("completed");
    expect(result.output).toContain("failure 2");
    expect(result.runs).toEqual(["flaky#1", "flaky#2"]);
    expect(count(result.history, HistoryEventType.TimerFired)).toBe(2);
  });

  it("applies backoff and the maximum retry interval", async () => {
    const retry = new df.RetryOptions(1_000, 4);
    retry.backoffCoefficient = 3;
    retry.maxRetryIntervalInMilliseconds = 5_000;
    const result = await drive(
      function* (context) {
        return yield context.df.callActivityWithRetry("flaky", retry, null);
      },
      { activity: (_n, _i, attempt) => (attempt < 4 ? { error: "no" } : { ok: "yes" }) },
    );
    const timers = result.history.filter((e) => e.EventType === HistoryEventType.TimerCreated);
    const delays = timers.map((t) => Date.parse(t.FireAt ?? "") - Date.parse(t.Timestamp));
    expect(delays).toEqual([1_000, 3_000, 5_000]);
    expect(result.output).toBe("yes");
  });

  it("stops running attempts once the retry timeout has passed", async () => {
    const retry = new df.RetryOptions(1_000, 10);
    retry.retryTimeoutInMilliseconds = 2_500;
    const result = await drive(
      function* (context) {
        try {
          yield context.df.callActivityWithRetry("flaky", retry, null);
          return "unexpected";
        } catch (err) {
          return (err as Error).message;
        }
      },
      { activity: () => ({ error: "still failing" }) },
    );
    expect(result.output).toContain("retry timeout");
    expect(result.runs).toEqual(["flaky#1", "flaky#2", "flaky#3"]);
  });

  for (const order of ["fifo", "lifo"] as const) {
    it(`keeps sequence numbers aligned for retries running in parallel (${order} completions)`, async () => {
      const result = await drive(
        function* (context) {
          const retry = new df.RetryOptions(100, 5);
          const tasks = ["a", "b", "c"].map((x) => context.df.callActivityWithRetry(x, retry, x));
          const all = (yield context.df.Task.all(tasks)) as string[];
          const after = yield context.df.callActivity("last", "z");
          return [...all, after];
        },
        {
          order,
          activity: (name, _input, attempt) => {
            const failures: Record<string, number> = { a: 2, b: 1, c: 0, last: 0 };
            return attempt <= (failures[name] ?? 0)
              ? { error: `${name} failed` }
              : { ok: `${name}${attempt}` };
          },
        },
      );
      expect(result).toMatchObject({ status: "completed", output: ["a3", "b2", "c1", "last1"] });
    });
  }

  it("chains long timers the way the SDK's LongTimerTask does", async () => {
    const result = await drive(function* (context) {
      const deadline = new Date(context.df.currentUtcDateTime.getTime() + 10 * 24 * 3600_000);
      yield context.df.createTimer(deadline);
      return context.df.currentUtcDateTime.toISOString();
    });
    expect(result.status).toBe("completed");
    expect(Date.parse(result.output as string)).toBeGreaterThanOrEqual(START + 10 * 24 * 3600_000);
    expect(count(result.history, HistoryEventType.TimerCreated)).toBe(3);
  });

  it("lets an external event win over a timer and disarms the cancelled timer", async () => {
    const result = await drive(
      function* (context) {
        const event = context.df.waitForExternalEvent("go");
        const timer = context.df.createTimer(new Date(context.df.currentUtcDateTime.getTime() + 3_600_000));
        const winner = yield context.df.Task.any([event, timer]);
        if (winner === event) timer.cancel();
        const done = yield context.df.callActivity("after", null);
        return { winner: winner === event ? "event" : "timer", payload: event.result, done };
      },
      { events: [{ name: "go", input: { ok: 1 } }], activity: () => ({ ok: "done" }) },
    );
    expect(result.output).toEqual({ winner: "event", payload: { ok: 1 }, done: "done" });
    expect(result.armed[0]).toEqual([0]);
    expect(result.armed.slice(1).every((ids) => ids.length === 0)).toBe(true);
    expect(count(result.history, HistoryEventType.TimerFired)).toBe(0);
  });

  it("buffers an event raised before the orchestrator waits for it", async () => {
    const result = await drive(
      function* (context) {
        yield context.df.callActivity("slow", null);
        return yield context.df.waitForExternalEvent("early");
      },
      { activity: () => ({ ok: 1 }), events: [{ name: "early", input: "payload" }], eventsFirst: true },
    );
    expect(result.output).toBe("payload");
    const types = result.history.map((e) => e.EventType);
    expect(types.indexOf(HistoryEventType.EventRaised)).toBeLessThan(
      types.indexOf(HistoryEventType.TaskCompleted),
    );
  });

  it("fails loudly on durable features the host does not implement", async () => {
    await expect(
      drive(function* (context) {
        yield context.df.callSubOrchestrator("child", null);
      }),
    ).rejects.toBeInstanceOf(UnsupportedDurableFeatureError);
  });

  it("reports a failing orchestrator with its own message", async () => {
    const result = await drive(function* (context) {
      yield context.df.callActivity("a", null);
      throw new Error("orchestrator exploded");
    });
    expect(result).toMatchObject({ status: "failed", output: "orchestrator exploded" });
  });

  it("detects an orchestrator that no longer schedules what its history says", () => {
    const at = START;
    const history = [
      ev(HistoryEventType.OrchestratorStarted, at),
      ev(HistoryEventType.ExecutionStarted, at, { Name: "test", Input: "null" }),
      { ...ev(HistoryEventType.TaskScheduled, at, { Name: "old" }), EventId: 0 },
    ];
    expect(() => decide(history, [{ actionType: 0, functionName: "new" }], TIMER_SETTINGS)).toThrow(
      NonDeterminismError,
    );
  });
});
