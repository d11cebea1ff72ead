/**
 * Helpdesk-assisted verification, the agent's side (app role `Recovery.Helpdesk` only: an admin
 * or reader without it is refused). `POST /api/admin/verifications` makes a one-time link for an
 * account, shown once to the agent and, with `notify`, mailed to the account's other mail
 * addresses (`otherMails`: never the account's own mailbox, which whoever holds the account
 * can read). `GET /api/admin/verifications/{id}` is the verdict of the flow the link started;
 * `GET /api/admin/verifications` lists them (paged; JSON Lines like the recovery export).
 *
 * The verdict is built from the started recovery's record and audit trail (src/functions/
 * adminRecoveries.ts `detailOf`), field by field: never a TAP, a token or document data.
 */
import { randomUUID } from "node:crypto";
import { adminHandler } from "../admin/auth";
import {
  createdVerificationSchema,
  createVerificationSchema,
  type VerificationView,
  verificationQuerySchema,
  verificationSchema,
} from "../admin/verificationSchemas";
import { GraphRequestError } from "../directory/graphError";
import { json, readJson } from "../http";
import { ConflictError, DependencyError, NotFoundError } from "../recovery/errors";
import type { Locale } from "../recovery/locale";
import { otherMailRecipients } from "../recovery/noticeAddresses";
import { userNoticeLocale } from "../recovery/notifications";
import { hashSecret, newOpaqueSecret } from "../recovery/opaqueSecrets";
import { isRecoveryId, isTerminal } from "../recovery/status";
import { verificationCode, verificationLink, verificationNotice } from "../recovery/verification";
import { services } from "../services";
import type { VerificationRecord } from "../store/verifications";
import { jsonLinesAnswer, parseListQuery, readListPage, readPerItem, wantsJsonLines } from "./adminLists";
import { detailOf } from "./adminRecoveries";

/** The audit partition of a verification's own entries (the Audit table: not a recovery id). */
export function verificationAuditPartition(verificationId: string): string {
  return `verification-${verificationId}`;
}

export const createVerification = adminHandler("helpdesk", async (request, principal, context) => {
  const body = await readJson(request, createVerificationSchema);
  const s = services();
  const now = new Date();
  const verificationId = randomUUID();
  const secret = newOpaqueSecret();
  const expiresAt = new Date(now.getTime() + s.config.helpdeskVerificationLinkMinutes * 60_000).toISOString();
  const link = verificationLink(s.config.publicBaseUrl, verificationCode(verificationId, secret));
  const username = body.username.toLowerCase();
  // With notify, where the link goes is settled before anything is stored: a link that cannot
  // be sent is refused having created nothing.
  let delivery: { userId: string; upn: string; to: string[]; mailbox: string; locale: Locale } | undefined;
  if (body.notify) {
    const mailbox = s.config.notifications.senderMailbox;
    if (!mailbox) {
      throw new ConflictError(
        "verification_not_deliverable",
        "No sender mailbox is configured (NOTIFY_SENDER_MAILBOX): give the caller the link yourself.",
      );
    }
    const { account } = await s.directory.findAccount(username);
    const contacts = account ? await s.directory.getMailContacts(account.id) : undefined;
    const to = otherMailRecipients(contacts?.otherMails ?? []);
    if (!account || !contacts || to.length === 0) {
      throw new ConflictError(
        "verification_not_deliverable",
        "The account has no other mail address (otherMails) to send the link to.",
      );
    }
    // The user's language (directory preferredLanguage), else the tenant's.
    const locale = userNoticeLocale({
      preferredLanguage: contacts.preferredLanguage,
      recoveryLocale: s.config.defaultLocale,
    });
    delivery = { userId: account.id, upn: contacts.userPrincipalName, to, mailbox, locale };
  }
  const record: VerificationRecord = {
    verificationId,
    username,
    reason: body.reason,
    agentId: principal.oid,
    ...(principal.name ? { agentName: principal.name.slice(0, 256) } : {}),
    createdAt: now.toISOString(),
    expiresAt,
    linkHash: hashSecret(secret),
  };
  await s.verifications.create(record);
  const partition = verificationAuditPartition(verificationId);
  await s.audit.record(
    {
      recoveryId: partition,
      event: "verification_created",
      outcome: "info",
      userId: delivery?.userId ?? "",
      sourceAddress: "",
      detail: {
        verificationId,
        username,
        agentId: principal.oid,
        reason: body.reason,
        expiresAt,
        notify: body.notify,
      },
    },
    {},
  );
  let linkSent = false;
  if (delivery) {
    const notice = verificationNotice(
      {
        userPrincipalName: delivery.upn,
        link,
        expiresAt,
        adminAddress: s.config.notifications.adminAddress,
      },
      delivery.locale,
    );
    // The link is stored by now: a send that fails (an error answer, or none at all) is the
    // agent's to know, not a 5xx that hides a link that works — the answer carries the link
    // with linkSent false (it may not have arrived), and the audit trail says why.
    let failure: string | undefined;
    try {
      const [answer] = await s.directory.sendMails(delivery.mailbox, [{ ...notice, to: delivery.to }]);
      linkSent = (answer?.status ?? 0) >= 200 && (answer?.status ?? 0) < 300;
      if (!linkSent) failure = `graph_${answer?.status ?? 0}`;
    } catch (err) {
      if (!(err instanceof DependencyError)) throw err;
      const status = err instanceof GraphRequestError ? err.graphStatus : undefined;
      failure = status ? `graph_${status}` : "graph_unreachable";
      context.warn(`verification ${verificationId}: link mail failed (${failure}): ${err.message}`);
    }
    if (linkSent) await s.verifications.markSent(verificationId, new Date().toISOString());
    await s.audit.record(
      {
        recoveryId: partition,
        event: "verification_link_sent",
        outcome: linkSent ? "success" : "failure",
        code: failure ?? "sent",
        userId: delivery.userId,
        sourceAddress: "",
        detail: {
          verificationId,
          agentId: principal.oid,
          reason: body.reason,
          recipients: delivery.to.length,
        },
      },
      {},
    );
  }
  const answer = createdVerificationSchema.parse({ verificationId, link, expiresAt, linkSent });
  return json(201, answer, { Location: `/api/admin/verifications/${verificationId}` });
});

/** What the agent sees of a verification: the link's state, then the verdict of its flow. */
async function viewOf(v: VerificationRecord, now: Date): Promise<VerificationView> {
  const s = services();
  const base = {
    verificationId: v.verificationId,
    username: v.username,
    reason: v.reason,
    agentId: v.agentId,
    ...(v.agentName ? { agentName: v.agentName } : {}),
    createdAt: v.createdAt,
    expiresAt: v.expiresAt,
    ...(v.linkSentAt ? { linkSentAt: v.linkSentAt } : {}),
    ...(v.redeemedAt ? { redeemedAt: v.redeemedAt } : {}),
    ...(v.recoveryId ? { recoveryId: v.recoveryId } : {}),
  };
  const recovery = v.recoveryId ? await s.recoveries.get(v.recoveryId) : undefined;
  if (!recovery) {
    const state = now.getTime() >= Date.parse(v.expiresAt) || v.redeemedAt ? "link_expired" : "link_open";
    return verificationSchema.parse({ ...base, state });
  }
  const { etag: _etag, ...r } = recovery;
  const audit = await s.audit.list(r.recoveryId);
  const detail = detailOf(r, audit);
  const done = isTerminal(r.status);
  // A caller offered a recovery (the profile allows it) was verified first, whatever came after
  // — unless the provider withdrew the verification (a decline reported during the offer).
  const withdrawn = audit.some((e) => e.event === "identity_verification_withdrawn");
  const verified =
    !withdrawn && (r.status === "verified" || audit.some((e) => e.event === "verification_passed"));
  return verificationSchema.parse({
    ...base,
    state: verified ? "verified" : done ? "not_verified" : "in_progress",
    verdict: {
      verified,
      status: r.status,
      ...(detail.failure ? { failure: detail.failure } : {}),
      ...(detail.failureReason ? { failureReason: detail.failureReason } : {}),
      ...(detail.faceCheck ? { faceCheck: detail.faceCheck } : {}),
      ...(detail.match ? { match: detail.match } : {}),
      ...(detail.provider ? { provider: detail.provider } : {}),
      ...(detail.profileId ? { profileId: detail.profileId } : {}),
      ...(detail.userId ? { userId: detail.userId } : {}),
      startedAt: r.createdAt,
      ...(done ? { finishedAt: r.updatedAt } : {}),
    },
  });
}

export const getVerification = adminHandler("helpdesk", async (request) => {
  const id = request.params.id ?? "";
  const record = isRecoveryId(id) ? await services().verifications.get(id) : undefined;
  if (!record) throw new NotFoundError("verification_not_found", `No verification ${id}.`);
  const { etag: _etag, ...v } = record;
  return json(200, await viewOf(v, new Date()));
});

export const listVerifications = adminHandler("helpdesk", async (request) => {
  const query = parseListQuery(request, verificationQuerySchema);
  const s = services();
  const page = await readListPage(query.continuationToken, () => s.verifications.list(query));
  const now = new Date();
  // Two reads per item (the started recovery, its audit trail): a bounded number in flight.
  const items = await readPerItem(page.items, (v) => viewOf(v, now));
  if (wantsJsonLines(request, query.format)) return jsonLinesAnswer(items, page.continuationToken);
  return json(200, {
    items,
    ...(page.continuationToken ? { continuationToken: page.continuationToken } : {}),
  });
});
