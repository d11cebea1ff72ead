/**
 * The local Functions host: loads the compiled app with our `@azure/functions-core` in
 * place, serves its HTTP functions, and runs its orchestrations and activities through the
 * durable engine with state in Table storage. `startHost` is the embedding API (used by
 * main.ts); it can run once per process, because the app registers its functions once.
 */

import { existsSync, readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo, Server } from "node:net";
import path from "node:path";
import {
  engineAssembly,
  forwardToExtension,
  handleWorkerRequest,
  startDotnetEngine,
  WORKER_PATH,
} from "../durable-engine/engine";
import { createHttpServer } from "../support/httpServer";
import { type ClockMode, HostClock } from "./clock";
import { DurableEngine } from "./durable/engine";
import { clientBindingData, DurableRpc, RPC_PATH } from "./durable/rpc";
import { DurableStore, validateTaskHubName } from "./durable/store";
import { type FunctionsCore, installFunctionsCoreShim, type RegisteredFunction } from "./functionsCoreShim";
import { buildRoutes, type FunctionsLibrary, HttpFront, type HttpRoute } from "./http";
import { sendProblem } from "./httpUtil";
import { Invoker } from "./invocation";
import { createHostLogger, formatFunctionLog } from "./log";
import { TimerTriggers } from "./timers";

export type { ClockMode } from "./clock";

export interface HostOptions {
  /** 0: any free port (the host reports the one it got: RunningHost.url). */
  port: number;
  /**
   * A socket already bound (and listening) elsewhere, handed over by the process that
   * spawned the host: served instead of binding `port`, so the parent knows the port before
   * the host starts and nobody can take it in between.
   */
  listener?: Server;
  /** Default 127.0.0.1. */
  hostname?: string;
  storageConnectionString: string;
  taskHub: string;
  /** Absolute path of the compiled app entry, e.g. dist/src/index.js. */
  appEntry: string;
  /** Default "real". */
  clock?: ClockMode;
  /** Receives every log line; default: stdout. */
  log?: (line: string) => void;
  /** Default: extensions.http.routePrefix of the app's host.json, else "api". */
  routePrefix?: string;
  /** How long stop() lets in-flight work finish. Default 5 s. */
  shutdownGraceMs?: number;
  /**
   * "local" (default): our own durable driver (durable/). "dotnet": Microsoft's Durable
   * Functions extension in a .NET host on the same storage (dev/durable-engine), which calls
   * back into this host for every orchestrator and activity; needs the blob and queue services.
   */
  durableEngine?: "local" | "dotnet";
  /** The repository root (where dist/durable-engine is), for durableEngine "dotnet". */
  repoRoot?: string;
}

export interface FunctionSummary {
  name: string;
  trigger: string;
  /** Served path for HTTP functions, e.g. "api/recovery/{recoveryId}". */
  route?: string;
  methods?: string[];
}

export interface RunningHost {
  /** e.g. http://127.0.0.1:7071 */
  url: string;
  /** The durable client's rpcBaseUrl. */
  rpcBaseUrl: string;
  functions: FunctionSummary[];
  stop(): Promise<void>;
}

let started = false;

const SUPPORTED_TRIGGERS = new Set([
  "httptrigger",
  "orchestrationtrigger",
  "activitytrigger",
  "timertrigger",
]);

/** Reads extensions.http.routePrefix from the nearest host.json above the app entry. */
function routePrefixFromHostJson(appEntry: string): string | undefined {
  let dir = path.dirname(appEntry);
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, "host.json");
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, "utf8")) as {
        extensions?: { http?: { routePrefix?: unknown } };
      };
      const prefix = json.extensions?.http?.routePrefix;
      return typeof prefix === "string" ? prefix : undefined;
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/**
 * The app's copy of `@azure/functions`, or ours when the app bundles its own (the deployment
 * package has no node_modules). Ours then only builds responses from plain
 * `HttpResponseInit` objects; it registers nothing, so it never touches the core.
 */
function functionsLibraryOf(appRequire: NodeJS.Require): FunctionsLibrary {
  try {
    return appRequire("@azure/functions") as FunctionsLibrary;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND") throw err;
    return require("@azure/functions") as FunctionsLibrary;
  }
}

function originHost(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

function summarize(fn: RegisteredFunction, routes: HttpRoute[]): FunctionSummary {
  const route = routes.find((r) => r.fn === fn);
  return {
    name: fn.name,
    trigger: fn.trigger.type,
    ...(route ? { route: route.path, methods: route.methods ? [...route.methods] : ["*"] } : {}),
  };
}

function describeFunctions(core: FunctionsCore, routes: HttpRoute[], url: string): string[] {
  const lines = ["", "Functions:", ""];
  for (const fn of core.list()) {
    const s = summarize(fn, routes);
    if (s.route !== undefined)
      lines.push(`        ${s.name}: [${(s.methods ?? []).join(",")}] ${url}/${s.route}`);
    else
      lines.push(
        `        ${s.name}: ${s.trigger}${SUPPORTED_TRIGGERS.has(s.trigger.toLowerCase()) ? "" : " (not triggered by the local host)"}`,
      );
  }
  lines.push("");
  return lines;
}

export async function startHost(options: HostOptions): Promise<RunningHost> {
  validateTaskHubName(options.taskHub);
  if (!path.isAbsolute(options.appEntry))
    throw new TypeError(`appEntry must be an absolute path, got "${options.appEntry}"`);
  if (started) throw new Error("startHost can run once per process (the app registers its functions once)");
  const { core, functionsLoadedBefore } = installFunctionsCoreShim();
  if (functionsLoadedBefore) {
    throw new Error(
      "@azure/functions was loaded before the local host installed its @azure/functions-core; its registrations would be lost. Start the host before anything requires @azure/functions.",
    );
  }
  started = true;
  const write = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log = createHostLogger(write);
  core.sink = (entry) => write(formatFunctionLog(entry));

  // Load the app: every app.http / df.app.* call lands in `core`.
  const appRequire = createRequire(options.appEntry);
  appRequire(options.appEntry);
  const library = functionsLibraryOf(appRequire);
  const model = core.programmingModel;
  if (!model) log.warn(`the app at ${options.appEntry} registered no functions`);
  const capabilities = (await model?.getCapabilities?.({})) ?? {};
  if (capabilities.HttpUri)
    throw new Error("local host does not support app.setup({ enableHttpStream: true })");
  for (const fn of core.list()) {
    if (!SUPPORTED_TRIGGERS.has(fn.trigger.type.toLowerCase())) {
      log.warn(`function ${fn.name}: ${fn.trigger.type} is not triggered by the local host`);
    }
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      if (name === fn.triggerName || name === "$return") continue;
      const type = binding.type.toLowerCase();
      if (type !== "durableclient" && type !== "orchestrationclient" && type !== "http") {
        log.warn(
          `function ${fn.name}: ${binding.direction} binding "${name}" (${binding.type}) is not supported by the local host`,
        );
      }
    }
  }

  const routePrefix = options.routePrefix ?? routePrefixFromHostJson(options.appEntry) ?? "api";
  const routes = buildRoutes(core, routePrefix);
  const dotnet = options.durableEngine === "dotnet";
  const store = await DurableStore.open(options.storageConnectionString, options.taskHub);
  if (dotnet && (options.clock ?? "real") !== "real")
    throw new Error("the dotnet durable engine keeps real time: DEV_HOST_CLOCK must be real");
  const clock = await HostClock.create(options.clock ?? "real", {
    readOffset: () => store.readClockOffset(),
    writeOffset: (ms) => store.writeClockOffset(ms),
  });
  const invoker = new Invoker(core);
  const engine = dotnet ? undefined : new DurableEngine({ store, clock, core, invoker, log });

  // Requests wait until the listener knows its port (the client binding carries it); with
  // the dotnet engine, its calls into the worker endpoints wait only for the appStart hooks.
  let front: HttpFront | undefined;
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  let workerReady: () => void = () => undefined;
  const isWorkerReady = new Promise<void>((resolve) => {
    workerReady = resolve;
  });
  const server = createHttpServer((req: IncomingMessage, res: ServerResponse) => {
    if (dotnet && req.url?.startsWith(`${WORKER_PATH}/`)) {
      void isWorkerReady
        .then(() =>
          handleWorkerRequest(req, res, new URL(req.url ?? "/", "http://localhost"), core, invoker, log),
        )
        .catch((err: unknown) => {
          log.error(`worker request ${req.url} failed: ${String(err)}`);
          if (!res.headersSent) sendProblem(res, 500, "internal_error", "Internal server error");
        });
      return;
    }
    void isReady.then(() => front?.listener(req, res));
  });
  const hostname = options.hostname ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    const listening = (): void => {
      server.off("error", reject);
      resolve();
    };
    if (options.listener) server.listen(options.listener, listening);
    else server.listen(options.port, hostname, listening);
  });
  const port = (server.address() as AddressInfo).port;
  const wildcard = hostname === "0.0.0.0" || hostname === "::";
  const url = `http://${originHost(wildcard ? "127.0.0.1" : hostname)}:${port}`;
  const loopback = wildcard || hostname === "localhost" || hostname.startsWith("127.");
  const rpcOrigin = `http://${loopback ? "127.0.0.1" : originHost(hostname)}:${port}`;
  const publicOrigin = `http://${originHost(wildcard ? "localhost" : hostname)}:${port}`;

  await core.runHooks("appStart", {
    hookData: {},
    appHookData: core.appHookData,
    functionAppDirectory: path.dirname(options.appEntry),
  });
  workerReady();
  const dotnetEngine = dotnet
    ? await startDotnetEngine({
        assembly: engineAssembly(options.repoRoot ?? path.resolve(__dirname, "..", "..", "..")),
        storageConnectionString: options.storageConnectionString,
        taskHub: options.taskHub,
        origin: rpcOrigin,
        functions: core
          .list()
          .filter((fn) => ["orchestrationtrigger", "activitytrigger"].includes(fn.trigger.type.toLowerCase()))
          .map((fn) => ({
            name: fn.name,
            kind:
              fn.trigger.type.toLowerCase() === "orchestrationtrigger"
                ? ("orchestration" as const)
                : ("activity" as const),
          })),
        log,
      })
    : undefined;
  const clientData = dotnetEngine?.clientData ?? clientBindingData(options.taskHub, publicOrigin, rpcOrigin);
  const rpc = engine ? new DurableRpc(engine, options.taskHub) : undefined;
  const timers = new TimerTriggers({ core, invoker, clock, clientData, log });
  front = new HttpFront({
    timers,
    core,
    invoker,
    library,
    routes,
    rpc: {
      path: RPC_PATH,
      handle: (req, res, u) =>
        rpc ? rpc.handle(req, res, u) : forwardToExtension(req, res, u, clientData.rpcBaseUrl, RPC_PATH),
    },
    clientData,
    clock,
    log,
  });

  await engine?.start();
  timers.start();
  for (const line of describeFunctions(core, routes, url)) write(line);
  log.info(`app ${options.appEntry}`);
  log.info(
    `task hub ${options.taskHub}, clock ${clock.mode}, durable engine ${dotnet ? "Microsoft Durable Functions extension (dotnet)" : "local"}, durable API ${clientData.rpcBaseUrl}`,
  );
  ready();

  let stopping: Promise<void> | undefined;
  return {
    url,
    rpcBaseUrl: clientData.rpcBaseUrl,
    functions: core.list().map((fn) => summarize(fn, routes)),
    stop: () => {
      stopping ??= (async () => {
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await timers.stop();
        await engine?.stop(options.shutdownGraceMs ?? 5_000);
        await dotnetEngine?.stop();
        try {
          await core.runHooks("appTerminate", { hookData: {}, appHookData: core.appHookData });
        } catch (err) {
          log.error(`appTerminate hook failed: ${String(err)}`);
        }
        server.closeAllConnections();
        await closed;
      })();
      return stopping;
    },
  };
}
