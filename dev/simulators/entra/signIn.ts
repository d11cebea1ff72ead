/**
 * The Entra simulator's interactive sign-in for the admin console: the v2.0 authorization
 * endpoint (a page where a person picks a demo account), the token endpoint (authorization
 * code with PKCE S256, refresh tokens) and the logout endpoint, as a single-page app
 * registered on the admin API's own app registration uses them through @azure/msal-browser.
 *
 * Checked like Entra checks a SPA: the client id must be the registered one, the redirect URI
 * one of its registered URIs exactly (a wrong one is an error page, never a redirect), PKCE
 * with S256 is required, a code is single-use, bound to its client, redirect URI and
 * verifier, and lives 10 minutes. The token endpoint answers CORS only for the origins of the
 * registered redirect URIs. Tokens carry the account's app roles in `roles` (access and ID
 * token), as Entra does for an app with app roles assigned to the user.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { escapeHtml } from "../../../src/html";
import { type Router, readBody, sendHtml, sendJson } from "../http";

/** A person the sign-in page offers. */
export interface DemoAccount {
  /** What the sign-in page's button says. */
  label: string;
  oid: string;
  name: string;
  preferredUsername: string;
  roles: string[];
}

/** The console's demo people: an admin, a reader, a helpdesk agent, and a member of the tenant without a console role. */
export const DEMO_CONSOLE_ACCOUNTS: Record<"admin" | "reader" | "helpdesk" | "noRole", DemoAccount> = {
  admin: {
    label: "Demo Admin (Recovery.Admin)",
    oid: "00000000-0000-4000-8000-0000000ad111",
    name: "Demo Admin",
    preferredUsername: "demo.admin@contoso.example",
    roles: ["Recovery.Admin"],
  },
  reader: {
    label: "Demo Reader (Recovery.Reader)",
    oid: "00000000-0000-4000-8000-0000000ad222",
    name: "Demo Reader",
    preferredUsername: "demo.reader@contoso.example",
    roles: ["Recovery.Reader"],
  },
  helpdesk: {
    label: "Demo Helpdesk agent (Recovery.Helpdesk)",
    oid: "00000000-0000-4000-8000-0000000ad444",
    name: "Demo Helpdesk",
    preferredUsername: "demo.helpdesk@contoso.example",
    roles: ["Recovery.Helpdesk"],
  },
  noRole: {
    label: "Demo User (no console role)",
    oid: "00000000-0000-4000-8000-0000000ad333",
    name: "Demo User",
    preferredUsername: "demo.user@contoso.example",
    roles: [],
  },
};

export interface SignInOptions {
  /** The SPA's client id (the admin API's own app registration). */
  clientId: string;
  /** Registered redirect URIs (SPA platform), compared exactly. */
  redirectUris: string[];
  accounts?: Record<string, DemoAccount>;
  /** Access token lifetime (default 3600 s). */
  accessTokenLifetimeSeconds?: number;
}

export interface SignInTokens {
  /** Signs an access token for the account (the simulator's published key). */
  accessToken(account: DemoAccount, tenantId: string, lifetimeSeconds: number): Promise<string>;
  /** Signs an ID token (same key, `aud` = client id, the request's nonce). */
  idToken(account: DemoAccount, tenantId: string, nonce: string | undefined): Promise<string>;
}

export interface SignInControl {
  /** Forgets every refresh token: the next silent renewal needs a new sign-in. */
  revokeSessions(): void;
  /** Successful code redemptions so far (tests). */
  readonly redemptions: number;
}

interface PendingRequest {
  tenant: string;
  redirectUri: string;
  state: string | undefined;
  nonce: string | undefined;
  scope: string;
  codeChallenge: string;
  responseMode: "query" | "fragment";
}

interface IssuedCode extends PendingRequest {
  account: DemoAccount;
  expiresAt: number;
}

interface RefreshGrant {
  account: DemoAccount;
  tenant: string;
  scope: string;
}

const CODE_LIFETIME_MS = 10 * 60 * 1000;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

function redirectWith(
  res: ServerResponse,
  redirectUri: string,
  mode: "query" | "fragment",
  params: Record<string, string | undefined>,
): void {
  const values = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) values.set(k, v);
  const target = new URL(redirectUri);
  if (mode === "fragment") target.hash = values.toString();
  else for (const [k, v] of values) target.searchParams.set(k, v);
  res.writeHead(302, { Location: target.toString(), "Cache-Control": "no-store" });
  res.end();
}

const s256 = (verifier: string) => createHash("sha256").update(verifier).digest("base64url");

/** Adds the interactive endpoints to the simulator's router. */
export function addSignIn(router: Router, options: SignInOptions, tokens: SignInTokens): SignInControl {
  const accounts: Record<string, DemoAccount> = options.accounts ?? DEMO_CONSOLE_ACCOUNTS;
  const lifetime = options.accessTokenLifetimeSeconds ?? 3600;
  const allowedOrigins = new Set(options.redirectUris.map((u) => new URL(u).origin));
  const pending = new Map<string, PendingRequest>();
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Map<string, RefreshGrant>();
  let redemptions = 0;

  const cors = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    return origin && allowedOrigins.has(origin)
      ? { "Access-Control-Allow-Origin": origin, Vary: "Origin" }
      : {};
  };
  const tokenError = (
    req: IncomingMessage,
    res: ServerResponse,
    error: string,
    description: string,
    suberror?: string,
  ): void => {
    sendJson(
      res,
      400,
      { error, error_description: description, ...(suberror ? { suberror } : {}) },
      { ...cors(req), "Cache-Control": "no-store" },
    );
  };

  const issue = async (
    req: IncomingMessage,
    res: ServerResponse,
    grant: RefreshGrant,
    nonce: string | undefined,
  ) => {
    const refresh = randomBytes(32).toString("base64url");
    refreshTokens.set(refresh, grant);
    const { account, tenant } = grant;
    sendJson(
      res,
      200,
      {
        token_type: "Bearer",
        scope: grant.scope,
        expires_in: lifetime,
        ext_expires_in: lifetime,
        access_token: await tokens.accessToken(account, tenant, lifetime),
        refresh_token: refresh,
        id_token: await tokens.idToken(account, tenant, nonce),
        client_info: Buffer.from(JSON.stringify({ uid: account.oid, utid: tenant })).toString("base64url"),
      },
      { ...cors(req), "Cache-Control": "no-store", Pragma: "no-cache" },
    );
  };

  router
    .get("/:tenant/oauth2/v2.0/authorize", ({ res, query, params }) => {
      const clientId = query.get("client_id");
      const redirectUri = query.get("redirect_uri") ?? "";
      // Entra never redirects to an unregistered URI: the error is shown here.
      if (clientId !== options.clientId) {
        sendHtml(res, 400, page("Sign-in error", "<p>AADSTS700016: unknown application (client_id).</p>"));
        return;
      }
      if (!options.redirectUris.includes(redirectUri)) {
        sendHtml(
          res,
          400,
          page(
            "Sign-in error",
            "<p>AADSTS50011: the redirect URI is not registered for this application.</p>",
          ),
        );
        return;
      }
      const responseMode = query.get("response_mode") === "fragment" ? "fragment" : "query";
      const state = query.get("state") ?? undefined;
      const fail = (error: string, description: string) =>
        redirectWith(res, redirectUri, responseMode, { error, error_description: description, state });
      if (query.get("response_type") !== "code") {
        fail("unsupported_response_type", "Only the authorization code flow is enabled.");
        return;
      }
      const codeChallenge = query.get("code_challenge") ?? "";
      if (query.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(codeChallenge)) {
        fail("invalid_request", "AADSTS9002325: PKCE with S256 is required for single-page applications.");
        return;
      }
      // No session is kept: a silent request (prompt=none) always needs the person.
      if (query.get("prompt") === "none") {
        fail("login_required", "AADSTS50058: no signed-in user.");
        return;
      }
      const id = randomBytes(16).toString("base64url");
      pending.set(id, {
        tenant: params.tenant ?? "",
        redirectUri,
        state,
        nonce: query.get("nonce") ?? undefined,
        scope: query.get("scope") ?? "",
        codeChallenge,
        responseMode,
      });
      const buttons = Object.entries(accounts)
        .map(
          ([key, a]) =>
            `<p><button type="submit" name="account" value="${escapeHtml(key)}">${escapeHtml(a.label)}</button></p>`,
        )
        .join("");
      sendHtml(
        res,
        200,
        page(
          "Sign in (Entra simulator)",
          `<p>Pick the demo account to sign in as. Nothing here is a real identity.</p>
<form method="post"><input type="hidden" name="request" value="${id}">${buttons}
<p><button type="submit" name="account" value="">Cancel</button></p></form>`,
        ),
        { "Cache-Control": "no-store" },
      );
    })
    .post("/:tenant/oauth2/v2.0/authorize", async ({ req, res }) => {
      const form = new URLSearchParams(await readBody(req, 16 * 1024));
      const id = form.get("request") ?? "";
      const request = pending.get(id);
      pending.delete(id);
      if (!request) {
        sendHtml(
          res,
          400,
          page("Sign-in error", "<p>This sign-in request is unknown or was used already.</p>"),
        );
        return;
      }
      const key = form.get("account") ?? "";
      const account = Object.hasOwn(accounts, key) ? accounts[key] : undefined;
      if (!account) {
        redirectWith(res, request.redirectUri, request.responseMode, {
          error: "access_denied",
          error_description: "The user cancelled the sign-in.",
          state: request.state,
        });
        return;
      }
      const code = randomBytes(32).toString("base64url");
      codes.set(code, { ...request, account, expiresAt: Date.now() + CODE_LIFETIME_MS });
      redirectWith(res, request.redirectUri, request.responseMode, {
        code,
        state: request.state,
        client_info: Buffer.from(JSON.stringify({ uid: account.oid, utid: request.tenant })).toString(
          "base64url",
        ),
      });
    })
    .post("/:tenant/oauth2/v2.0/token", async ({ req, res, params }) => {
      const form = new URLSearchParams(await readBody(req, 64 * 1024));
      if (form.get("client_id") !== options.clientId) {
        tokenError(req, res, "invalid_client", "AADSTS700016: unknown application.");
        return;
      }
      const grantType = form.get("grant_type");
      if (grantType === "authorization_code") {
        const code = form.get("code") ?? "";
        const issued = codes.get(code);
        // Single use: a code is gone after its first redemption, whatever the outcome.
        codes.delete(code);
        if (!issued || issued.expiresAt < Date.now() || issued.tenant !== params.tenant) {
          tokenError(req, res, "invalid_grant", "AADSTS70008: the code is unknown, used or expired.");
          return;
        }
        if (form.get("redirect_uri") !== issued.redirectUri) {
          tokenError(
            req,
            res,
            "invalid_grant",
            "AADSTS50148: redirect_uri differs from the authorization request.",
          );
          return;
        }
        if (s256(form.get("code_verifier") ?? "") !== issued.codeChallenge) {
          tokenError(
            req,
            res,
            "invalid_grant",
            "AADSTS501481: the code_verifier does not match the code_challenge.",
          );
          return;
        }
        redemptions++;
        await issue(
          req,
          res,
          { account: issued.account, tenant: issued.tenant, scope: form.get("scope") ?? issued.scope },
          issued.nonce,
        );
        return;
      }
      if (grantType === "refresh_token") {
        const token = form.get("refresh_token") ?? "";
        const grant = refreshTokens.get(token);
        refreshTokens.delete(token);
        if (!grant || grant.tenant !== params.tenant) {
          tokenError(
            req,
            res,
            "invalid_grant",
            "AADSTS700082: the refresh token is unknown, used or revoked.",
            // Entra marks a dead refresh token so: the client must ask the person.
            "bad_token",
          );
          return;
        }
        await issue(req, res, { ...grant, scope: form.get("scope") ?? grant.scope }, undefined);
        return;
      }
      tokenError(
        req,
        res,
        "unsupported_grant_type",
        "Only authorization_code and refresh_token are enabled.",
      );
    })
    .get("/:tenant/oauth2/v2.0/logout", ({ res, query }) => {
      // One demo session per simulator: signing out forgets every refresh token.
      refreshTokens.clear();
      const back = query.get("post_logout_redirect_uri");
      if (back && options.redirectUris.some((u) => new URL(u).origin === safeOrigin(back))) {
        res.writeHead(302, { Location: back, "Cache-Control": "no-store" });
        res.end();
        return;
      }
      sendHtml(res, 200, page("Signed out", "<p>You signed out. You can close this tab.</p>"));
    });

  return {
    revokeSessions: () => refreshTokens.clear(),
    get redemptions() {
      return redemptions;
    },
  };
}

function safeOrigin(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** CORS preflight for the token endpoint (and the public discovery documents). */
export function preflight(req: IncomingMessage, res: ServerResponse, allowed: Set<string>): void {
  const origin = req.headers.origin;
  if (!origin || !allowed.has(origin)) {
    res.writeHead(403);
    res.end();
    return;
  }
  res.writeHead(204, {
    "Access-Control-Allow-Origin": origin,
    "Access-Control-Allow-Methods": "GET, POST",
    "Access-Control-Allow-Headers": req.headers["access-control-request-headers"] ?? "",
    "Access-Control-Max-Age": "600",
    Vary: "Origin",
  });
  res.end();
}
