/**
 * The admin console (`GET /admin`), its static files (`GET /admin/assets/{file}`) and its
 * sign-in settings (`GET /admin/config.json`). Built by esbuild from `src/console/` into
 * `console-assets/` beside the app (dev/build/console.ts); only files named in its manifest
 * are served, like the recovery page's (recoverPage.ts).
 *
 * The console signs the admin in with Entra (authorization code + PKCE, @azure/msal-browser)
 * as the admin API's own app registration, and calls the admin API on this origin with the
 * access token. Its Content-Security-Policy is the recovery page's, plus the one origin the
 * sign-in library must reach from the page: the Entra authority's token endpoint (fetch).
 * Silent renewal uses the refresh token only, never a hidden frame, so nothing is framed.
 * No inline script or style.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { adminConsoleConfigSchema } from "../admin/schemas";
import { getConfig } from "../config";
import { json, problem, respond } from "../http";
import { DependencyError, NotFoundError } from "../recovery/errors";

export const CONSOLE_ASSETS_DIR = "console-assets";

/** The console's CSP: nothing inline, scripts and styles from this origin, the authority for sign-in. */
export function consoleContentSecurityPolicy(authorityOrigin: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    // data: for the empty favicon (no request for /favicon.ico)
    "img-src 'self' data:",
    `connect-src 'self' ${authorityOrigin}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

function commonHeaders(): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": consoleContentSecurityPolicy(
      new URL(getConfig().adminApi.authorityHost).origin,
    ),
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
  };
}

interface Asset {
  contentType: string;
  immutable: boolean;
  etag: string;
  body: Buffer;
}

let loaded: Map<string, Asset> | undefined;

/** The nearest `console-assets/manifest.json` above this module (tsc output or the bundle). */
function findAssetsDir(): string | undefined {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, CONSOLE_ASSETS_DIR, "manifest.json")))
      return path.join(dir, CONSOLE_ASSETS_DIR);
    if (path.dirname(dir) === dir) return undefined;
  }
}

function assets(): Map<string, Asset> {
  if (loaded) return loaded;
  const dir = findAssetsDir();
  if (!dir)
    throw new DependencyError("console_not_built", "The admin console was not built (npm run build)", false);
  const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as {
    index: string;
    files: Record<string, Omit<Asset, "body">>;
  };
  const files = new Map<string, Asset>();
  for (const [name, meta] of Object.entries(manifest.files)) {
    files.set(name, { ...meta, body: readFileSync(path.join(dir, path.basename(name))) });
  }
  const index = files.get(manifest.index);
  if (!index)
    throw new DependencyError("console_not_built", "The admin console's manifest has no index", false);
  files.set("", index);
  loaded = files;
  return files;
}

function serve(request: HttpRequest, asset: Asset): HttpResponseInit {
  const headers = {
    ...commonHeaders(),
    "Content-Type": asset.contentType,
    "Cache-Control": asset.immutable ? "public, max-age=31536000, immutable" : "no-cache",
    ETag: asset.etag,
  };
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch?.split(",").some((tag) => tag.trim() === asset.etag)) return { status: 304, headers };
  return { status: 200, headers, body: asset.body };
}

export async function adminConsole(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => serve(request, assets().get("") as Asset));
}

export async function adminConsoleAsset(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const asset = assets().get(request.params.file ?? "");
    if (!asset?.immutable) {
      const refused = problem(new NotFoundError("asset_not_found", "No such file"));
      return { ...refused, headers: { ...refused.headers, ...commonHeaders() } };
    }
    return serve(request, asset);
  });
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * What the console needs to sign in: the client id (the admin API's app registration, which
 * also holds the SPA redirect URI), the tenant's authority and the API scope. Public values
 * (every SPA ships them); nothing here is a secret.
 */
export async function adminConsoleConfig(
  _request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const config = getConfig();
    const clientId = config.adminApi.audiences.find((a) => GUID.test(a));
    const authority = `${config.adminApi.authorityHost}/${config.tenantId}`;
    const body = clientId
      ? {
          configured: true,
          clientId,
          authority,
          knownAuthorities: [new URL(authority).host],
          scopes: [`${clientId}/.default`],
        }
      : { configured: false };
    return json(200, adminConsoleConfigSchema.parse(body), {
      ...commonHeaders(),
      "Cache-Control": "no-cache",
    });
  });
}
