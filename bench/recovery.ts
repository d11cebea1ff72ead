/**
 * What one recovery costs, on the local host (`node dist/bench/recovery.js`, part of `npm run
 * bench`): figures, never assertions.
 *
 * N successful Production recoveries, one after the other (so every count belongs to one
 * recovery), driven as a minimal front end would: start, one status read to get the IDV link,
 * one to get the wallet link, one for the TAP. The bench waits for each step on the host's log,
 * never by polling our API, so the counts hold no polling. Per recovery:
 *  - server-side time, human waits excluded: the sum of the host's own `Duration=` of every
 *    invocation the recovery caused (HTTP handlers: start, webhook, callback, the three status
 *    reads; activities; orchestrator episodes). The time a person spends on the IDV page or
 *    with the wallet is between invocations, so it is not in the sum;
 *  - Graph round trips (the Graph simulator's log: top-level requests) and the calls they carried;
 *  - Table Storage requests through a counting proxy in front of Azurite, split into our tables
 *    (the recovery's repositories) and the local durable engine's task hub (in Azure the
 *    durable backend is the Durable Task Scheduler, whose storage is not our Table Storage);
 *  - orchestrator episodes (replays), from the engine's instance row.
 * Then the same with GRAPH_BATCHING=false (every `$batch` item sent alone): the baseline.
 */
import { randomBytes } from "node:crypto";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { TableClient } from "@azure/data-tables";
import { demoPolicy } from "../dev/seed/demo-policy";
import { DEMO_TENANT_ID, DEMO_USERS, demoTenant } from "../dev/seed/demo-tenant";
import type { TenantSeed, UserSeed } from "../dev/simulators/graph";
import {
  appSettings,
  bindListener,
  generateDevSecrets,
  type HostProcess,
  listenerPort,
  type SimulatorStack,
  spawnHost,
  startSimulators,
} from "../dev/stack";
import { startAzurite, tableConnectionString } from "../dev/support/azurite";

export interface Distribution {
  p50: number;
  p95: number;
  min: number;
  max: number;
  mean: number;
}

export function distribution(values: readonly number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    p50: round(at(50)),
    p95: round(at(95)),
    min: round(sorted[0] ?? 0),
    max: round(sorted.at(-1) ?? 0),
    mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length)),
  };
}

/** Counts Table Storage requests by table on their way to Azurite. */
class CountingTableProxy {
  readonly counts = new Map<string, number>();
  readonly trace: string[] = [];
  private server: Server | undefined;

  constructor(private readonly target: number) {}

  async start(): Promise<number> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const body = Buffer.concat(chunks);
        this.count(req, body.toString("utf8"));
        const upstream = httpRequest(
          { host: "127.0.0.1", port: this.target, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on("error", () => {
          res.writeHead(502);
          res.end();
        });
        upstream.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    return (this.server.address() as AddressInfo).port;
  }

  /** The table a request is about: the path's table segment, the body of a create or a batch. */
  private count(req: IncomingMessage, body: string): void {
    const segment = decodeURIComponent((req.url ?? "").split("?")[0]!.split("/")[2] ?? "");
    let table = segment.replace(/\(.*$/, "");
    if (table === "Tables") table = /"TableName"\s*:\s*"([^"]+)"/.exec(body)?.[1] ?? "Tables";
    else if (table === "$batch") table = /devstoreaccount1\/([A-Za-z0-9]+)[(? ]/.exec(body)?.[1] ?? "$batch";
    this.counts.set(table, (this.counts.get(table) ?? 0) + 1);
    if (process.env.BENCH_TRACE_TABLES)
      this.trace.push(`${req.method} ${table} ${(req.url ?? "").slice(0, 140)}`);
  }

  snapshot(): Map<string, number> {
    return new Map(this.counts);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function diff(after: Map<string, number>, before: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of after) if (v - (before.get(k) ?? 0) > 0) out.set(k, v - (before.get(k) ?? 0));
  return out;
}

/** N look-alikes of Adele (every kind of method), each with a name of its own. */
function benchTenant(n: number): {
  seed: TenantSeed;
  people: { upn: string; first: string; last: string }[];
} {
  const seed = demoTenant();
  const adele = seed.users.find((u) => u.id === DEMO_USERS.adeleVance.id)!;
  const people: { upn: string; first: string; last: string }[] = [];
  const users: UserSeed[] = [];
  for (let i = 0; i < n; i++) {
    const last = `Bench${String(i).padStart(4, "0")}`;
    const upn = `ida.${last.toLowerCase()}@contoso.example`;
    people.push({ upn, first: "Ida", last });
    users.push({
      ...structuredClone(adele),
      id: `00000000-0000-4000-9000-${String(i + 1).padStart(12, "0")}`,
      userPrincipalName: upn,
      mail: upn,
      givenName: "Ida",
      surname: last,
      displayName: `Ida ${last}`,
      otherMails: [`${last.toLowerCase()}@home.example`],
      managerId: DEMO_USERS.meganBowen.id,
    });
  }
  return { seed: { ...seed, users: [...seed.users, ...users] }, people };
}

interface Invocation {
  name: string;
  ms: number;
}

const EXECUTED = /Executed 'Functions\.([^']+)' \((?:Succeeded|Failed)[^)]*Duration=(\d+)ms/g;

function invocations(log: string): Invocation[] {
  return [...log.matchAll(EXECUTED)].map((m) => ({ name: m[1]!, ms: Number(m[2]) }));
}

/** Invocations that are not caused by one recovery (timers sweeping for everyone). */
const HOUSEKEEPING = new Set(["sweepIdvInbox", "housekeeping"]);

export interface RecoveryCost {
  serverMs: number;
  byFunction: Record<string, number>;
  graphRoundTrips: number;
  graphCalls: number;
  appTableRequests: number;
  durableTableRequests: number;
  appTables: Record<string, number>;
  episodes: number;
}

export interface ScenarioResult {
  batching: boolean;
  recoveries: number;
  serverMs: Distribution;
  /** p50 of each function's time within one recovery (summed when it ran more than once). */
  stepMs: Record<string, Distribution>;
  graphRoundTrips: Distribution;
  graphCalls: Distribution;
  appTableRequests: Distribution;
  appTablesOfOne: Record<string, number>;
  durableTableRequests: Distribution;
  episodes: Distribution;
  housekeepingInvocations: number;
}

async function waitFor(check: () => boolean, what: string, host: HostProcess, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}\n${host.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) n++;
  return n;
}

async function readStatus(url: string, id: string, token: string) {
  const res = await fetch(`${url}/api/recovery/${id}`, { headers: { authorization: `Bearer ${token}` } });
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return (await res.json()) as { status: string; next?: { url: string }; tap?: unknown };
}

async function oneRecovery(
  person: { upn: string; first: string; last: string },
  env: {
    host: HostProcess;
    sims: SimulatorStack;
    proxy: CountingTableProxy;
    storage: string;
    taskHub: string;
    followReturn?: boolean;
  },
): Promise<RecoveryCost> {
  const { host, sims, proxy } = env;
  const url = host.url;
  const logStart = host.output().length;
  const graphStart = sims.graph.requests.length;
  const tablesStart = proxy.snapshot();
  const idvDone = occurrences(host.output(), "Executed 'Functions.startIdentityVerification' (Succeeded");
  const presDone = occurrences(host.output(), "Executed 'Functions.requestPresentation' (Succeeded");

  const startRes = await fetch(`${url}/api/recovery`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: person.upn }),
  });
  if (startRes.status !== 202) throw new Error(`start ${startRes.status}: ${await startRes.text()}`);
  const start = (await startRes.json()) as { recoveryId: string; recoveryToken: string };

  await waitFor(
    () => occurrences(host.output(), "Executed 'Functions.startIdentityVerification' (Succeeded") > idvDone,
    "identity verification to start",
    host,
  );
  const verifying = await readStatus(url, start.recoveryId, start.recoveryToken);
  if (verifying.status !== "verifying_identity" || !verifying.next)
    throw new Error(`got ${verifying.status}`);
  // The person at the IDV provider (not server time: the provider's page and our webhook handler
  // are separate; the handler's time is in the log).
  const page = await fetch(verifying.next.url);
  if (page.status !== 200) throw new Error(`IDV page ${page.status}`);
  const complete = await fetch(`${new URL(verifying.next.url).origin}/verify/complete`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      token: new URL(verifying.next.url).searchParams.get("token"),
      decision: "approved",
      firstName: person.first,
      lastName: person.last,
    }),
  });
  if (complete.status !== 200) throw new Error(`IDV completion ${complete.status}`);
  if (env.followReturn) {
    // Return mode (Microsoft's contract): no webhook; the browser's return moves the recovery on.
    const { redirectUrl } = (await complete.json()) as { redirectUrl: string };
    const back = await fetch(redirectUrl, { redirect: "manual" });
    if (back.status !== 302) throw new Error(`IDV return ${back.status}`);
  }

  await waitFor(
    () => occurrences(host.output(), "Executed 'Functions.requestPresentation' (Succeeded") > presDone,
    "the presentation request",
    host,
  );
  const awaiting = await readStatus(url, start.recoveryId, start.recoveryToken);
  if (awaiting.status !== "awaiting_presentation" || !awaiting.next)
    throw new Error(`got ${awaiting.status}`);
  const requestId = new URL(awaiting.next.url).searchParams.get("request_uri")?.split("/").pop() ?? "";
  await sims.verifiedId.present(requestId);

  await waitFor(
    () => host.output().includes(`orchestration ${start.recoveryId} (recoveryOrchestrator) completed`),
    "the workflow's end",
    host,
  );
  const done = await readStatus(url, start.recoveryId, start.recoveryToken);
  if (done.status !== "recovered" || !done.tap) throw new Error(`ended ${done.status}`);

  if (process.env.BENCH_TRACE_TABLES) console.error(proxy.trace.splice(0).join("\n"));
  const calls = sims.graph.requests.slice(graphStart);
  const tables = diff(proxy.snapshot(), tablesStart);
  const app: Record<string, number> = {};
  let appTotal = 0;
  let durableTotal = 0;
  for (const [table, n] of tables) {
    if (table.toLowerCase().startsWith(env.taskHub.toLowerCase())) durableTotal += n;
    else {
      appTotal += n;
      app[table] = n;
    }
  }
  const instances = TableClient.fromConnectionString(env.storage, `${env.taskHub}Orchestrations`, {
    allowInsecureConnection: true,
  });
  const row = await instances.getEntity<{ Episodes?: number }>(start.recoveryId, "instance");
  const mine = invocations(host.output().slice(logStart)).filter((i) => !HOUSEKEEPING.has(i.name));
  const byFunction: Record<string, number> = {};
  for (const i of mine) byFunction[i.name] = (byFunction[i.name] ?? 0) + i.ms;
  return {
    serverMs: mine.reduce((sum, i) => sum + i.ms, 0),
    byFunction,
    graphRoundTrips: calls.filter((r) => !r.inBatch).length,
    graphCalls: calls.filter((r) => r.inBatch || r.path !== "/$batch").length,
    appTableRequests: appTotal,
    durableTableRequests: durableTotal,
    appTables: app,
    episodes: row.Episodes ?? 0,
  };
}

export async function benchRecoveries(options: {
  batching: boolean;
  recoveries: number;
  /** "return": the recoveries go to AU10TIX's simulator without webhooks (issue 17). Default "webhook". */
  results?: "webhook" | "return";
}): Promise<ScenarioResult> {
  const returnMode = options.results === "return";
  const azurite = await startAzurite();
  const proxy = new CountingTableProxy(azurite.port);
  const proxyPort = await proxy.start();
  const storage = tableConnectionString(proxyPort);
  const listener = await bindListener();
  const port = listenerPort(listener);
  const suffix = randomBytes(3).toString("hex");
  const taskHub = `benchhub${suffix}`;
  const secrets = await generateDevSecrets();
  // One more person than measured: the first recovery warms the process (tables created, caches filled).
  const { seed, people } = benchTenant(options.recoveries + 1);
  const sims = await startSimulators({
    appPort: port,
    tenant: seed,
    secrets,
    ...(returnMode ? { namedProviderWebhooks: false } : {}),
  });
  const policy = demoPolicy("production");
  if (returnMode) policy.profiles[0]!.providers = { default: "au10tix", byCountry: {} };
  const settings = {
    ...appSettings({
      appPort: port,
      storageConnectionString: storage,
      tablePrefix: `bench${suffix}`,
      tenantId: DEMO_TENANT_ID,
      simulators: sims,
      secrets,
      policy,
    }),
    RATE_LIMIT_PER_ADDRESS: "100000",
    RATE_LIMIT_PER_USERNAME: "100000",
    RATE_LIMIT_PER_USERNAME_AND_ADDRESS: "100000",
    GRAPH_BATCHING: String(options.batching),
  };
  const host = spawnHost({ port, listener, taskHub, settings });
  try {
    await host.waitHealthy(60_000);
    const env = {
      host,
      sims,
      proxy,
      storage: tableConnectionString(azurite.port),
      taskHub,
      followReturn: returnMode,
    };
    await oneRecovery(people[0]!, env);
    const costs: RecoveryCost[] = [];
    for (const person of people.slice(1)) costs.push(await oneRecovery(person, env));
    const names = [...new Set(costs.flatMap((c) => Object.keys(c.byFunction)))].sort();
    const housekeeping = invocations(host.output()).filter((i) => HOUSEKEEPING.has(i.name)).length;
    return {
      batching: options.batching,
      recoveries: costs.length,
      serverMs: distribution(costs.map((c) => c.serverMs)),
      stepMs: Object.fromEntries(names.map((n) => [n, distribution(costs.map((c) => c.byFunction[n] ?? 0))])),
      graphRoundTrips: distribution(costs.map((c) => c.graphRoundTrips)),
      graphCalls: distribution(costs.map((c) => c.graphCalls)),
      appTableRequests: distribution(costs.map((c) => c.appTableRequests)),
      appTablesOfOne: costs.at(-1)?.appTables ?? {},
      durableTableRequests: distribution(costs.map((c) => c.durableTableRequests)),
      episodes: distribution(costs.map((c) => c.episodes)),
      housekeepingInvocations: housekeeping,
    };
  } finally {
    await host.stop();
    await sims.stop();
    await proxy.stop();
    await azurite.stop();
  }
}

if (require.main === module) {
  const recoveries = Number(process.env.BENCH_RECOVERIES ?? "50");
  (async () => {
    if (process.env.BENCH_RESULTS_MODES) {
      // Issue 17: the same recoveries with results by webhook (demo-idv) and by the return (AU10TIX).
      const webhook = await benchRecoveries({ batching: true, recoveries, results: "webhook" });
      const returned = await benchRecoveries({ batching: true, recoveries, results: "return" });
      console.log(JSON.stringify({ webhook, return: returned }, null, 2));
      return;
    }
    const batched = await benchRecoveries({ batching: true, recoveries });
    const unbatched = await benchRecoveries({ batching: false, recoveries: Math.min(recoveries, 10) });
    console.log(JSON.stringify({ batched, unbatched }, null, 2));
  })().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
