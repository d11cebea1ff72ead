/**
 * Builds the reference recovery page (`src/page/`) into static assets: the browser code and
 * the style sheet bundled by esbuild under content-hashed names (served as immutable), and
 * `index.html` naming them (served no-cache), plus `manifest.json` listing every file with
 * its content type — the app serves only what the manifest lists. Text in the HTML shell
 * comes from the strings file, like the rest of the page.
 *
 *   node dist/dev/build/page.js [--out DIR]      (npm run build writes dist/page-assets)
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { en } from "../../src/page/strings/en";
import { repoRoot } from "../stack";

/** The folder name the app looks for (src/functions/recoverPage.ts). */
export const PAGE_ASSETS_DIR = "page-assets";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
};

export interface PageManifest {
  /** The HTML shell's file name. */
  index: string;
  /** Every servable file (the shell too) → content type; hashed names are immutable. */
  files: Record<string, { contentType: string; immutable: boolean; etag: string }>;
}

function etag(bytes: Buffer): string {
  return `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 22)}"`;
}

export async function buildPage(outDir: string): Promise<PageManifest> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const pageDir = path.join(repoRoot, "src", "page");
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: { app: path.join(pageDir, "main.ts"), style: path.join(pageDir, "style.css") },
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
  const files: PageManifest["files"] = {};
  let script = "";
  let style = "";
  for (const output of Object.keys(result.metafile.outputs)) {
    const name = path.basename(output);
    const bytes = readFileSync(path.join(repoRoot, output));
    files[name] = { contentType: CONTENT_TYPES[path.extname(name)]!, immutable: true, etag: etag(bytes) };
    if (name.endsWith(".js")) script = name;
    if (name.endsWith(".css")) style = name;
  }
  if (!script || !style) throw new Error("esbuild produced no script or style sheet for the page");

  const escapeHtml = (text: string) =>
    text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
  const values: Record<string, string> = {
    title: en.start.title,
    appName: en.appName,
    noScript: en.noScript,
    script,
    style,
  };
  const html = readFileSync(path.join(pageDir, "index.html"), "utf8")
    .replace(/<html lang="[^"]*">/, `<html lang="${escapeHtml(en.lang)}">`)
    .replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`index.html: no value for {{${key}}}`);
      return escapeHtml(value);
    });
  writeFileSync(path.join(outDir, "index.html"), html);
  files["index.html"] = {
    contentType: CONTENT_TYPES[".html"]!,
    immutable: false,
    etag: etag(Buffer.from(html)),
  };
  const manifest: PageManifest = { index: "index.html", files };
  writeFileSync(path.join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (require.main === module) {
  const at = process.argv.indexOf("--out");
  const outDir =
    at > 0 && process.argv[at + 1]
      ? path.resolve(process.argv[at + 1]!)
      : path.join(repoRoot, "dist", PAGE_ASSETS_DIR);
  buildPage(outDir).then(
    (m) => process.stdout.write(`reference page: ${Object.keys(m.files).join(", ")}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
