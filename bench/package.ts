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

function measure(entry: string): { loadMs: number; processMs: number; functions: number } {
  const loads: number[] = [];
  const processes: number[] = [];
  let functions = 0;
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const run = spawnSync(process.execPath, [LIST, entry], {
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", ...PRODUCTION_SETTINGS },
    });
    processes.push(performance.now() - t0);
    if (run.status !== 0) throw new Error(`loading ${entry} failed:\n${run.stderr}`);
    const report = JSON.parse(run.stdout) as LoadReport;
    loads.push(report.loadMs);
    functions = report.functions.length;
  }
  return { loadMs: Math.round(median(loads)), processMs: Math.round(median(processes)), functions };
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
  bundle: measure(bundle),
  tscOutput: measure(path.join(ROOT, "dist", "src", "index.js")),
};
console.log(JSON.stringify(results, null, 2));
mkdirSync(path.join(ROOT, "bench", "results"), { recursive: true });
writeFileSync(path.join(ROOT, "bench", "results", "package.json"), `${JSON.stringify(results, null, 2)}\n`);
