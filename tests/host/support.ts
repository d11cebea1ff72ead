/**
 * Helpers for the local host tests: run the compiled host (`dist/dev/host/main.js`) as a
 * child process against the test Azurite with the fixture app, wait for conditions without
 * fixed sleeps, and read the fixture's activity execution log.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { waitFor } from "../support/waitFor";

const ROOT = path.resolve(__dirname, "..", "..");
export const HOST_MAIN = path.join(ROOT, "dist", "dev", "host", "main.js");
export const FIXTURE_APP = path.join(ROOT, "dist", "tests", "host", "fixtures", "app.js");

export function uniqueHub(prefix: string): string {
  return `${prefix}${randomBytes(4).toString("hex")}`;
}

export function fixtureDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), "host-fixture-"));
}

export interface HostProcess {
  readonly url: string;
  readonly port: number;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Sends the signal; resolves with the exit code (null when killed by a signal). */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  hub: string;
  storage: string;
  dir: string;
  clock?: "real" | "controllable";
  env?: Record<string, string>;
}

export async function spawnHost(options: SpawnOptions): Promise<HostProcess> {
  if (!existsSync(HOST_MAIN) || !existsSync(FIXTURE_APP)) {
    throw new Error("compiled host or fixture missing: run `npx tsc -p .` before the host tests");
  }
  const child: ChildProcess = spawn(process.execPath, [HOST_MAIN], {
    env: {
      ...process.env,
      AzureWebJobsStorage: options.storage,
      // Any free port: the host binds it and names it ("local host listening on URL").
      FUNCTIONS_HTTP_PORT: "0",
      FUNCTIONS_HOST: "127.0.0.1",
      DEV_HOST_TASK_HUB: options.hub,
      DEV_HOST_CLOCK: options.clock ?? "real",
      DEV_HOST_APP_ENTRY: FIXTURE_APP,
      HOST_FIXTURE_DIR: options.dir,
      // Pinned, so a host.json added to the repository cannot move the fixture's routes.
      DEV_HOST_ROUTE_PREFIX: "api",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`host did not start within 20 s:\n${output}`)), 20_000);
    const check = (): void => {
      const m = /local host listening on (\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timeout);
        resolve(m[1]);
      }
    };
    child.stdout?.on("data", check);
    void exited.then((code) => {
      clearTimeout(timeout);
      reject(new Error(`host exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    output: () => output,
    kill: (signal = "SIGTERM") => {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill(signal);
      return exited;
    },
  };
}

export { waitFor };

export async function getJson(url: string): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
}

export async function postJson(url: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON
  }
  return { status: res.status, body: parsed };
}

export interface Status {
  name: string;
  instanceId: string;
  runtimeStatus: string;
  input: unknown;
  output: unknown;
  customStatus: unknown;
  createdTime: string;
  lastUpdatedTime: string;
  history?: Array<Record<string, unknown>>;
}

/**
 * Status through the fixture's HTTP function, i.e. through the real durable client; the
 * history from the durable API itself (`historyEvents`: the client does not read that key).
 */
export async function status(host: HostProcess, id: string, history = false): Promise<Status> {
  const res = await getJson(`${host.url}/api/status/${encodeURIComponent(id)}`);
  if (res.status !== 200) throw new Error(`status ${id}: ${res.status} ${JSON.stringify(res.body)}`);
  const s = res.body as Status;
  if (history) {
    const raw = await getJson(
      `${host.url}/runtime/webhooks/durabletask/instances/${encodeURIComponent(id)}?showHistory=true&showHistoryOutput=true`,
    );
    s.history = (raw.body as { historyEvents?: Status["history"] }).historyEvents;
  }
  return s;
}

export function waitForStatus(
  host: HostProcess,
  id: string,
  accept: (s: Status) => boolean,
  what: string,
  timeoutMs?: number,
): Promise<Status> {
  return waitFor(
    async () => {
      const s = await status(host, id, true);
      return accept(s) ? s : undefined;
    },
    `${id}: ${what}`,
    timeoutMs,
  );
}

export function start(host: HostProcess, orchestrator: string, id: string, input?: unknown) {
  return postJson(`${host.url}/api/orchestrators/${orchestrator}/${encodeURIComponent(id)}`, input);
}

/** How many times the fixture ran `key` (e.g. "k1:before-wait"). */
export function executions(dir: string, key: string): number {
  const file = path.join(dir, "executions.log");
  if (!existsSync(file)) return 0;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line === key).length;
}

export function openGate(dir: string, key: string): void {
  writeFileSync(path.join(dir, `${key}.gate`), "open");
}

export async function advanceClock(host: HostProcess, ms: number): Promise<string> {
  const res = await postJson(`${host.url}/_host/clock/advance`, { ms });
  if (res.status !== 200) throw new Error(`clock advance failed: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body as { now: string }).now;
}

export function rpc(host: HostProcess, pathAndQuery: string): string {
  return `${host.url}/runtime/webhooks/durabletask/${pathAndQuery}`;
}
