/**
 * `npm run test:durable-engine`: the durable conformance scenarios (tests/durable-engine) on
 * Microsoft's Durable Functions extension instead of the local host's own driver. Builds the
 * .NET host (restore pinned by packages.lock.json; MSBuild skips an unchanged build), then runs
 * the scenarios with DEV_HOST_DURABLE_ENGINE=dotnet. Without the .NET SDK it skips with one
 * line, except under CI=true, where a missing toolchain fails the run.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(__dirname, "..", "..", "..");
const started = Date.now();
const seconds = (): string => `${((Date.now() - started) / 1000).toFixed(1)} s`;

function dotnetSdks(): string[] {
  const probe = spawnSync("dotnet", ["--list-sdks"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) return [];
  return probe.stdout.split("\n").filter((line) => /^\d+\./.test(line));
}

const sdks = dotnetSdks();
if (!sdks.some((line) => line.startsWith("10."))) {
  const why =
    sdks.length === 0 ? "no .NET SDK (dotnet) on PATH" : `no .NET 10 SDK (found ${sdks.join(", ")})`;
  if (process.env.CI === "true") {
    process.stderr.write(`test:durable-engine: FAILED: ${why}; CI must run the conformance check\n`);
    process.exit(1);
  }
  process.stdout.write(`test:durable-engine: skipped: ${why} (install the .NET 10 SDK to run it)\n`);
  process.exit(0);
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", env });
  if (result.status !== 0) {
    process.stderr.write(`test:durable-engine: ${command} ${args.join(" ")} failed after ${seconds()}\n`);
    process.exit(result.status ?? 1);
  }
}

run("dotnet", [
  "build",
  path.join("dev", "durable-engine", "DurableEngineHost.csproj"),
  "-c",
  "Release",
  "--nologo",
  "-v",
  "q",
  "-p:RestoreLockedMode=true",
]);
const built = seconds();
run(
  process.execPath,
  [
    path.join(root, "node_modules", "vitest", "vitest.mjs"),
    "run",
    "tests/durable-engine",
    "--outputFile.json=test-results/vitest-durable-engine.json",
    // Real time, a .NET host per stack (and per restart): more room than the suite's 60 s.
    "--testTimeout=180000",
    "--hookTimeout=180000",
  ],
  { ...process.env, DEV_HOST_DURABLE_ENGINE: "dotnet", DOTNET_CLI_TELEMETRY_OPTOUT: "1", DOTNET_NOLOGO: "1" },
);
process.stdout.write(
  `test:durable-engine: passed on Microsoft's Durable engine in ${seconds()} (.NET build ${built})\n`,
);
