/**
 * JSON `$batch` (docs/facts.md §13): validates the envelope, turns each item into a GraphRequest for
 * the shared executor (so auth, throttling and routing are the same as for direct calls),
 * honours `dependsOn` (a dependant of a failed item gets 424 without running), and returns
 * the responses in reverse order — Graph promises no order, and clients must match by id.
 */
import { badRequest, GraphFailure } from "./errors";
import type { GraphRequest, GraphResponse } from "./routes";
import type { Json, JsonObject } from "./shapes";

export const MAX_BATCH_ITEMS = 20;

export interface BatchItem {
  readonly id: string;
  /** The item as a request; for a malformed item, still its method and path for the log. */
  readonly request: GraphRequest;
  /** Set when the item must not run: it is answered with this failure. */
  readonly failure?: GraphFailure;
}

export type BatchItemExecutor = (item: BatchItem) => GraphResponse;

const ITEM_METHODS = new Set(["GET", "POST", "PUT", "PATCH", "DELETE"]);

export function runBatch(outer: GraphRequest, execute: BatchItemExecutor): GraphResponse {
  const envelope = outer.body;
  const invalidPayload = () => badRequest("Invalid batch payload format.");
  if (envelope === null || typeof envelope !== "object" || Array.isArray(envelope)) throw invalidPayload();
  const requests = envelope.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw invalidPayload();
  if (requests.length > MAX_BATCH_ITEMS) {
    throw badRequest(`Number of batch request steps exceeds the maximum of ${MAX_BATCH_ITEMS}.`);
  }

  const items = new Map<string, { raw: JsonObject; dependsOn: string[] }>();
  for (const raw of requests) {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw invalidPayload();
    const { id, method, url, dependsOn } = raw;
    if (typeof id !== "string" || id === "" || typeof method !== "string" || typeof url !== "string") {
      throw invalidPayload();
    }
    if (items.has(id)) throw badRequest(`Batch request id '${id}' is not unique.`);
    if (
      dependsOn !== undefined &&
      (!Array.isArray(dependsOn) || !dependsOn.every((d) => typeof d === "string"))
    ) {
      throw invalidPayload();
    }
    items.set(id, { raw, dependsOn: (dependsOn as string[] | undefined) ?? [] });
  }
  for (const [id, item] of items) {
    for (const dep of item.dependsOn) {
      if (!items.has(dep) || dep === id)
        throw badRequest(`Request '${id}' depends on unknown request '${dep}'.`);
    }
  }
  assertAcyclic(items);

  const results = new Map<string, GraphResponse>();
  const run = (id: string): GraphResponse => {
    const done = results.get(id);
    if (done) return done;
    const item = items.get(id)!;
    const depResults = item.dependsOn.map(run);
    const request = toRequest(outer, item.raw);
    let failure = request.failure;
    if (!failure && depResults.some((r) => r.status >= 400)) {
      failure = new GraphFailure(
        424,
        "FailedDependency",
        "Request failed due to failure of a dependent request.",
      );
    }
    const response = execute(
      failure ? { id, request: request.request, failure } : { id, request: request.request },
    );
    results.set(id, response);
    return response;
  };
  for (const id of items.keys()) run(id);

  const responses: Json[] = [...items.keys()].reverse().map((id) => {
    const r = results.get(id)!;
    const entry: JsonObject = { id, status: r.status, headers: r.headers };
    if (r.body !== undefined) entry.body = r.body;
    return entry;
  });
  return { status: 200, headers: {}, body: { responses } };
}

function toRequest(outer: GraphRequest, raw: JsonObject): { request: GraphRequest; failure?: GraphFailure } {
  const id = raw.id as string;
  const method = (raw.method as string).toUpperCase();
  const url = raw.url as string;
  const headers: Record<string, string> = {};
  if (
    raw.headers !== undefined &&
    raw.headers !== null &&
    typeof raw.headers === "object" &&
    !Array.isArray(raw.headers)
  ) {
    for (const [name, value] of Object.entries(raw.headers)) {
      headers[name.toLowerCase()] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  // Items inherit the caller's identity: the outer request's Authorization applies to all.
  if (outer.headers.authorization !== undefined) headers.authorization = outer.headers.authorization;

  const relative = url.startsWith("/") ? url : `/${url}`;
  const queryAt = relative.indexOf("?");
  const request: GraphRequest = {
    origin: outer.origin,
    method,
    version: outer.version,
    path: queryAt === -1 ? relative : relative.slice(0, queryAt),
    query: new URLSearchParams(queryAt === -1 ? "" : relative.slice(queryAt + 1)),
    headers,
    body: raw.body,
  };

  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    return {
      request,
      failure: badRequest(`Invalid request URI '${url}': batch request URLs must be relative.`),
    };
  }
  if (!ITEM_METHODS.has(method)) {
    return {
      request,
      failure: badRequest(`Invalid HTTP method '${raw.method as string}' in request '${id}'.`),
    };
  }
  if (raw.body !== undefined && headers["content-type"] === undefined) {
    return {
      request,
      failure: badRequest(`Write request id : ${id} does not contain Content-Type header or body.`),
    };
  }
  return { request };
}

function assertAcyclic(items: Map<string, { dependsOn: string[] }>): void {
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string) => {
    const s = state.get(id);
    if (s === "done") return;
    if (s === "visiting") throw badRequest(`Circular dependsOn involving request '${id}'.`);
    state.set(id, "visiting");
    for (const dep of items.get(id)!.dependsOn) visit(dep);
    state.set(id, "done");
  };
  for (const id of items.keys()) visit(id);
}
