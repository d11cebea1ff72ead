/**
 * Benchmarks (`npm run bench`): figures, never assertions.
 *  - startup: `node dist/dev/start.js` (Azurite + simulators + local host) until
 *    GET /api/health answers 200, median of N cold starts;
 *  - status read latency: sequential GET /api/recovery/{id} with the token, p50/p95;
 *  - per recovery (bench/recovery.ts): server-side time, Graph round trips, Table Storage
 *    requests and orchestrator episodes, with batching and without;
 *  - the IDV webhook endpoint at 100 requests in flight (bench/webhook.ts);
 *  - the deployment package: size, and load time against the tsc output (bench/package.ts).
 * Needs ports 7071, 7081–7083 and 10002 free (do not run beside `npm start`).
 * Results are printed and written to bench/results/latest.json, recovery.json, webhook.json
 * and package.json.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { benchRecoveries } from "./recovery";
import { benchWebhook } from "./webhook";

const ROOT = path.resolve(__dirname, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS ?? "3");

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function waitHealthy(child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}`);
    try {
      if ((await fetch("http://127.0.0.1:7071/api/health")).ok) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("not healthy in time");
}

function startStack(): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, "dist", "dev", "start.js")], {
    stdio: "ignore",
    cwd: ROOT,
  });
}

async function stopStack(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await exited;
}

async function main(): Promise<void> {
  const startups: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const child = startStack();
    await waitHealthy(child, 60_000);
    startups.push(performance.now() - t0);
    await stopStack(child);
  }

  const child = startStack();
  await waitHealthy(child, 60_000);
  const started = (await (
    await fetch("http://127.0.0.1:7071/api/recovery", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "alex.wilber@contoso.example" }),
    })
  ).json()) as { recoveryId: string; recoveryToken: string };
  const reads: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    const res = await fetch(`http://127.0.0.1:7071/api/recovery/${started.recoveryId}`, {
      headers: { authorization: `Bearer ${started.recoveryToken}` },
    });
    await res.arrayBuffer();
    reads.push(performance.now() - t0);
  }
  await stopStack(child);

  const results = {
    date: new Date().toISOString(),
    node: process.version,
    startupToHealthyMs: { runs: startups.map(Math.round), median: Math.round(percentile(startups, 50)) },
    statusReadMs: {
      n: reads.length,
      p50: +percentile(reads, 50).toFixed(1),
      p95: +percentile(reads, 95).toFixed(1),
    },
  };
  console.log(JSON.stringify(results, null, 2));
  mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
  writeFileSync(path.join(ROOT, "bench", "results", "latest.json"), `${JSON.stringify(results, null, 2)}\n`);

  const write = (name: string, value: unknown) => {
    console.log(JSON.stringify(value, null, 2));
    writeFileSync(
      path.join(ROOT, "bench", "results", name),
      `${JSON.stringify({ date: new Date().toISOString(), node: process.version, ...(value as object) }, null, 2)}\n`,
    );
  };
  const recoveries = Number(process.env.BENCH_RECOVERIES ?? "50");
  write("recovery.json", {
    command: "npm run bench (bench/recovery.ts)",
    batched: await benchRecoveries({ batching: true, recoveries }),
    unbatched: await benchRecoveries({ batching: false, recoveries: Math.min(recoveries, 10) }),
  });
  write("webhook.json", {
    command: "npm run bench (bench/webhook.ts)",
    ...(await benchWebhook({
      requests: Number(process.env.BENCH_WEBHOOKS ?? "3000"),
      concurrency: Number(process.env.BENCH_CONCURRENCY ?? "100"),
    })),
  });
  const pkg = spawnSync(process.execPath, [path.join(ROOT, "dist", "bench", "package.js")], {
    stdio: "inherit",
  });
  if (pkg.status !== 0) throw new Error(`bench/package.ts failed (${pkg.status})`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
