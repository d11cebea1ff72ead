/**
 * Admin API over the recovery records: `GET /api/admin/recoveries` (filter by status and start
 * time, paged with a continuation token; `?format=jsonl` or `Accept: application/x-ndjson`
 * answers the same page as JSON Lines, one detailed record with its audit trail per line, the
 * next page's token in `X-Continuation-Token`) and `GET /api/admin/recoveries/{id}` (the record
 * with its audit trail, failure reason, provider, Face Check score and match explanation).
 *
 * What is shown is built field by field through `admin/schemas`: the recovery token's hash,
 * the hand-off URL (it carries a signed token), the presentation correlation state, the
 * client's TAP key and the TAP itself are never part of it.
 */
import type { HttpRequest } from "@azure/functions";
import { adminHandler } from "../admin/auth";
import {
  type RecoveryDetail,
  type RecoveryQuery,
  type RecoverySummary,
  recoveryDetailSchema,
  recoveryQuerySchema,
  recoverySummarySchema,
} from "../admin/schemas";
import { json } from "../http";
import type { AuditEventType } from "../recovery/auditEvents";
import { InvalidRequestError, NotFoundError } from "../recovery/errors";
import { isRecoveryId } from "../recovery/status";
import { services } from "../services";
import type { AuditEvent } from "../store/audit";
import type { RecoveryRecord } from "../store/recoveries";
import { isConcurrencyConflict, statusOf } from "../store/tables";
import { describeIssue } from "../zodText";

export const JSON_LINES = "application/x-ndjson";
const AUDIT_READS_IN_FLIGHT = 20;

function summaryOf(r: RecoveryRecord): RecoverySummary {
  return recoverySummarySchema.parse({
    recoveryId: r.recoveryId,
    status: r.status,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    expiresAt: r.expiresAt,
    username: r.username,
    clientAddress: r.clientAddress,
    ...(r.userId ? { userId: r.userId } : {}),
    ...(r.country ? { country: r.country } : {}),
    ...(r.stage === "discovered" ? { profileId: r.profileId, mode: r.mode, provider: r.provider } : {}),
    ...(r.failure ? { failure: { code: r.failure.code, message: r.failure.message } } : {}),
    ...(r.stage === "discovered" && r.methodsRemoved !== undefined
      ? { methodsRemoved: r.methodsRemoved }
      : {}),
    ...(r.stage === "discovered" && r.sessionsRevokedAt ? { sessionsRevokedAt: r.sessionsRevokedAt } : {}),
    ...(r.stage === "discovered" && r.tapIssuedAt ? { tapIssuedAt: r.tapIssuedAt } : {}),
    ...(r.stage === "discovered" && r.repudiatedAt ? { repudiatedAt: r.repudiatedAt } : {}),
  });
}

/** A stored message without what may trail it: a stack trace (`\n    at …`) is for logs, not records. */
const firstLine = (v: string): string => v.split(/\r?\n/, 1)[0] ?? "";
const text = (v: unknown): string | undefined => (typeof v === "string" ? firstLine(v) : undefined);

/** An audit entry's detail with every string value cut to its first line. */
function withoutStacks(detail: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(detail).map(([k, v]) => [k, typeof v === "string" ? firstLine(v) : v]),
  );
}
const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

/** The record with what its audit trail says about the steps an admin diagnoses. */
export function detailOf(r: RecoveryRecord, audit: AuditEvent[]): RecoveryDetail {
  const last = (event: AuditEventType) => audit.filter((e) => e.event === event).at(-1);
  const credential = last("credential_checked");
  const match = last("profile_matched");
  const reset = last("authentication_methods_reset");
  const remaining = Array.isArray(reset?.detail?.remaining)
    ? (reset.detail.remaining as unknown[]).flatMap((m) => {
        const r = m as { type?: unknown; id?: unknown } | null;
        return typeof r?.type === "string" && typeof r.id === "string" ? [{ type: r.type, id: r.id }] : [];
      })
    : undefined;
  const presentation = last("presentation_renewed") ?? last("presentation_requested");
  const threshold = num(presentation?.detail?.faceCheckThreshold);
  // The step that decided the failure says why (reason and explanation); later entries only repeat the code.
  const failures = audit.filter((e) => e.outcome === "failure");
  const explained = failures.filter((e) => text(e.detail?.reason) ?? text(e.detail?.explanation)).at(-1);
  const failureReason = explained
    ? [text(explained.detail?.reason), text(explained.detail?.explanation)].filter(Boolean).join(": ")
    : (text(failures.at(-1)?.detail?.detail) ?? failures.at(-1)?.code);
  return recoveryDetailSchema.parse({
    ...summaryOf(r),
    ...(failureReason && r.failure ? { failureReason } : {}),
    ...(credential || presentation
      ? { faceCheck: { score: num(credential?.detail?.faceCheckScore), threshold } }
      : {}),
    ...(remaining ? { methodsRemaining: remaining } : {}),
    ...(match
      ? {
          match: {
            matched: match.outcome === "success",
            ...(text(match.detail?.explanation) ? { explanation: text(match.detail?.explanation) } : {}),
            ...(text(match.detail?.mode) ? { mode: text(match.detail?.mode) } : {}),
          },
        }
      : {}),
    audit: audit.map((e) => ({
      at: e.at,
      event: e.event,
      outcome: e.outcome,
      ...(e.code ? { code: e.code } : {}),
      ...(e.userId ? { userId: e.userId } : {}),
      ...(e.sourceAddress ? { sourceAddress: e.sourceAddress } : {}),
      ...(e.activityDisplayName ? { activityDisplayName: e.activityDisplayName } : {}),
      ...(e.detail ? { detail: withoutStacks(e.detail) } : {}),
    })),
  });
}

function parseQuery(request: HttpRequest): RecoveryQuery {
  const raw: Record<string, string> = {};
  for (const [k, v] of request.query.entries()) raw[k] = v;
  const parsed = recoveryQuerySchema.safeParse(raw);
  if (!parsed.success) throw new InvalidRequestError("invalid_request", describeIssue(parsed.error));
  if (parsed.data.from && parsed.data.to && Date.parse(parsed.data.from) >= Date.parse(parsed.data.to)) {
    throw new InvalidRequestError("invalid_request", "from: must be before to");
  }
  return parsed.data;
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

function wantsJsonLines(request: HttpRequest, query: RecoveryQuery): boolean {
  if (query.format === "jsonl") return true;
  const accept = request.headers.get("accept") ?? "";
  return /application\/(x-ndjson|jsonl)\b/i.test(accept);
}

export const listRecoveries = adminHandler("read", async (request) => {
  const query = parseQuery(request);
  const s = services();
  let page: Awaited<ReturnType<typeof s.recoveries.list>>;
  try {
    page = await s.recoveries.list(query);
  } catch (err) {
    // A continuation token the table service cannot use (tampered, from another filter).
    const status = statusOf(err);
    if (query.continuationToken && (status === 400 || isConcurrencyConflict(err) || status === undefined)) {
      throw new InvalidRequestError("invalid_request", "continuationToken: not a token of this list");
    }
    throw err;
  }
  const next = page.continuationToken ? { continuationToken: page.continuationToken } : {};
  if (wantsJsonLines(request, query)) {
    // One audit query per record (its own partition), 20 in flight rather than one after another.
    const lines: string[] = [];
    for (let i = 0; i < page.items.length; i += AUDIT_READS_IN_FLIGHT) {
      const chunk = page.items.slice(i, i + AUDIT_READS_IN_FLIGHT);
      const details = await Promise.all(
        chunk.map(async (r) => detailOf(r, await s.audit.list(r.recoveryId))),
      );
      for (const d of details) lines.push(jsonLine(d));
    }
    return {
      status: 200,
      headers: {
        "Content-Type": JSON_LINES,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        ...(page.continuationToken ? { "X-Continuation-Token": page.continuationToken } : {}),
      },
      body: lines.map((l) => `${l}\n`).join(""),
    };
  }
  return json(200, { items: page.items.map(summaryOf), ...next });
});

export const getRecoveryRecord = adminHandler("read", async (request) => {
  const id = request.params.id ?? "";
  const s = services();
  const record = isRecoveryId(id) ? await s.recoveries.get(id) : undefined;
  if (!record) throw new NotFoundError("recovery_not_found", `No recovery ${id}.`);
  const { etag: _etag, ...r } = record;
  return json(200, detailOf(r, await s.audit.list(id)));
});
