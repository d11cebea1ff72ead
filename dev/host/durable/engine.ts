/**
 * The local Durable Task engine: runs orchestrations through the app's registered
 * orchestrator handlers (the real durable-functions replay engine), activities through
 * their activity handlers, and timers on the host clock, with all state in Table storage.
 *
 * Work per instance is one episode at a time (an in-process queue; across processes the
 * instance row's etag). An episode takes the instance's pending inbox messages and due
 * timers, replays the orchestrator over history + these new events, and commits in one
 * transaction: new history, new status, consumed messages. Only then are new activities
 * started and timers armed, so what was promised is on disk first. Activity results and
 * external events land in the inbox (persisted before anyone is told "accepted"). On start,
 * running instances are recovered: inbox messages are applied, scheduled activities that
 * never reported back run again (at-least-once, as with the real extension), timers re-armed.
 */
import type { HostClock } from "../clock";
import type { FunctionsCore, RegisteredFunction, RpcTypedData } from "../functionsCoreShim";
import type { Invoker } from "../invocation";
import { describeError, type HostLogger } from "../log";
import { type Decision, decide, NonDeterminismError, UnsupportedDurableFeatureError } from "./replay";
import {
  type DurableStore,
  type InboxMessage,
  type InstanceRecord,
  type InstanceSnapshot,
  newExecutionId,
  type PendingTimerRecord,
  type RuntimeStatus,
  StoreConflictError,
  TERMINAL_STATUSES,
} from "./store";
import {
  type ActionWire,
  type FailureDetailsWire,
  type HistoryEvent,
  HistoryEventType,
  historyEventTypeName,
  isRecord,
  type OrchestratorStateWire,
  parseOrchestratorFailure,
  parseOrchestratorState,
  TIMER_SETTINGS,
} from "./wire";

/** One episode applies at most this many messages (a table transaction holds 100 operations). */
const MAX_MESSAGES_PER_EPISODE = 64;
const MAX_TIMER_SLEEP_MS = 30_000;

export interface EngineOptions {
  store: DurableStore;
  clock: HostClock;
  core: FunctionsCore;
  invoker: Invoker;
  log: HostLogger;
  maxConcurrentActivities?: number;
}

export type StartResult =
  | { kind: "started"; record: InstanceRecord }
  | { kind: "conflict"; status: RuntimeStatus }
  | { kind: "unknown_orchestrator" };

export type SignalResult = "accepted" | "not_found" | "gone";

export interface StatusOptions {
  showHistory?: boolean;
  showHistoryOutput?: boolean;
  showInput?: boolean;
}

export interface OrchestrationStatus {
  name: string;
  instanceId: string;
  runtimeStatus: RuntimeStatus;
  input: unknown;
  customStatus: unknown;
  output: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  /**
   * `historyEvents`, as the extension's status API names it (the durable-functions client
   * reads `history`, so an app sees no history on either engine: nothing may rely on it).
   */
  historyEvents?: Array<Record<string, unknown>>;
}

interface Worker {
  again: boolean;
  running: Promise<void>;
}

type OrchestratorOutcome =
  | { kind: "state"; state: OrchestratorStateWire }
  | { kind: "failed"; message: string; details: string; state?: OrchestratorStateWire };

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function isTerminal(status: RuntimeStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

function event(type: number, timestamp: string, fields: Partial<HistoryEvent> = {}): HistoryEvent {
  return { EventType: type, EventId: -1, IsPlayed: false, Timestamp: timestamp, ...fields };
}

/** The SDK's exception properties provider turns an activity error message into FailureDetails JSON. */
function failureDetailsFrom(message: string): FailureDetailsWire | undefined {
  if (!message.startsWith("{")) return undefined;
  try {
    const parsed: unknown = JSON.parse(message);
    if (
      !isRecord(parsed) ||
      typeof parsed.errorType !== "string" ||
      typeof parsed.errorMessage !== "string"
    ) {
      return undefined;
    }
    return {
      ErrorType: parsed.errorType,
      ErrorMessage: parsed.errorMessage,
      IsNonRetriable: parsed.isNonRetriable === true,
      ...(typeof parsed.stackTrace === "string" ? { StackTrace: parsed.stackTrace } : {}),
      ...(isRecord(parsed.properties) ? { Properties: parsed.properties } : {}),
    };
  } catch {
    return undefined;
  }
}

export class DurableEngine {
  readonly #store: DurableStore;
  readonly #clock: HostClock;
  readonly #core: FunctionsCore;
  readonly #invoker: Invoker;
  readonly #log: HostLogger;
  readonly #workers = new Map<string, Worker>();
  readonly #timers = new Map<string, PendingTimerRecord[]>();
  readonly #activities = new Set<Promise<void>>();
  readonly #activityQueue: Array<() => void> = [];
  #activitySlots: number;
  #timerHandle: NodeJS.Timeout | undefined;
  #stopping = false;

  constructor(options: EngineOptions) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#core = options.core;
    this.#invoker = options.invoker;
    this.#log = options.log;
    this.#activitySlots = options.maxConcurrentActivities ?? 16;
    this.#clock.onAdvance(() => this.#fireDueTimers());
  }

  /** Recovers every instance that was pending or running when the last host stopped. */
  async start(): Promise<void> {
    const active = await this.#store.listInstances({ statuses: ["Pending", "Running"] });
    if (active.length > 0) this.#log.info(`recovering ${active.length} unfinished orchestration instance(s)`);
    for (const record of active) await this.#recover(record.instanceId);
  }

  /** Stops taking work; waits up to `graceMs` for episodes and activities in flight. */
  async stop(graceMs = 5_000): Promise<void> {
    this.#stopping = true;
    if (this.#timerHandle) clearTimeout(this.#timerHandle);
    const inFlight = [...[...this.#workers.values()].map((w) => w.running), ...this.#activities];
    if (inFlight.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, graceMs);
    });
    await Promise.race([Promise.allSettled(inFlight), grace]);
    if (timer) clearTimeout(timer);
  }

  // ---- client operations (the RPC endpoints call these) ----

  async startNew(name: string, instanceId: string, input: string | null): Promise<StartResult> {
    const fn = this.#core.get(name);
    if (fn?.trigger.type.toLowerCase() !== "orchestrationtrigger") return { kind: "unknown_orchestrator" };
    const now = this.#clock.nowIso();
    const executionId = newExecutionId();
    const record: InstanceRecord = {
      instanceId,
      name: fn.name,
      executionId,
      runtimeStatus: "Pending",
      createdTime: now,
      lastUpdatedTime: now,
      input,
      output: null,
      customStatus: null,
      episodes: 0,
      pendingTimers: [],
    };
    const start = this.#executionStarted(record, now);
    const existing = await this.#store.getInstance(instanceId);
    try {
      if (!existing) await this.#store.createInstance(record, start);
      else if (isTerminal(existing.record.runtimeStatus))
        await this.#store.restartInstance(record, existing.etag, start);
      else return { kind: "conflict", status: existing.record.runtimeStatus };
    } catch (err) {
      if (err instanceof StoreConflictError) {
        const now2 = await this.#store.getInstance(instanceId);
        return { kind: "conflict", status: now2?.record.runtimeStatus ?? "Pending" };
      }
      throw err;
    }
    this.#log.info(`orchestration ${instanceId} (${fn.name}) scheduled`);
    void this.kick(instanceId);
    return { kind: "started", record };
  }

  async raiseEvent(instanceId: string, eventName: string, input: string | null): Promise<SignalResult> {
    const found = await this.#store.getInstance(instanceId);
    if (!found) return "not_found";
    if (isTerminal(found.record.runtimeStatus)) return "gone";
    const message: InboxMessage = {
      kind: "EventRaised",
      event: event(HistoryEventType.EventRaised, this.#clock.nowIso(), { Name: eventName, Input: input }),
    };
    await this.#store.enqueue(instanceId, message);
    void this.kick(instanceId);
    return "accepted";
  }

  async terminate(instanceId: string, reason: string): Promise<SignalResult> {
    const found = await this.#store.getInstance(instanceId);
    if (!found) return "not_found";
    if (isTerminal(found.record.runtimeStatus)) return "gone";
    await this.#store.enqueue(instanceId, { kind: "Terminate", reason });
    void this.kick(instanceId);
    return "accepted";
  }

  async getStatus(instanceId: string, options: StatusOptions = {}): Promise<OrchestrationStatus | undefined> {
    if (options.showHistory) {
      const snapshot = await this.#store.loadInstance(instanceId);
      if (!snapshot) return undefined;
      const status = this.#toStatus(snapshot.record, options);
      status.historyEvents = this.#describeHistory(snapshot.history, options.showHistoryOutput === true);
      return status;
    }
    const found = await this.#store.getInstance(instanceId);
    return found ? this.#toStatus(found.record, options) : undefined;
  }

  async listStatuses(filter: {
    statuses?: RuntimeStatus[];
    createdFrom?: number;
    createdTo?: number;
    showInput?: boolean;
  }): Promise<OrchestrationStatus[]> {
    const records = await this.#store.listInstances(filter.statuses ? { statuses: filter.statuses } : {});
    return records
      .filter((r) => {
        const created = Date.parse(r.createdTime);
        return (
          (filter.createdFrom === undefined || created >= filter.createdFrom) &&
          (filter.createdTo === undefined || created <= filter.createdTo)
        );
      })
      .map((r) => this.#toStatus(r, { showInput: filter.showInput !== false }));
  }

  // ---- scheduling ----

  /** Runs episodes for the instance until its inbox and due timers are drained. */
  kick(instanceId: string): Promise<void> {
    const existing = this.#workers.get(instanceId);
    if (existing) {
      existing.again = true;
      return existing.running;
    }
    if (this.#stopping) return Promise.resolve();
    const worker: Worker = { again: true, running: Promise.resolve() };
    worker.running = (async () => {
      try {
        while (worker.again && !this.#stopping) {
          worker.again = false;
          if (await this.#episodeWithRetry(instanceId)) worker.again = true;
        }
      } finally {
        this.#workers.delete(instanceId);
      }
    })();
    this.#workers.set(instanceId, worker);
    return worker.running;
  }

  async #episodeWithRetry(instanceId: string): Promise<boolean> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#runEpisode(instanceId);
      } catch (err) {
        if (err instanceof StoreConflictError && attempt < 5) {
          this.#log.warn(
            `orchestration ${instanceId}: conflicting update (another host on this task hub?); reloading`,
          );
          await sleep(25 * attempt + Math.random() * 50);
          continue;
        }
        this.#log.error(`orchestration ${instanceId}: episode failed, will retry: ${describeError(err)}`);
        await sleep(1_000);
        return true;
      }
    }
  }

  async #recover(instanceId: string): Promise<void> {
    const snapshot = await this.#store.loadInstance(instanceId);
    if (!snapshot || isTerminal(snapshot.record.runtimeStatus)) return;
    const { record, history, inbox } = snapshot;
    this.#setTimers(instanceId, record.pendingTimers);
    const finished = new Set<number>();
    for (const e of history) {
      if (e.EventType === HistoryEventType.TaskCompleted || e.EventType === HistoryEventType.TaskFailed) {
        finished.add(e.TaskScheduledId ?? -1);
      }
    }
    for (const { message } of inbox) {
      if (
        (message.kind === "TaskCompleted" || message.kind === "TaskFailed") &&
        message.executionId === record.executionId
      ) {
        finished.add(message.event.TaskScheduledId ?? -1);
      }
    }
    for (const e of history) {
      if (e.EventType === HistoryEventType.TaskScheduled && !finished.has(e.EventId)) {
        this.#log.info(
          `orchestration ${instanceId}: re-running activity '${e.Name}' (#${e.EventId}) that never reported back`,
        );
        this.#startActivity(instanceId, record.executionId, {
          id: e.EventId,
          name: e.Name ?? "",
          input: e.Input ?? null,
        });
      }
    }
    void this.kick(instanceId);
  }

  // ---- one episode ----

  /** Returns true when more work is waiting for the instance. */
  async #runEpisode(instanceId: string): Promise<boolean> {
    const snapshot = await this.#store.loadInstance(instanceId);
    if (!snapshot) {
      this.#timers.delete(instanceId);
      return false;
    }
    const { record, etag } = snapshot;
    const now = this.#clock.now();
    const nowIso = new Date(now).toISOString();
    const messages = snapshot.inbox.slice(0, MAX_MESSAGES_PER_EPISODE);
    const consumed = messages.map((m) => m.rowKey);
    const more = snapshot.inbox.length > messages.length;
    if (snapshot.staleHistoryRows.length > 0) {
      void this.#store.deleteRows(instanceId, snapshot.staleHistoryRows).catch(() => undefined);
    }

    if (isTerminal(record.runtimeStatus)) {
      this.#timers.delete(instanceId);
      if (messages.length === 0) return false;
      this.#log.debug(
        `orchestration ${instanceId} is ${record.runtimeStatus}: dropping ${messages.length} late message(s)`,
      );
      await this.#store.commitEpisode({ record, etag, events: [], consumed, enqueue: [] });
      return more;
    }

    const dueTimers = record.pendingTimers.filter((t) => Date.parse(t.fireAt) <= now);
    if (messages.length === 0 && dueTimers.length === 0) {
      this.#setTimers(instanceId, record.pendingTimers);
      return false;
    }

    const { newEvents, started, terminateReason } = this.#newEvents(snapshot, messages, dueTimers, nowIso);
    const next: InstanceRecord = { ...record, lastUpdatedTime: nowIso };

    if (terminateReason !== undefined) {
      Object.assign(next, {
        runtimeStatus: "Terminated",
        output: JSON.stringify(terminateReason),
        pendingTimers: [],
        episodes: record.episodes + 1,
      } satisfies Partial<InstanceRecord>);
      const events = [
        newEvents[0]!,
        event(HistoryEventType.ExecutionTerminated, nowIso, { Input: JSON.stringify(terminateReason) }),
        // DTFx closes a terminated execution as it closes any other (seen on the extension).
        event(HistoryEventType.ExecutionCompleted, nowIso, {
          OrchestrationStatus: "Terminated",
          Result: JSON.stringify(terminateReason),
        }),
        event(HistoryEventType.OrchestratorCompleted, nowIso),
      ];
      await this.#store.commitEpisode({ record: next, etag, events, consumed, enqueue: [] });
      this.#timers.delete(instanceId);
      this.#log.info(`orchestration ${instanceId} (${record.name}) terminated: ${terminateReason}`);
      return more;
    }

    if (!started || newEvents.length === 1) {
      // Nothing the orchestrator needs to see (late duplicates, or messages ahead of the start).
      if (messages.length > 0)
        await this.#store.commitEpisode({ record: next, etag, events: [], consumed, enqueue: [] });
      return more;
    }

    const history = [...snapshot.history.map((e) => ({ ...e, IsPlayed: true })), ...newEvents];
    const outcome = await this.#executeOrchestrator(record, history, snapshot.history.length > 0);
    const { decision, failure } = this.#decide(instanceId, record, history, outcome);
    const state = outcome.state;
    if (state && state.customStatus !== undefined && state.customStatus !== null) {
      next.customStatus = JSON.stringify(state.customStatus);
    }

    const events = [...newEvents];
    const enqueue: InboxMessage[] = [];
    let activities = decision?.activities ?? [];
    if (failure) {
      const output = `Orchestrator function '${record.name}' failed: ${failure.message}`;
      Object.assign(next, {
        runtimeStatus: "Failed",
        output: JSON.stringify(output),
        pendingTimers: [],
      } satisfies Partial<InstanceRecord>);
      events.push(
        event(HistoryEventType.ExecutionCompleted, nowIso, {
          OrchestrationStatus: "Failed",
          Result: output,
          Details: failure.details,
        }),
      );
      activities = [];
      this.#log.error(`orchestration ${instanceId} (${record.name}) failed: ${failure.message}`);
    } else if (decision && state?.isDone && decision.continueAsNew) {
      const executionId = newExecutionId();
      Object.assign(next, {
        executionId,
        runtimeStatus: "Running",
        input: decision.continueAsNew.input,
        output: null,
        episodes: 0,
        pendingTimers: [],
      } satisfies Partial<InstanceRecord>);
      enqueue.push(this.#executionStarted(next, nowIso));
      activities = [];
      this.#log.info(`orchestration ${instanceId} (${record.name}) continued as new`);
    } else if (decision && state?.isDone) {
      const output = state.output === undefined ? null : JSON.stringify(state.output);
      Object.assign(next, {
        runtimeStatus: "Completed",
        output,
        pendingTimers: [],
      } satisfies Partial<InstanceRecord>);
      events.push(
        event(HistoryEventType.ExecutionCompleted, nowIso, {
          OrchestrationStatus: "Completed",
          Result: output,
        }),
      );
      activities = [];
      this.#log.info(`orchestration ${instanceId} (${record.name}) completed`);
    } else if (decision) {
      Object.assign(next, {
        runtimeStatus: "Running",
        pendingTimers: decision.pendingTimers,
      } satisfies Partial<InstanceRecord>);
      events.push(...decision.newEvents);
      for (const f of decision.syntheticFailures) {
        enqueue.push({
          kind: "TaskFailed",
          executionId: record.executionId,
          event: event(HistoryEventType.TaskFailed, nowIso, {
            TaskScheduledId: f.id,
            Reason: f.reason,
            Details: f.details,
            FailureDetails: null,
          }),
        });
      }
    }
    events.push(event(HistoryEventType.OrchestratorCompleted, nowIso));
    const continued = next.executionId !== record.executionId;
    if (!continued) next.episodes = record.episodes + 1;

    await this.#store.commitEpisode({
      record: next,
      etag,
      events: continued ? [] : events,
      consumed,
      enqueue,
    });

    this.#setTimers(instanceId, next.pendingTimers);
    for (const activity of activities) this.#startActivity(instanceId, next.executionId, activity);
    return more || enqueue.length > 0;
  }

  /**
   * The history events this episode adds, after the OrchestratorStarted that dates it: the
   * execution start, raised events, this execution's first result of each scheduled task,
   * fired timers; and the first termination request, if any.
   */
  #newEvents(
    snapshot: InstanceSnapshot,
    messages: InstanceSnapshot["inbox"],
    dueTimers: InstanceRecord["pendingTimers"],
    nowIso: string,
  ): { newEvents: HistoryEvent[]; started: boolean; terminateReason: string | undefined } {
    const { record } = snapshot;
    const newEvents: HistoryEvent[] = [event(HistoryEventType.OrchestratorStarted, nowIso)];
    const scheduled = new Set<number>();
    const finished = new Set<number>();
    let started = false;
    for (const e of snapshot.history) {
      if (e.EventType === HistoryEventType.ExecutionStarted) started = true;
      if (e.EventType === HistoryEventType.TaskScheduled) scheduled.add(e.EventId);
      if (e.EventType === HistoryEventType.TaskCompleted || e.EventType === HistoryEventType.TaskFailed) {
        finished.add(e.TaskScheduledId ?? -1);
      }
    }
    let terminateReason: string | undefined;
    for (const { message } of messages) {
      switch (message.kind) {
        case "ExecutionStarted":
          if (message.executionId === record.executionId && !started) {
            // Right after OrchestratorStarted, whatever the inbox order (same-millisecond keys).
            newEvents.splice(1, 0, { ...message.event, Timestamp: nowIso });
            started = true;
          }
          break;
        case "EventRaised":
          newEvents.push(message.event);
          break;
        case "TaskCompleted":
        case "TaskFailed": {
          // Drop results of other executions and duplicates (an activity re-run after a crash).
          const id = message.event.TaskScheduledId ?? -1;
          if (message.executionId === record.executionId && scheduled.has(id) && !finished.has(id)) {
            newEvents.push(message.event);
            finished.add(id);
          }
          break;
        }
        case "Terminate":
          terminateReason ??= message.reason;
          break;
      }
    }
    for (const timer of dueTimers) {
      newEvents.push(event(HistoryEventType.TimerFired, nowIso, { TimerId: timer.id, FireAt: timer.fireAt }));
    }
    return { newEvents, started, terminateReason };
  }

  /** What the replayed orchestrator decided, or why the execution fails (its error, or a broken replay). */
  #decide(
    instanceId: string,
    record: InstanceRecord,
    history: HistoryEvent[],
    outcome: OrchestratorOutcome,
  ): { decision: Decision | undefined; failure: { message: string; details: string } | undefined } {
    let decision: Decision | undefined;
    let failure: { message: string; details: string } | undefined;
    if (outcome.kind === "failed") failure = { message: outcome.message, details: outcome.details };
    else {
      try {
        decision = decide(history, this.#flatActions(outcome.state), TIMER_SETTINGS);
      } catch (err) {
        if (
          !(
            err instanceof UnsupportedDurableFeatureError ||
            err instanceof NonDeterminismError ||
            err instanceof TypeError
          )
        )
          throw err;
        failure = { message: err.message, details: describeError(err) };
        this.#log.error(`orchestration ${instanceId} (${record.name}): ${err.message}`);
      }
    }
    return { decision, failure };
  }

  #flatActions(state: OrchestratorStateWire): ActionWire[] {
    // Schema V2/V3: one list holding every action since the start.
    if (state.actions.length > 1) {
      throw new TypeError(
        `orchestrator returned ${state.actions.length} action lists; schema V3 expects one`,
      );
    }
    return state.actions[0] ?? [];
  }

  #executionStarted(record: InstanceRecord, timestamp: string): InboxMessage {
    return {
      kind: "ExecutionStarted",
      executionId: record.executionId,
      event: event(HistoryEventType.ExecutionStarted, timestamp, {
        Name: record.name,
        Input: record.input,
        OrchestrationInstance: { InstanceId: record.instanceId, ExecutionId: record.executionId },
        ParentInstance: null,
        Version: "",
      }),
    };
  }

  async #executeOrchestrator(
    record: InstanceRecord,
    history: HistoryEvent[],
    isReplaying: boolean,
  ): Promise<OrchestratorOutcome> {
    const fn = this.#core.get(record.name);
    if (fn?.trigger.type.toLowerCase() !== "orchestrationtrigger") {
      const message = `orchestrator function '${record.name}' is not registered in this app`;
      return { kind: "failed", message, details: message };
    }
    const payload = {
      history,
      input: parseJson(record.input),
      instanceId: record.instanceId,
      isReplaying,
      parentInstanceId: null,
      upperSchemaVersion: 1,
      upperSchemaVersionNew: 2,
      maximumShortTimerDuration: TIMER_SETTINGS.maximumShortTimerDuration,
      longRunningTimerIntervalDuration: TIMER_SETTINGS.longRunningTimerIntervalDuration,
      defaultHttpAsyncRequestSleepTimeMillseconds: 30_000,
    };
    const started = Date.now();
    try {
      const { result, invocationId } = await this.#invoker.invoke(fn, {
        inputData: [{ name: fn.triggerName, data: { json: JSON.stringify(payload) } }],
      });
      this.#log.debug(
        `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${Date.now() - started}ms)`,
      );
      // The worker hands the host JSON: round-trip so dates and class instances look as they would.
      const state = parseOrchestratorState(JSON.parse(JSON.stringify(result ?? null)));
      return { kind: "state", state };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const parsed = parseOrchestratorFailure(message);
      // The SDK's own message head can be junk ("false"); the state's `error` is the user's error.
      const userMessage = parsed.state?.error ?? parsed.message;
      const stack =
        err instanceof Error && err.stack && !err.stack.includes("$OutOfProcData$") ? err.stack : undefined;
      return {
        kind: "failed",
        message: userMessage,
        details: stack ?? userMessage,
        ...(parsed.state ? { state: parsed.state } : {}),
      };
    }
  }

  // ---- activities ----

  #startActivity(
    instanceId: string,
    executionId: string,
    activity: { id: number; name: string; input: string | null },
  ): void {
    const run = async (): Promise<void> => {
      await this.#acquireSlot();
      try {
        const message = await this.#executeActivity(instanceId, executionId, activity);
        await this.#enqueueWithRetry(instanceId, message);
        void this.kick(instanceId);
      } catch (err) {
        this.#log.error(
          `orchestration ${instanceId}: could not record the result of activity '${activity.name}' (#${activity.id}); it will run again after a restart: ${describeError(err)}`,
        );
      } finally {
        this.#releaseSlot();
      }
    };
    const promise = run();
    this.#activities.add(promise);
    void promise.finally(() => this.#activities.delete(promise));
  }

  async #executeActivity(
    instanceId: string,
    executionId: string,
    activity: { id: number; name: string; input: string | null },
  ): Promise<InboxMessage> {
    const fn: RegisteredFunction | undefined = this.#core.get(activity.name);
    const at = (): string => this.#clock.nowIso();
    if (fn?.trigger.type.toLowerCase() !== "activitytrigger") {
      const reason = `The function '${activity.name}' doesn't exist, is disabled, or is not an activity function.`;
      this.#log.error(`orchestration ${instanceId}: ${reason}`);
      return {
        kind: "TaskFailed",
        executionId,
        event: event(HistoryEventType.TaskFailed, at(), {
          TaskScheduledId: activity.id,
          Reason: reason,
          Details: reason,
          FailureDetails: null,
        }),
      };
    }
    // The SDK JSON-encodes string inputs itself; the worker JSON-parses `string` data back.
    let data: RpcTypedData | undefined;
    if (activity.input !== null) {
      const value: unknown = JSON.parse(activity.input);
      data = typeof value === "string" ? { string: value } : { json: activity.input };
    }
    const started = Date.now();
    try {
      const { result, invocationId } = await this.#invoker.invoke(fn, {
        inputData: [{ name: fn.triggerName, ...(data ? { data } : {}) }],
        triggerMetadata: { instanceId: { json: JSON.stringify(instanceId) } },
      });
      this.#log.info(
        `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${Date.now() - started}ms)`,
      );
      const text = result === undefined ? undefined : JSON.stringify(result);
      return {
        kind: "TaskCompleted",
        executionId,
        event: event(HistoryEventType.TaskCompleted, at(), {
          TaskScheduledId: activity.id,
          Result: text ?? "null",
        }),
      };
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const details = failureDetailsFrom(error.message);
      const message = details?.ErrorMessage ?? error.message;
      this.#log.error(
        `Executed 'Functions.${fn.name}' (Failed, Duration=${Date.now() - started}ms): ${message}`,
      );
      return {
        kind: "TaskFailed",
        executionId,
        event: event(HistoryEventType.TaskFailed, at(), {
          TaskScheduledId: activity.id,
          Reason: `Activity function '${fn.name}' failed: ${message}`,
          Details: JSON.stringify({
            ClassName: error.name,
            Message: message,
            StackTrace: error.stack ?? null,
          }),
          FailureDetails: details ?? null,
        }),
      };
    }
  }

  async #enqueueWithRetry(instanceId: string, message: InboxMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#store.enqueue(instanceId, message);
        return;
      } catch (err) {
        if (attempt >= 5 || this.#stopping) throw err;
        await sleep(200 * attempt);
      }
    }
  }

  #acquireSlot(): Promise<void> {
    if (this.#activitySlots > 0) {
      this.#activitySlots--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#activityQueue.push(resolve));
  }

  #releaseSlot(): void {
    const next = this.#activityQueue.shift();
    if (next) next();
    else this.#activitySlots++;
  }

  // ---- timers ----

  #setTimers(instanceId: string, timers: PendingTimerRecord[]): void {
    if (timers.length === 0) this.#timers.delete(instanceId);
    else this.#timers.set(instanceId, timers);
    this.#scheduleTimerCheck();
  }

  #scheduleTimerCheck(): void {
    if (this.#timerHandle) clearTimeout(this.#timerHandle);
    this.#timerHandle = undefined;
    if (this.#stopping) return;
    let earliest = Number.POSITIVE_INFINITY;
    for (const timers of this.#timers.values()) {
      for (const t of timers) earliest = Math.min(earliest, Date.parse(t.fireAt));
    }
    if (earliest === Number.POSITIVE_INFINITY) return;
    const delay = Math.min(Math.max(earliest - this.#clock.now(), 10), MAX_TIMER_SLEEP_MS);
    this.#timerHandle = setTimeout(() => void this.#fireDueTimers(), delay);
  }

  /** Runs an episode for every instance with a due timer; resolves when they are applied. */
  async #fireDueTimers(): Promise<void> {
    const now = this.#clock.now();
    const due = [...this.#timers]
      .filter(([, timers]) => timers.some((t) => Date.parse(t.fireAt) <= now))
      .map(([id]) => id);
    this.#scheduleTimerCheck();
    await Promise.all(due.map((id) => this.kick(id)));
  }

  // ---- status ----

  #toStatus(record: InstanceRecord, options: StatusOptions): OrchestrationStatus {
    return {
      name: record.name,
      instanceId: record.instanceId,
      runtimeStatus: record.runtimeStatus,
      input: options.showInput === false ? null : parseJson(record.input),
      customStatus: parseJson(record.customStatus),
      output: parseJson(record.output),
      createdTime: record.createdTime,
      lastUpdatedTime: record.lastUpdatedTime,
    };
  }

  /**
   * History in the shape the extension's status API shows: no replay bookkeeping events and
   * no TaskScheduled (a completion names its activity and carries ScheduledTime instead).
   */
  #describeHistory(history: HistoryEvent[], withOutput: boolean): Array<Record<string, unknown>> {
    const names = new Map<number, string>();
    const scheduled = new Map<number, string>();
    const out: Array<Record<string, unknown>> = [];
    for (const e of history) {
      if (
        e.EventType === HistoryEventType.OrchestratorStarted ||
        e.EventType === HistoryEventType.OrchestratorCompleted
      )
        continue;
      const item: Record<string, unknown> = {
        EventType: historyEventTypeName(e.EventType),
        Timestamp: e.Timestamp,
      };
      switch (e.EventType) {
        case HistoryEventType.ExecutionStarted:
          item.FunctionName = e.Name;
          break;
        case HistoryEventType.TaskScheduled:
          names.set(e.EventId, e.Name ?? "");
          scheduled.set(e.EventId, e.Timestamp);
          continue;
        case HistoryEventType.TaskCompleted:
          item.FunctionName = names.get(e.TaskScheduledId ?? -1);
          item.ScheduledTime = scheduled.get(e.TaskScheduledId ?? -1);
          item.TaskScheduledId = e.TaskScheduledId;
          if (withOutput) item.Result = parseJson(e.Result ?? null);
          break;
        case HistoryEventType.TaskFailed:
          item.FunctionName = names.get(e.TaskScheduledId ?? -1);
          item.ScheduledTime = scheduled.get(e.TaskScheduledId ?? -1);
          item.TaskScheduledId = e.TaskScheduledId;
          item.Reason = e.Reason;
          break;
        case HistoryEventType.TimerCreated:
          item.EventId = e.EventId;
          item.FireAt = e.FireAt;
          break;
        case HistoryEventType.TimerFired:
          item.TimerId = e.TimerId;
          item.FireAt = e.FireAt;
          break;
        case HistoryEventType.EventRaised:
          item.Name = e.Name;
          if (withOutput) item.Input = parseJson(e.Input ?? null);
          break;
        case HistoryEventType.ExecutionCompleted:
          item.OrchestrationStatus = e.OrchestrationStatus;
          if (withOutput) item.Result = parseJson(e.Result ?? null);
          break;
        default:
          break;
      }
      out.push(item);
    }
    return out;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
