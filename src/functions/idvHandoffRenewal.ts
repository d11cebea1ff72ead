/**
 * `POST /api/recovery/{recoveryId}/idv-handoff`: a fresh hand-off to the IDV provider
 * (src/functions/idvHandoff.ts) when the user comes back without having finished and asks to go
 * back to the provider while the IDV deadline lasts: the first JWT lives
 * `HANDOFF_TOKEN_LIFETIME_MINUTES` (15), the IDV deadline is longer (30), so "go back" with the
 * first link can meet an expired token.
 *
 * A renewal keeps the recovery's IDV session (the same RequestId): the provider's webhooks, the
 * stored result and the record all name that session, so a decline the provider reports for it
 * still ends the recovery, and nothing about the workflow changes. What changes is the JWT (new
 * `jti`, `iat`, `exp`), the return value (the session keeps only the newest hash, so only the
 * newest hand-off's return moves the recovery on) and the session's `handoffAt`, which the
 * freshness rule (src/recovery/freshness.ts) compares the credential with: the latest hand-off,
 * never an earlier one, so a renewal can only make the rule stricter.
 *
 * Guards: only the recovery's own token; only while the record is `verifying_identity` within
 * its IDV deadline, with no return consumed and no provider result stored; a second request
 * within RENEWAL_REPEAT_MS of the latest hand-off answers that hand-off and signs nothing (a
 * double click, a retried request); at most MAX_RENEWALS per recovery (then 429). The record's
 * write is etag-guarded and audited with it (`identity_verification_handoff_renewed`); of two
 * racing renewals one writes, the other answers what it wrote.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { json, respond } from "../http";
import { ConflictError, DependencyError, TooManyRequestsError } from "../recovery/errors";
import { isTerminal } from "../recovery/status";
import { services } from "../services";
import type { DiscoveredRecovery, RecoveryRecord } from "../store/recoveries";
import { signHandoff } from "./idvHandoff";
import { authorizedRecord } from "./recoveryApi";

/** A second request this soon after the latest hand-off answers that one (double clicks, retries). */
export const RENEWAL_REPEAT_MS = 30_000;
/** Fresh hand-offs one recovery may ask for: more is no longer a user who lost a tab. */
export const MAX_RENEWALS = 5;

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
    status === "verifying_identity"
      ? "The recovery no longer waits for the identity verification provider."
      : `A recovery in status ${status} does not wait for the identity verification provider.`,
  );
}

/** The record still waits at the provider, with `sessionId` as its session, before its deadline. */
function waiting(r: RecoveryRecord, sessionId: string, now: number): r is DiscoveredRecovery {
  return (
    r.stage === "discovered" &&
    !isTerminal(r.status) &&
    r.status === "verifying_identity" &&
    r.idvSessionId === sessionId &&
    r.next?.type === "redirect" &&
    now < Date.parse(r.expiresAt)
  );
}

function answer(r: RecoveryRecord, renewed: boolean): HttpResponseInit {
  if (r.next?.type !== "redirect") throw unavailable(r.status);
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
    const sessionId = record.stage === "discovered" ? record.idvSessionId : undefined;
    if (!sessionId || !waiting(record, sessionId, Date.now())) throw unavailable(record.status);
    const session = await s.idvSessions.get(record.provider, sessionId);
    // A return consumed or a result stored: the workflow is moving on (or ending) already.
    if (!session || session.recoveryId !== record.recoveryId || session.returnedAt || session.result)
      throw unavailable(record.status);
    const latest = Date.parse(session.handoffAt ?? session.createdAt);
    if (Date.now() - latest < RENEWAL_REPEAT_MS) return answer(record, false);
    if ((session.handoffsRenewed ?? 0) >= MAX_RENEWALS) {
      context.warn(`hand-off renewal for ${record.recoveryId} refused: ${MAX_RENEWALS} renewals made`);
      throw new TooManyRequestsError((Date.parse(record.expiresAt) - Date.now()) / 1000);
    }
    const handoff = await signHandoff(record.recoveryId, record.provider, sessionId);
    const shownBefore = record.next?.url;
    let shown = false;
    // The record first, etag-guarded: of two racing renewals one shows its link, the other
    // answers that one. Only then the session learns the new value (and forgets the old one).
    const after = await s.recoveries.update(
      record.recoveryId,
      (r) => {
        shown = false;
        if (!waiting(r, sessionId, Date.now()) || r.next?.url !== shownBefore) return undefined;
        shown = true;
        return { ...r, next: { type: "redirect", url: handoff.url } };
      },
      record,
      (next) =>
        next
          ? [
              {
                recoveryId: record.recoveryId,
                event: "identity_verification_handoff_renewed",
                outcome: "info",
                detail: {
                  provider: record.provider,
                  sessionId,
                  renewal: (session.handoffsRenewed ?? 0) + 1,
                  handoffAt: handoff.signedAt.toISOString(),
                },
              },
            ]
          : [],
    );
    if (!shown) {
      if (!waiting(after, sessionId, Date.now())) throw unavailable(after.status);
      return answer(after, false);
    }
    // A failed session write leaves the new link dead and the old value working, with its own
    // hand-off time: never a value the session does not pair with its hand-off time.
    let current = session;
    for (let attempt = 0; attempt < 4; attempt++) {
      if (
        await s.idvSessions.replaceReturnValue(
          current,
          handoff.returnValueHash,
          handoff.signedAt.toISOString(),
          true,
        )
      ) {
        return answer(after, true);
      }
      const reread = await s.idvSessions.get(record.provider, sessionId);
      if (!reread || reread.returnedAt || reread.result) throw unavailable("verifying_identity");
      // A later renewal replaced this one on the record meanwhile: its session write is its own.
      const latestRecord = await s.recoveries.get(record.recoveryId);
      if (!latestRecord || latestRecord.next?.url !== handoff.url) {
        if (latestRecord && waiting(latestRecord, sessionId, Date.now())) return answer(latestRecord, false);
        throw unavailable(latestRecord?.status ?? "verifying_identity");
      }
      current = reread;
    }
    throw new DependencyError(
      "idv_error",
      `idv session ${sessionId}: the hand-off could not be renewed`,
      true,
    );
  });
}
