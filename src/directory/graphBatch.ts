/**
 * The JSON `$batch` engine (docs/facts.md §13): items sent 20 per round trip, `dependsOn` honoured across
 * round trips and resends, throttled items sent again after their Retry-After. Every Graph read
 * and write of a recovery goes through it, so a recovery costs a handful of round trips however
 * many items it needs. With batching off each item is sent as a request of its own, in order,
 * answered in the shape of a batch item (a benchmark switch: the round trips batching saves).
 */
import type { Client } from "@microsoft/microsoft-graph-client";
import { DependencyError } from "../recovery/errors";
import {
  callGraph,
  GraphRequestError,
  graphRequestError,
  isSdkGraphError,
  retryAfterSecondsOf,
} from "./graphError";

/**
 * One item of a JSON `$batch` (docs/facts.md §13): `url` is relative to the version root, e.g. `/users/{id}`.
 * `dependsOn`: the item runs only after that one succeeded (else it is answered 424 unrun). Graph
 * accepts a batch fully parallel or fully serial (each item depending on the one before).
 */
export interface BatchItem {
  id: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  dependsOn?: string;
  /** Request headers of the item (e.g. `ConsistencyLevel` for `$search`). */
  headers?: Record<string, string>;
}

export interface BatchResult {
  id: string;
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** Graph requests sent on one caller's behalf. */
export interface GraphCost {
  roundTrips: number;
}

/** Graph's limit of items per `$batch` request. */
export const MAX_BATCH_ITEMS = 20;
const BATCH_ATTEMPTS = 4;
const MAX_RETRY_AFTER_SECONDS = 60;

/** `items` in consecutive slices of at most `size` (every place a Graph limit splits a list). */
export function inChunks<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/** Serial items: each depends on the one before it (Graph's "serial" batch pattern). */
export function serial(items: readonly BatchItem[]): BatchItem[] {
  return items.map((item, i) => {
    const before = items[i - 1];
    return before ? { ...item, dependsOn: before.id } : { ...item };
  });
}

export function succeeded(result: BatchResult | undefined): boolean {
  return result !== undefined && result.status >= 200 && result.status < 300;
}

/** The error object of a failed batch item, parsed leniently (docs/facts.md §13). */
export function batchErrorCode(result: BatchResult): string | undefined {
  const body = result.body as { error?: { code?: unknown } } | undefined;
  return typeof body?.error?.code === "string" ? body.error.code : undefined;
}

function header(result: BatchResult, name: string): string | undefined {
  return Object.entries(result.headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** Why a batch item failed, as the error a direct call would have thrown (undefined: it succeeded). */
export function batchItemError(
  result: BatchResult | undefined,
  operation: string,
): GraphRequestError | DependencyError | undefined {
  if (!result) return new DependencyError("directory_error", `Graph ${operation}: no answer`, true);
  if (succeeded(result)) return undefined;
  return new GraphRequestError(operation, {
    status: result.status,
    code: batchErrorCode(result),
    retryAfterSeconds: retryAfterSecondsOf(header(result, "retry-after")),
    requestId: header(result, "request-id"),
  });
}

/** The body of the successful batch item `id`; a failed one throws the error a direct call would. */
export function batchBody<T>(results: ReadonlyMap<string, BatchResult>, id: string, operation: string): T {
  const result = answerOf(results, id, operation);
  const error = batchItemError(result, operation);
  if (error) throw error;
  return result.body as T;
}

/** The answer to batch item `id`, failed or not; an item Graph did not answer is a transient failure. */
export function answerOf(
  results: ReadonlyMap<string, BatchResult>,
  id: string,
  operation: string,
): BatchResult {
  const result = results.get(id);
  if (!result) throw new DependencyError("directory_error", `Graph ${operation}: no answer`, true);
  return result;
}

/** How long to wait before resending a throttled item: its Retry-After, at most a minute (1 s without one). */
function resendDelaySeconds(result: BatchResult): number {
  return Math.min(retryAfterSecondsOf(header(result, "retry-after")) ?? 1, MAX_RETRY_AFTER_SECONDS);
}

/** A batch item Graph asks us to send again: throttled or briefly unavailable. */
function retryable(result: BatchResult): boolean {
  return result.status === 429 || result.status === 503 || result.status === 504;
}

/** The answer Graph gives a dependant whose dependency failed (docs/facts.md §13). */
function failedDependency(id: string): BatchResult {
  return {
    id,
    status: 424,
    headers: {},
    body: { error: { code: "FailedDependency", message: "A request this one depends on failed." } },
  };
}

export interface GraphBatchOptions {
  /** `false` sends every item as a request of its own, in order. */
  batching: boolean;
  sleep: (ms: number) => Promise<void>;
}

export class GraphBatch {
  constructor(
    private readonly client: Client,
    private readonly options: GraphBatchOptions,
  ) {}

  /**
   * Sends items as JSON `$batch` requests (20 per round trip) and returns every item's final
   * answer by id. Items answered 429/503/504 are sent again after the longest `Retry-After`
   * among them, with the dependants that did not run because of them (the outer request's own
   * throttling is the RetryHandler's job); after the last attempt their answer is returned as
   * it is, for the caller to judge. A dependant of an item that failed is answered 424.
   */
  async send(
    operation: string,
    items: readonly BatchItem[],
    /** Counts the requests sent, resends included, for a caller that reports its cost. */
    cost?: GraphCost,
  ): Promise<Map<string, BatchResult>> {
    const results = new Map<string, BatchResult>();
    let pending = [...items];
    for (let attempt = 1; pending.length > 0; attempt++) {
      const answered = await this.sendItems(operation, pending, results, cost);
      for (const r of answered) results.set(r.id, r);
      const missing = pending.filter((item) => !results.has(item.id));
      if (missing.length > 0)
        throw new DependencyError("directory_error", `Graph ${operation}: $batch answer lacks items`, true);
      const again = answered.filter(retryable);
      if (again.length === 0 || attempt >= BATCH_ATTEMPTS) break;
      await this.options.sleep(Math.max(...again.map(resendDelaySeconds)) * 1000);
      const ids = new Set(again.map((r) => r.id));
      for (const item of pending) {
        if (results.get(item.id)?.status === 424 && item.dependsOn !== undefined && ids.has(item.dependsOn))
          ids.add(item.id);
      }
      pending = pending.filter((item) => ids.has(item.id));
    }
    return results;
  }

  /**
   * One pass over `items`, in order: up to 20 per `$batch` (or one per request with batching
   * off). A dependency answered in an earlier request is resolved here: met, the item goes
   * without it; failed, the item is answered 424 without being sent.
   */
  private async sendItems(
    operation: string,
    items: readonly BatchItem[],
    earlier: ReadonlyMap<string, BatchResult>,
    cost: GraphCost | undefined,
  ): Promise<BatchResult[]> {
    const answered = new Map<string, BatchResult>();
    for (const slice of inChunks(items, this.options.batching ? MAX_BATCH_ITEMS : 1)) {
      const chunk: BatchItem[] = [];
      for (const item of slice) {
        const dep = item.dependsOn;
        if (dep === undefined || chunk.some((c) => c.id === dep)) {
          chunk.push(item);
          continue;
        }
        if (succeeded(answered.get(dep) ?? earlier.get(dep))) {
          const { dependsOn: _met, ...alone } = item;
          chunk.push(alone);
        } else {
          answered.set(item.id, failedDependency(item.id));
        }
      }
      const first = chunk[0];
      if (first === undefined) continue;
      if (cost) cost.roundTrips++;
      const results = this.options.batching
        ? await this.postBatch(operation, chunk)
        : [await this.sendAlone(operation, first)];
      for (const r of results) answered.set(r.id, r);
    }
    return [...answered.values()];
  }

  private async postBatch(operation: string, chunk: readonly BatchItem[]): Promise<BatchResult[]> {
    const response = await callGraph(
      `${operation} ($batch)`,
      () =>
        this.client.api("/$batch").post({
          requests: chunk.map((item) => ({
            id: item.id,
            method: item.method,
            url: item.url,
            ...(item.dependsOn === undefined ? {} : { dependsOn: [item.dependsOn] }),
            ...(item.body === undefined && item.headers === undefined
              ? {}
              : {
                  ...(item.body === undefined ? {} : { body: item.body }),
                  headers: {
                    ...(item.headers ?? {}),
                    ...(item.body === undefined ? {} : { "Content-Type": "application/json" }),
                  },
                }),
          })),
        }) as Promise<{ responses?: BatchResult[] }>,
    );
    return (response.responses ?? []).map((r) => ({ ...r, headers: r.headers ?? {} }));
  }

  /** One item as a request of its own (batching off), answered in the shape of a batch item. */
  private async sendAlone(operation: string, item: BatchItem): Promise<BatchResult> {
    const request = this.client.api(item.url);
    if (item.headers) request.headers(item.headers);
    try {
      const body =
        item.method === "GET"
          ? await request.get()
          : item.method === "DELETE"
            ? await request.delete()
            : item.method === "PATCH"
              ? await request.patch(item.body ?? {})
              : await request.post(item.body ?? {});
      return { id: item.id, status: item.method === "DELETE" ? 204 : 200, headers: {}, body: body ?? null };
    } catch (err) {
      if (!isSdkGraphError(err) || err.statusCode <= 0) throw graphRequestError(operation, err);
      const headers: Record<string, string> = {};
      err.headers?.forEach((value, name) => {
        headers[name] = value;
      });
      return {
        id: item.id,
        status: err.statusCode,
        headers,
        body: { error: { code: err.code ?? "unknown", message: err.message } },
      };
    }
  }
}
