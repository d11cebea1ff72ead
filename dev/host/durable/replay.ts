/**
 * The extension half of an orchestrator episode: given the history the orchestrator saw and
 * the actions it returned, work out which new history events the Durable Task extension
 * would commit (TaskScheduled, TimerCreated) and which timers are left armed.
 *
 * The SDK matches completions to tasks by a sequence number it counts itself, so we must
 * hand out exactly the numbers the extension would. The extension (OutOfProcOrchestrationShim,
 * schema V2/V3) replays the returned actions in order against a DTFx context, awaiting each
 * one; every activity, timer and retry step takes the next number at the moment DTFx runs
 * it. So we simulate that: a tiny synchronous task system, driven by the history events in
 * order, that allocates numbers at the same points. Retries follow DTFx's RetryInterceptor:
 * attempt, failure, timer, next attempt, and one more timer after the last failure (the SDK
 * waits for it before it throws), which fires at once (no backoff after the last attempt).
 */
import {
  ActionType,
  type ActionWire,
  actionTypeName,
  type HistoryEvent,
  HistoryEventType,
  type RetryOptionsWire,
} from "./wire";

export interface PendingTimer {
  id: number;
  fireAt: string;
}

export interface ScheduledActivity {
  id: number;
  name: string;
  /** The TaskScheduled Input: JSON text of the action's input, null when it had none. */
  input: string | null;
}

/** An attempt we fail without running it (retry timeout expired), as the TaskFailed to enqueue. */
export interface SyntheticFailure {
  id: number;
  reason: string;
  details: string;
}

export interface Decision {
  /** History events this episode adds (TaskScheduled / TimerCreated), in allocation order. */
  newEvents: HistoryEvent[];
  /** The new TaskScheduled events to run. */
  activities: ScheduledActivity[];
  syntheticFailures: SyntheticFailure[];
  /** Every timer created and neither fired nor cancelled. */
  pendingTimers: PendingTimer[];
  /** Set when the orchestrator called continueAsNew: the new input as JSON text (null: none). */
  continueAsNew?: { input: string | null };
}

/** The orchestrator used a durable feature this host does not implement. */
export class UnsupportedDurableFeatureError extends Error {
  override readonly name = "UnsupportedDurableFeatureError";
  readonly code = "unsupported_durable_feature";
  constructor(readonly feature: string) {
    super(`local host does not support durable feature ${feature}`);
  }
}

/** The orchestrator's actions no longer match what its history says it did. */
export class NonDeterminismError extends Error {
  override readonly name = "NonDeterminismError";
  readonly code = "nondeterministic_orchestrator";
}

export interface ReplayOptions {
  /** Timers further away than this are split into chained timers (SDK: maximumShortTimerDuration). */
  maximumShortTimerMs: number;
  /** Length of each link of a long timer (SDK: longRunningTimerIntervalDuration). */
  longRunningTimerIntervalMs: number;
}

const SUPPORTED = new Set<number>([
  ActionType.CallActivity,
  ActionType.CallActivityWithRetry,
  ActionType.ContinueAsNew,
  ActionType.CreateTimer,
  ActionType.WaitForExternalEvent,
  ActionType.WhenAny,
  ActionType.WhenAll,
]);

/** Throws UnsupportedDurableFeatureError for the first action this host cannot run. */
export function assertSupported(actions: readonly ActionWire[]): void {
  for (const action of actions) {
    if (!SUPPORTED.has(action.actionType))
      throw new UnsupportedDurableFeatureError(actionTypeName(action.actionType));
    if (action.compoundActions) assertSupported(action.compoundActions);
  }
}

/** Input as the extension forwards it: the SDK already JSON-encodes string inputs. */
export function inputAsJson(input: unknown): string | null {
  if (input === undefined) return null;
  return JSON.stringify(input);
}

class Completion {
  done = false;
  failed = false;
  /** The history event that settled it, when one did. */
  event: HistoryEvent | undefined;
  #waiters: Array<() => void> = [];

  settle(failed: boolean, event?: HistoryEvent): void {
    if (this.done) return;
    this.done = true;
    this.failed = failed;
    this.event = event;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter();
  }

  whenDone(waiter: () => void): void {
    if (this.done) waiter();
    else this.#waiters.push(waiter);
  }
}

type CompletionListener = (event: HistoryEvent) => void;

class Simulation {
  readonly decision: Decision = { newEvents: [], activities: [], syntheticFailures: [], pendingTimers: [] };
  #seq = 0;
  #now = 0;
  #started = false;
  readonly #past = new Map<number, HistoryEvent>();
  readonly #claimed = new Set<number>();
  readonly #listeners = new Map<number, CompletionListener>();
  readonly #eventWaiters = new Map<string, Array<() => void>>();
  readonly #eventBuffer = new Map<string, number>();
  readonly #armed = new Map<number, string>();
  /** When this episode started: the timestamp of the events it adds. */
  #episodeTime = new Date(0).toISOString();

  constructor(
    private readonly history: readonly HistoryEvent[],
    private readonly actions: readonly ActionWire[],
    private readonly options: ReplayOptions,
  ) {
    for (const event of history) {
      if (
        event.EventType === HistoryEventType.TaskScheduled ||
        event.EventType === HistoryEventType.TimerCreated
      ) {
        this.#past.set(event.EventId, event);
      }
      if (event.EventType === HistoryEventType.OrchestratorStarted) this.#episodeTime = event.Timestamp;
    }
  }

  run(checkHistoryClaimed: boolean): Decision {
    for (const event of this.history) this.#dispatch(event);
    if (checkHistoryClaimed) {
      for (const [id, event] of this.#past) {
        // Unclaimed timers are harmless (a cancelled long timer leaves its later links behind).
        if (!this.#claimed.has(id) && event.EventType === HistoryEventType.TaskScheduled) {
          throw new NonDeterminismError(
            `history says sequence #${id} scheduled activity '${event.Name}', but the orchestrator no longer schedules it (non-deterministic orchestrator code?)`,
          );
        }
      }
    }
    this.decision.pendingTimers = [...this.#armed].map(([id, fireAt]) => ({ id, fireAt }));
    return this.decision;
  }

  #dispatch(event: HistoryEvent): void {
    switch (event.EventType) {
      case HistoryEventType.OrchestratorStarted: {
        const at = Date.parse(event.Timestamp);
        if (at > this.#now) this.#now = at;
        break;
      }
      case HistoryEventType.ExecutionStarted:
        if (!this.#started) {
          this.#started = true;
          this.#startMain();
        }
        break;
      case HistoryEventType.TaskCompleted:
      case HistoryEventType.TaskFailed:
        this.#fire(event.TaskScheduledId, event);
        break;
      case HistoryEventType.TimerFired:
        this.#fire(event.TimerId, event);
        break;
      case HistoryEventType.EventRaised: {
        const name = event.Name ?? "";
        const waiters = this.#eventWaiters.get(name);
        const waiter = waiters?.shift();
        if (waiter) waiter();
        else this.#eventBuffer.set(name, (this.#eventBuffer.get(name) ?? 0) + 1);
        break;
      }
      default:
        break;
    }
  }

  #fire(id: number | undefined, event: HistoryEvent): void {
    if (id === undefined) return;
    const listener = this.#listeners.get(id);
    if (!listener) return;
    this.#listeners.delete(id);
    listener(event);
  }

  /** The shim awaits each top-level action in turn; the next one starts when it settles. */
  #startMain(): void {
    let index = 0;
    const advance = (): void => {
      while (index < this.actions.length) {
        const action = this.actions[index++]!;
        const completion = this.#invoke(action);
        if (!completion.done) {
          completion.whenDone(advance);
          return;
        }
      }
    };
    advance();
  }

  #invoke(action: ActionWire): Completion {
    switch (action.actionType) {
      case ActionType.CallActivity:
        return this.#activity(action, false).completion;
      case ActionType.CallActivityWithRetry:
        return this.#retry(action);
      case ActionType.CreateTimer:
        return this.#timerAction(action);
      case ActionType.WaitForExternalEvent:
        return this.#externalEvent(action.externalEventName ?? "");
      case ActionType.WhenAny: {
        const all = new Completion();
        for (const child of (action.compoundActions ?? []).map((c) => this.#invoke(c))) {
          child.whenDone(() => all.settle(false));
        }
        return all;
      }
      case ActionType.WhenAll: {
        const all = new Completion();
        const children = (action.compoundActions ?? []).map((c) => this.#invoke(c));
        const check = (): void => {
          if (children.every((c) => c.done)) all.settle(children.some((c) => c.failed));
        };
        for (const child of children) child.whenDone(check);
        if (children.length === 0) all.settle(false);
        return all;
      }
      case ActionType.ContinueAsNew: {
        this.decision.continueAsNew = { input: inputAsJson(action.input) };
        const done = new Completion();
        done.settle(false);
        return done;
      }
      default:
        throw new UnsupportedDurableFeatureError(actionTypeName(action.actionType));
    }
  }

  #allocate(kind: "activity" | "timer", name?: string): { id: number; past?: HistoryEvent } {
    const id = this.#seq++;
    const past = this.#past.get(id);
    if (past) {
      const expected = kind === "activity" ? HistoryEventType.TaskScheduled : HistoryEventType.TimerCreated;
      if (past.EventType !== expected || (kind === "activity" && past.Name !== name)) {
        const had = past.EventType === HistoryEventType.TaskScheduled ? `activity '${past.Name}'` : "a timer";
        const now = kind === "activity" ? `activity '${name}'` : "a timer";
        throw new NonDeterminismError(
          `sequence #${id}: history has ${had} but the orchestrator now schedules ${now} (non-deterministic orchestrator code?)`,
        );
      }
      this.#claimed.add(id);
    }
    return past ? { id, past } : { id };
  }

  #activity(
    action: ActionWire,
    synthetic: false | { reason: string; details: string },
  ): { completion: Completion } {
    const name = action.functionName ?? "";
    const { id, past } = this.#allocate("activity", name);
    if (!past) {
      const input = inputAsJson(action.input);
      this.decision.newEvents.push({
        EventType: HistoryEventType.TaskScheduled,
        EventId: id,
        IsPlayed: false,
        Timestamp: this.#episodeTime,
        Name: name,
        Input: input,
      });
      if (synthetic) this.decision.syntheticFailures.push({ id, ...synthetic });
      else this.decision.activities.push({ id, name, input });
    }
    const completion = new Completion();
    this.#listeners.set(id, (event) =>
      completion.settle(event.EventType === HistoryEventType.TaskFailed, event),
    );
    return { completion };
  }

  #createTimer(fireAtMs: number): { id: number; completion: Completion } {
    const { id, past } = this.#allocate("timer");
    const fireAt = past?.FireAt ?? new Date(fireAtMs).toISOString();
    if (!past) {
      this.decision.newEvents.push({
        EventType: HistoryEventType.TimerCreated,
        EventId: id,
        IsPlayed: false,
        Timestamp: this.#episodeTime,
        FireAt: fireAt,
      });
    }
    this.#armed.set(id, fireAt);
    const completion = new Completion();
    this.#listeners.set(id, () => {
      this.#armed.delete(id);
      completion.settle(false);
    });
    return { id, completion };
  }

  #cancelTimer(id: number): void {
    this.#armed.delete(id);
    this.#listeners.delete(id);
  }

  /** A user timer; long ones become a chain, as the SDK's LongTimerTask expects. */
  #timerAction(action: ActionWire): Completion {
    const finalAt = Date.parse(action.fireAt ?? "");
    if (Number.isNaN(finalAt)) throw new TypeError("CreateTimer action without a valid fireAt");
    const done = new Completion();
    const isLong = finalAt - this.#now > this.options.maximumShortTimerMs;
    let current = -1;
    const link = (): number => {
      const nextAt =
        finalAt - this.#now > this.options.maximumShortTimerMs
          ? this.#now + this.options.longRunningTimerIntervalMs
          : finalAt;
      const timer = this.#createTimer(nextAt);
      timer.completion.whenDone(() => {
        if (isLong && finalAt > this.#now) current = link();
        else done.settle(false);
      });
      return timer.id;
    };
    current = link();
    if (action.isCanceled && !done.done) {
      // DTFx creates the timer, then the cancellation drops its open task: it never completes the await.
      this.#cancelTimer(current);
      done.settle(false);
    }
    return done;
  }

  #externalEvent(name: string): Completion {
    const done = new Completion();
    const buffered = this.#eventBuffer.get(name) ?? 0;
    if (buffered > 0) {
      this.#eventBuffer.set(name, buffered - 1);
      done.settle(false);
      return done;
    }
    const waiters = this.#eventWaiters.get(name) ?? [];
    waiters.push(() => done.settle(false));
    this.#eventWaiters.set(name, waiters);
    return done;
  }

  #retry(action: ActionWire): Completion {
    const options = action.retryOptions;
    if (!options) throw new TypeError("CallActivityWithRetry action without retryOptions");
    const done = new Completion();
    const firstAttemptAt = this.#now;
    let retryCount = 0;
    const attempt = (synthetic: false | { reason: string; details: string }): void => {
      const { completion } = this.#activity(action, synthetic);
      completion.whenDone(() => {
        if (!completion.failed) {
          done.settle(false);
          return;
        }
        const failure = completion.event;
        const delay = retryDelay(options, retryCount, firstAttemptAt, this.#now);
        // DTFx gives up without a timer once the retry timeout passed, but the SDK only
        // fails the task after a timer: fire one now and fail the remaining attempts unrun.
        // After the last attempt the extension's timer fires at once too (seen on it: FireAt =
        // the episode's time), so the failure reaches the orchestrator without a backoff.
        const last = retryCount + 1 >= options.maxNumberOfAttempts;
        const timer = this.#createTimer(this.#now + (last ? 0 : (delay ?? 0)));
        timer.completion.whenDone(() => {
          retryCount++;
          if (retryCount >= options.maxNumberOfAttempts) {
            done.settle(true);
            return;
          }
          const expired =
            delay === undefined || retryDelay(options, retryCount, firstAttemptAt, this.#now) === undefined;
          attempt(
            expired
              ? {
                  reason: `${failure?.Reason ?? "activity failed"} (retry timeout of ${options.retryTimeoutInMilliseconds} ms expired; attempt not run)`,
                  details: failure?.Details ?? "",
                }
              : false,
          );
        });
      });
    };
    attempt(false);
    return done;
  }
}

/** DTFx RetryInterceptor.ComputeNextDelay; undefined once the retry timeout has passed. */
export function retryDelay(
  options: RetryOptionsWire,
  retryCount: number,
  firstAttemptAtMs: number,
  nowMs: number,
): number | undefined {
  const timeout = options.retryTimeoutInMilliseconds;
  if (typeof timeout === "number" && timeout > 0 && nowMs >= firstAttemptAtMs + timeout) return undefined;
  const coefficient =
    typeof options.backoffCoefficient === "number" && options.backoffCoefficient > 0
      ? options.backoffCoefficient
      : 1;
  let delay = options.firstRetryIntervalInMilliseconds * coefficient ** retryCount;
  const max = options.maxRetryIntervalInMilliseconds;
  if (typeof max === "number" && max > 0) delay = Math.min(delay, max);
  return delay;
}

/**
 * Replays `actions` (the V2/V3 flat list the orchestrator returned) against `history` and
 * returns what this episode adds. `checkHistoryClaimed`: also fail when history holds work the
 * orchestrator no longer schedules (skip it for an orchestrator that threw midway).
 */
export function decide(
  history: readonly HistoryEvent[],
  actions: readonly ActionWire[],
  options: ReplayOptions,
  checkHistoryClaimed = true,
): Decision {
  assertSupported(actions);
  return new Simulation(history, actions, options).run(checkHistoryClaimed);
}
