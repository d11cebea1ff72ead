/**
 * The host's HTTP front: serves every httpTrigger function at `/<routePrefix>/<route>`, the
 * durable client API, and the host endpoints under `/_host/` (clock, timers, faults). A request becomes
 * the RPC HttpData the worker would get, so the handler sees the library's own HttpRequest;
 * its HttpResponseInit / HttpResponse goes back out with status, headers (every Set-Cookie,
 * from headers and `cookies`), and a string, bytes, JSON or streamed body.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { HostClock } from "./clock";
import type { ClientBindingData } from "./durable/rpc";
import type { FunctionsCore, RegisteredFunction, RpcParameterBinding } from "./functionsCoreShim";
import { BodyTooLargeError, isLocalCaller, readBody, sendJson, sendProblem } from "./httpUtil";
import { clientInputBindings, type Invoker } from "./invocation";
import { describeError, type HostLogger } from "./log";
import { type CompiledTemplate, compareTemplates, compileTemplate, matchTemplate, splitPath } from "./routes";
import type { TimerTriggers } from "./timers";

/** What `@azure/functions` exports that we need at runtime (loaded from the app's copy). */
export interface FunctionsLibrary {
  HttpResponse: new (init?: unknown) => HttpResponseLike;
}

/**
 * An `HttpResponse` of the app's `@azure/functions`. A bundled app (the deployment package)
 * carries its own copy of the class, so `instanceof` against ours cannot see it: recognise
 * it by name (the bundle keeps class names) and shape.
 */
function isHttpResponse(value: unknown, library: FunctionsLibrary): boolean {
  if (value instanceof library.HttpResponse) return true;
  if (typeof value !== "object" || value === null) return false;
  const v = value as { constructor?: { name?: string }; status?: unknown; headers?: { get?: unknown } };
  return (
    v.constructor?.name === "HttpResponse" &&
    typeof v.status === "number" &&
    typeof v.headers?.get === "function"
  );
}

interface CookieLike {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  expires?: Date | number;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: "Strict" | "Lax" | "None";
  maxAge?: number;
}

export interface HttpResponseLike {
  readonly status: number;
  readonly headers: Headers;
  readonly cookies: CookieLike[];
  readonly body: WebReadableStream<Uint8Array> | null;
}

export interface HttpRoute {
  fn: RegisteredFunction;
  /** The full route as served, e.g. "api/recovery/{id}". */
  path: string;
  compiled: CompiledTemplate;
  /** Upper-case methods; null: any. */
  methods: Set<string> | null;
}

/** Routes of every httpTrigger, most specific first. */
export function buildRoutes(core: FunctionsCore, routePrefix: string): HttpRoute[] {
  const prefix = routePrefix.replace(/^\/+|\/+$/g, "");
  const routes: HttpRoute[] = [];
  for (const fn of core.list()) {
    if (fn.trigger.type.toLowerCase() !== "httptrigger") continue;
    // Like the Functions host: no route means the function name.
    const route = typeof fn.trigger.route === "string" ? fn.trigger.route : fn.name;
    const path = [prefix, route.replace(/^\/+|\/+$/g, "")].filter((p) => p !== "").join("/");
    const methods = Array.isArray(fn.trigger.methods)
      ? new Set(
          fn.trigger.methods.filter((m): m is string => typeof m === "string").map((m) => m.toUpperCase()),
        )
      : null;
    routes.push({
      fn,
      path,
      compiled: compileTemplate(path),
      methods: methods && methods.size > 0 ? methods : null,
    });
  }
  return routes.sort((a, b) => compareTemplates(a.compiled, b.compiled));
}

export function findRoute(
  routes: readonly HttpRoute[],
  method: string,
  pathname: string,
): { route: HttpRoute; params: Record<string, string> } | undefined {
  const segments = splitPath(pathname);
  if (!segments) return undefined;
  for (const route of routes) {
    if (route.methods && !route.methods.has(method.toUpperCase())) continue;
    const params = matchTemplate(route.compiled, segments);
    if (params) return { route, params };
  }
  return undefined;
}

/**
 * The request's headers as the worker sees them. Like Azure's front end, the host appends the
 * caller's address (`ip:port`) to X-Forwarded-For, so the app's trusted-hop logic runs as in Azure.
 */
function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(name === "cookie" ? "; " : ", ") : value;
  }
  const remote = req.socket.remoteAddress;
  if (remote) {
    const peer = remote.includes(":")
      ? `[${remote}]:${req.socket.remotePort}`
      : `${remote}:${req.socket.remotePort}`;
    headers["x-forwarded-for"] = headers["x-forwarded-for"] ? `${headers["x-forwarded-for"]}, ${peer}` : peer;
  }
  return headers;
}

function serializeCookie(c: CookieLike): string {
  let text = `${c.name}=${c.value}`;
  if (c.domain) text += `; Domain=${c.domain}`;
  if (c.path) text += `; Path=${c.path}`;
  if (c.expires !== undefined) text += `; Expires=${new Date(c.expires).toUTCString()}`;
  if (c.maxAge !== undefined) text += `; Max-Age=${c.maxAge}`;
  if (c.secure) text += "; Secure";
  if (c.httpOnly) text += "; HttpOnly";
  if (c.sameSite) text += `; SameSite=${c.sameSite}`;
  return text;
}

export interface HttpFrontOptions {
  core: FunctionsCore;
  invoker: Invoker;
  library: FunctionsLibrary;
  routes: HttpRoute[];
  /** The durable client API: its path prefix and handler. */
  rpc: { path: string; handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> };
  /** Value of every durableClient input binding. */
  clientData: ClientBindingData;
  clock: HostClock;
  log: HostLogger;
  timers?: TimerTriggers;
}

/**
 * Faults a test can arm through `POST /_host/faults`. `crashOnRaiseEvent`: the host process
 * dies (SIGKILL, nothing flushed) when the next durable raiseEvent call arrives — a crash
 * between a function's own writes and the event reaching the workflow.
 */
interface HostFaults {
  crashOnRaiseEvent: boolean;
}

export class HttpFront {
  readonly #faults: HostFaults = { crashOnRaiseEvent: false };

  constructor(private readonly options: HttpFrontOptions) {}

  /** The node:http request listener. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.#handle(req, res).catch((err: unknown) => {
      this.options.log.error(`request ${req.method} ${req.url} failed in the host: ${describeError(err)}`);
      if (!res.headersSent) sendProblem(res, 500, "internal_error", "Internal server error");
      else res.destroy();
    });
  };

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
    const method = (req.method ?? "GET").toUpperCase();
    if (url.pathname === this.options.rpc.path || url.pathname.startsWith(`${this.options.rpc.path}/`)) {
      if (this.#faults.crashOnRaiseEvent && method === "POST" && url.pathname.includes("/raiseEvent/")) {
        this.options.log.warn("fault crashOnRaiseEvent: killing the host (SIGKILL)");
        process.kill(process.pid, "SIGKILL");
        return;
      }
      await this.options.rpc.handle(req, res, url);
      return;
    }
    if (url.pathname === "/_host/clock" || url.pathname.startsWith("/_host/")) {
      await this.#hostEndpoint(req, res, url, method);
      return;
    }
    const found = findRoute(this.options.routes, method, url.pathname);
    if (!found) {
      sendProblem(res, 404, "route_not_found", "No function serves this route", `${method} ${url.pathname}`);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        sendProblem(res, 413, "payload_too_large", err.message);
        return;
      }
      throw err;
    }
    await this.#invoke(found.route.fn, req, res, url, body, found.params);
  }

  async #invoke(
    fn: RegisteredFunction,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    body: Buffer,
    params: Record<string, string>,
  ): Promise<void> {
    const { core, invoker, library, log, clientData } = this.options;
    const inputData: RpcParameterBinding[] = [
      {
        name: fn.triggerName,
        data: {
          http: {
            method: req.method ?? "GET",
            url: url.href,
            headers: flattenHeaders(req),
            params,
            ...(body.length > 0 ? { body: { bytes: body } } : {}),
          },
        },
      },
    ];
    inputData.push(...clientInputBindings(fn, clientData));
    const started = Date.now();
    let value: unknown;
    let invocationId = "-";
    try {
      const outcome = await invoker.invoke(fn, { inputData });
      invocationId = outcome.invocationId;
      value = this.#httpOutput(fn, outcome.context, outcome.result);
    } catch (err) {
      core.log({
        level: "error",
        category: "system",
        message: `Executed 'Functions.${fn.name}' (Failed, Duration=${Date.now() - started}ms): ${describeError(err)}`,
        functionName: fn.name,
        invocationId,
      });
      sendProblem(res, 500, "internal_error", "The function failed");
      return;
    }
    let response: HttpResponseLike;
    try {
      response = isHttpResponse(value, library)
        ? (value as HttpResponseLike)
        : new library.HttpResponse(value ?? undefined);
    } catch (err) {
      log.error(`function ${fn.name} returned an invalid HTTP response: ${describeError(err)}`);
      sendProblem(res, 500, "internal_error", "The function returned an invalid HTTP response");
      return;
    }
    const status = value === undefined || value === null ? 204 : response.status;
    log.debug(
      `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${Date.now() - started}ms) ${status}`,
    );
    await this.#write(res, response, status);
  }

  /** The value bound to the http output: the return value, or an extra output. */
  #httpOutput(fn: RegisteredFunction, context: unknown, result: unknown): unknown {
    for (const [name, binding] of Object.entries(fn.metadata.bindings)) {
      if (binding.direction !== "out" || binding.type.toLowerCase() !== "http") continue;
      if (name === "$return") return result;
      const outputs = (context as { extraOutputs?: { get(name: string): unknown } }).extraOutputs;
      return outputs?.get(name);
    }
    return result;
  }

  async #write(res: ServerResponse, response: HttpResponseLike, status: number): Promise<void> {
    const setCookies: string[] = [
      ...response.headers.getSetCookie(),
      ...response.cookies.map(serializeCookie),
    ];
    response.headers.forEach((value, name) => {
      if (name.toLowerCase() !== "set-cookie") res.setHeader(name, value);
    });
    if (setCookies.length > 0) res.setHeader("set-cookie", setCookies);
    res.statusCode = status;
    if (!response.body || status === 204 || status === 304) {
      res.end();
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const stream = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
      stream.on("error", reject);
      res.on("finish", resolve);
      res.on("close", resolve);
      stream.pipe(res);
    });
  }

  async #hostEndpoint(req: IncomingMessage, res: ServerResponse, url: URL, method: string): Promise<void> {
    const { clock } = this.options;
    if (!isLocalCaller(req)) {
      sendProblem(res, 403, "forbidden", "Host endpoints only answer callers on this machine");
      return;
    }
    if (url.pathname === "/_host/clock" && method === "GET") {
      sendJson(res, 200, { now: clock.nowIso(), mode: clock.mode });
      return;
    }
    if (url.pathname === "/_host/clock/advance" && method === "POST") {
      if (clock.mode !== "controllable") {
        sendProblem(
          res,
          409,
          "clock_not_controllable",
          "The host clock is real; start the host with DEV_HOST_CLOCK=controllable",
        );
        return;
      }
      let ms: unknown;
      try {
        ms = (JSON.parse((await readBody(req, 64 * 1024)).toString("utf8")) as { ms?: unknown }).ms;
      } catch {
        ms = undefined;
      }
      if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
        sendProblem(res, 400, "invalid_advance", 'Body must be {"ms": <number >= 0>}');
        return;
      }
      await clock.advance(ms);
      sendJson(res, 200, { now: clock.nowIso() });
      return;
    }
    if (url.pathname === "/_host/timers" && method === "GET") {
      sendJson(res, 200, { timers: this.options.timers?.names ?? [] });
      return;
    }
    const timer = /^\/_host\/timers\/([^/]+)$/.exec(url.pathname);
    if (timer && method === "POST") {
      const name = decodeURIComponent(timer[1]!);
      if (!this.options.timers?.has(name)) {
        sendProblem(res, 404, "timer_not_found", "No timer function has this name", name);
        return;
      }
      try {
        sendJson(res, 200, await this.options.timers.run(name));
      } catch (err) {
        this.options.log.error(`timer ${name} failed: ${describeError(err)}`);
        sendProblem(res, 500, "timer_failed", "The timer function failed", describeError(err));
      }
      return;
    }
    if (url.pathname === "/_host/faults" && method === "POST") {
      let body: Partial<HostFaults> | undefined;
      try {
        body = JSON.parse((await readBody(req, 64 * 1024)).toString("utf8")) as Partial<HostFaults>;
      } catch {
        body = undefined;
      }
      if (typeof body?.crashOnRaiseEvent !== "boolean") {
        sendProblem(res, 400, "invalid_fault", 'Body must be {"crashOnRaiseEvent": true|false}');
        return;
      }
      this.#faults.crashOnRaiseEvent = body.crashOnRaiseEvent;
      sendJson(res, 200, { ...this.#faults });
      return;
    }
    sendProblem(
      res,
      404,
      "route_not_found",
      "No host endpoint serves this route",
      `${method} ${url.pathname}`,
    );
  }
}
