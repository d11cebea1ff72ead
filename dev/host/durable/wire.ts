/**
 * The wire format between the Durable Task extension and the durable-functions SDK, as the
 * local host speaks it: history event and action type numbers (our own copies, pinned to the
 * SDK by tests/host/durable-contract.test.ts), the history event shapes we write, and
 * narrowing helpers for the plain JSON the orchestrator handler returns.
 */

/** DurableTask.Core HistoryEventType, as numbered in durable-functions' history/HistoryEventType. */
export const HistoryEventType = {
  ExecutionStarted: 0,
  ExecutionCompleted: 1,
  ExecutionFailed: 2,
  ExecutionTerminated: 3,
  TaskScheduled: 4,
  TaskCompleted: 5,
  TaskFailed: 6,
  SubOrchestrationInstanceCreated: 7,
  SubOrchestrationInstanceCompleted: 8,
  SubOrchestrationInstanceFailed: 9,
  TimerCreated: 10,
  TimerFired: 11,
  OrchestratorStarted: 12,
  OrchestratorCompleted: 13,
  EventSent: 14,
  EventRaised: 15,
  ContinueAsNew: 16,
  GenericEvent: 17,
  HistoryState: 18,
  ExecutionSuspended: 19,
  ExecutionResumed: 20,
} as const;
export type HistoryEventTypeNumber = (typeof HistoryEventType)[keyof typeof HistoryEventType];

/** Out-of-proc action types, as numbered in durable-functions' actions/ActionType. */
export const ActionType = {
  CallActivity: 0,
  CallActivityWithRetry: 1,
  CallSubOrchestrator: 2,
  CallSubOrchestratorWithRetry: 3,
  ContinueAsNew: 4,
  CreateTimer: 5,
  WaitForExternalEvent: 6,
  CallEntity: 7,
  CallHttp: 8,
  SignalEntity: 9,
  WhenAny: 11,
  WhenAll: 12,
  LockEntities: 13,
  ReleaseEntities: 14,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Timer limits the extension announces (as .NET TimeSpan text, which the SDK parses with
 * moment) and the same values in ms for our replay: timers further away than the maximum
 * become chains of shorter ones.
 */
export const TIMER_SETTINGS = {
  maximumShortTimerDuration: "6.00:00:00",
  longRunningTimerIntervalDuration: "3.00:00:00",
  maximumShortTimerMs: 6 * DAY_MS,
  longRunningTimerIntervalMs: 3 * DAY_MS,
} as const;

/** Extension-side only (not in the SDK's enum): a signal with a delivery time. */
export const SCHEDULED_SIGNAL_ENTITY = 10;

export function actionTypeName(type: number): string {
  if (type === SCHEDULED_SIGNAL_ENTITY) return "ScheduledSignalEntity";
  for (const [name, value] of Object.entries(ActionType)) if (value === type) return name;
  return `action type ${type}`;
}

export function historyEventTypeName(type: number): string {
  for (const [name, value] of Object.entries(HistoryEventType)) if (value === type) return name;
  return `event type ${type}`;
}

/**
 * One history event as the extension serializes it to the worker (PascalCase, DTFx names).
 * Only the fields the SDK reads are typed; everything is JSON.
 */
export interface HistoryEvent {
  EventType: number;
  EventId: number;
  IsPlayed: boolean;
  Timestamp: string;
  Name?: string;
  Input?: string | null;
  Result?: string | null;
  TaskScheduledId?: number;
  TimerId?: number;
  FireAt?: string;
  Reason?: string;
  Details?: string;
  FailureDetails?: FailureDetailsWire | null;
  OrchestrationStatus?: string;
  OrchestrationInstance?: { InstanceId: string; ExecutionId: string };
  ParentInstance?: null;
  Version?: string;
}

export interface FailureDetailsWire {
  ErrorType: string;
  ErrorMessage: string;
  StackTrace?: string;
  IsNonRetriable: boolean;
  Properties?: Record<string, unknown>;
}

/** Retry policy as the SDK's RetryOptions serializes it. */
export interface RetryOptionsWire {
  firstRetryIntervalInMilliseconds: number;
  maxNumberOfAttempts: number;
  backoffCoefficient?: number;
  maxRetryIntervalInMilliseconds?: number;
  retryTimeoutInMilliseconds?: number;
}

/** One action of the orchestrator state, after the JSON round trip the worker does. */
export interface ActionWire {
  actionType: number;
  functionName?: string;
  input?: unknown;
  retryOptions?: RetryOptionsWire;
  fireAt?: string;
  isCanceled?: boolean;
  externalEventName?: string;
  compoundActions?: ActionWire[];
}

/** OrchestratorState after the JSON round trip. */
export interface OrchestratorStateWire {
  isDone: boolean;
  actions: ActionWire[][];
  output?: unknown;
  error?: string;
  customStatus?: unknown;
  schemaVersion: number;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function toAction(value: unknown, path: string): ActionWire {
  if (!isRecord(value) || typeof value.actionType !== "number") {
    throw new TypeError(`orchestrator state: ${path} is not an action`);
  }
  const action: ActionWire = { actionType: value.actionType };
  if (typeof value.functionName === "string") action.functionName = value.functionName;
  if ("input" in value) action.input = value.input;
  if (typeof value.fireAt === "string") action.fireAt = value.fireAt;
  if (typeof value.isCanceled === "boolean") action.isCanceled = value.isCanceled;
  if (typeof value.externalEventName === "string") action.externalEventName = value.externalEventName;
  if (isRecord(value.retryOptions)) {
    const r = value.retryOptions;
    if (typeof r.firstRetryIntervalInMilliseconds !== "number" || typeof r.maxNumberOfAttempts !== "number") {
      throw new TypeError(`orchestrator state: ${path}.retryOptions is incomplete`);
    }
    action.retryOptions = {
      firstRetryIntervalInMilliseconds: r.firstRetryIntervalInMilliseconds,
      maxNumberOfAttempts: r.maxNumberOfAttempts,
      ...(typeof r.backoffCoefficient === "number" ? { backoffCoefficient: r.backoffCoefficient } : {}),
      ...(typeof r.maxRetryIntervalInMilliseconds === "number"
        ? { maxRetryIntervalInMilliseconds: r.maxRetryIntervalInMilliseconds }
        : {}),
      ...(typeof r.retryTimeoutInMilliseconds === "number"
        ? { retryTimeoutInMilliseconds: r.retryTimeoutInMilliseconds }
        : {}),
    };
  }
  if (Array.isArray(value.compoundActions)) {
    action.compoundActions = value.compoundActions.map((c, i) =>
      toAction(c, `${path}.compoundActions[${i}]`),
    );
  }
  return action;
}

/** Narrows the (JSON round-tripped) value the orchestrator handler returned. */
export function parseOrchestratorState(value: unknown): OrchestratorStateWire {
  if (!isRecord(value) || typeof value.isDone !== "boolean" || !Array.isArray(value.actions)) {
    throw new TypeError("orchestrator handler did not return an OrchestratorState");
  }
  const actions = value.actions.map((set, i) => {
    if (!Array.isArray(set)) throw new TypeError(`orchestrator state: actions[${i}] is not an array`);
    return set.map((a, j) => toAction(a, `actions[${i}][${j}]`));
  });
  const state: OrchestratorStateWire = {
    isDone: value.isDone,
    actions,
    schemaVersion: typeof value.schemaVersion === "number" ? value.schemaVersion : 0,
  };
  if ("output" in value) state.output = value.output;
  if (typeof value.error === "string") state.error = value.error;
  if ("customStatus" in value) state.customStatus = value.customStatus;
  return state;
}

/** The marker the SDK puts between a failed orchestrator's message and its state. */
export const OUT_OF_PROC_DATA_LABEL = "\n\n$OutOfProcData$:";

/** Splits the error a failing orchestrator handler throws into its message and state. */
export function parseOrchestratorFailure(message: string): {
  message: string;
  state?: OrchestratorStateWire;
} {
  const at = message.indexOf(OUT_OF_PROC_DATA_LABEL);
  if (at < 0) return { message };
  const head = message.slice(0, at);
  try {
    return {
      message: head,
      state: parseOrchestratorState(JSON.parse(message.slice(at + OUT_OF_PROC_DATA_LABEL.length))),
    };
  } catch {
    return { message: head };
  }
}
