/**
 * The Node side of the conformance host (README.md here): starts the .NET process that runs
 * Microsoft's Durable Functions extension, serves it the app's orchestrators and activities
 * (the worker endpoints), and forwards the durable HTTP API the Functions host would serve at
 * /runtime/webhooks/durabletask to the extension's own listener. The local host uses it in
 * place of its own durable driver when DEV_HOST_DURABLE_ENGINE=dotnet.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import type { ClientBindingData } from "../host/durable/rpc";
import type { FunctionsCore, RpcTypedData } from "../host/functionsCoreShim";
import { isLocalCaller, readBody, sendJson, sendProblem } from "../host/httpUtil";
import type { Invoker } from "../host/invocation";
import { describeError, type HostLogger } from "../host/log";

/** Where `npm run build:durable-engine` puts the host (bin/ and obj/ here are git-ignored). */
export function engineAssembly(repoRoot: string): string {
  return path.join(repoRoot, "dev", "durable-engine", "bin", "Release", "net10.0", "DurableEngineHost.dll");
}

export const WORKER_PATH = "/_host/durable-worker";

export interface DotnetEngineOptions {
  assembly: string;
  storageConnectionString: string;
  taskHub: string;
  /** Origin of this host: worker endpoints and the management URLs' base. */
  origin: string;
  functions: { name: string; kind: "orchestration" | "activity" }[];
  log: HostLogger;
  /** Longest queue polling interval of the extension (ms). */
  pollMs?: number;
  startTimeoutMs?: number;
}

export interface DotnetEngine {
  clientData: ClientBindingData;
  /** Graceful: SIGTERM, the extension stops its task hub worker. */
  stop(): Promise<void>;
}

/**
 * Starts the .NET host and waits for its ready line. It dies with us: it exits when its
 * stdin (a pipe from this process) closes, so a killed local host takes its engine along.
 */
export async function startDotnetEngine(options: DotnetEngineOptions): Promise<DotnetEngine> {
  if (!existsSync(options.assembly)) {
    throw new Error(`${options.assembly} is missing: run npm run build:durable-engine (needs the .NET SDK)`);
  }
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    AzureWebJobsStorage: options.storageConnectionString,
    DURABLE_ENGINE_TASK_HUB: options.taskHub,
    DURABLE_ENGINE_WORKER_URL: `${options.origin}${WORKER_PATH}`,
    DURABLE_ENGINE_WEBHOOK_BASE: `${options.origin}/runtime/webhooks/durabletask`,
    DURABLE_ENGINE_FUNCTIONS: JSON.stringify(options.functions),
    DURABLE_ENGINE_POLL_MS: String(options.pollMs ?? 500),
    // What the Functions host sets for a Node app: the extension then speaks the
    // out-of-process JSON protocol and serves its HTTP API for the durable client.
    FUNCTIONS_WORKER_RUNTIME: "node",
    DOTNET_CLI_TELEMETRY_OPTOUT: "1",
    DOTNET_NOLOGO: "1",
  };
  // A container name makes the extension believe it runs on Linux Consumption and echo its
  // ETW events to stdout.
  delete env.CONTAINER_NAME;
  const child: ChildProcess = spawn("dotnet", [options.assembly], {
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  let clientData: ClientBindingData | undefined;
  let onReady: (data: ClientBindingData) => void = () => undefined;
  const ready = new Promise<ClientBindingData>((resolve) => {
    onReady = resolve;
  });
  const onLine = (line: string): void => {
    const marker = "durable-engine ready ";
    if (line.startsWith(marker)) {
      clientData = JSON.parse(line.slice(marker.length)) as ClientBindingData;
      onReady(clientData);
      return;
    }
    if (line.startsWith("MS_DURABLE_FUNCTION_EVENTS_LOGS") || line.trim() === "") return;
    options.log.info(`[durable-engine] ${line}`);
  };
  let pending = "";
  const collect = (chunk: Buffer): void => {
    const text = pending + chunk.toString();
    const lines = text.split("\n");
    pending = lines.pop() ?? "";
    output += text.slice(0, text.length - pending.length);
    for (const line of lines) onLine(line);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then((data) => ({ kind: "ready" as const, data })),
    exited.then((code) => ({ kind: "exited" as const, code })),
    new Promise<{ kind: "timeout" }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: "timeout" }), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome.kind !== "ready") {
    child.kill("SIGKILL");
    throw new Error(
      outcome.kind === "exited"
        ? `the durable engine exited (${outcome.code}) before it was ready:\n${output}`
        : `the durable engine was not ready within ${timeoutMs} ms:\n${output}`,
    );
  }
  return {
    clientData: outcome.data,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/**
 * The worker endpoints the .NET host calls, one per invocation:
 *   POST /_host/durable-worker/orchestration/{name}   body: the orchestration trigger payload
 *   POST /_host/durable-worker/activity/{name}        body: {instanceId, input?}
 * → 200 {ok: true, result} or {ok: false, message, stack} (the function threw).
 * The same Invoker, hence the same registered handlers and hooks, as the local driver uses.
 */
export async function handleWorkerRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  core: FunctionsCore,
  invoker: Invoker,
  log: HostLogger,
): Promise<void> {
  if (!isLocalCaller(req)) {
    sendProblem(res, 403, "forbidden", "The durable worker endpoints serve this machine only");
    return;
  }
  const match = /^\/_host\/durable-worker\/(orchestration|activity)\/([^/]+)$/.exec(url.pathname);
  if (!match || req.method !== "POST") {
    sendProblem(res, 404, "route_not_found", "No such worker endpoint", url.pathname);
    return;
  }
  const kind = match[1]!;
  const name = decodeURIComponent(match[2]!);
  const fn = core.get(name);
  const trigger = kind === "orchestration" ? "orchestrationtrigger" : "activitytrigger";
  if (fn?.trigger.type.toLowerCase() !== trigger) {
    sendProblem(res, 404, "function_not_found", `No ${kind} function named ${name}`);
    return;
  }
  const body = (await readBody(req)).toString("utf8");
  const started = Date.now();
  try {
    let result: unknown;
    if (kind === "orchestration") {
      ({ result } = await invoker.invoke(fn, {
        inputData: [{ name: fn.triggerName, data: { json: body } }],
      }));
    } else {
      const call = JSON.parse(body) as { instanceId: string; input?: unknown };
      // As the Node worker gets it: a string input as string data, anything else as JSON.
      let data: RpcTypedData | undefined;
      if (call.input !== undefined && call.input !== null) {
        data = typeof call.input === "string" ? { string: call.input } : { json: JSON.stringify(call.input) };
      }
      ({ result } = await invoker.invoke(fn, {
        inputData: [{ name: fn.triggerName, ...(data ? { data } : {}) }],
        triggerMetadata: { instanceId: { json: JSON.stringify(call.instanceId) } },
      }));
      log.info(`Executed 'Functions.${fn.name}' (Succeeded, Duration=${Date.now() - started}ms)`);
    }
    sendJson(res, 200, { ok: true, result: result === undefined ? null : result });
  } catch (err) {
    const error = err instanceof Error ? err : new Error(String(err));
    if (kind === "activity")
      log.error(
        `Executed 'Functions.${fn.name}' (Failed, Duration=${Date.now() - started}ms): ${describeError(error)}`,
      );
    sendJson(res, 200, { ok: false, message: error.message, stack: error.stack ?? "" });
  }
}

/**
 * Serves /runtime/webhooks/durabletask/* by forwarding to the extension's HTTP API (its
 * rpcBaseUrl), as the Functions host serves that path with the extension's handler.
 */
export async function forwardToExtension(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  rpcBaseUrl: string,
  rpcPath: string,
): Promise<void> {
  if (!isLocalCaller(req)) {
    sendProblem(res, 403, "forbidden", "The durable API serves this machine only");
    return;
  }
  const rest = url.pathname.slice(rpcPath.length).replace(/^\//, "");
  const target = new URL(rest + url.search, rpcBaseUrl);
  const body = await readBody(req);
  const headers: Record<string, string> = {};
  const type = req.headers["content-type"];
  if (type) headers["content-type"] = type;
  const answer = await fetch(target, {
    method: req.method ?? "GET",
    headers,
    ...(body.length > 0 ? { body: new Uint8Array(body) } : {}),
    redirect: "manual",
  });
  const bytes = Buffer.from(await answer.arrayBuffer());
  const out: Record<string, string> = {};
  answer.headers.forEach((value, key) => {
    if (key !== "transfer-encoding" && key !== "connection" && key !== "content-length") out[key] = value;
  });
  out["content-length"] = String(bytes.length);
  res.writeHead(answer.status, out);
  res.end(bytes);
}
