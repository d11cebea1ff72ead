/**
 * The end of a recovery: its final status, the lock released (with the cooldown after a
 * completed recovery), and the notices to the user and the admins.
 */
import { batchErrorCode, type MailMessage } from "../../directory/graph";
import { DependencyError } from "../../recovery/errors";
import { otherMailRecipients } from "../../recovery/noticeAddresses";
import { adminNotice, type NoticeFacts, userNotice, userNoticeLocale } from "../../recovery/notifications";
import { failure } from "../../recovery/status";
import { services } from "../../services";
import type { StoredNoticeContacts } from "../../store/recoveries";
import type { FinishInput, RecoveryInput } from "../contracts";
import { loadRecord } from "./common";
import { credentialCheckedEntry } from "./presentation";
import { issueRepudiationLink } from "./repudiationLink";

/**
 * Closes the recovery (final status and its audit entry, one write) and releases the user's lock.
 * Returns the closed record's version, for the notices that follow (`notifyRecoveryOutcome`).
 */
export async function finishRecovery(input: FinishInput): Promise<{ etag?: string }> {
  const s = services();
  const failed = input.failureCode
    ? failure(input.failureCode)
    : input.status === "not_eligible"
      ? failure("not_eligible")
      : undefined;
  // Every part is safe to repeat, and a re-run repeats every part: a crash between the status
  // update and the lock release must not leave the user locked out.
  // The final status and its audit entry are one write, made with the etag of the version the
  // last step left when this process holds it (a change since fails it, and it is read again).
  const final = await s.recoveries.advance(
    input.recoveryId,
    { status: input.status, next: undefined, failure: failed },
    input.etag === undefined ? undefined : await s.recoveries.at(input.recoveryId, input.etag),
    [
      // A passing check whose match never returned: its entry is kept (once, as the match would).
      ...(input.checked ? [credentialCheckedEntry(input.recoveryId, input.checked)] : []),
      {
        recoveryId: input.recoveryId,
        event: "recovery_finished",
        onceKey: "recovery_finished",
        outcome:
          input.status === "recovered" || input.status === "evaluation_passed" || input.status === "verified"
            ? "success"
            : "failure",
        code: input.failureCode ?? input.status,
        ...(input.detail ? { detail: { detail: input.detail } } : {}),
      },
    ],
  );
  if (final.userId) {
    const cooldownUntil =
      final.status === "recovered" && final.stage === "discovered"
        ? new Date(Date.now() + final.profile.cooldownMinutes * 60_000)
        : undefined;
    await s.locks.release(final.userId, input.recoveryId, cooldownUntil);
  }
  return { etag: final.etag };
}

/**
 * Tells the user (their other mail addresses, the manager in copy when configured) and the
 * admin address that the account was recovered, or that an attempt failed after identity
 * verification. Runs after the recovery is closed, so it reads the record without requiring
 * it open. Each message is sent once: a re-run skips what Graph already accepted (a message
 * whose answer was lost in transit may arrive twice — better than never).
 */
export async function notifyRecoveryOutcome(input: RecoveryInput): Promise<void> {
  const s = services();
  // The closed version the finish left, when this process holds it. A re-run after an earlier run
  // (in another process) sent and recorded the notices may decide from it and send them again:
  // at least once, as for a lost answer; its write is made with that etag and reads again.
  const record = await loadRecord(input.recoveryId, input.etag);
  // Evaluation mode writes nothing, mail included; a recovery never discovered has nobody to tell.
  if (record.stage !== "discovered" || record.mode !== "production") return;
  // A cancelled recovery was the client's own decision: nothing to warn about.
  if (record.status !== "recovered" && record.status !== "failed" && record.status !== "expired") return;
  const kind = record.status === "recovered" ? "recovered" : "failed";
  const { senderMailbox, adminAddress, notifyManager } = s.config.notifications;
  const audit = (
    event: "notification_skipped" | "notification_attempt_failed",
    outcome: "failure" | "info",
    code: string,
    detail?: object,
  ) =>
    s.audit.record(
      {
        recoveryId: input.recoveryId,
        event,
        onceKey: `${event}_${code}`,
        outcome,
        code,
        ...(detail ? { detail: { ...detail } } : {}),
      },
      record,
    );
  if (!senderMailbox) {
    await audit("notification_skipped", "info", "no_sender_mailbox");
    return;
  }
  // Read at the match when the recovery got that far; else read now.
  const contacts = record.noticeContacts ?? (await readNoticeContacts(record.userId, notifyManager));
  const facts: NoticeFacts = {
    kind,
    recoveryId: record.recoveryId,
    userId: record.userId,
    userPrincipalName: contacts.userPrincipalName,
    at: record.updatedAt,
    sourceAddress: record.clientAddress,
    failureCode: record.failure?.code,
    adminAddress,
  };
  const messages: { recipient: "user" | "admin"; message: MailMessage }[] = [];
  if (!record.userNotifiedAt) {
    // The work mailbox is left out: whoever holds the account now can read (and delete) it.
    const to = otherMailRecipients(contacts.otherMails);
    const manager = notifyManager ? (contacts.managerMail ?? undefined) : undefined;
    const cc = manager ? [manager] : [];
    if (to.length + cc.length === 0) {
      await audit("notification_skipped", "failure", "user_has_no_other_address");
    } else {
      // Only a recovered notice carries the "this wasn't me" link (a failed one has nothing to undo).
      const locale = userNoticeLocale({
        preferredLanguage: contacts.preferredLanguage,
        recoveryLocale: record.locale,
      });
      const link = kind === "recovered" ? await issueRepudiationLink(record, new Date()) : undefined;
      // The page the link opens speaks the notice's language (`lang`: not secret, not trusted).
      const repudiation = link && { ...link, url: `${link.url}&lang=${encodeURIComponent(locale)}` };
      const notice = userNotice(repudiation ? { ...facts, repudiation } : facts, locale);
      messages.push({
        recipient: "user",
        message: to.length ? { ...notice, to, cc } : { ...notice, to: cc },
      });
    }
  }
  if (adminAddress && !record.adminNotifiedAt) {
    messages.push({
      recipient: "admin",
      message: { ...adminNotice(facts, s.config.defaultLocale), to: [adminAddress] },
    });
  }
  if (messages.length === 0) return;
  // One round trip, the user's notice first; the admins' goes only if the user's went.
  let answers: Awaited<ReturnType<typeof s.directory.sendMails>>;
  try {
    answers = await s.directory.sendMails(
      senderMailbox,
      messages.map((m) => m.message),
    );
  } catch (err) {
    await audit("notification_attempt_failed", "failure", `${messages[0]?.recipient ?? "user"}_${kind}`, {
      error: (err as Error).message.slice(0, 300),
    });
    throw err;
  }
  const sent = messages.filter((_, i) => {
    const status = answers[i]?.status ?? 0;
    return status >= 200 && status < 300;
  });
  if (sent.length > 0) {
    // When each notice went, and its audit entries, in one write.
    const now = new Date().toISOString();
    await s.recoveries.update(
      input.recoveryId,
      (r) => ({
        ...r,
        ...(sent.some((m) => m.recipient === "user") ? { userNotifiedAt: now } : {}),
        ...(sent.some((m) => m.recipient === "admin") ? { adminNotifiedAt: now } : {}),
      }),
      record,
      sent.map((m) => ({
        recoveryId: input.recoveryId,
        event: "notification_sent" as const,
        onceKey: `notification_sent_${m.recipient}_${kind}`,
        outcome: "success" as const,
        code: `${m.recipient}_${kind}`,
        ...(m.recipient === "user"
          ? {
              detail: {
                recipients: m.message.to.length + (m.message.cc?.length ?? 0),
                managerCopied: (m.message.cc?.length ?? 0) > 0,
              },
            }
          : {}),
      })),
    );
  }
  // A send that failed is audited before the durable retry runs the step again: if every retry
  // fails too, the audit trail says which notice never went out, and why.
  const failedAt = answers.findIndex((a) => a.status < 200 || a.status >= 300);
  const answer = answers[failedAt];
  const unsent = messages[failedAt];
  if (answer && unsent) {
    const error = `Graph sendMail failed (${answer.status}${batchErrorCode(answer) ? ` ${batchErrorCode(answer)}` : ""})`;
    await audit("notification_attempt_failed", "failure", `${unsent.recipient}_${kind}`, { error });
    throw new DependencyError("directory_error", error, answer.status === 429 || answer.status >= 500);
  }
}

/** The notice addresses, read when the recovery ended before the match read them. */
async function readNoticeContacts(userId: string, manager: boolean): Promise<StoredNoticeContacts> {
  const s = services();
  const contacts = await s.directory.getMailContacts(userId);
  return {
    userPrincipalName: contacts.userPrincipalName,
    otherMails: contacts.otherMails,
    preferredLanguage: contacts.preferredLanguage,
    ...(manager ? { managerMail: (await s.directory.getManagerMail(userId)) ?? null } : {}),
  };
}
