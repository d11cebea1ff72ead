/**
 * Process entry of the local host (`node dist/dev/host/main.js`, used by `npm start` and the
 * host tests). Configuration comes from the environment, validated once here:
 *
 *   AzureWebJobsStorage   storage connection string (required; Azurite locally)
 *   FUNCTIONS_HTTP_PORT   default 7071; 0: any free port (the line below names the one it got)
 *   DEV_HOST_LISTENER     "ipc": serve the bound socket the parent sends over the IPC channel
 *                         (message "listener" with a net.Server handle) instead of binding a port
 *   FUNCTIONS_HOST        default 127.0.0.1
 *   DEV_HOST_TASK_HUB     default RecoveryHub
 *   DEV_HOST_CLOCK        real (default) | controllable
 *   DEV_HOST_APP_ENTRY    default <repo>/dist/src/index.js
 *   DEV_HOST_ROUTE_PREFIX default: extensions.http.routePrefix of the app's host.json, else "api"
 *   DEV_HOST_DURABLE_ENGINE local (default) | dotnet (Microsoft's extension, dev/durable-engine)
 *
 * Prints "local host listening on http://HOST:PORT" once it serves. SIGTERM/SIGINT stop it
 * gracefully (in-flight work gets a few seconds) and exit 0; a second signal exits at once.
 */
import type { Server } from "node:net";
import path from "node:path";
import { startHost } from "./index";

function fail(message: string): never {
  process.stderr.write(`local host: ${message}\n`);
  process.exit(1);
}

function readConfig() {
  const env = process.env;
  const storage = env.AzureWebJobsStorage;
  if (!storage) fail("AzureWebJobsStorage is required (an Azurite connection string locally)");
  const port = Number(env.FUNCTIONS_HTTP_PORT ?? "7071");
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`FUNCTIONS_HTTP_PORT is not a port: "${env.FUNCTIONS_HTTP_PORT}"`);
  const clock = env.DEV_HOST_CLOCK ?? "real";
  if (clock !== "real" && clock !== "controllable")
    fail(`DEV_HOST_CLOCK must be "real" or "controllable", got "${clock}"`);
  const listener = env.DEV_HOST_LISTENER;
  if (listener !== undefined && listener !== "ipc")
    fail(`DEV_HOST_LISTENER must be "ipc", got "${listener}"`);
  if (listener === "ipc" && !process.send) fail("DEV_HOST_LISTENER=ipc needs an IPC channel to the parent");
  const durableEngine = env.DEV_HOST_DURABLE_ENGINE ?? "local";
  if (durableEngine !== "local" && durableEngine !== "dotnet")
    fail(`DEV_HOST_DURABLE_ENGINE must be "local" or "dotnet", got "${durableEngine}"`);
  return {
    durableEngine,
    storageConnectionString: storage,
    port,
    listener,
    hostname: env.FUNCTIONS_HOST ?? "127.0.0.1",
    taskHub: env.DEV_HOST_TASK_HUB ?? "RecoveryHub",
    clock,
    ...(env.DEV_HOST_ROUTE_PREFIX !== undefined ? { routePrefix: env.DEV_HOST_ROUTE_PREFIX } : {}),
    // dist/dev/host/main.js → dist/src/index.js
    appEntry: env.DEV_HOST_APP_ENTRY
      ? path.resolve(env.DEV_HOST_APP_ENTRY)
      : path.resolve(__dirname, "..", "..", "src", "index.js"),
  } as const;
}

/** The bound socket the parent sends (DEV_HOST_LISTENER=ipc); the channel is closed after it. */
function receiveListener(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("no listener from the parent within 20 s")), 20_000);
    process.once("message", (message: unknown, handle: unknown) => {
      clearTimeout(timer);
      if (message !== "listener" || !handle) return reject(new Error("expected a listener from the parent"));
      process.disconnect?.();
      resolve(handle as Server);
    });
  });
}

async function main(): Promise<void> {
  const { listener, ...config } = readConfig();
  process.on("unhandledRejection", (reason) => {
    process.stdout.write(`${new Date().toISOString()} error [host] unhandled rejection: ${String(reason)}\n`);
  });
  // Handlers go in first: a signal during startup still stops the host cleanly.
  const starting =
    listener === "ipc"
      ? receiveListener().then((server) => startHost({ ...config, listener: server }))
      : startHost(config);
  let signalled = false;
  const shutdown = (signal: string): void => {
    if (signalled) process.exit(1);
    signalled = true;
    process.stdout.write(`${new Date().toISOString()} info  [host] ${signal}: stopping\n`);
    starting
      .then((host) => host.stop())
      .then(
        () => process.exit(0),
        (err: unknown) => {
          process.stderr.write(`local host: stop failed: ${String(err)}\n`);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
  const host = await starting;
  process.stdout.write(`local host listening on ${host.url}\n`);
}

main().catch((err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err)));
