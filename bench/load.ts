/**
 * Load (`npm run bench:load`): figures, never assertions.
 *
 *  1. LOAD_RECOVERIES (default 200) recoveries started at once and carried to completion
 *     through the simulators; checks each ended recovered with one usable TAP (the one handed
 *     out) and one revocation, and reports p50/p95 of every server-side step (the host's own
 *     `Executed 'Functions.X' (…, Duration=…)` lines: HTTP handlers, activities, orchestrator
 *     episodes) and of the whole recovery as the client saw it (human steps included, which
 *     are instant here).
 *  2. A flood of LOAD_FLOOD (default 10,000) starts from LOAD_ADDRESSES (default 50) client
 *     addresses (each a new unknown username, so only the address limit applies), while
 *     LOAD_LEGIT (default 20) legitimate recoveries from other addresses run to completion:
 *     how many starts each address got through (the limit is RATE_LIMIT_PER_ADDRESS=10 per
 *     window), how many records, workflows and Graph account lookups the flood caused, any
 *     5xx, and the latency of the legitimate clients' status reads meanwhile.
 *
 * TRUSTED_PROXY_HOPS=2: the harness writes the client address into X-Forwarded-For and the
 * local host appends the socket address, as Azure's front end would.
 * Results are printed and written to bench/results/load.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Environment, sleep } from "../dev/chaos/environment";
import {
  type CampaignUser,
  campaignPolicy,
  campaignTenant,
  campaignUsers,
  UNLIMITED_STARTS,
} from "../dev/chaos/tenant";
import { DEMO_ISSUER_DID } from "../dev/stack";

const ROOT = path.resolve(__dirname, "..", "..");
const RECOVERIES = Number(process.env.LOAD_RECOVERIES ?? "200");
const FLOOD = Number(process.env.LOAD_FLOOD ?? "10000");
const ADDRESSES = Number(process.env.LOAD_ADDRESSES ?? "50");
const LEGIT = Number(process.env.LOAD_LEGIT ?? "20");
const FLOOD_CONCURRENCY = Number(process.env.LOAD_FLOOD_CONCURRENCY ?? "64");
const PER_ADDRESS = 10;
/** A patient client: on this shared machine a start under load can take seconds. */
const CLIENT_TIMEOUT_MS = 120_000;
let callbackRetries = 0;

/** The host's error lines, by function, with a sample of each (what a 5xx or a failed step was). */
function serverErrors(logs: string): Record<string, { count: number; sample: string }> {
  const errors: Record<string, { count: number; sample: string }> = {};
  for (const line of logs.split("\n")) {
    const m = / error \[([^\]]+)\] (.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!;
    errors[key] ??= { count: 0, sample: m[2]!.slice(0, 240) };
    errors[key]!.count++;
  }
  return errors;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

interface Distribution {
  n: number;
  p50: number;
  p95: number;
  max: number;
}

function distribution(values: readonly number[]): Distribution {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    max: values.length ? Math.max(...values) : Number.NaN,
  };
}

/** Durations per function from the host's log lines (successful executions only). */
function stepDurations(logs: string): Record<string, Distribution> {
  const byFunction = new Map<string, number[]>();
  const pattern = /Executed 'Functions\.([A-Za-z]+)' \(Succeeded, Id=[^,]+, Duration=(\d+)ms\)/g;
  for (const m of logs.matchAll(pattern)) {
    const list = byFunction.get(m[1]!) ?? [];
    list.push(Number(m[2]));
    byFunction.set(m[1]!, list);
  }
  return Object.fromEntries([...byFunction.entries()].sort().map(([name, v]) => [name, distribution(v)]));
}

interface Recovered {
  ok: boolean;
  status: string;
  tap?: string;
  recoveryId?: string;
  clientMs: number;
  statusReadsMs: number[];
  note?: string;
}

/** One user's recovery, as the front end, the IDV page and the wallet would drive it. */
async function recover(env: Environment, user: CampaignUser, address: string): Promise<Recovered> {
  const began = Date.now();
  const reads: number[] = [];
  const headers = { "x-forwarded-for": address };
  const started = await env.request("POST", "/api/recovery", {
    body: { username: user.userPrincipalName },
    headers,
    timeoutMs: CLIENT_TIMEOUT_MS,
  });
  if (started.status !== 202)
    return { ok: false, status: `start ${started.status}`, clientMs: 0, statusReadsMs: reads };
  const { recoveryId, recoveryToken, pollAfterMs } = started.body as {
    recoveryId: string;
    recoveryToken: string;
    pollAfterMs?: number;
  };
  let tap: string | undefined;
  const waitFor = async (statuses: string[]): Promise<Record<string, unknown> | undefined> => {
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline) {
      const t0 = performance.now();
      const res = await env.request("GET", `/api/recovery/${recoveryId}`, {
        token: recoveryToken,
        headers,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      reads.push(performance.now() - t0);
      const body = res.body as Record<string, unknown> | undefined;
      const value = (body?.tap as { value?: string } | undefined)?.value;
      if (value) tap = value;
      if (res.status === 200 && statuses.includes(String(body?.status))) return body;
      await sleep(pollAfterMs ?? 2_000); // as a front end does: the server's hint
    }
    return undefined;
  };
  const end = (status: string, note?: string): Recovered => ({
    ok: status === "recovered",
    status,
    recoveryId,
    clientMs: Date.now() - began,
    statusReadsMs: reads,
    ...(tap ? { tap } : {}),
    ...(note ? { note } : {}),
  });
  const terminal = ["recovered", "failed", "expired", "not_eligible", "cancelled", "evaluation_passed"];
  const verifying = await waitFor(["verifying_identity", ...terminal]);
  if (verifying?.status !== "verifying_identity") return end(String(verifying?.status ?? "timeout"));
  const next = verifying.next as { url: string };
  const page = await fetch(next.url);
  if (page.status !== 200) return end("idv page", String(page.status));
  const complete = await fetch(`${new URL(next.url).origin}/verify/complete`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      token: new URL(next.url).searchParams.get("token"),
      decision: "approved",
      firstName: user.givenName,
      lastName: user.surname,
    }),
  });
  if (complete.status !== 200) return end("idv completion", String(complete.status));
  const awaiting = await waitFor(["awaiting_presentation", ...terminal]);
  if (awaiting?.status !== "awaiting_presentation") return end(String(awaiting?.status ?? "timeout"));
  const requestId = new URL((awaiting.next as { url: string }).url).searchParams
    .get("request_uri")
    ?.split("/")
    .pop();
  const callback = await env.sims.verifiedId.present(requestId!, {
    firstName: user.givenName,
    lastName: user.surname,
    issuer: DEMO_ISSUER_DID,
  });
  // The service retries a callback that got no answer or a 5xx (our handler slow under load).
  let answer = callback;
  for (let attempt = 0; (answer.status === null || answer.status >= 500) && attempt < 30; attempt++) {
    callbackRetries++;
    await sleep(1_000);
    answer = await env.sims.verifiedId.redeliverCallback(env.sims.verifiedId.callbacks.indexOf(callback));
  }
  if (answer.status !== 200) return end("callback", String(answer.status));
  const done = await waitFor(terminal);
  return end(String(done?.status ?? "timeout"));
}

async function concurrentRecoveries() {
  const users = campaignUsers(RECOVERIES, 0);
  const env = await Environment.start({
    tenant: campaignTenant(users),
    policy: campaignPolicy(),
    settings: {
      ...UNLIMITED_STARTS,
      TRUSTED_PROXY_HOPS: "2",
    },
  });
  try {
    const began = Date.now();
    const results = await Promise.all(users.map((u, i) => recover(env, u, `10.1.${i >> 8}.${i & 255}`)));
    const wallMs = Date.now() - began;
    const problems: string[] = [];
    const graph = env.sims.graph;
    results.forEach((r, i) => {
      const user = users[i]!;
      if (!r.ok) problems.push(`${user.userPrincipalName}: ${r.status}${r.note ? ` (${r.note})` : ""}`);
      const usable = graph.temporaryAccessPasses(user.id).filter((p) => p.active);
      if (r.ok && (usable.length !== 1 || usable[0]!.temporaryAccessPass !== r.tap))
        problems.push(
          `${user.userPrincipalName}: ${usable.length} usable TAPs, handed out ${r.tap ? "one" : "none"}`,
        );
      if (r.ok && graph.revocations(user.id).count !== 1)
        problems.push(`${user.userPrincipalName}: ${graph.revocations(user.id).count} revocations`);
    });
    await sleep(2_000); // notices go out after the record closes
    return {
      recoveries: RECOVERIES,
      recovered: results.filter((r) => r.ok).length,
      problems,
      wallMs,
      clientMsPerRecovery: distribution(results.map((r) => r.clientMs)),
      statusReadMs: distribution(results.flatMap((r) => r.statusReadsMs)),
      graphRequests: graph.requests.length,
      callbackRetries,
      serverSteps: stepDurations(env.hostLogs()),
      serverErrors: serverErrors(env.hostLogs()),
    };
  } finally {
    await env.stop();
  }
}

async function flood() {
  const users = campaignUsers(LEGIT, 0);
  const env = await Environment.start({
    tenant: campaignTenant(users),
    policy: campaignPolicy(),
    settings: {
      RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS),
      RATE_LIMIT_PER_USERNAME: "5",
      RATE_LIMIT_WINDOW_SECONDS: "900",
      TRUSTED_PROXY_HOPS: "2",
    },
  });
  try {
    const statuses = new Map<string, number>();
    const acceptedBy = new Map<string, number>();
    const startMs: number[] = [];
    let sent = 0;
    const began = Date.now();
    const legit = Promise.all(users.map((u, i) => recover(env, u, `203.0.113.${i + 1}`)));
    await Promise.all(
      Array.from({ length: FLOOD_CONCURRENCY }, async () => {
        while (sent < FLOOD) {
          const n = sent++;
          const address = `198.51.100.${(n % ADDRESSES) + 1}`;
          const t0 = performance.now();
          const res = await env.request("POST", "/api/recovery", {
            body: { username: `flood.${n}@contoso.example` },
            headers: { "x-forwarded-for": address },
            timeoutMs: CLIENT_TIMEOUT_MS,
          });
          startMs.push(performance.now() - t0);
          const key = String(res.status ?? "no answer");
          statuses.set(key, (statuses.get(key) ?? 0) + 1);
          if (res.status === 202) acceptedBy.set(address, (acceptedBy.get(address) ?? 0) + 1);
        }
      }),
    );
    const floodMs = Date.now() - began;
    const legitResults = await legit;
    await sleep(3_000); // the accepted flood starts finish their discovery
    // The record rows (the recoveries' audit rows share the table).
    const rows = (await env.rows<{ rowKey?: string; username: string; status: string }>("Recoveries")).filter(
      (r) => r.rowKey === "recovery",
    );
    const floodRows = rows.filter((r) => r.username.startsWith("flood."));
    const lookups = env.sims.graph.requests.filter(
      (r) => r.method === "GET" && r.path === "/users" && (r.query.$filter ?? "").includes("flood."),
    ).length;
    let workflows = 0;
    for (const r of rows) {
      const row = r as unknown as { partitionKey: string; username: string };
      if (row.username.startsWith("flood.") && (await env.workflowStatus(row.partitionKey)) !== 404)
        workflows++;
    }
    const accepted = [...acceptedBy.values()];
    return {
      starts: FLOOD,
      addresses: ADDRESSES,
      limitPerAddress: PER_ADDRESS,
      answers: Object.fromEntries(statuses),
      acceptedTotal: accepted.reduce((a, b) => a + b, 0),
      acceptedPerAddress: {
        min: Math.min(...accepted),
        max: Math.max(...accepted),
        addresses: accepted.length,
      },
      floodRecords: floodRows.length,
      floodWorkflows: workflows,
      floodGraphAccountLookups: lookups,
      floodMs,
      startsPerSecond: Math.round(FLOOD / (floodMs / 1000)),
      startLatencyMs: distribution(startMs),
      legitimate: {
        recoveries: LEGIT,
        recovered: legitResults.filter((r) => r.ok).length,
        problems: legitResults
          .filter((r) => !r.ok)
          .map((r) => `${r.recoveryId}: ${r.status} ${r.note ?? ""}`),
        statusReadMs: distribution(legitResults.flatMap((r) => r.statusReadsMs)),
        clientMsPerRecovery: distribution(legitResults.map((r) => r.clientMs)),
      },
      serverErrors: serverErrors(env.hostLogs()),
    };
  } finally {
    await env.stop();
  }
}

function round(value: unknown): unknown {
  if (typeof value === "number") return Math.round(value * 10) / 10;
  if (Array.isArray(value)) return value.map(round);
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, round(v)]));
  return value;
}

async function main(): Promise<void> {
  const which = process.env.LOAD_PART ?? "all";
  const machine = `${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const file = path.join(ROOT, "bench", "results", "load.json");
  // One part alone updates its own entry and keeps the other's.
  const previous: Record<string, unknown> =
    which === "all" || !existsSync(file)
      ? {}
      : (JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>);
  const stamp = {
    date: new Date().toISOString(),
    machine,
    loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
  };
  const result: Record<string, unknown> = { ...previous };
  if (which === "all" || which === "recoveries") {
    console.log(`${RECOVERIES} recoveries at once…`);
    result.concurrentRecoveries = { ...stamp, ...(round(await concurrentRecoveries()) as object) };
    console.log(JSON.stringify(result.concurrentRecoveries, null, 2));
  }
  if (which === "all" || which === "flood") {
    console.log(
      `flood of ${FLOOD} starts from ${ADDRESSES} addresses, ${LEGIT} legitimate recoveries beside it…`,
    );
    result.flood = { ...stamp, ...(round(await flood()) as object) };
    console.log(JSON.stringify(result.flood, null, 2));
  }
  mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
