/**
 * The reference recovery page (`GET /`, also `/recover`, where the IDV provider's return
 * lands) and its static files (`GET /assets/{file}`). The page is built by esbuild from
 * `src/page/` into `page-assets/` beside the app (dev/build/page.ts); only files named in its
 * manifest are served. Hashed assets are immutable; the HTML shell is revalidated (ETag).
 * Every answer carries a strict Content-Security-Policy: no inline script or style at all.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { problem, respond } from "../http";
import { DependencyError, NotFoundError } from "../recovery/errors";

export const PAGE_ASSETS_DIR = "page-assets";

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // data: for the QR code the Verified ID Request Service returns as a data URL
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

const COMMON_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
} as const;

interface Manifest {
  index: string;
  files: Record<string, { contentType: string; immutable: boolean; etag: string }>;
}

interface Asset {
  contentType: string;
  immutable: boolean;
  etag: string;
  body: Buffer;
}

let loaded: Map<string, Asset> | undefined;

/** The nearest `page-assets/manifest.json` above this module (tsc output or the bundle). */
function findAssetsDir(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, PAGE_ASSETS_DIR, "manifest.json"))) return path.join(dir, PAGE_ASSETS_DIR);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Read once per process: the files are small and never change while the app runs. */
function assets(): Map<string, Asset> {
  if (loaded) return loaded;
  const dir = findAssetsDir();
  if (!dir)
    throw new DependencyError("page_not_built", "The reference page was not built (npm run build)", false);
  const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as Manifest;
  const files = new Map<string, Asset>();
  for (const [name, meta] of Object.entries(manifest.files)) {
    files.set(name, { ...meta, body: readFileSync(path.join(dir, path.basename(name))) });
  }
  const index = files.get(manifest.index);
  if (!index) throw new Error(`page manifest: index ${manifest.index} is not one of its files`);
  files.set("", index);
  loaded = files;
  return files;
}

function serve(request: HttpRequest, asset: Asset): HttpResponseInit {
  const headers = {
    ...COMMON_HEADERS,
    "Content-Type": asset.contentType,
    "Cache-Control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    ETag: asset.etag,
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch?.split(",").some((tag) => tag.trim() === asset.etag)) return { status: 304, headers };
  return { status: 200, headers, body: asset.body };
}

export async function recoverPage(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const index = assets().get("");
    if (!index) throw new Error("page index missing");
    return serve(request, index);
  });
}

export async function pageAsset(request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const asset = assets().get(request.params.file ?? "");
    // Only the hashed bundle files live under /assets; the shell is served at / and /recover.
    if (!asset?.immutable) {
      const refused = problem(new NotFoundError("asset_not_found", "No such file"));
      return { ...refused, headers: { ...refused.headers, ...COMMON_HEADERS } };
    }
    return serve(request, asset);
  });
}
