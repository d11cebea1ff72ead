/**
 * Builds the admin console (`src/console/`) into static assets, as dev/build/page.ts builds
 * the recovery page: the browser code (with @azure/msal-browser and the policy schema the
 * API validates with) and the style sheet bundled by esbuild under content-hashed names,
 * `index.html` naming them, and `manifest.json` listing every servable file.
 *
 *   node dist/dev/build/console.js [--out DIR]   (npm run build writes dist/console-assets)
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { repoRoot } from "../stack";

/** The folder name the app looks for (src/functions/adminConsole.ts). */
export const CONSOLE_ASSETS_DIR = "console-assets";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
};

export interface ConsoleManifest {
  index: string;
  files: Record<string, { contentType: string; immutable: boolean; etag: string }>;
}

function etag(bytes: Buffer): string {
  return `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 22)}"`;
}

export async function buildConsole(outDir: string): Promise<ConsoleManifest> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const consoleDir = path.join(repoRoot, "src", "console");
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: { console: path.join(consoleDir, "main.ts"), style: path.join(consoleDir, "style.css") },
    outdir: outDir,
    entryNames: "[name]-[hash]",
    bundle: true,
    platform: "browser",
    format: "esm",
    target: ["chrome120", "firefox120", "safari16"],
    minify: true,
    sourcemap: false,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  const files: ConsoleManifest["files"] = {};
  let script = "";
  let style = "";
  for (const output of Object.keys(result.metafile.outputs)) {
    const name = path.basename(output);
    const type = CONTENT_TYPES[path.extname(name)];
    if (!type) throw new Error(`esbuild produced an unexpected file for the console: ${name}`);
    const bytes = readFileSync(path.join(repoRoot, output));
    files[name] = { contentType: type, immutable: true, etag: etag(bytes) };
    if (name.endsWith(".js")) script = name;
    if (name.endsWith(".css")) style = name;
  }
  if (!script || !style) throw new Error("esbuild produced no script or style sheet for the console");
  const html = readFileSync(path.join(consoleDir, "index.html"), "utf8").replace(
    /\{\{(\w+)\}\}/g,
    (_, key: string) => {
      const value = ({ script, style } as Record<string, string>)[key];
      if (value === undefined) throw new Error(`console index.html: no value for {{${key}}}`);
      return value;
    },
  );
  writeFileSync(path.join(outDir, "index.html"), html);
  files["index.html"] = {
    contentType: CONTENT_TYPES[".html"]!,
    immutable: false,
    etag: etag(Buffer.from(html)),
  };
  const manifest: ConsoleManifest = { index: "index.html", files };
  writeFileSync(path.join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (require.main === module) {
  const at = process.argv.indexOf("--out");
  const outDir =
    at > 0 && process.argv[at + 1]
      ? path.resolve(process.argv[at + 1]!)
      : path.join(repoRoot, "dist", CONSOLE_ASSETS_DIR);
  buildConsole(outDir).then(
    (m) => process.stdout.write(`admin console: ${Object.keys(m.files).join(", ")}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
