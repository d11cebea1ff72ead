/**
 * `npm run chaos`: fault campaigns against the local deployment. Settings (environment):
 * CHAOS_SEED (default: random, printed first so a failure can be replayed), CHAOS_RUNS
 * (campaigns, each with the next seed; default 1), CHAOS_RECOVERIES (per campaign; default
 * 200), CHAOS_CONCURRENCY (default 16), CHAOS_RETURN_EPISODES (rounds of the return-only
 * cases, each case once a round; default 1), CHAOS_ECHO_HOST=1 to show the host's output.
 * Exits 1 when an invariant was violated.
 */
import { formatReport, runCampaign } from "./campaign";
import { randomSeed } from "./random";

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer`);
  return value;
}

async function main(): Promise<void> {
  const seed = intFromEnv("CHAOS_SEED", randomSeed());
  const runs = intFromEnv("CHAOS_RUNS", 1);
  const recoveries = intFromEnv("CHAOS_RECOVERIES", 200);
  const concurrency = intFromEnv("CHAOS_CONCURRENCY", 16);
  const returnEpisodes = intFromEnv("CHAOS_RETURN_EPISODES", 1);
  console.log(`CHAOS_SEED=${seed} CHAOS_RUNS=${runs} CHAOS_RECOVERIES=${recoveries}`);
  let failed = 0;
  for (let run = 0; run < runs; run++) {
    const runSeed = seed + run;
    console.log(
      `\n## run ${run + 1}/${runs} — replay with CHAOS_SEED=${runSeed} CHAOS_RUNS=1 CHAOS_RECOVERIES=${recoveries}`,
    );
    const report = await runCampaign({
      seed: runSeed,
      recoveries,
      concurrency,
      returnEpisodes,
      log: (line) => console.log(`  ${line}`),
      echoHost: process.env.CHAOS_ECHO_HOST === "1",
    });
    console.log(formatReport(report));
    if (!report.ok) failed++;
  }
  console.log(failed === 0 ? "\nall invariants held" : `\n${failed} run(s) violated an invariant`);
  process.exitCode = failed === 0 ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 2;
});
