/**
 * An isolated recovery stack for one integration test file: the simulators in this process
 * (so tests can read and steer them), the local host as a child process on a free port with
 * a controllable clock, its own table prefix and task hub in the shared Azurite.
 */
import { randomBytes } from "node:crypto";
import type { Server } from "node:net";
import { odata, TableClient, TableServiceClient } from "@azure/data-tables";
import { afterAll, beforeAll, inject } from "vitest";
import type { z } from "zod";
import { demoPolicy } from "../../dev/seed/demo-policy";
import { DEMO_TENANT_ID, demoTenant } from "../../dev/seed/demo-tenant";
import type { MintOptions } from "../../dev/simulators/entra";
import type { TenantSeed } from "../../dev/simulators/graph";
import {
  appSettings,
  bindListener,
  type DevSecrets,
  generateDevSecrets,
  type HostProcess,
  listenerPort,
  type SimulatorStack,
  spawnHost,
  startSimulators,
} from "../../dev/stack";
import { devCertificate } from "../../dev/support/devCertificate";
import type { startResponseSchema, statusResponseSchema } from "../../src/openapi/schemas";
import { isRecoveryId, isTerminal, type RecoveryStatus } from "../../src/recovery/status";
import { auditRowsFilter, type StoredEvent } from "../../src/store/audit";
import { checkResponse } from "./openapiConformance";

/**
 * The durable engine the stacks run on: "local" (the local host's own driver, default) or
 * "dotnet" (Microsoft's Durable Functions extension, dev/durable-engine; `npm run
 * test:durable-engine`). The dotnet engine keeps real time: its tests use short timeouts
 * (DEV_WORKFLOW_MINUTE_SECONDS) where the local one advances the host clock.
 */
export const DURABLE_ENGINE: "local" | "dotnet" =
  process.env.DEV_HOST_DURABLE_ENGINE === "dotnet" ? "dotnet" : "local";

export interface TestStackOptions {
  storage: string;
  mode?: "evaluation" | "production";
  policy?: unknown;
  tenant?: TenantSeed;
  requestLifetimeSeconds?: number;
  /** Extra app settings (win over the defaults below). */
  settings?: Record<string, string>;
  /** More Standard Webhooks providers, served by the same IDV simulator (for routing tests). */
  extraProviders?: string[];
  /** The app the host serves (default: the tsc output); the package test serves the bundle. */
  appEntry?: string;
  /** Serve the Entra simulator over https too (the admin console's sign-in: dev/support/devCertificate.ts). */
  entraTls?: boolean;
  /** false: the named providers' simulators send no webhook and the app runs them in `return` mode. */
  namedProviderWebhooks?: boolean;
}

/**
 * Tests run many recoveries from one address and want answers at once: generous rate limits
 * and no not-eligible delay, unless a test asks for them.
 */
const TEST_SETTINGS: Record<string, string> = {
  RATE_LIMIT_PER_ADDRESS: "10000",
  RATE_LIMIT_PER_USERNAME: "10000",
  RATE_LIMIT_PER_USERNAME_AND_ADDRESS: "10000",
  NOT_ELIGIBLE_MIN_DELAY_MS: "0",
};

/** The contract's start and status bodies (src/openapi/schemas.ts), as the tests read them. */
export type RecoveryStart = z.infer<typeof startResponseSchema>;
export type RecoveryState = z.infer<typeof statusResponseSchema>;

/**
 * OpenAPI conformance: every answer the app gives a test (any fetch to a running stack's
 * /api/ routes) is checked against the document the app serves; a departure fails the
 * fetch, and the stack's afterAll, so the document cannot drift from the code.
 */
const checkedStacks = new Map<string, TestStack>();
let unpatchedFetch: typeof fetch | undefined;

function installConformanceCheck(): void {
  if (unpatchedFetch) return;
  const base = globalThis.fetch;
  unpatchedFetch = base;
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await base(input, init);
    const requested = new URL(input instanceof Request ? input.url : String(input));
    const stack = checkedStacks.get(requested.origin);
    if (!stack) return res;
    const final = new URL(res.url || requested.toString());
    if (final.origin !== requested.origin || !final.pathname.startsWith("/api/")) return res;
    const method = res.redirected
      ? "GET"
      : (init?.method ?? (input instanceof Request ? input.method : "GET"));
    const failures = checkResponse(await stack.openApi(), {
      method: method.toUpperCase(),
      path: final.pathname,
      status: res.status,
      contentType: res.headers.get("content-type"),
      body: await res.clone().text(),
    });
    if (failures.length > 0) {
      stack.conformanceFailures.push(...failures);
      throw new Error(`answer departs from /api/openapi.json:\n${failures.join("\n")}`);
    }
    return res;
  };
}

/** One audit entry as the Audit table holds it, without its time (lists come sorted by it). */
export type AuditRow = Omit<StoredEvent, "at">;

export class TestStack {
  host!: HostProcess;
  private constructor(
    readonly sims: SimulatorStack,
    readonly secrets: DevSecrets,
    readonly settings: Record<string, string>,
    readonly port: number,
    readonly tablePrefix: string,
    readonly taskHub: string,
    private readonly storage: string,
  ) {}

  static async start(options: TestStackOptions): Promise<TestStack> {
    // Bound here and handed to the host: the port is ours from now on (settings carry it).
    const listener = await bindListener();
    const port = listenerPort(listener);
    const suffix = randomBytes(4).toString("hex");
    const tablePrefix = `t${suffix}`;
    const taskHub = `hub${suffix}`;
    const secrets = await generateDevSecrets();
    const sims = await startSimulators({
      appPort: port,
      tenant: options.tenant ?? demoTenant(),
      secrets,
      ...(options.requestLifetimeSeconds ? { requestLifetimeSeconds: options.requestLifetimeSeconds } : {}),
      ...(options.entraTls ? { entraTls: await devCertificate() } : {}),
      ...(options.namedProviderWebhooks === false ? { namedProviderWebhooks: false } : {}),
    });
    const settings = {
      ...appSettings({
        appPort: port,
        storageConnectionString: options.storage,
        tablePrefix,
        tenantId: DEMO_TENANT_ID,
        simulators: sims,
        secrets,
        policy: options.policy ?? demoPolicy(options.mode ?? "production"),
      }),
      ...TEST_SETTINGS,
      ...options.settings,
    };
    if (options.extraProviders) {
      const providers = JSON.parse(settings.IDV_PROVIDERS!) as { name: string }[];
      for (const name of options.extraProviders) {
        providers.push({ ...providers[0]!, name });
        settings[`SECRET_IDV_${name.toUpperCase().replace(/-/g, "_")}_WEBHOOK_SECRET`] =
          secrets.webhookSecret;
      }
      settings.IDV_PROVIDERS = JSON.stringify(providers);
    }
    const stack = new TestStack(sims, secrets, settings, port, tablePrefix, taskHub, options.storage);
    stack.appEntry = options.appEntry;
    await stack.startHost(listener);
    installConformanceCheck();
    checkedStacks.set(new URL(stack.url).origin, stack);
    return stack;
  }

  /** Departures from the OpenAPI document seen so far (each also failed its fetch). */
  readonly conformanceFailures: string[] = [];
  private openApiDoc: Promise<Parameters<typeof checkResponse>[0]> | undefined;

  /** The OpenAPI document this stack's app serves (read once, unchecked). */
  openApi(): Promise<Parameters<typeof checkResponse>[0]> {
    this.openApiDoc ??= (unpatchedFetch ?? fetch)(`${this.url}/api/openapi.json`).then(async (res) => {
      if (!res.ok) throw new Error(`openapi.json: ${res.status} ${await res.text()}`);
      return (await res.json()) as Parameters<typeof checkResponse>[0];
    });
    return this.openApiDoc;
  }

  /** Checks answers against `doc` instead of the served document (to prove the check bites); undefined restores it. */
  checkAgainst(doc: Parameters<typeof checkResponse>[0] | undefined): void {
    this.openApiDoc = doc ? Promise.resolve(doc) : undefined;
  }

  /** An admin access token from the Entra simulator (default: role Recovery.Admin, a fresh oid). */
  adminToken(options: MintOptions = {}): Promise<string> {
    return this.sims.entra.mint({ roles: ["Recovery.Admin"], ...options });
  }

  /** Calls an admin route with a token (default: a fresh Recovery.Admin one). */
  async admin(
    method: string,
    path: string,
    options: { token?: string | null; body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
    const token = options.token === undefined ? await this.adminToken() : options.token;
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(token !== null ? { authorization: `Bearer ${token}` } : {}),
        ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
        ...options.headers,
      },
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
  }

  appEntry: string | undefined;

  get url(): string {
    return this.host.url;
  }

  /**
   * Starts the host on `listener`, or (a restart) on a socket bound again to the same port:
   * callbacks and settings carry it. The one window left is the moment between the old
   * host's death and this bind.
   */
  async startHost(listener?: Server): Promise<void> {
    this.host = spawnHost({
      port: this.port,
      listener: listener ?? (await bindListener("127.0.0.1", this.port)),
      taskHub: this.taskHub,
      clock: DURABLE_ENGINE === "dotnet" ? "real" : "controllable",
      settings: this.settings,
      ...(this.appEntry ? { appEntry: this.appEntry } : {}),
    });
    // The dotnet engine starts a .NET host and its task hub first.
    await this.host.waitHealthy(DURABLE_ENGINE === "dotnet" ? 120_000 : 30_000);
  }

  /** Kills the host (SIGKILL: nothing is flushed) and starts a new one on the same state. */
  async crashAndRestartHost(): Promise<string> {
    await this.host.kill();
    const before = this.host.output();
    this.outputs.push(before);
    await this.startHost();
    return before;
  }

  /** All output of every host process of this stack. */
  private outputs: string[] = [];
  logs(): string {
    return [...this.outputs, this.host.output()].join("\n");
  }

  async stop(): Promise<void> {
    checkedStacks.delete(new URL(this.url).origin);
    await this.host.stop();
    this.outputs.push(this.host.output());
    await this.sims.stop();
  }

  /**
   * Moves the host's clock 10 s at a time past the durable retry policy's waits (2 s, 4 s, …)
   * until `done(probe())` or `timeoutMs` of real time; returns the last probe.
   */
  async advanceClockUntil<T>(
    probe: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs: number,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    let value = await probe();
    while (!done(value) && Date.now() < deadline) {
      await this.advanceClock(10_000);
      await new Promise((r) => setTimeout(r, 100));
      value = await probe();
    }
    return value;
  }

  async advanceClock(ms: number): Promise<void> {
    const res = await fetch(`${this.url}/_host/clock/advance`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ms }),
    });
    if (!res.ok) throw new Error(`clock advance failed: ${res.status} ${await res.text()}`);
  }

  async startRecovery(
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: RecoveryStart & Record<string, unknown>; headers: Headers }> {
    const res = await fetch(`${this.url}/api/recovery`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as RecoveryStart & Record<string, unknown>,
      headers: res.headers,
    };
  }

  async readRecovery(
    recoveryId: string,
    token: string | undefined,
  ): Promise<{ status: number; body: RecoveryState & Record<string, unknown> }> {
    const res = await fetch(`${this.url}/api/recovery/${recoveryId}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    return { status: res.status, body: (await res.json()) as RecoveryState & Record<string, unknown> };
  }

  /** Polls until the recovery reaches one of `statuses` (polling, not sleeping: bounded by a deadline). */
  async waitForStatus(start: RecoveryStart, statuses: string[], timeoutMs = 20_000): Promise<RecoveryState> {
    const deadline = Date.now() + timeoutMs;
    let last: RecoveryState | undefined;
    while (Date.now() < deadline) {
      const { status, body } = await this.readRecovery(start.recoveryId, start.recoveryToken);
      if (status !== 200) throw new Error(`status read failed: ${status} ${JSON.stringify(body)}`);
      last = body;
      if (statuses.includes(body.status)) return body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(
      `recovery stayed ${last?.status}, expected ${statuses.join("|")}\n${this.host.output().slice(-3000)}`,
    );
  }

  /** The user at the IDV provider: opens the hand-off page, then approves or declines. */
  async completeIdv(
    next: { url: string },
    decision: "approved" | "declined",
    names: { firstName: string; lastName: string },
  ): Promise<{ redirectUrl: string; webhookStatus: number | null }> {
    const page = await fetch(next.url);
    if (page.status !== 200) throw new Error(`IDV page ${page.status}: ${await page.text()}`);
    const token = new URL(next.url).searchParams.get("token");
    // The provider the recovery was routed to: the simulator serving next.url.
    const res = await fetch(`${new URL(next.url).origin}/verify/complete`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ token, decision, ...names }),
    });
    if (res.status !== 200) throw new Error(`IDV completion ${res.status}: ${await res.text()}`);
    return (await res.json()) as { redirectUrl: string; webhookStatus: number | null };
  }

  /** The Verified ID request id inside a `present_credential` URL (openid-vc://?request_uri=…/request/<id>). */
  presentationRequestId(next: { url: string }): string {
    const uri = new URL(next.url).searchParams.get("request_uri") ?? "";
    const id = uri.split("/").pop();
    if (!id) throw new Error(`no request id in ${next.url}`);
    return id;
  }

  /** Every entity of every table this stack owns (app tables and the task hub), as JSON text. */
  async dumpTables(): Promise<string> {
    const service = TableServiceClient.fromConnectionString(this.storage, { allowInsecureConnection: true });
    const dumps: string[] = [];
    for await (const table of service.listTables()) {
      const name = table.name ?? "";
      if (!name.startsWith(this.tablePrefix) && !name.toLowerCase().startsWith(this.taskHub.toLowerCase()))
        continue;
      const client = TableClient.fromConnectionString(this.storage, name, { allowInsecureConnection: true });
      for await (const entity of client.listEntities()) dumps.push(`${name}: ${JSON.stringify(entity)}`);
    }
    return dumps.join("\n");
  }

  /** The audit trail of one recovery, oldest first (read straight from the table). */
  async auditEvents(recoveryId: string): Promise<AuditRow[]> {
    // A recovery's entries sit in its partition of the Recoveries table; others (policy changes)
    // in the Audit table (src/store/audit.ts).
    const recovery = isRecoveryId(recoveryId);
    const table = `${this.tablePrefix}${recovery ? "Recoveries" : "Audit"}`;
    const client = TableClient.fromConnectionString(this.storage, table, { allowInsecureConnection: true });
    const events: StoredEvent[] = [];
    for await (const e of client.listEntities<StoredEvent>({
      queryOptions: { filter: recovery ? auditRowsFilter(recoveryId) : odata`PartitionKey eq ${recoveryId}` },
    })) {
      events.push({
        at: e.at,
        event: e.event,
        outcome: e.outcome,
        ...(e.code ? { code: e.code } : {}),
        ...(e.detail ? { detail: e.detail } : {}),
        ...(e.userId ? { userId: e.userId } : {}),
        ...(e.sourceAddress ? { sourceAddress: e.sourceAddress } : {}),
        ...(e.activityDisplayName ? { activityDisplayName: e.activityDisplayName } : {}),
      });
    }
    return events.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** A client for one of the app's tables (the name without the test's prefix). */
  tableClient(table: string): TableClient {
    return TableClient.fromConnectionString(this.storage, `${this.tablePrefix}${table}`, {
      allowInsecureConnection: true,
    });
  }

  /** Writes (upserts) one entity into one of the app's tables: state a test sets up directly. */
  async writeRow(table: string, entity: { partitionKey: string; rowKey: string } & Record<string, unknown>) {
    const client = this.tableClient(table);
    await client.createTable(); // no-op when it exists
    await client.upsertEntity(entity, "Replace");
  }

  /** Number of entities in one of the app's tables (0 when the table does not exist yet). */
  async countRows(table: string): Promise<number> {
    const client = this.tableClient(table);
    let n = 0;
    try {
      for await (const _ of client.listEntities()) n++;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return 0;
      throw err;
    }
    return n;
  }

  /** Every entity of one of the app's tables ([] when the table does not exist yet). */
  async rows<T extends object = Record<string, unknown>>(table: string): Promise<T[]> {
    const client = this.tableClient(table);
    const rows: T[] = [];
    try {
      for await (const e of client.listEntities<T>()) rows.push(e);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return [];
      throw err;
    }
    return rows;
  }

  /** Runs a timer function of the host now (POST /_host/timers/{name}). */
  async runTimer(name: string): Promise<void> {
    const res = await fetch(`${this.url}/_host/timers/${name}`, { method: "POST" });
    if (!res.ok) throw new Error(`timer ${name}: ${res.status} ${await res.text()}`);
  }

  /**
   * Waits until the workflow of a recovery has ended (durable status 200), not only its
   * record: after the record closes, the workflow may still send notices.
   */
  async waitForWorkflowEnd(recoveryId: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.durableStatus(recoveryId)).status === 200) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`workflow ${recoveryId} still running\n${this.host.output().slice(-3000)}`);
  }

  /** Waits until every recovery of this stack whose record is closed has also ended its workflow. */
  async settle(): Promise<void> {
    const rows = await this.rows<{ partitionKey: string; rowKey: string; status: string }>("Recoveries");
    for (const r of rows) {
      // The record's row (the partition also holds audit entries, the sealed TAP, presentation requests).
      if (r.rowKey !== "recovery" || !isTerminal(r.status as RecoveryStatus)) continue;
      const durable = await this.durableStatus(r.partitionKey);
      // A cancelled recovery's workflow was terminated (or never started): nothing to wait for.
      if (durable.status === 202 && r.status !== "cancelled") await this.waitForWorkflowEnd(r.partitionKey);
    }
  }

  /** How many episodes (orchestrator replays) the local host's engine ran for an instance. */
  async durableEpisodes(instanceId: string): Promise<number> {
    const client = TableClient.fromConnectionString(this.storage, `${this.taskHub}Orchestrations`, {
      allowInsecureConnection: true,
    });
    const row = await client.getEntity<{ Episodes?: number }>(instanceId, "instance");
    return row.Episodes ?? 0;
  }

  /** What the durable runtime knows of an instance (status, custom status, history), via the host's RPC API. */
  async durableStatus(instanceId: string): Promise<{ status: number; text: string }> {
    const res = await fetch(
      `${this.url}/runtime/webhooks/durabletask/instances/${instanceId}?showHistory=true&showHistoryOutput=true&showInput=true`,
    );
    return { status: res.status, text: await res.text() };
  }
}

/**
 * One stack for the enclosing describe block: started before its tests, stopped after them.
 * Read it through the returned getter (it exists only once beforeAll has run).
 */
export function useStack(options: Omit<TestStackOptions, "storage"> = {}): () => TestStack {
  let stack: TestStack | undefined;
  beforeAll(async () => {
    stack = await TestStack.start({ storage: inject("azuriteConnectionString"), ...options });
  });
  afterAll(async () => {
    await stack?.stop();
    // A departure a test caught and ignored still fails the file.
    if (stack && stack.conformanceFailures.length > 0) {
      throw new Error(`answers departed from /api/openapi.json:\n${stack.conformanceFailures.join("\n")}`);
    }
  });
  return () => {
    if (!stack) throw new Error("the stack starts in beforeAll: use it inside tests and hooks");
    return stack;
  };
}
