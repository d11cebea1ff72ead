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
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { adminConsoleConfigSchema } from "../admin/schemas";
import { getConfig } from "../config";
import { json, respond } from "../http";
import { StaticAssets } from "../staticAssets";

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

const CONSOLE = new StaticAssets(CONSOLE_ASSETS_DIR, {
  code: "console_not_built",
  message: "The admin console was not built (npm run build)",
});

export async function adminConsole(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => CONSOLE.index(request, commonHeaders()));
}

export async function adminConsoleAsset(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => CONSOLE.file(request, commonHeaders()));
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
