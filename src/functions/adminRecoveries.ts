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
import { adminHandler } from "../admin/auth";
import {
  type RecoveryDetail,
  type RecoverySummary,
  recoveryDetailSchema,
  recoveryQuerySchema,
  recoverySummarySchema,
} from "../admin/schemas";
import { json } from "../http";
import type { AuditEventType } from "../recovery/auditEvents";
import { NotFoundError } from "../recovery/errors";
import { isRecoveryId } from "../recovery/status";
import { services } from "../services";
import type { AuditEvent } from "../store/audit";
import type { RecoveryRecord } from "../store/recoveries";
import { jsonLinesAnswer, parseListQuery, readListPage, readPerItem, wantsJsonLines } from "./adminLists";

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

export const listRecoveries = adminHandler("read", async (request) => {
  const query = parseListQuery(request, recoveryQuerySchema);
  const s = services();
  const page = await readListPage(query.continuationToken, () => s.recoveries.list(query));
  if (wantsJsonLines(request, query.format)) {
    // One audit query per record (its own partition), a bounded number in flight.
    const details = await readPerItem(page.items, async (r) => detailOf(r, await s.audit.list(r.recoveryId)));
    return jsonLinesAnswer(details, page.continuationToken);
  }
  const next = page.continuationToken ? { continuationToken: page.continuationToken } : {};
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
