/**
 * Shared steps of the durable conformance scenarios (tests/durable-engine). They run on the
 * local host's own durable driver in `npm test` and on Microsoft's Durable Functions extension
 * in `npm run test:durable-engine`; only the passing of time differs: the local host's clock
 * is advanced, the real engine's timers wait real (shortened) time.
 */
import { demoPolicy } from "../../dev/seed/demo-policy";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { DURABLE_ENGINE, type RecoveryStart, type TestStack } from "../support/stack";

export const ADELE = DEMO_USERS.adeleVance;

/**
 * On the dotnet engine a policy minute lasts this many seconds (DEV_WORKFLOW_MINUTE_SECONDS):
 * short enough for CI, long enough that a prompt user never loses the race against a timer.
 */
export const ENGINE_MINUTE_SECONDS = 2;

/**
 * The demo policy without the cooldown (every scenario recovers the same user); with
 * `shortWaits`, the shortest waits a profile allows: 5 minutes for IDV, 2 for the presentation.
 */
export function conformancePolicy(shortWaits = false) {
  const policy = demoPolicy("production");
  for (const profile of policy.profiles) {
    profile.cooldownMinutes = 0;
    if (shortWaits) {
      profile.idvTimeoutMinutes = 5;
      profile.presentationTimeoutMinutes = 2;
    }
  }
  return policy;
}

/** App settings of a stack whose timeouts the scenarios reach. */
export function timeoutSettings(): Record<string, string> {
  return DURABLE_ENGINE === "dotnet" ? { DEV_WORKFLOW_MINUTE_SECONDS: String(ENGINE_MINUTE_SECONDS) } : {};
}

/** Lets `minutes` of workflow time pass: the local clock jumps; real time passes on its own. */
export async function elapse(stack: TestStack, minutes: number): Promise<void> {
  if (DURABLE_ENGINE === "local") await stack.advanceClock(minutes * 60_000 + 1_000);
}

/** How long a scenario may wait for a state the engine reaches by itself (timers included). */
export const SETTLE_MS = DURABLE_ENGINE === "dotnet" ? 45_000 : 20_000;

/**
 * After a crash the new host and engine start first, and on the extension a control-queue message
 * the killed worker had dequeued stays invisible up to 1 min (dev/durable-engine/README.md): more
 * room for the step that follows.
 */
export const RESTART_SETTLE_MS = DURABLE_ENGINE === "dotnet" ? 90_000 : 20_000;

export async function startAdele(stack: TestStack): Promise<RecoveryStart> {
  const started = await stack.startRecovery({ username: ADELE.userPrincipalName });
  if (started.status !== 202) throw new Error(`start answered ${started.status}`);
  return started.body;
}

/** Through IDV (approved) to the presentation request; returns the Verified ID request id. */
export async function throughIdv(stack: TestStack, start: RecoveryStart): Promise<string> {
  const verifying = await stack.waitForStatus(start, ["verifying_identity"], SETTLE_MS);
  await stack.completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
  const awaiting = await stack.waitForStatus(start, ["awaiting_presentation"], SETTLE_MS);
  return stack.presentationRequestId(awaiting.next!);
}

export interface DurableInstance {
  runtimeStatus: string;
  output?: unknown;
  historyEvents?: {
    EventType: string;
    Name?: string;
    FunctionName?: string;
    Timestamp?: string;
    FireAt?: string;
  }[];
}

/** The instance as the durable HTTP API reports it (the local driver's, or the extension's). */
export async function durableInstance(stack: TestStack, instanceId: string): Promise<DurableInstance> {
  const { status, text } = await stack.durableStatus(instanceId);
  // durableStatus asks for the history (showHistory=true): what both engines must show alike.
  if (status !== 200 && status !== 202) throw new Error(`durable status ${status}: ${text}`);
  return JSON.parse(text) as DurableInstance;
}

/** Waits (polling, bounded) until the durable instance reaches one of `statuses`. */
export async function waitForRuntimeStatus(
  stack: TestStack,
  instanceId: string,
  statuses: string[],
): Promise<DurableInstance> {
  const deadline = Date.now() + SETTLE_MS;
  let last: DurableInstance | undefined;
  while (Date.now() < deadline) {
    last = await durableInstance(stack, instanceId);
    if (statuses.includes(last.runtimeStatus)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`instance ${instanceId} stayed ${last?.runtimeStatus}\n${stack.logs().slice(-3000)}`);
}

/** Raises an event straight through the durable HTTP API (what the app's callbacks do after their checks). */
export async function raiseEvent(
  stack: TestStack,
  instanceId: string,
  name: string,
  data: unknown,
): Promise<number> {
  const res = await fetch(
    `${stack.url}/runtime/webhooks/durabletask/instances/${instanceId}/raiseEvent/${name}`,
    { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(data) },
  );
  await res.arrayBuffer();
  return res.status;
}
