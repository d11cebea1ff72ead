/**
 * Key Vault simulator: the secrets REST subset that `@azure/keyvault-secrets` SecretClient
 * uses (get latest / get version / list versions / set), including the challenge flow the
 * SDK insists on (docs/facts.md §4): an unauthenticated first call gets 401 + WWW-Authenticate
 * naming the tenant's authority and the vault resource, after which the SDK asks its
 * credential for a token and retries with a bearer.
 */

import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHttpServer } from "../../support/httpServer";
import { close, createRouter, listen, readBody, sendJson } from "../http";

export interface KeyVaultSimulatorOptions {
  port?: number;
  host?: string;
  /** The only bearer token accepted. */
  acceptedToken: string;
  /** Tenant named in the WWW-Authenticate challenge. */
  tenantId: string;
  /** Initial secrets (one version each). */
  secrets?: Record<string, string>;
}

export interface KeyVaultSimulator {
  readonly url: string;
  stop(): Promise<void>;
  /** Adds a new version (it becomes the latest); returns the version id. */
  setSecret(
    name: string,
    value: string,
    options?: { contentType?: string; tags?: Record<string, string> },
  ): string;
}

interface SecretVersion {
  version: string;
  value: string;
  /** Unix seconds, as Key Vault reports them. */
  created: number;
  contentType?: string;
  tags?: Record<string, string>;
}

/** Key Vault secret names: 1–127 alphanumerics and dashes. */
const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

export async function startKeyVaultSimulator(options: KeyVaultSimulatorOptions): Promise<KeyVaultSimulator> {
  const store = new Map<string, SecretVersion[]>();
  let baseUrl = "";

  const addVersion = (
    name: string,
    value: string,
    extra: { contentType?: string; tags?: Record<string, string> } = {},
  ): SecretVersion => {
    const entry: SecretVersion = {
      // Real versions are 32 lowercase hex characters.
      version: randomBytes(16).toString("hex"),
      value,
      created: Math.floor(Date.now() / 1000),
      ...(extra.contentType !== undefined ? { contentType: extra.contentType } : {}),
      ...(extra.tags !== undefined ? { tags: extra.tags } : {}),
    };
    const versions = store.get(name) ?? [];
    versions.push(entry);
    store.set(name, versions);
    return entry;
  };
  for (const [name, value] of Object.entries(options.secrets ?? {})) addVersion(name, value);

  const attributes = (v: SecretVersion) => ({
    enabled: true,
    created: v.created,
    updated: v.created,
    recoveryLevel: "Recoverable+Purgeable",
    recoverableDays: 90,
  });
  const secretId = (name: string, v: SecretVersion) => `${baseUrl}/secrets/${name}/${v.version}`;
  const bundle = (name: string, v: SecretVersion) => ({
    value: v.value,
    id: secretId(name, v),
    attributes: attributes(v),
    ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
    ...(v.tags !== undefined ? { tags: v.tags } : {}),
  });
  const kvError = (res: ServerResponse, status: number, code: string, message: string, headers = {}) =>
    sendJson(res, status, { error: { code, message } }, headers);
  const notFound = (res: ServerResponse, name: string, version?: string) =>
    kvError(
      res,
      404,
      "SecretNotFound",
      version
        ? `A secret with (name/id) ${name}/${version} was not found in this key vault.`
        : `A secret with (name/id) ${name} was not found in this key vault.`,
    );

  /** Bearer check first, before reading any body: the SDK's first (challenge) call has none. */
  const authorized = (req: IncomingMessage, res: ServerResponse): boolean => {
    const challenge = {
      "WWW-Authenticate": `Bearer authorization="https://login.microsoftonline.com/${options.tenantId}", resource="https://vault.azure.net"`,
    };
    const header = req.headers.authorization ?? "";
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) {
      kvError(res, 401, "Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", challenge);
      return false;
    }
    if (match[1] !== options.acceptedToken) {
      kvError(res, 401, "Unauthorized", "AKV10032: Invalid issuer or token.", challenge);
      return false;
    }
    return true;
  };
  /** Key Vault rejects calls without api-version; the SDK always sends one. */
  const hasApiVersion = (res: ServerResponse, query: URLSearchParams): boolean => {
    if (query.get("api-version")) return true;
    kvError(res, 400, "BadParameter", "The api-version parameter is missing.");
    return false;
  };
  const validName = (res: ServerResponse, name: string): boolean => {
    if (SECRET_NAME.test(name)) return true;
    kvError(res, 400, "BadParameter", `The secret name '${name}' is invalid.`);
    return false;
  };

  const router = createRouter()
    .get("/secrets", ({ req, res, query }) => {
      if (!authorized(req, res) || !hasApiVersion(res, query)) return;
      const value = [...store.entries()].flatMap(([name, versions]) => {
        const latest = versions.at(-1);
        return latest ? [{ id: `${baseUrl}/secrets/${name}`, attributes: attributes(latest) }] : [];
      });
      sendJson(res, 200, { value, nextLink: null });
    })
    .get("/secrets/:name/versions", ({ req, res, params, query }) => {
      if (!authorized(req, res) || !hasApiVersion(res, query)) return;
      const name = params["name"] ?? "";
      const versions = store.get(name);
      if (!versions) return notFound(res, name);
      sendJson(res, 200, {
        value: versions.map((v) => ({
          id: secretId(name, v),
          attributes: attributes(v),
          ...(v.contentType !== undefined ? { contentType: v.contentType } : {}),
          ...(v.tags !== undefined ? { tags: v.tags } : {}),
        })),
        nextLink: null,
      });
    })
    // The SDK asks for the latest as `/secrets/{name}/` (empty version); the router drops the slash.
    .get("/secrets/:name", ({ req, res, params, query }) => {
      if (!authorized(req, res) || !hasApiVersion(res, query)) return;
      const name = params["name"] ?? "";
      const latest = store.get(name)?.at(-1);
      if (!latest) return notFound(res, name);
      sendJson(res, 200, bundle(name, latest));
    })
    .get("/secrets/:name/:version", ({ req, res, params, query }) => {
      if (!authorized(req, res) || !hasApiVersion(res, query)) return;
      const name = params["name"] ?? "";
      const version = params["version"] ?? "";
      const found = store.get(name)?.find((v) => v.version === version);
      if (!found) return notFound(res, name, version);
      sendJson(res, 200, bundle(name, found));
    })
    .put("/secrets/:name", async ({ req, res, params, query }) => {
      if (!authorized(req, res) || !hasApiVersion(res, query)) return;
      const name = params["name"] ?? "";
      if (!validName(res, name)) return;
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return kvError(res, 400, "BadParameter", "The request body is not valid JSON.");
      }
      const fields = (body ?? {}) as { value?: unknown; contentType?: unknown; tags?: unknown };
      if (typeof fields.value !== "string") {
        return kvError(res, 400, "BadParameter", "Property 'value' is required and must be a string.");
      }
      const entry = addVersion(name, fields.value, {
        ...(typeof fields.contentType === "string" ? { contentType: fields.contentType } : {}),
        ...(isStringRecord(fields.tags) ? { tags: fields.tags } : {}),
      });
      sendJson(res, 200, bundle(name, entry));
    });

  const server = createHttpServer(
    router.listener(({ res }) => kvError(res, 400, "BadParameter", "Unsupported Key Vault operation.")),
  );
  baseUrl = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");

  return {
    url: baseUrl,
    stop: () => close(server),
    setSecret(name, value, extra) {
      if (!SECRET_NAME.test(name)) throw new Error(`Invalid Key Vault secret name: ${name}`);
      return addVersion(name, value, extra).version;
    },
  };
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string")
  );
}
