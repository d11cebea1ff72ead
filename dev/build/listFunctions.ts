/**
 * Loads a built app under plain Node (no vitest, no local host) through the
 * `@azure/functions-core` seam and prints, as one JSON line, every function it registered
 * and how long loading took. The bundle test runs this against `dist/package`.
 *
 *   node dist/dev/build/listFunctions.js dist/package/dist/index.js
 */
import { writeSync } from "node:fs";
import path from "node:path";
import { installFunctionsCoreShim } from "../host/functionsCoreShim";

export interface RegisteredFunctionSummary {
  name: string;
  trigger: string;
  route?: string;
  methods?: string[];
}

export interface LoadReport {
  entry: string;
  loadMs: number;
  functions: RegisteredFunctionSummary[];
}

export function loadAndList(entry: string): LoadReport {
  // Before anything requires @azure/functions: the library looks the core up once.
  const { core, functionsLoadedBefore } = installFunctionsCoreShim();
  if (functionsLoadedBefore) throw new Error("@azure/functions was loaded before the shim");
  const started = process.hrtime.bigint();
  require(entry);
  const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
  const functions = core.list().map((fn): RegisteredFunctionSummary => {
    const summary: RegisteredFunctionSummary = { name: fn.name, trigger: fn.trigger.type };
    if (typeof fn.trigger.route === "string") summary.route = fn.trigger.route;
    if (Array.isArray(fn.trigger.methods)) summary.methods = fn.trigger.methods.map(String);
    return summary;
  });
  return { entry, loadMs, functions };
}

if (require.main === module) {
  const entry = process.argv[2];
  if (!entry) {
    process.stderr.write("usage: node listFunctions.js <app entry .js>\n");
    process.exit(2);
  }
  try {
    process.stdout.write(`${JSON.stringify(loadAndList(path.resolve(entry)))}\n`);
  } catch (error) {
    // Report the load failure as the Functions worker does: its message and stack. Left uncaught,
    // Node prints the offending source line first — the whole minified bundle — and on Node 22 a
    // piped stderr is cut at 64 KiB when the process exits, before the message is written.
    writeSync(2, `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  }
}
