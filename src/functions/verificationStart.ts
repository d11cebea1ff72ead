/**
 * Helpdesk-assisted verification, the caller's side: `POST /api/verification` with the code of
 * the one-time link an agent made (src/functions/adminVerifications.ts) starts the same flow as
 * a recovery — eligibility, identity verification, presentation with Face Check, the unique
 * match — for the account the agent named, in verification mode: it ends `verified` (or fails)
 * and changes nothing in the directory. The answer is a recovery start's (recoveryId and
 * recoveryToken), so the page follows it like any recovery.
 *
 * A forged, used or expired link gets one answer (404 `verification_link_invalid`) and changes
 * nothing; the reason goes to the verification's audit trail when the link names one. The start
 * is rate-limited like a recovery's: per address before anything is read or audited, per account
 * once the link is found good, before it is spent.
 */
import { randomUUID } from "node:crypto";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { z } from "zod";
import { clientAddress, json, readJson, respond } from "../http";
import { ConflictError, NotFoundError } from "../recovery/errors";
import { startRequestFields } from "../recovery/startRequest";
import { linkRefusal, parseVerificationCode, type RedeemRefusal } from "../recovery/verification";
import { services } from "../services";
import { assertUsableClientKey, clientJwkSchema } from "../tap/seal";
import { verificationAuditPartition } from "./adminVerifications";
import { EVENTS } from "./names";
import { authorizedRecord, beginRecovery, enforceAddressLimit, enforceUsernameLimits } from "./recoveryApi";

export const verificationStartSchema = z
  .object({
    /** The code from the link's fragment (`#verification=<code>`). */
    code: z.string().min(1).max(200),
    country: startRequestFields.country,
    locale: startRequestFields.locale,
    tapEncryptionKey: clientJwkSchema.optional(),
  })
  .strict();

function invalidLink(): NotFoundError {
  return new NotFoundError(
    "verification_link_invalid",
    "This verification link is not valid: it may have been used already or have expired. Ask your helpdesk for a new one.",
  );
}

export async function startVerification(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const body = await readJson(request, verificationStartSchema);
    if (body.tapEncryptionKey) await assertUsableClientKey(body.tapEncryptionKey);
    const s = services();
    const address = clientAddress(request, s.config.trustedProxyHops);
    // Per address first, before the row is read or a refusal audited: hammering the endpoint
    // with made-up or spent links writes no more audit entries than the limit lets through.
    await enforceAddressLimit(address, context);
    const parsed = parseVerificationCode(body.code);
    const now = new Date();
    // Read once: the redeem below writes over this version (etag) without reading it again.
    const stored = parsed ? await s.verifications.get(parsed.verificationId) : undefined;
    const refusal = linkRefusal(stored, parsed?.secret ?? body.code, now);
    if (refusal || !stored || !parsed) {
      if (stored) await auditRefusal(stored.verificationId, refusal ?? "unknown", address);
      context.warn(`verification link refused (${refusal ?? "unknown"})`);
      throw invalidLink();
    }
    // The account's limits of a recovery start: counted for a good link only (a wrong secret must
    // not spend the account's budget), before the link is spent.
    await enforceUsernameLimits(address, stored.username, context);
    const recoveryId = randomUUID();
    const redeemed = await s.verifications.redeem(stored, parsed.secret, recoveryId, now);
    if (!redeemed.ok) {
      await auditRefusal(stored.verificationId, redeemed.reason, address);
      throw invalidLink();
    }
    const v = redeemed.record;
    return beginRecovery(
      context,
      {
        username: v.username,
        country: body.country,
        locale: body.locale,
        acceptLanguage: request.headers.get("accept-language"),
        tapEncryptionKey: body.tapEncryptionKey,
        clientAddress: address,
        verification: { verificationId: v.verificationId, agentId: v.agentId, reason: v.reason },
      },
      recoveryId,
    );
  });
}

/**
 * `POST /api/recovery/{recoveryId}/continue` (bearer recoveryToken): the caller of a verified
 * helpdesk verification chooses to recover, while the offer stands (`next: continue_recovery`).
 * Only the caller's page holds the recovery token, so only the caller can choose; the TAP then
 * comes to that page, sealed to the key it sent when it opened the link. Repeating it while
 * the recovery runs changes nothing; anything else is 409 `not_continuable`.
 */
export async function continueRecovery(
  request: HttpRequest,
  context: InvocationContext,
): Promise<HttpResponseInit> {
  return respond(context, async () => {
    const record = await authorizedRecord(request);
    const offer = record.next?.type === "continue_recovery" ? record.next : undefined;
    if (
      !record.verificationId ||
      record.status !== "validating" ||
      !offer ||
      Date.now() >= Date.parse(offer.expiresAt)
    ) {
      throw new ConflictError("not_continuable", "This verification offers no recovery now.");
    }
    await services().audit.record(
      {
        recoveryId: record.recoveryId,
        event: "recovery_continued",
        onceKey: "recovery_continued",
        outcome: "info",
      },
      record,
    );
    await df.getClient(context).raiseEvent(record.recoveryId, EVENTS.recoveryContinued, {});
    return json(202, { recoveryId: record.recoveryId, status: record.status });
  });
}

async function auditRefusal(verificationId: string, reason: RedeemRefusal, address: string): Promise<void> {
  await services().audit.record(
    {
      recoveryId: verificationAuditPartition(verificationId),
      event: "verification_link_refused",
      outcome: "failure",
      code: reason,
      userId: "",
      sourceAddress: address,
      detail: { verificationId },
    },
    {},
  );
}
