/**
 * A whole local deployment for fault campaigns and load runs, every part in reach of the
 * harness: Azurite with a data folder (so it can be restarted on the same data), the
 * simulators in this process, and the local host as a child process that can be killed
 * (SIGKILL) and started again. The host runs the controllable clock so deadlines can be
 * passed without waiting.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import type { Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { TableClient, TableServiceClient } from "@azure/data-tables";
import { DEMO_TENANT_ID } from "../seed/demo-tenant";
import type { TenantSeed } from "../simulators/graph";
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
} from "../stack";
import { type AzuriteHandle, startAzurite } from "../support/azurite";

export interface EnvironmentOptions {
  tenant: TenantSeed;
  policy: unknown;
  /** Extra app settings (win over the defaults). */
  settings?: Record<string, string>;
  idvRetryDelaysMs?: number[];
  /** false: the named providers send no webhook and run in `return` mode (Microsoft's contract). */
  namedProviderWebhooks?: boolean;
  /** Echo the host's output to this process's stdout. */
  echoHost?: boolean;
}

export interface HttpAnswer {
  /** null: no answer (connection refused or dropped, timeout). */
  status: number | null;
  body: unknown;
  headers?: Headers;
}

export class Environment {
  host!: HostProcess;
  private hostOutputs: string[] = [];

  private constructor(
    private azurite: AzuriteHandle,
    private readonly azuriteFolder: string,
    readonly sims: SimulatorStack,
    readonly secrets: DevSecrets,
    readonly settings: Record<string, string>,
    readonly port: number,
    readonly tablePrefix: string,
    readonly taskHub: string,
    private readonly echoHost: boolean,
  ) {}

  static async start(options: EnvironmentOptions): Promise<Environment> {
    const folder = mkdtempSync(path.join(tmpdir(), "recovery-campaign-"));
    const azurite = await startAzurite({ location: folder });
    const listener = await bindListener();
    const port = listenerPort(listener);
    const suffix = randomBytes(4).toString("hex");
    const secrets = await generateDevSecrets();
    const sims = await startSimulators({
      appPort: port,
      tenant: options.tenant,
      secrets,
      ...(options.idvRetryDelaysMs ? { idvRetryDelaysMs: options.idvRetryDelaysMs } : {}),
      ...(options.namedProviderWebhooks === undefined
        ? {}
        : { namedProviderWebhooks: options.namedProviderWebhooks }),
    });
    const settings = {
      ...appSettings({
        appPort: port,
        storageConnectionString: azurite.connectionString,
        tablePrefix: `c${suffix}`,
        tenantId: DEMO_TENANT_ID,
        simulators: sims,
        secrets,
        policy: options.policy,
      }),
      NOT_ELIGIBLE_MIN_DELAY_MS: "0",
      ...options.settings,
    };
    const env = new Environment(
      azurite,
      folder,
      sims,
      secrets,
      settings,
      port,
      `c${suffix}`,
      `hub${suffix}`,
      options.echoHost === true,
    );
    await env.startHost(listener);
    return env;
  }

  get url(): string {
    return this.host.url;
  }

  get storage(): string {
    return this.azurite.connectionString;
  }

  /** On `listener`, or (a restart) on a socket bound again to the same port, which settings carry. */
  async startHost(listener?: Server): Promise<void> {
    this.host = spawnHost({
      port: this.port,
      listener: listener ?? (await bindListener("127.0.0.1", this.port)),
      taskHub: this.taskHub,
      clock: "controllable",
      settings: this.settings,
      echo: this.echoHost,
    });
    await this.host.waitHealthy(60_000);
  }

  /** SIGKILL (nothing flushed), then a new host on the same state; `onDown` once the old one is dead. */
  async killAndRestartHost(downMs = 0, onDown?: () => void): Promise<void> {
    await this.host.kill();
    this.hostOutputs.push(this.host.output());
    onDown?.();
    if (downMs > 0) await sleep(downMs);
    await this.startHost();
  }

  /** Stops Azurite (gracefully: it saves its data) and starts it again on the same port and folder. */
  async restartAzurite(downMs = 0): Promise<void> {
    await this.azurite.stop("SIGINT");
    if (downMs > 0) await sleep(downMs);
    this.azurite = await startAzurite({ port: this.azurite.port, location: this.azuriteFolder });
  }

  /** Everything every host process printed. */
  hostLogs(): string {
    return [...this.hostOutputs, this.host.output()].join("\n");
  }

  async stop(): Promise<void> {
    await this.host.stop();
    this.hostOutputs.push(this.host.output());
    await this.sims.stop();
    await this.azurite.stop();
    rmSync(this.azuriteFolder, { recursive: true, force: true });
  }

  /** Every file Azurite keeps in its data folder, as text (to search for secrets). */
  azuriteFiles(): string {
    const texts: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const file = path.join(dir, name);
        if (statSync(file).isDirectory()) walk(file);
        else texts.push(readFileSync(file).toString("latin1"));
      }
    };
    walk(this.azuriteFolder);
    return texts.join("\n");
  }

  async request(
    method: string,
    route: string,
    options: {
      body?: unknown;
      rawBody?: string;
      token?: string;
      headers?: Record<string, string>;
      /** Give up waiting for the answer after this long (default 15 s). */
      timeoutMs?: number;
    } = {},
  ): Promise<HttpAnswer> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    try {
      const res = await fetch(`${this.url}${route}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body }),
        redirect: "manual",
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text === "" ? undefined : JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, body: parsed, headers: res.headers };
    } catch {
      return { status: null, body: undefined };
    }
  }

  async advanceClock(ms: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.request("POST", "/_host/clock/advance", { body: { ms } });
      if (res.status === 200 || res.status === 204) return;
      if (attempt >= 20) throw new Error(`clock advance failed: ${res.status} ${JSON.stringify(res.body)}`);
      await sleep(500);
    }
  }

  /** Runs one of the host's timer functions now (housekeeping, the inbox sweeper). */
  async runTimer(name: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const res = await this.request("POST", `/_host/timers/${name}`);
      if (res.status !== null && res.status < 300) return;
      if (attempt >= 20) throw new Error(`timer ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
      await sleep(500);
    }
  }

  /** Every entity of every table of this deployment (app tables and task hub), as JSON lines. */
  async dumpTables(): Promise<string> {
    const service = TableServiceClient.fromConnectionString(this.storage, { allowInsecureConnection: true });
    const dumps: string[] = [];
    for await (const table of service.listTables()) {
      const name = table.name ?? "";
      if (!name.startsWith(this.tablePrefix) && !name.toLowerCase().startsWith(this.taskHub.toLowerCase()))
        continue;
      for (const entity of await this.rowsOf(name)) dumps.push(`${name}: ${JSON.stringify(entity)}`);
    }
    return dumps.join("\n");
  }

  /** Every entity of one app table ([] when it does not exist yet). */
  async rows<T extends object = Record<string, unknown>>(table: string): Promise<T[]> {
    return this.rowsOf<T>(`${this.tablePrefix}${table}`);
  }

  /** The recovery records: the Recoveries table's `recovery` rows (the audit rows share the table). */
  async records<T extends object = Record<string, unknown>>(): Promise<T[]> {
    return (await this.rows<T & { rowKey?: string }>("Recoveries")).filter((r) => r.rowKey === "recovery");
  }

  /** Every recovery's audit entries: the Recoveries table's `audit_…` rows (src/store/audit.ts). */
  async auditEntries<T extends object = Record<string, unknown>>(): Promise<T[]> {
    return (await this.rows<T & { rowKey?: string }>("Recoveries")).filter((r) =>
      r.rowKey?.startsWith("audit_"),
    );
  }

  private async rowsOf<T extends object>(name: string): Promise<T[]> {
    const client = TableClient.fromConnectionString(this.storage, name, { allowInsecureConnection: true });
    const rows: T[] = [];
    try {
      for await (const e of client.listEntities<T>()) rows.push(e);
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return [];
      throw err;
    }
    return rows;
  }

  /** The durable runtime's status code for an instance (200 ended, 202 running, 404 unknown). */
  async workflowStatus(instanceId: string): Promise<number | null> {
    return (await this.request("GET", `/runtime/webhooks/durabletask/instances/${instanceId}`)).status;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
