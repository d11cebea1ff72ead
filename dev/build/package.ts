/**
 * Builds the deployment package (`npm run build` runs this after `tsc`): the app bundled by
 * esbuild from `src/index.ts` into one CommonJS file with its source map, the production
 * `host.json`, a `package.json` whose `main` points at a two-line entry that turns on Node's
 * compile cache and loads the bundle, and that has no
 * dependencies, and the reference page's static files (`page-assets/`, dev/build/page.ts). Nothing under `dev/` can reach the bundle: it starts at `src/index.ts`, and
 * `src/` never imports `dev/` (the bundle test checks the source map for it).
 *
 * Output: `dist/package/` — what `azd deploy` zips (azure.yaml `dist`), and what the bundle
 * test loads under plain Node.
 *
 *   node dist/dev/build/package.js [--out DIR]
 */
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build, type Plugin } from "esbuild";
import { repoRoot } from "../support/repoRoot";
import { buildConsole, CONSOLE_ASSETS_DIR } from "./console";
import { buildPage, PAGE_ASSETS_DIR } from "./page";

/** The package's `main`, beside the bundle. */
const ENTRY = "main.js";

export interface PackageResult {
  outDir: string;
  /** What package.json `main` names: the compile-cache switch, which loads the bundle. */
  entryFile: string;
  bundleFile: string;
  bundleBytes: number;
  sourceMapBytes: number;
}

/** `@azure/functions-core` is injected by the Functions worker at run time: never bundle it. */
const PROVIDED_BY_THE_WORKER = ["@azure/functions-core"];

/**
 * Modules durable-functions requires when it loads but uses only when a durable client calls
 * out over HTTP or validates a URL (axios alone is a third of the app's load time): in the
 * bundle they are loaded on first use. The shim answers `__esModule` without loading (none of
 * them sets it), so `require` and the interop helpers do not load them either.
 */
const LOADED_ON_FIRST_USE = /^(axios|validator|@opentelemetry\/api)$/;

const loadOnFirstUse: Plugin = {
  name: "load-on-first-use",
  setup(b) {
    b.onResolve({ filter: LOADED_ON_FIRST_USE }, async (args) => {
      if (args.pluginData === "real" || !args.importer.includes(`${path.sep}durable-functions${path.sep}`))
        return undefined;
      const real = await b.resolve(args.path, {
        resolveDir: args.resolveDir,
        kind: args.kind,
        importer: args.importer,
        pluginData: "real",
      });
      if (real.errors.length > 0) return { errors: real.errors };
      return { path: real.path, namespace: "load-on-first-use" };
    });
    b.onLoad({ filter: /.*/, namespace: "load-on-first-use" }, (args) => ({
      contents: [
        "let loaded;",
        `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`,
        "module.exports = new Proxy({}, {",
        '  get: (_, key) => (key === "__esModule" ? undefined : load()[key]),',
        "  has: (_, key) => key in load(),",
        "  ownKeys: () => Reflect.ownKeys(load()),",
        "  getOwnPropertyDescriptor: (_, key) => Object.getOwnPropertyDescriptor(load(), key),",
        "});",
      ].join("\n"),
      resolveDir: path.dirname(args.path),
      loader: "js",
    }));
  },
};

export async function buildPackage(outDir = path.join(repoRoot, "dist", "package")): Promise<PackageResult> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(path.join(outDir, "dist"), { recursive: true });
  const bundleFile = path.join(outDir, "dist", "index.js");

  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: [path.join(repoRoot, "src", "index.ts")],
    outfile: bundleFile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    sourcemap: "linked",
    sourcesContent: false,
    // Error classes report their class as `name` (STYLE: one error hierarchy): keep names.
    keepNames: true,
    minify: true,
    legalComments: "linked",
    external: PROVIDED_BY_THE_WORKER,
    logLevel: "warning",
    metafile: false,
    plugins: [loadOnFirstUse],
  });
  if (result.errors.length > 0) throw new Error(`esbuild failed: ${result.errors.length} error(s)`);

  const root = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
    name: string;
    version: string;
    description?: string;
    license?: string;
  };
  // The entry the Functions worker loads: turns on Node's compile cache (Node >= 22.1, where
  // Azure runs the app) before the bundle is compiled, so a restart on a warm instance reuses
  // the bundle's compiled code instead of compiling it again (bench/package.ts measures it).
  // Without the API (older Node) it only loads the bundle.
  writeFileSync(
    path.join(outDir, "dist", ENTRY),
    [
      '"use strict";',
      'const { enableCompileCache } = require("node:module");',
      'if (typeof enableCompileCache === "function") enableCompileCache();',
      'module.exports = require("./index.js");',
      "",
    ].join("\n"),
  );
  const manifest = {
    name: root.name,
    version: root.version,
    description: root.description,
    private: true,
    main: `dist/${ENTRY}`,
    engines: { node: ">=22" },
  };
  writeFileSync(path.join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(path.join(repoRoot, "host.json"), path.join(outDir, "host.json"));
  // The reference page's static files, beside the bundle (the app finds them walking up from it).
  await buildPage(path.join(outDir, PAGE_ASSETS_DIR));
  await buildConsole(path.join(outDir, CONSOLE_ASSETS_DIR));

  return {
    outDir,
    entryFile: path.join(outDir, "dist", ENTRY),
    bundleFile,
    bundleBytes: statSync(bundleFile).size,
    sourceMapBytes: statSync(`${bundleFile}.map`).size,
  };
}

if (require.main === module) {
  const at = process.argv.indexOf("--out");
  const outDir = at > 0 && process.argv[at + 1] ? path.resolve(process.argv[at + 1]!) : undefined;
  // The page beside the tsc output too, so `npm start` (dist/src/index.js) serves it.
  buildPage(path.join(repoRoot, "dist", PAGE_ASSETS_DIR))
    .then(() => buildConsole(path.join(repoRoot, "dist", CONSOLE_ASSETS_DIR)))
    .then(() => buildPackage(outDir))
    .then(
      (r) => {
        const kib = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
        process.stdout.write(
          `deployment package: ${path.relative(process.cwd(), r.outDir) || "."} ` +
            `(bundle ${kib(r.bundleBytes)}, source map ${kib(r.sourceMapBytes)})\n`,
        );
      },
      (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      },
    );
}
