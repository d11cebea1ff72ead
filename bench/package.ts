/**
 * Deployment package benchmark (`npm run bench:package`): figures, never assertions.
 *  - size of the bundle, its source map, and the bundle gzipped (close to what the
 *    deployment zip costs);
 *  - load time under plain Node: `dist/dev/build/listFunctions.js` requires the app through
 *    the functions-core seam and reports how long `require` took until every function was
 *    registered; median of BENCH_RUNS (default 10) fresh processes, for the bundle and, for
 *    comparison, the tsc output that `npm start` serves (dist/src, resolving node_modules).
 * Results are printed and written to bench/results/package.json.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { LoadReport } from "../dev/build/listFunctions";
import { PRODUCTION_SETTINGS } from "../dev/build/productionSettings";

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

function loadOnce(entry: string, into: Samples): void {
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [LIST, entry], {
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", ...PRODUCTION_SETTINGS },
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
function measure(entries: readonly string[]): { loadMs: number; processMs: number; functions: number }[] {
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
const kib = (bytes: number) => Math.round(bytes / 1024);
const results = {
  date: new Date().toISOString(),
  node: process.version,
  runs: RUNS,
  bundleKiB: kib(statSync(bundle).size),
  bundleGzipKiB: kib(gzipSync(readFileSync(bundle)).length),
  sourceMapKiB: kib(statSync(`${bundle}.map`).size),
  ...(() => {
    const [b, t] = measure([bundle, path.join(ROOT, "dist", "src", "index.js")]);
    return { bundle: b!, tscOutput: t!, bundleShareOfTsc: Math.round((100 * b!.loadMs) / t!.loadMs) / 100 };
  })(),
};
console.log(JSON.stringify(results, null, 2));
mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(path.join(ROOT, "bench", "results", "package.json"), `${JSON.stringify(results, null, 2)}\n`);
