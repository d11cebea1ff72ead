/**
 * Tiny node:http toolkit shared by the local simulators (Graph, IDV, Verified ID, …):
 * bounded body reading, JSON/HTML responses, a minimal method+path router and
 * listen/close helpers. Deliberately small and dependency-free so every simulator speaks
 * plain HTTP the way the real services do, and the real SDK clients can be pointed at it.
 */
import type {
  IncomingMessage,
  OutgoingHttpHeaders,
  RequestListener,
  Server,
  ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** Default cap on request bodies: simulators never need more, and a cap keeps a runaway client cheap. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** A failure with an HTTP status; thrown by helpers here, caught by the router's listener. */
export class HttpError extends Error {
  override readonly name = "HttpError";
  constructor(
    readonly status: number,
    message: string,
    readonly code = "HttpError",
  ) {
    super(message);
  }
}

/** Reads the whole body as UTF-8; rejects with HttpError 413 beyond `limit` bytes. */
export function readBody(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        // Keep draining (without storing) so the client can still read our 413.
        reject(new HttpError(413, `Request body exceeds ${limit} bytes`, "PayloadTooLarge"));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks).toString("utf8"));
    });
    req.on("error", (err) => {
      if (!failed) {
        failed = true;
        reject(err);
      }
    });
  });
}

/** Reads and parses a JSON body; empty body → undefined; malformed → HttpError 400. */
export async function readJson(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const text = await readBody(req, limit);
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "Request body is not valid JSON", "InvalidJson");
  }
}

/** Extra response headers; they override the defaults (e.g. a different Content-Type). */
export type ResponseHeaders = OutgoingHttpHeaders;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: ResponseHeaders = {},
): void {
  const payload = Buffer.from(JSON.stringify(body), "utf8");
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": payload.length,
    ...headers,
  });
  res.end(payload);
}

export function sendHtml(
  res: ServerResponse,
  status: number,
  html: string,
  headers: ResponseHeaders = {},
): void {
  const payload = Buffer.from(html, "utf8");
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": payload.length,
    ...headers,
  });
  res.end(payload);
}

/** A response without a body (204, 302 with Location, …). */
export function sendEmpty(res: ServerResponse, status: number, headers: ResponseHeaders = {}): void {
  res.writeHead(status, headers);
  res.end();
}

export interface RouteContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Values of `:name` segments, URI-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly url: URL;
  readonly query: URLSearchParams;
}

export type RouteHandler = (ctx: RouteContext) => void | Promise<void>;

export interface Router {
  get(pattern: string, handler: RouteHandler): Router;
  post(pattern: string, handler: RouteHandler): Router;
  put(pattern: string, handler: RouteHandler): Router;
  patch(pattern: string, handler: RouteHandler): Router;
  delete(pattern: string, handler: RouteHandler): Router;
  /** Runs the matching route; resolves false when no route matched (nothing was sent). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /**
   * A listener for http.createServer: unmatched → 404 JSON (or `notFound`), 405 when only
   * the method differs, HttpError → its status, anything else → 500 (message in the body,
   * since these are dev tools).
   */
  listener(notFound?: RouteHandler): RequestListener;
}

interface Route {
  readonly method: string;
  readonly segments: readonly string[];
  readonly handler: RouteHandler;
}

/**
 * Patterns are literal paths with `:name` segments (`/users/:id/state`); a final `*name`
 * segment captures the rest of the path. Routes match in registration order.
 */
export function createRouter(): Router {
  const routes: Route[] = [];

  const add = (method: string, pattern: string, handler: RouteHandler): Router => {
    routes.push({ method, segments: splitPath(pattern), handler });
    return router;
  };

  const match = (route: Route, parts: readonly string[]): Record<string, string> | undefined => {
    const params: Record<string, string> = {};
    for (let i = 0; i < route.segments.length; i++) {
      const seg = route.segments[i]!;
      if (seg.startsWith("*")) {
        params[seg.slice(1)] = parts.slice(i).join("/");
        return params;
      }
      const part = parts[i];
      if (part === undefined) return undefined;
      if (seg.startsWith(":")) params[seg.slice(1)] = part;
      else if (seg !== part) return undefined;
    }
    return parts.length === route.segments.length ? params : undefined;
  };

  interface Found {
    readonly url: URL;
    readonly pathMatched: boolean;
    readonly route?: { readonly handler: RouteHandler; readonly params: Record<string, string> };
  }

  const find = (req: IncomingMessage): Found => {
    const url = new URL(req.url ?? "/", "http://localhost");
    let parts: string[];
    try {
      parts = splitPath(url.pathname).map((p) => decodeURIComponent(p));
    } catch {
      return { url, pathMatched: false };
    }
    let pathMatched = false;
    for (const route of routes) {
      const params = match(route, parts);
      if (!params) continue;
      pathMatched = true;
      if (route.method !== (req.method ?? "GET").toUpperCase()) continue;
      return { url, pathMatched, route: { handler: route.handler, params } };
    }
    return { url, pathMatched };
  };

  const run = (found: Found, req: IncomingMessage, res: ServerResponse, handler: RouteHandler) =>
    handler({ req, res, params: found.route?.params ?? {}, url: found.url, query: found.url.searchParams });

  const router: Router = {
    get: (p, h) => add("GET", p, h),
    post: (p, h) => add("POST", p, h),
    put: (p, h) => add("PUT", p, h),
    patch: (p, h) => add("PATCH", p, h),
    delete: (p, h) => add("DELETE", p, h),
    async handle(req, res) {
      const found = find(req);
      if (!found.route) return false;
      await run(found, req, res, found.route.handler);
      return true;
    },
    listener(notFound) {
      return (req, res) => {
        void (async () => {
          try {
            const found = find(req);
            if (found.route) {
              await run(found, req, res, found.route.handler);
            } else if (notFound) {
              await run(found, req, res, notFound);
            } else if (found.pathMatched) {
              sendJson(res, 405, { error: "MethodNotAllowed", message: `${req.method} not allowed here` });
            } else {
              sendJson(res, 404, { error: "NotFound", message: `No route for ${req.method} ${req.url}` });
            }
          } catch (err) {
            if (res.headersSent) {
              res.destroy();
              return;
            }
            if (err instanceof HttpError)
              sendJson(res, err.status, { error: err.code, message: err.message });
            else sendJson(res, 500, { error: "InternalError", message: String(err) });
          }
        })();
      };
    },
  };
  return router;
}

function splitPath(path: string): string[] {
  return path.split("/").filter((p) => p !== "");
}

/** Listens and resolves with the base URL, e.g. http://127.0.0.1:54321 (port 0 → a free port). */
export function listen(server: Server, port = 0, host = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      const address = server.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      resolve(`http://${shownHost}:${address.port}`);
    });
  });
}

/** Stops accepting, drops keep-alive connections (else close() waits for them), resolves when closed. */
export function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}
