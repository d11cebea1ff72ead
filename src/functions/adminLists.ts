/**
 * What the admin API's lists (recoveries, helpdesk verifications) share: the query's parse and
 * its from/to rule, a page read whose continuation token the table service cannot use answered
 * as the caller's mistake, the reads behind a page's items with a bound on how many are in
 * flight, and the JSON Lines export of a page.
 */
import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { z } from "zod";
import { InvalidRequestError } from "../recovery/errors";
import { isConcurrencyConflict, statusOf } from "../store/tables";
import { describeIssue } from "../zodText";

export const JSON_LINES = "application/x-ndjson";

/** How many per-item reads (a record, an audit partition) a list page keeps in flight at most. */
export const ITEM_READS_IN_FLIGHT = 20;

/**
 * `read` for each item, in order, at most `inFlight` at a time (a chunk after another): a page
 * of 200 items neither queues 400 table requests at once nor reads them one after another.
 */
export async function readPerItem<T, R>(
  items: readonly T[],
  read: (item: T) => Promise<R>,
  inFlight = ITEM_READS_IN_FLIGHT,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += inFlight) {
    results.push(...(await Promise.all(items.slice(i, i + inFlight).map(read))));
  }
  return results;
}

/** A list's query string through its schema; `from` must come before `to`. */
export function parseListQuery<S extends z.ZodType<{ from?: string | undefined; to?: string | undefined }>>(
  request: HttpRequest,
  schema: S,
): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [k, v] of request.query.entries()) raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InvalidRequestError("invalid_request", describeIssue(parsed.error));
  if (parsed.data.from && parsed.data.to && Date.parse(parsed.data.from) >= Date.parse(parsed.data.to)) {
    throw new InvalidRequestError("invalid_request", "from: must be before to");
  }
  return parsed.data;
}

/**
 * Reads one page. A continuation token the table service cannot use (tampered, from another
 * filter) is the caller's mistake: 400, not a dependency failure.
 */
export async function readListPage<P>(
  continuationToken: string | undefined,
  read: () => Promise<P>,
): Promise<P> {
  try {
    return await read();
  } catch (err) {
    const status = statusOf(err);
    if (continuationToken && (status === 400 || isConcurrencyConflict(err) || status === undefined)) {
      throw new InvalidRequestError("invalid_request", "continuationToken: not a token of this list");
    }
    throw err;
  }
}

/** `format=jsonl`, or an Accept that asks for JSON Lines. */
export function wantsJsonLines(request: HttpRequest, format: string | undefined): boolean {
  if (format === "jsonl") return true;
  return /application\/(x-ndjson|jsonl)\b/i.test(request.headers.get("accept") ?? "");
}

/**
 * One JSON Lines line. JSON.stringify leaves NEL (U+0085) and the line and paragraph separators
 * (U+2028, U+2029) raw inside strings, and line-oriented readers (Python's splitlines, many
 * editors and log tools) break lines there: they are written as \u escapes, which is the same
 * JSON. (They can only occur inside strings, so the replacement cannot touch the structure.)
 */
export function jsonLine(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u0085\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A page as JSON Lines; the next page's token in `X-Continuation-Token`. */
export function jsonLinesAnswer(values: readonly unknown[], continuationToken?: string): HttpResponseInit {
  return {
    status: 200,
    headers: {
      "Content-Type": JSON_LINES,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
      ...(continuationToken ? { "X-Continuation-Token": continuationToken } : {}),
    },
    body: values.map((v) => `${jsonLine(v)}\n`).join(""),
  };
}
