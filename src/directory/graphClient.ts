/**
 * The Microsoft Graph client: the real `@microsoft/microsoft-graph-client` with an explicit
 * middleware chain (bearer token → retry honouring Retry-After → per-attempt timeout → fetch).
 * Explicit because the SDK's own auth handler attaches tokens only to https Graph hosts, and
 * the local simulator speaks http (docs/facts.md §4). The SDK sets no timeout of its own: without ours
 * a Graph call that never answers would hold its activity (and the recovery) forever.
 *
 * The SDK is loaded when the first client is made, not when the app loads (cold start); only
 * its types are imported at the top.
 */
import type { TokenCredential } from "@azure/identity";
import type { Client, Context, Middleware } from "@microsoft/microsoft-graph-client";
import { DependencyError } from "../recovery/errors";

type GraphSdk = typeof import("@microsoft/microsoft-graph-client");
let sdk: GraphSdk | undefined;

function graphSdk(): GraphSdk {
  sdk ??= require("@microsoft/microsoft-graph-client") as GraphSdk;
  return sdk;
}

/** The SDK when a client has loaded it (an error can only be the SDK's GraphError then), else undefined. */
export function loadedGraphSdk(): GraphSdk | undefined {
  return sdk;
}

const GRAPH_SCOPE = "https://graph.microsoft.com/.default";
/** The SDK's RetryHandler: 1 s base delay, 3 retries of a throttled or unavailable request. */
const RETRY_DELAY_SECONDS = 1;
const MAX_RETRIES = 3;

/** Attaches the app token to every request (Graph in production, the simulator locally). */
class BearerTokenMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly credential: TokenCredential) {}

  async execute(context: Context): Promise<void> {
    const token = await this.credential.getToken(GRAPH_SCOPE);
    if (!token) throw new DependencyError("directory_error", "no Graph token", true);
    context.options ??= {};
    const options = context.options;
    const headers = new Headers(options.headers as HeadersInit | undefined);
    headers.set("Authorization", `Bearer ${token.token}`);
    options.headers = headers;
    if (context.request instanceof Request)
      context.request.headers.set("Authorization", `Bearer ${token.token}`);
    await nextOf(this.next).execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/**
 * Aborts one attempt that has not answered within `timeoutMs`. It sits after the retry
 * handler so every attempt gets the full time (a Retry-After wait is not counted), and the
 * abort surfaces as a network failure, which the gateway reports as transient.
 */
class RequestTimeoutMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    context.options = { ...context.options, signal: AbortSignal.timeout(this.timeoutMs) };
    await nextOf(this.next).execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** A Graph client for `baseUrl` (v1.0) whose every attempt carries a token and ends after `timeoutMs`. */
export function createGraphClient(baseUrl: string, credential: TokenCredential, timeoutMs: number): Client {
  const { Client, HTTPMessageHandler, RetryHandler, RetryHandlerOptions } = graphSdk();
  const auth = new BearerTokenMiddleware(credential);
  const retry = new RetryHandler(new RetryHandlerOptions(RETRY_DELAY_SECONDS, MAX_RETRIES));
  const timeout = new RequestTimeoutMiddleware(timeoutMs);
  const http = new HTTPMessageHandler();
  auth.setNext(retry);
  retry.setNext(timeout);
  timeout.setNext(http);
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${baseUrl}/`,
    defaultVersion: "v1.0",
  });
}

function nextOf(next: Middleware | undefined): Middleware {
  if (!next) throw new TypeError("Graph middleware chain: a handler has no next handler");
  return next;
}
