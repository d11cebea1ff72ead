/**
 * Microsoft Graph simulator: a real HTTP server speaking the v1.0 (and /beta) subset the app
 * uses, so production code reaches it through `@microsoft/microsoft-graph-client` with only
 * the base URL changed. Every call needs the configured bearer token; faults (429 with
 * Retry-After, 5xx) can be injected per path, including inside $batch; tests read the
 * resulting state (methods, issued passes in plaintext, revocations) directly, and humans
 * through GET/POST /_sim/… with curl.
 */

import { createHash, randomUUID, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createHttpServer } from "../../support/httpServer";
import { close, createRouter, HttpError, listen, readBody, readJson, sendEmpty, sendJson } from "../http";
import { type BatchItem, runBatch } from "./batch";
import { badRequest, GraphFailure, graphErrorBody, invalidJson, methodNotAllowed } from "./errors";
import { type FailureRule, Faults, type NetworkFaultRule, type ThrottleRule } from "./faults";
import type { IssuedTemporaryAccessPass, MethodSeed, Revocations, SentMail, TenantSeed } from "./model";
import { type GraphRequest, type GraphResponse, routeGraphRequest } from "./routes";
import { type Json, type JsonObject, renderMethod } from "./shapes";
import { Tenant } from "./tenant";

export type { FailureRule, NetworkFaultRule, ThrottleRule } from "./faults";
export { type GeneratedUsersOptions, generatedUsers } from "./generate";
export * from "./model";

export interface GraphSimulatorOptions {
  /** 0 or omitted: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The only bearer token accepted on /v1.0 and /beta. */
  acceptedToken: string;
  tenant: TenantSeed;
  /** Source of "now" for created/start times, TAP usability and revocations. Default: the system clock. */
  clock?: () => Date;
}

export interface LoggedRequest {
  time: string;
  method: string;
  /** Below the version, URI-decoded, without query: "/users/adele.vance@contoso.example". */
  path: string;
  version: string;
  query: Record<string, string>;
  body: Json | undefined;
  status: number;
  inBatch: boolean;
  /** The item's id when inBatch. */
  batchItemId?: string;
  clientRequestId: string;
}

export interface UserSnapshot {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  mail: string | null;
  accountEnabled: boolean;
  lastSuccessfulSignInDateTime: string | null;
  memberOf: string[];
  transitiveMemberOf: string[];
  defaultMfaMethodId: string | null;
  signInSessionsValidFromDateTime: string | null;
}

export interface GraphSimulator {
  /** e.g. http://127.0.0.1:54321 — give the Graph client baseUrl `${url}/` and defaultVersion "v1.0". */
  readonly url: string;
  stop(): Promise<void>;
  /** Every Graph request so far, $batch items included (as separate entries, inBatch: true). */
  readonly requests: readonly LoggedRequest[];
  clearRequests(): void;
  throttle(rule: ThrottleRule): void;
  failNext(rule: FailureRule): void;
  /** Slow answers and dropped connections for the next matching top-level requests. */
  networkFault(rule: NetworkFaultRule): void;
  user(idOrUpn: string): UserSnapshot | undefined;
  /** The user's methods as GET /authentication/methods renders them. Throws for an unknown user. */
  methods(userIdOrUpn: string): JsonObject[];
  /** Every pass issued to the user, oldest first, plaintext included. Throws for an unknown user. */
  temporaryAccessPasses(userIdOrUpn: string): IssuedTemporaryAccessPass[];
  /**
   * Registers a method for the user as the user would (security info page), created now by the
   * simulator's clock unless the seed says when. Throws for an unknown user.
   */
  registerMethod(userIdOrUpn: string, method: MethodSeed): void;
  revocations(userIdOrUpn: string): Revocations;
  /** Every message accepted by sendMail, oldest first. */
  readonly sentMail: readonly SentMail[];
  /** Fresh state from `seed` (default: the seed given at start); also clears faults and the log. */
  reset(seed?: TenantSeed): void;
  /** Accepts one more bearer token from now on (besides `acceptedToken`). */
  acceptToken(token: string): void;
}

/** Graph accepts bodies up to 4 MB. */
const BODY_LIMIT = 4 * 1024 * 1024;
const JSON_CONTENT_TYPE =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";
const VERSIONS = new Set(["v1.0", "beta"]);

export async function startGraphSimulator(options: GraphSimulatorOptions): Promise<GraphSimulator> {
  if (typeof options.acceptedToken !== "string" || options.acceptedToken === "") {
    throw new TypeError("startGraphSimulator: acceptedToken must be a non-empty string");
  }
  const clock = options.clock ?? (() => new Date());
  const initialSeed = options.tenant;
  let tenant = new Tenant(initialSeed, clock);
  const faults = new Faults();
  let log: LoggedRequest[] = [];
  // More tokens can be accepted later (acceptToken): e.g. a JWT-shaped token whose `roles` claim a test sets.
  const acceptedDigests = [digest(options.acceptedToken)];

  /** Runs one request (top-level or $batch item): injected faults, routing, error rendering, logging. */
  const execute = (
    req: GraphRequest,
    context: { inBatch: boolean; batchItemId?: string; failure?: GraphFailure },
  ) => {
    const requestId = randomUUID();
    const clientRequestId = req.headers["client-request-id"] ?? requestId;
    const path = safeDecode(req.path);
    let response: GraphResponse;
    try {
      if (context.failure) throw context.failure;
      const fault = faults.take(req.method, path);
      if (fault) throw fault;
      if (!context.inBatch && path === "/$batch") {
        if (req.method !== "POST") throw methodNotAllowed();
        response = runBatch(req, (item: BatchItem) =>
          execute(
            item.request,
            item.failure
              ? { inBatch: true, batchItemId: item.id, failure: item.failure }
              : { inBatch: true, batchItemId: item.id },
          ),
        );
      } else {
        response = routeGraphRequest(tenant, req);
      }
      const lost = response.status < 400 ? faults.take(req.method, path, "after") : undefined;
      if (lost) throw lost;
    } catch (err) {
      const failure =
        err instanceof GraphFailure
          ? err
          : new GraphFailure(
              500,
              "generalException",
              `Simulator error: ${err instanceof Error ? err.message : String(err)}`,
            );
      response = {
        status: failure.status,
        headers: { ...failure.headers },
        body: graphErrorBody(
          failure.code,
          failure.message,
          clock(),
          requestId,
          clientRequestId,
        ) as unknown as Json,
      };
    }
    response.headers["request-id"] = requestId;
    response.headers["client-request-id"] = clientRequestId;
    response.headers["x-ms-ags-diagnostic"] = JSON.stringify({
      ServerInfo: {
        DataCenter: "Local Simulator",
        Slice: "E",
        Ring: "0",
        ScaleUnit: "000",
        RoleInstance: "SIM",
      },
    });
    if (response.body !== undefined) response.headers["Content-Type"] = JSON_CONTENT_TYPE;
    const entry: LoggedRequest = {
      time: clock().toISOString(),
      method: req.method,
      path,
      version: req.version,
      query: Object.fromEntries(req.query),
      body: req.body,
      status: response.status,
      inBatch: context.inBatch,
      clientRequestId,
    };
    if (context.batchItemId !== undefined) entry.batchItemId = context.batchItemId;
    log.push(entry);
    return response;
  };

  const handleGraph = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const [, version = "", ...rest] = url.pathname.split("/");
    const graphReq = (body: Json | undefined): GraphRequest => ({
      origin: baseUrl,
      method: (req.method ?? "GET").toUpperCase(),
      version,
      path: `/${rest.join("/")}`,
      query: url.searchParams,
      headers,
      body,
    });

    let text = "";
    let failure: GraphFailure | undefined;
    try {
      text = await readBody(req, BODY_LIMIT);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      failure = new GraphFailure(413, "RequestEntityTooLarge", "The request body is too large.");
    }
    let body: Json | undefined;
    if (!failure) {
      if (!VERSIONS.has(version)) failure = badRequest(`Invalid version: ${version}`);
      else failure = authenticate(headers.authorization, acceptedDigests);
    }
    if (!failure && text.trim() !== "") {
      try {
        body = JSON.parse(text) as Json;
      } catch {
        failure = invalidJson();
      }
    }
    const request = graphReq(body);
    const network = failure ? undefined : faults.takeNetwork(request.method, safeDecode(request.path));
    if (network?.kind === "slow") await new Promise((r) => setTimeout(r, network.delayMs));
    if (network?.kind === "drop" && !network.afterWrite) {
      res.destroy();
      return;
    }
    const response = execute(request, failure ? { inBatch: false, failure } : { inBatch: false });
    if (network?.kind === "drop") {
      res.destroy();
      return;
    }
    if (res.destroyed) return; // the client gave up while we were slow
    if (response.body === undefined) sendEmpty(res, response.status, response.headers);
    else sendJson(res, response.status, response.body, response.headers);
  };

  const simRouter = createRouter()
    .get("/_sim", ({ res }) =>
      sendJson(res, 200, {
        endpoints: [
          "GET /_sim/requests",
          "DELETE /_sim/requests",
          "POST /_sim/throttle {method?, path, regex?, times, retryAfterSeconds}",
          "POST /_sim/fail {method?, path, regex?, times, status, code, message?, retryAfterSeconds?}",
          'POST /_sim/network {method?, path, regex?, times, kind: "slow"|"drop", delayMs?, afterWrite?}',
          "GET /_sim/users/{idOrUpn}/state",
          "GET /_sim/mail",
          "POST /_sim/reset",
        ],
      }),
    )
    .get("/_sim/requests", ({ res }) => sendJson(res, 200, log))
    .delete("/_sim/requests", ({ res }) => {
      log = [];
      sendEmpty(res, 204);
    })
    .post("/_sim/throttle", async ({ req, res }) => {
      const rule = await readRule(req);
      wrapTypeError(() => faults.throttle(rule as unknown as ThrottleRule));
      sendJson(res, 201, { ok: true });
    })
    .post("/_sim/fail", async ({ req, res }) => {
      const rule = await readRule(req);
      wrapTypeError(() => faults.failNext(rule as unknown as FailureRule));
      sendJson(res, 201, { ok: true });
    })
    .post("/_sim/network", async ({ req, res }) => {
      const rule = await readRule(req);
      wrapTypeError(() => faults.network(rule as unknown as NetworkFaultRule));
      sendJson(res, 201, { ok: true });
    })
    .get("/_sim/mail", ({ res }) => sendJson(res, 200, simulator.sentMail))
    .get("/_sim/users/:id/state", ({ res, params }) => {
      const id = params.id!;
      const user = simulator.user(id);
      if (!user) throw new HttpError(404, `No user '${id}'`, "NotFound");
      sendJson(res, 200, {
        user,
        methods: simulator.methods(id),
        temporaryAccessPasses: simulator.temporaryAccessPasses(id),
        revocations: simulator.revocations(id),
      });
    })
    .post("/_sim/reset", ({ res }) => {
      simulator.reset();
      sendEmpty(res, 204);
    });
  const simListener = simRouter.listener();

  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/_sim" || url.pathname.startsWith("/_sim/")) {
      simListener(req, res);
      return;
    }
    handleGraph(req, res, url).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { code: "generalException", message: String(err) } });
      else res.destroy();
    });
  });
  const baseUrl = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");

  const requireUser = (idOrUpn: string) => {
    const user = tenant.findUser(idOrUpn);
    if (!user) throw new Error(`Graph simulator: no user '${idOrUpn}'`);
    return user;
  };

  const simulator: GraphSimulator = {
    url: baseUrl,
    stop: () => close(server),
    get requests() {
      return log.map((entry) => ({ ...entry }));
    },
    clearRequests() {
      log = [];
    },
    throttle: (rule) => faults.throttle(rule),
    failNext: (rule) => faults.failNext(rule),
    networkFault: (rule) => faults.network(rule),
    user(idOrUpn) {
      const user = tenant.findUser(idOrUpn);
      if (!user) return undefined;
      const s = user.seed;
      return {
        id: s.id,
        userPrincipalName: s.userPrincipalName,
        displayName: s.displayName,
        givenName: s.givenName ?? null,
        surname: s.surname ?? null,
        mail: s.mail ?? null,
        accountEnabled: s.accountEnabled,
        lastSuccessfulSignInDateTime: s.lastSuccessfulSignInDateTime ?? null,
        memberOf: [...s.memberOf],
        transitiveMemberOf: tenant.transitiveGroupIds(user),
        defaultMfaMethodId: user.defaultMfaMethodId ?? null,
        signInSessionsValidFromDateTime: user.signInSessionsValidFromDateTime,
      };
    },
    methods: (idOrUpn) => requireUser(idOrUpn).methods.map((m) => renderMethod(m, tenant, true)),
    temporaryAccessPasses: (idOrUpn) => requireUser(idOrUpn).issuedPasses.map((p) => ({ ...p })),
    registerMethod(idOrUpn, method) {
      const user = requireUser(idOrUpn);
      user.methods = [
        ...user.methods,
        { ...method, createdDateTime: method.createdDateTime ?? clock().toISOString() },
      ];
    },
    get sentMail() {
      return tenant.sentMail.map((m) => structuredClone(m));
    },
    revocations(idOrUpn) {
      const at = requireUser(idOrUpn).revocations;
      return { count: at.length, timestamps: [...at] };
    },
    acceptToken(token) {
      if (typeof token !== "string" || token === "") throw new TypeError("acceptToken: a non-empty string");
      acceptedDigests.push(digest(token));
    },
    reset(seed) {
      tenant = new Tenant(seed ?? initialSeed, clock);
      faults.clear();
      log = [];
    },
  };
  return simulator;
}

/** Missing/wrong token → Graph's 401; undefined when the caller may proceed. */
function authenticate(
  authorization: string | undefined,
  acceptedDigests: readonly Buffer[],
): GraphFailure | undefined {
  const challenge = {
    "WWW-Authenticate":
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
  };
  const match = /^Bearer\s+(.+)$/i.exec(authorization ?? "");
  if (!match) return new GraphFailure(401, "InvalidAuthenticationToken", "Access token is empty.", challenge);
  // Compare digests so the comparison takes the same time whatever the token's length.
  const presented = digest(match[1]!.trim());
  if (!acceptedDigests.some((accepted) => timingSafeEqual(presented, accepted))) {
    return new GraphFailure(401, "InvalidAuthenticationToken", "Access token validation failure.", challenge);
  }
  return undefined;
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

async function readRule(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readJson(req);
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new HttpError(400, "Expected a JSON object", "BadRequest");
  }
  const rule = { ...(body as Record<string, unknown>) };
  if (rule.regex === true && typeof rule.path === "string") rule.path = new RegExp(rule.path);
  delete rule.regex;
  return rule;
}

function wrapTypeError(action: () => void): void {
  try {
    action();
  } catch (err) {
    if (err instanceof TypeError) throw new HttpError(400, err.message, "BadRequest");
    throw err;
  }
}
