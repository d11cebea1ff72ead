/**
 * `POST /api/recovery/{recoveryId}/idv-handoff`: a fresh hand-off to the IDV provider
 * (src/functions/idvHandoff.ts) when the user comes back without having finished and asks to go
 * back while the IDV deadline lasts. The first JWT lives `HANDOFF_TOKEN_LIFETIME_MINUTES` (15),
 * the IDV deadline is longer (30), so "go back" with the first link can meet an expired token;
 * and a provider may take a RequestId for one verification only (our simulator does: one
 * completion per RequestId), so a declined or abandoned one cannot be resumed.
 *
 * So a renewal is a new IDV session (a new RequestId, a new JWT, a new one-time return value),
 * chained to the one it replaces (`previousSessionId`):
 *  1. the new session row is written (it acts on nothing until the record names it);
 *  2. the replaced session is marked `supersededAt`, etag-guarded, refused when a return was
 *     consumed or a result stored first (the workflow then moves on with that hand-off): from
 *     here its return value no longer acts;
 *  3. the record is switched to the new session and link, etag-guarded and audited with it
 *     (`identity_verification_handoff_renewed`): of two racing renewals one shows its link, the
 *     other answers that one.
 * A return is accepted only for the session the record names (src/functions/idvReturn.ts), so
 * only the newest hand-off's return moves the recovery on. Freshness compares the credential
 * with the record's session's creation, the latest hand-off: a renewal can only make the rule
 * stricter. A decline the provider reports for a replaced session still ends the recovery (the
 * raised event, and src/functions/activities/idvStanding.ts follows the chain back).
 *
 * When a renewal is allowed is decided in src/recovery/handoffRenewal.ts (waiting at the
 * provider before the deadline, no return or result in, a repeat within 30 s answered again, at
 * most 5). A host that stops between the steps leaves a clear state: after 1 an unused row; after
 * 2 the link shown is dead and the user asks again (or the recovery times out `idv_timeout`).
 */
import { randomUUID } from "node:crypto";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { json, respond } from "../http";
import { ConflictError, TooManyRequestsError } from "../recovery/errors";
import { decideRenewal, waitsAtProvider } from "../recovery/handoffRenewal";
import { services } from "../services";
import { type RecoveryRecord, subjectOf } from "../store/recoveries";
import { signHandoff } from "./idvHandoff";
import { authorizedRecord } from "./recoveryApi";

/** What a renewal answers: the hand-off to follow now, and whether this request made it. */
interface RenewalAnswer {
  recoveryId: string;
  status: "verifying_identity";
  next: { type: "redirect"; url: string };
  expiresAt: string;
  renewed: boolean;
}

function unavailable(status: string): ConflictError {
  return new ConflictError(
    "handoff_unavailable",
    `The recovery (${status}) does not wait for the identity verification provider.`,
  );
}

function answer(r: RecoveryRecord, renewed: boolean): HttpResponseInit {
  const sessionId = r.stage === "discovered" ? r.idvSessionId : undefined;
  if (r.next?.type !== "redirect" || !waitsAtProvider(r, sessionId, Date.now())) throw unavailable(r.status);
  const body: RenewalAnswer = {
    recoveryId: r.recoveryId,
    status: "verifying_identity",
    next: { type: "redirect", url: r.next.url },
    expiresAt: r.expiresAt,
    renewed,
  };
  return json(200, body, { "Cache-Control": "no-store" });
}

/** `POST /api/recovery/{recoveryId}/idv-handoff`: a fresh hand-off to the provider (see the module header). */
export async function renewHandoff(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const s = services();
    const record = await authorizedRecord(request);
    if (record.stage !== "discovered" || !record.idvSessionId) throw unavailable(record.status);
    const replacedId = record.idvSessionId;
    const replaced = await s.idvSessions.get(record.provider, replacedId);
    const decision = decideRenewal(record, replaced, Date.now());
    if (decision.kind === "unavailable" || !replaced) throw unavailable(record.status);
    if (decision.kind === "repeat") return answer(record, false);
    if (decision.kind === "limited") {
      context.warn(`hand-off renewal for ${record.recoveryId} refused: too many renewals`);
      throw new TooManyRequestsError(decision.retryAfterSeconds);
    }
    const sessionId = randomUUID();
    const renewal = (replaced.handoffsRenewed ?? 0) + 1;
    const handoff = await signHandoff(record.recoveryId, record.provider, sessionId);
    // 1. The new session: it acts on nothing until the record names it.
    await s.idvSessions.create({
      provider: record.provider,
      sessionId,
      recoveryId: record.recoveryId,
      ...subjectOf(record),
      createdAt: handoff.signedAt.toISOString(),
      returnValueHash: handoff.returnValueHash,
      previousSessionId: replacedId,
      handoffsRenewed: renewal,
    });
    // 2. The replaced session's return value stops acting — unless it acted first.
    if (!(await s.idvSessions.supersede(replaced, new Date().toISOString()))) {
      const reread = await s.idvSessions.get(record.provider, replacedId);
      if (!reread || !(await s.idvSessions.supersede(reread, new Date().toISOString())))
        throw unavailable(record.status);
    }
    // 3. The record names the new session and shows its link.
    const shownBefore = record.next?.url;
    const after = await s.recoveries.update(
      record.recoveryId,
      (r) => {
        // Closed or moved on meanwhile, or another renewal showed its link first: leave it.
        if (!waitsAtProvider(r, replacedId, Date.now()) || r.next?.url !== shownBefore) return undefined;
        return {
          ...r,
          idvSessionId: sessionId,
          idvHandoffAt: handoff.signedAt.toISOString(),
          next: { type: "redirect", url: handoff.url },
        };
      },
      record,
      (next) =>
        next
          ? [
              {
                recoveryId: record.recoveryId,
                event: "identity_verification_handoff_renewed",
                onceKey: `identity_verification_handoff_renewed_${sessionId}`,
                outcome: "info",
                detail: {
                  provider: record.provider,
                  sessionId,
                  replacedSessionId: replacedId,
                  renewal,
                  expiresAt: handoff.expiresAt.toISOString(),
                },
              },
            ]
          : [],
    );
    // Renewed by this request exactly when the record names its session (a fresh random id that
    // no other request writes).
    return answer(after, after.stage === "discovered" && after.idvSessionId === sessionId);
  });
}
