/**
 * Entra token issuer simulator: the v2.0 endpoints the admin API's token validation reads
 * (`/{tenant}/discovery/v2.0/keys`, `/{tenant}/v2.0/.well-known/openid-configuration`) and
 * `/_sim/token`, which mints RS256 access tokens shaped like Entra's v2 tokens for an app with
 * app roles (`iss`, `aud`, `tid`, `oid`, `roles`, `ver: "2.0"`). `npm start` and the tests use
 * it as the authority host, so the app validates admin tokens through the same code as in
 * Azure. It can also mint the bad tokens a test needs: signed by a key it does not publish,
 * for another tenant or audience, expired, `alg: none`, and rotate its published key.
 */

import { type KeyObject, randomBytes, randomUUID } from "node:crypto";
import type { Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { base64url, exportJWK, type JWK, SignJWT } from "jose";
import { createHttpServer, KEEP_ALIVE_MS } from "../../support/httpServer";
import { keyPair } from "../../support/keyPairs";
import { close, createRouter, listen, readJson, sendJson } from "../http";
import { addSignIn, type DemoAccount, preflight, type SignInControl, type SignInOptions } from "./signIn";

export { DEMO_CONSOLE_ACCOUNTS, type DemoAccount } from "./signIn";

export interface EntraSimulatorOptions {
  port?: number;
  host?: string;
  /** The tenant whose keys are served (any tenant path is answered with the same keys, as Entra's common keys are). */
  tenantId: string;
  /** Default `aud` of minted tokens: the admin API's application (client) id. */
  audience: string;
  /**
   * The admin console's interactive sign-in (authorize, token, logout endpoints; see
   * signIn.ts). The client id is `audience`: the console signs in as the API's own app.
   */
  signIn?: Omit<SignInOptions, "clientId">;
  /**
   * Serve over https as well (key and certificate in PEM, dev/support/devCertificate.ts), on
   * `tlsPort` (default: a free one). The authority host (`url`, and so `iss`) is then the
   * https one, as @azure/msal-browser accepts only https authorities; plain http stays open
   * at `plainUrl` for local tools (`npm run admin-token`).
   */
  tls?: { key: string; cert: string };
  tlsPort?: number;
}

export interface MintOptions {
  roles?: string[];
  oid?: string;
  /** Default: the configured audience. */
  aud?: string;
  /** Default: the configured tenant (also used in `iss`). */
  tid?: string;
  /** Default: `{url}/{tid}/v2.0`. */
  iss?: string;
  /** Lifetime in seconds from `iat` (negative: already expired). Default 3600. */
  expiresInSeconds?: number;
  /** Seconds to shift `iat`/`nbf` by (negative: issued in the past). */
  issuedAtOffsetSeconds?: number;
  /**
   * `published` (default): the served key. `foreign`: another key under the published `kid`
   * (a bad signature). `unknown`: another key under its own `kid`, which the JWKS never lists.
   */
  key?: "published" | "foreign" | "unknown";
  /** An unsigned token (`alg: none`) with the same claims. */
  unsigned?: boolean;
  /** Extra or overriding claims. */
  claims?: Record<string, unknown>;
}

export interface EntraSimulator {
  /** The authority host (ENTRA_AUTHORITY_HOST), e.g. http://127.0.0.1:54321 (https with `tls`). */
  readonly url: string;
  /** The plain http listener (the same as `url` without `tls`). */
  readonly plainUrl: string;
  /** The interactive sign-in's controls, when `signIn` was given. */
  readonly signIn: SignInControl | undefined;
  readonly tenantId: string;
  /** `iss` of this tenant's v2 tokens. */
  issuer(tenantId?: string): string;
  mint(options?: MintOptions): Promise<string>;
  /** Publishes a new signing key (the old one is dropped); tokens minted afterwards use it. */
  rotateKey(): Promise<void>;
  /** How many times the JWKS was fetched (cache tests). */
  readonly jwksFetches: number;
  stop(): Promise<void>;
}

interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = keyPair("rsa");
  const kid = randomBytes(12).toString("base64url");
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, use: "sig", kty: "RSA" } };
}

const mintSchemaKeys = new Set([
  "roles",
  "oid",
  "aud",
  "tid",
  "iss",
  "expiresInSeconds",
  "issuedAtOffsetSeconds",
  "key",
  "unsigned",
  "claims",
]);

export async function startEntraSimulator(options: EntraSimulatorOptions): Promise<EntraSimulator> {
  let current = await newKey();
  const foreign = await newKey();
  let jwksFetches = 0;
  let baseUrl = "";

  const issuer = (tenantId = options.tenantId) => `${baseUrl}/${tenantId}/v2.0`;

  const mint = async (m: MintOptions = {}): Promise<string> => {
    const tid = m.tid ?? options.tenantId;
    const now = Math.floor(Date.now() / 1000) + (m.issuedAtOffsetSeconds ?? 0);
    const claims: Record<string, unknown> = {
      aud: m.aud ?? options.audience,
      iss: m.iss ?? issuer(tid),
      iat: now,
      nbf: now,
      exp: now + (m.expiresInSeconds ?? 3600),
      tid,
      oid: m.oid ?? randomUUID(),
      sub: randomBytes(16).toString("base64url"),
      azp: randomUUID(),
      ver: "2.0",
      ...(m.roles ? { roles: m.roles } : {}),
      ...m.claims,
    };
    if (m.unsigned) {
      const header = base64url.encode(JSON.stringify({ alg: "none", typ: "JWT" }));
      return `${header}.${base64url.encode(JSON.stringify(claims))}.`;
    }
    const key =
      m.key === "foreign" ? { ...foreign, kid: current.kid } : m.key === "unknown" ? foreign : current;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid })
      .sign(key.privateKey);
  };

  const router = createRouter()
    // Public documents: a browser (the admin console's sign-in library) reads them cross-origin.
    .get("/:tenant/discovery/v2.0/keys", ({ res }) => {
      jwksFetches++;
      sendJson(res, 200, { keys: [current.publicJwk] }, { "Access-Control-Allow-Origin": "*" });
    })
    .get("/:tenant/v2.0/.well-known/openid-configuration", ({ res, params }) => {
      const oauth = `${baseUrl}/${params.tenant}/oauth2/v2.0`;
      sendJson(
        res,
        200,
        {
          issuer: issuer(params.tenant),
          jwks_uri: `${baseUrl}/${params.tenant}/discovery/v2.0/keys`,
          token_endpoint: options.signIn ? `${oauth}/token` : `${baseUrl}/_sim/token`,
          ...(options.signIn
            ? {
                authorization_endpoint: `${oauth}/authorize`,
                end_session_endpoint: `${oauth}/logout`,
                response_types_supported: ["code"],
                response_modes_supported: ["query", "fragment"],
                code_challenge_methods_supported: ["S256"],
                scopes_supported: ["openid", "profile", "email", "offline_access"],
                subject_types_supported: ["pairwise"],
              }
            : {}),
          id_token_signing_alg_values_supported: ["RS256"],
        },
        { "Access-Control-Allow-Origin": "*" },
      );
    })
    // Dev only: a token for whoever asks (the simulator's whole point); body = MintOptions.
    .post("/_sim/token", async ({ req, res }) => {
      const body = ((await readJson(req)) ?? {}) as Record<string, unknown>;
      const unknown = Object.keys(body).filter((k) => !mintSchemaKeys.has(k));
      if (unknown.length > 0) {
        sendJson(res, 400, { error: "invalid_request", message: `unknown fields: ${unknown.join(", ")}` });
        return;
      }
      const token = await mint(body as MintOptions);
      sendJson(res, 200, { token_type: "Bearer", access_token: token, expires_in: 3600 });
    });

  let signIn: SignInControl | undefined;
  const browserOrigins = new Set((options.signIn?.redirectUris ?? []).map((u) => new URL(u).origin));
  if (options.signIn) {
    signIn = addSignIn(
      router,
      { ...options.signIn, clientId: options.audience },
      {
        accessToken: (account, tid, lifetime) =>
          mint({
            roles: account.roles,
            oid: account.oid,
            tid,
            expiresInSeconds: lifetime,
            claims: {
              azp: options.audience,
              name: account.name,
              preferred_username: account.preferredUsername,
            },
          }),
        idToken: (account, tid, nonce) => idToken(account, tid, nonce),
      },
    );
  }
  const idToken = async (account: DemoAccount, tid: string, nonce: string | undefined) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      aud: options.audience,
      iss: issuer(tid),
      iat: now,
      nbf: now,
      exp: now + 3600,
      tid,
      oid: account.oid,
      sub: account.oid,
      name: account.name,
      preferred_username: account.preferredUsername,
      roles: account.roles,
      ver: "2.0",
      ...(nonce ? { nonce } : {}),
    })
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: current.kid })
      .sign(current.privateKey);
  };

  const listener = router.listener();
  const withPreflight = (req: Parameters<typeof listener>[0], res: Parameters<typeof listener>[1]) => {
    if (req.method === "OPTIONS") preflight(req, res, browserOrigins);
    else listener(req, res);
  };
  const host = options.host ?? "127.0.0.1";
  const server = createHttpServer(withPreflight);
  const plainUrl = await listen(server, options.port ?? 0, host);
  let tlsServer: Server | undefined;
  baseUrl = plainUrl;
  if (options.tls) {
    tlsServer = createTlsServer(
      { key: options.tls.key, cert: options.tls.cert },
      withPreflight,
    ) as unknown as Server;
    tlsServer.keepAliveTimeout = KEEP_ALIVE_MS;
    tlsServer.headersTimeout = KEEP_ALIVE_MS + 1_000;
    baseUrl = (await listen(tlsServer, options.tlsPort ?? 0, host)).replace(/^http:/, "https:");
  }
  return {
    url: baseUrl,
    plainUrl,
    signIn,
    tenantId: options.tenantId,
    issuer,
    mint,
    async rotateKey() {
      current = await newKey();
    },
    get jwksFetches() {
      return jwksFetches;
    },
    stop: async () => {
      await Promise.all([close(server), ...(tlsServer ? [close(tlsServer)] : [])]);
    },
  };
}
