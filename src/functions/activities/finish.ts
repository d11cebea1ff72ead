/**
 * The end of a recovery: its final status, the lock released (with the cooldown after a
 * completed recovery), and the notices to the user and the admins.
 */
import { adminNotice, type NoticeFacts, userNotice } from "../../recovery/notifications";
import { failure } from "../../recovery/status";
import { services } from "../../services";
import type { FinishInput, RecoveryInput } from "../contracts";
import { loadRecord } from "./common";

export async function finishRecovery(input: FinishInput): Promise<void> {
  const s = services();
  const failed = input.failureCode
    ? failure(input.failureCode)
    : input.status === "not_eligible"
      ? failure("not_eligible")
      : undefined;
  // Every part is safe to repeat, and a re-run repeats every part: a crash between the status
  // update and the lock release must not leave the user locked out.
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "recovery_finished",
    onceKey: "recovery_finished",
    outcome: input.status === "recovered" || input.status === "evaluation_passed" ? "success" : "failure",
    code: input.failureCode ?? input.status,
    ...(input.detail ? { detail: { detail: input.detail } } : {}),
  });
  const final = await s.recoveries.advance(input.recoveryId, {
    status: input.status,
    next: undefined,
    failure: failed,
  });
  if (final.userId) {
    const cooldownUntil =
      final.status === "recovered" && final.profile
        ? new Date(Date.now() + final.profile.cooldownMinutes * 60_000)
        : undefined;
    await s.locks.release(final.userId, input.recoveryId, cooldownUntil);
  }
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
  const record = await loadRecord(input.recoveryId);
  if (record.mode !== "production" || !record.userId) return; // Evaluation mode writes nothing, mail included
  // A cancelled recovery was the client's own decision: nothing to warn about.
  if (record.status !== "recovered" && record.status !== "failed" && record.status !== "expired") return;
  const kind = record.status === "recovered" ? "recovered" : "failed";
  const { senderMailbox, adminAddress, notifyManager } = s.config.notifications;
  const audit = (event: string, outcome: "success" | "failure" | "info", code: string, detail?: object) =>
    s.audit.record({
      recoveryId: input.recoveryId,
      event,
      onceKey: `${event}_${code}`,
      outcome,
      code,
      ...(detail ? { detail: { ...detail } } : {}),
    });
  // A send that fails is audited before the durable retry runs the step again: if every retry
  // fails too, the audit trail says which notice never went out, and why.
  const send = async (recipient: "user" | "admin", message: Parameters<typeof s.directory.sendMail>[1]) => {
    try {
      await s.directory.sendMail(senderMailbox!, message);
    } catch (err) {
      await audit("notification_attempt_failed", "failure", `${recipient}_${kind}`, {
        error: (err as Error).message.slice(0, 300),
      });
      throw err;
    }
  };
  if (!senderMailbox) {
    await audit("notification_skipped", "info", "no_sender_mailbox");
    return;
  }
  const contacts = await s.directory.getMailContacts(record.userId);
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
  if (!record.userNotifiedAt) {
    // The work mailbox is left out: whoever holds the account now can read (and delete) it.
    const to = [...new Set(contacts.otherMails.map((m) => m.trim()).filter((m) => m.includes("@")))];
    const manager = notifyManager ? await s.directory.getManagerMail(record.userId) : undefined;
    const cc = manager ? [manager] : [];
    if (to.length + cc.length === 0) {
      await audit("notification_skipped", "failure", "user_has_no_other_address");
    } else {
      const notice = userNotice(facts);
      await send("user", to.length ? { ...notice, to, cc } : { ...notice, to: cc });
      await s.recoveries.update(input.recoveryId, (r) => ({
        ...r,
        userNotifiedAt: new Date().toISOString(),
      }));
      await audit("notification_sent", "success", `user_${kind}`, {
        recipients: to.length + cc.length,
        managerCopied: cc.length > 0,
      });
    }
  }
  if (adminAddress && !record.adminNotifiedAt) {
    await send("admin", { ...adminNotice(facts), to: [adminAddress] });
    await s.recoveries.update(input.recoveryId, (r) => ({ ...r, adminNotifiedAt: new Date().toISOString() }));
    await audit("notification_sent", "success", `admin_${kind}`);
  }
}
