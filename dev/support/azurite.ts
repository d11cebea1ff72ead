/**
 * Starts Azurite's Table service (or, with `services: "all"`, blobs, queues and tables: what
 * the Durable extension's Azure Storage backend needs) as a child process (the real storage emulator, over HTTP).
 * Used by `npm start` (persistent, under a git-ignored folder) and by the test setup
 * (in memory, on a free port). Killing the returned handle stops the server: we start the
 * binary directly, not through npx, so the pid we hold is the server's.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

export interface AzuriteHandle {
  readonly port: number;
  readonly connectionString: string;
  /**
   * SIGTERM by default (immediate; fine for in-memory runs). SIGINT is Azurite's graceful
   * shutdown: it saves its data folder first (it otherwise saves only every 5 s), so a
   * restart on the same folder finds every acknowledged write.
   */
  stop(signal?: "SIGTERM" | "SIGINT"): Promise<void>;
}

export interface AzuriteOptions {
  /** 0 or omitted: a free port. */
  port?: number;
  /** Folder for persistent data; omitted: in memory. */
  location?: string;
  /** "table" (default) or "all": blob, queue and table services (dev/durable-engine). */
  services?: "table" | "all";
}

const ACCOUNT = "devstoreaccount1";
const KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export function tableConnectionString(port: number): string {
  return `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};TableEndpoint=http://127.0.0.1:${port}/${ACCOUNT};`;
}

/**
 * A port that was free a moment ago. Only for Azurite, which binds the ports it is given and
 * cannot take a bound socket or report a port 0 it got: `startAzurite` retries with new ports
 * when one was taken in between. Our own servers bind port 0 (or `bindListener` in dev/stack.ts).
 */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** All three services: the connection string the Durable extension's storage provider takes. */
export function storageConnectionString(ports: { blob: number; queue: number; table: number }): string {
  const at = (port: number) => `http://127.0.0.1:${port}/${ACCOUNT}`;
  return `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};BlobEndpoint=${at(ports.blob)};QueueEndpoint=${at(ports.queue)};TableEndpoint=${at(ports.table)};`;
}

function findBinary(all: boolean): string {
  // node_modules/.bin/azurite(-table), resolved from the package so it works from dist/ too.
  const pkg = require.resolve("azurite/package.json");
  return all
    ? path.join(path.dirname(pkg), "dist", "src", "azurite.js")
    : path.join(path.dirname(pkg), "dist", "src", "table", "main.js");
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteHandle> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAzuriteOnce(options);
    } catch (err) {
      // A port picked free was taken before Azurite bound it: pick again (only ports we picked).
      if (options.port || attempt >= 5 || !(err instanceof PortTakenError)) throw err;
    }
  }
}

class PortTakenError extends Error {}

async function startAzuriteOnce(options: AzuriteOptions): Promise<AzuriteHandle> {
  const all = options.services === "all";
  const port = options.port || (await freePort());
  const args = [findBinary(all), "--tableHost", "127.0.0.1", "--tablePort", String(port)];
  let connectionString = tableConnectionString(port);
  if (all) {
    const blob = await freePort();
    const queue = await freePort();
    args.push("--blobHost", "127.0.0.1", "--blobPort", String(blob));
    args.push("--queueHost", "127.0.0.1", "--queuePort", String(queue), "--loose");
    connectionString = storageConnectionString({ blob, queue, table: port });
  }
  args.push("--skipApiVersionCheck", "--silent");
  if (options.location) args.push("--location", options.location);
  else args.push("--inMemoryPersistence");
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  await waitForPort(port, child, () => output);
  return {
    port,
    connectionString,
    stop: (signal = "SIGTERM") =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill(signal);
        // A graceful shutdown that hangs is ended the hard way.
        if (signal === "SIGINT")
          setTimeout(() => child.exitCode === null && child.kill("SIGKILL"), 15_000).unref();
      }),
  };
}

async function waitForPort(port: number, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const message = `Azurite exited (${child.exitCode}): ${output()}`;
      throw /EADDRINUSE/.test(output()) ? new PortTakenError(message) : new Error(message);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/${ACCOUNT}/Tables`, { method: "GET" });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill("SIGKILL");
  throw new Error(`Azurite did not listen on ${port} within 20 s: ${output()}`);
}
