/**
 * Deployment package benchmark (`npm run bench:package`): figures, never assertions.
 *  - size of the bundle, its source map, and the bundle gzipped (close to what the
 *    deployment zip costs);
 *  - load time under plain Node: `dist/dev/build/listFunctions.js` requires the app through
 *    the functions-core seam and reports how long `require` took until every function was
 *    registered; median of BENCH_RUNS (default 10) fresh processes, for the bundle and, for
 *    comparison, the tsc output that `npm start` serves (dist/src, resolving node_modules);
 *  - cold start on Node 22 through the package's entry, with and without the compile cache;
 *  - with BENCH_BASELINE=<another build's dist/package/dist/index.js> (say, a worktree of the
 *    commit to compare with, built with `npm run build`), that bundle too, alternated with ours in
 *    the same loop: on a shared machine only figures taken side by side compare.
 * Results are printed and written to bench/results/package.json.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { LoadReport } from "../dev/build/listFunctions";
import { PRODUCTION_SETTINGS } from "../dev/build/productionSettings";
import { findNode22 } from "../dev/infra/toolchain";

const ROOT = path.resolve(__dirname, "..", "..");
const RUNS = Number(process.env.BENCH_RUNS ?? "10");
const LIST = path.join(ROOT, "dist", "dev", "build", "listFunctions.js");

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

interface Samples {
  loads: number[];
  processes: number[];
  functions: number;
}

interface Load {
  entry: string;
  node?: string;
  env?: Record<string, string>;
}

function loadOnce({ entry, node = process.execPath, env = {} }: Load, into: Samples): void {
  const t0 = performance.now();
  const run = spawnSync(node, [LIST, entry], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...PRODUCTION_SETTINGS, ...env },
  });
  into.processes.push(performance.now() - t0);
  if (run.status !== 0) throw new Error(`loading ${entry} failed:\n${run.stderr}`);
  const report = JSON.parse(run.stdout) as LoadReport;
  into.loads.push(report.loadMs);
  into.functions = report.functions.length;
}

/**
 * Loads each entry RUNS times, alternating (bundle, tsc output, bundle, ...): the machines are
 * shared, and alternating spreads a busy moment over both instead of charging it to one.
 */
function measure(entries: readonly Load[]): { loadMs: number; processMs: number; functions: number }[] {
  const samples = entries.map((): Samples => ({ loads: [], processes: [], functions: 0 }));
  for (let i = 0; i < RUNS; i++) {
    for (const [j, entry] of entries.entries()) loadOnce(entry, samples[j]!);
  }
  return samples.map((s) => ({
    loadMs: Math.round(median(s.loads)),
    processMs: Math.round(median(s.processes)),
    functions: s.functions,
  }));
}

const bundle = path.join(ROOT, "dist", "package", "dist", "index.js");
const baseline = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined;

/**
 * Cold start on Node 22 (what Azure runs), through the package's `main` (dist/main.js, which
 * turns the compile cache on): a fresh process with an empty-then-filled compile cache
 * (NODE_COMPILE_CACHE, filled by one run first: a restart on a warm instance) against one with
 * the cache disabled (NODE_DISABLE_COMPILE_CACHE: the first start of a new instance, whose
 * temporary folder is empty). Alternated like the rest.
 */
function node22ColdStart() {
  const node = findNode22();
  if (!node.ok) return { skipped: node.reason };
  const version = spawnSync(node.tool, ["--version"], { encoding: "utf8" }).stdout.trim();
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), "bench-compile-cache-"));
  try {
    const entry = path.join(ROOT, "dist", "package", "dist", "main.js");
    const withCache: Load = { entry, node: node.tool, env: { NODE_COMPILE_CACHE: cacheDir } };
    loadOnce(withCache, { loads: [], processes: [], functions: 0 }); // fills the cache
    const [cached, uncached] = measure([
      withCache,
      { entry, node: node.tool, env: { NODE_DISABLE_COMPILE_CACHE: "1" } },
    ]);
    return {
      node: version,
      withCompileCache: cached!,
      withoutCompileCache: uncached!,
      cachedShareOfUncached: Math.round((100 * cached!.processMs) / uncached!.processMs) / 100,
    };
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
}
const kib = (bytes: number) => Math.round(bytes / 1024);
const results = {
  date: new Date().toISOString(),
  node: process.version,
  runs: RUNS,
  bundleKiB: kib(statSync(bundle).size),
  bundleGzipKiB: kib(gzipSync(readFileSync(bundle)).length),
  sourceMapKiB: kib(statSync(`${bundle}.map`).size),
  ...(() => {
    const tsc = path.join(ROOT, "dist", "src", "index.js");
    const [b, t, base] = measure([
      { entry: bundle },
      { entry: tsc },
      ...(baseline ? [{ entry: baseline }] : []),
    ]);
    const share = (x: number, y: number) => Math.round((100 * x) / y) / 100;
    return {
      bundle: b!,
      tscOutput: t!,
      bundleShareOfTsc: share(b!.loadMs, t!.loadMs),
      ...(base && {
        baseline: { entry: baseline, ...base },
        bundleShareOfBaseline: share(b!.loadMs, base.loadMs),
      }),
    };
  })(),
  node22: node22ColdStart(),
};
console.log(JSON.stringify(results, null, 2));
mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(path.join(ROOT, "bench", "results", "package.json"), `${JSON.stringify(results, null, 2)}\n`);
