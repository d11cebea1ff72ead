/**
 * Builds a browser app of ours (the recovery page, the admin console) into static assets: the
 * browser code and the style sheet bundled by esbuild under content-hashed names (served as
 * immutable), `index.html` naming them (served no-cache), and `manifest.json` listing every
 * file with its content type: the app serves only what the manifest lists.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { repoRoot } from "../support/repoRoot";

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
};

export interface AssetManifest {
  /** The HTML shell's file name. */
  index: string;
  /** Every servable file (the shell too) → content type; hashed names are immutable. */
  files: Record<string, { contentType: string; immutable: boolean; etag: string }>;
}

export interface BrowserApp {
  /** What error messages call it ("page", "console"). */
  label: string;
  /** The app's folder under src/, holding main.ts, style.css and index.html. */
  sourceDir: string;
  /** The script's entry name (its file is `<name>-<hash>.js`). */
  scriptEntry: string;
  /** The shell's text: `{{script}}` and `{{style}}` are filled in by the build. */
  shell: (html: string, assets: { script: string; style: string }) => string;
  /**
   * Variants of the shell served in its place (`index.<name>.html`, e.g. one per language), each
   * also told the chunks the script loads on demand (by their source file's base name, e.g. `de`).
   */
  variants?: (
    html: string,
    assets: { script: string; style: string; chunks: Record<string, string> },
  ) => Record<string, string>;
}

function etag(bytes: Buffer): string {
  return `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 22)}"`;
}

/**
 * Fills `{{key}}` from `values`. A shell out of step with its build is an error either way: a
 * placeholder without a value, or a value without its placeholder (a template edited so that,
 * say, the language no longer reaches `<html lang>` would otherwise build without a word).
 */
export function fillTemplate(
  label: string,
  html: string,
  values: Record<string, string>,
  encode: (text: string) => string = (text) => text,
): string {
  const filled = new Set<string>();
  const shell = html.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new Error(`${label} index.html: no value for {{${key}}}`);
    filled.add(key);
    return encode(value);
  });
  const unused = Object.keys(values).filter((key) => !filled.has(key));
  if (unused.length > 0)
    throw new Error(
      `${label} index.html: no ${unused.map((key) => `{{${key}}}`).join(", ")} in the template`,
    );
  return shell;
}

export async function buildBrowserApp(app: BrowserApp, outDir: string): Promise<AssetManifest> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const sourceDir = path.join(repoRoot, "src", app.sourceDir);
  const entry = path.join(sourceDir, "main.ts");
  const result = await build({
    absWorkingDir: repoRoot,
    entryPoints: {
      [app.scriptEntry]: entry,
      style: path.join(sourceDir, "style.css"),
    },
    outdir: outDir,
    entryNames: "[name]-[hash]",
    // What the script imports with import() is its own file, loaded when asked for.
    splitting: true,
    chunkNames: "[name]-[hash]",
    bundle: true,
    platform: "browser",
    format: "esm",
    target: ["chrome120", "firefox120", "safari16"],
    minify: true,
    // Served as UTF-8: the translations' letters as they are, not six-byte escapes.
    charset: "utf8",
    sourcemap: false,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  const files: AssetManifest["files"] = {};
  let script = "";
  let style = "";
  const chunks: Record<string, string> = {};
  for (const [output, meta] of Object.entries(result.metafile.outputs)) {
    const name = path.basename(output);
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (!contentType) throw new Error(`esbuild produced an unexpected file for the ${app.label}: ${name}`);
    const bytes = readFileSync(path.join(repoRoot, output));
    files[name] = { contentType, immutable: true, etag: etag(bytes) };
    if (name.endsWith(".css")) style = name;
    else if (meta.entryPoint === path.relative(repoRoot, entry).split(path.sep).join("/")) script = name;
    // A file the script imports with import() (a language's strings) is known by its source's name.
    else if (meta.entryPoint) chunks[path.basename(meta.entryPoint, path.extname(meta.entryPoint))] = name;
  }
  if (!script || !style) throw new Error(`esbuild produced no script or style sheet for the ${app.label}`);
  const template = readFileSync(path.join(sourceDir, "index.html"), "utf8");
  const shells: Record<string, string> = { "index.html": app.shell(template, { script, style }) };
  for (const [variant, text] of Object.entries(app.variants?.(template, { script, style, chunks }) ?? {})) {
    shells[`index.${variant}.html`] = text;
  }
  for (const [name, html] of Object.entries(shells)) {
    writeFileSync(path.join(outDir, name), html);
    files[name] = {
      contentType: "text/html; charset=utf-8",
      immutable: false,
      etag: etag(Buffer.from(html)),
    };
  }
  const manifest: AssetManifest = { index: "index.html", files };
  writeFileSync(path.join(outDir, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** `node dist/dev/build/<app>.js [--out DIR]`: builds into DIR, by default dist/<defaultDir>. */
export function buildFromCommandLine(
  label: string,
  defaultDir: string,
  buildInto: (outDir: string) => Promise<AssetManifest>,
): void {
  const at = process.argv.indexOf("--out");
  const given = at > 0 ? process.argv[at + 1] : undefined;
  const outDir = given ? path.resolve(given) : path.join(repoRoot, "dist", defaultDir);
  buildInto(outDir).then(
    (m) => process.stdout.write(`${label}: ${Object.keys(m.files).join(", ")}\n`),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
