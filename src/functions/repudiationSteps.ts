/**
 * What a "this wasn't me" link does (NIST SP 800-63B-4: the subscriber can repudiate a
 * recovery). Reading a link changes nothing; confirming it, in this order:
 *
 * 1. blocks self-service recovery of the account (before anything else, so that a recovery
 *    starting meanwhile is refused at discovery or at its own directory writes);
 * 2. deletes every Temporary Access Pass and every method registered since the recovery
 *    (recovery/repudiation `methodsToRemove`), and revokes every sign-in session;
 * 3. takes the sealed TAP hand-off if the client never fetched it;
 * 4. marks the recovery repudiated, with its audit entry, in one write;
 * 5. alerts the admin address.
 *
 * Every step is safe to repeat: a confirmation that fails half-way (Graph down) leaves the
 * block in force and the record unmarked, and the next click does the rest. Two confirmations
 * at once both run the directory writes (a method already gone is 404, counted as gone) and
 * only the one whose write marks the record sends the alert.
 */
import { DependencyError } from "../recovery/errors";
import { hashSecret } from "../recovery/opaqueSecrets";
import { judgeLink, type LinkDecision } from "../recovery/repudiation";
import { repudiationAlert } from "../recovery/repudiationNotice";
import { services } from "../services";
import type { DiscoveredRecovery, Loaded } from "../store/recoveries";
import { undoRecoveryWrites } from "./activities/undoRecovery";

/** A link's secret: 32 random bytes, base64url (recovery/opaqueSecrets). Anything else is no link. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** What a presented link is: a link that may act always comes with its (discovered) recovery. */
export type LinkView =
  | { decision: Extract<LinkDecision, { kind: "invalid" }>; record?: Loaded; shown?: undefined }
  | {
      decision: Extract<LinkDecision, { kind: "open" | "done" }>;
      record: Loaded<DiscoveredRecovery>;
      /** What the page shows (what the notice said already). */
      shown: { userPrincipalName: string; recoveredAt: string };
    };

/** Reads what a presented link is, changing nothing. */
export async function viewLink(token: string, now: Date): Promise<LinkView> {
  const s = services();
  if (!TOKEN.test(token)) return { decision: { kind: "invalid", reason: "unknown" } };
  const link = await s.repudiationLinks.find(hashSecret(token));
  const record = link ? await s.recoveries.get(link.recoveryId) : undefined;
  const decision = judgeLink({ link, recovery: record }, now);
  if (decision.kind === "invalid") return { decision, ...(record ? { record } : {}) };
  // judgeLink opens a link, or says it is done, only for a discovered record of its recovery:
  // this test is what tells the compiler so (it is never true here).
  if (record?.stage !== "discovered")
    return { decision: { kind: "invalid", reason: "not_recovered" }, ...(record ? { record } : {}) };
  return {
    decision,
    record,
    shown: {
      userPrincipalName: record.noticeContacts?.userPrincipalName ?? record.username,
      recoveredAt: record.tapIssuedAt ?? record.updatedAt,
    },
  };
}

export type ConfirmOutcome = "repudiated" | "already_repudiated" | "invalid";

/** Confirms a link: undoes its recovery and blocks the account (see the module header). */
export async function confirmRepudiation(
  token: string,
  sourceAddress: string,
  now: Date,
): Promise<{ outcome: ConfirmOutcome; view: LinkView }> {
  const s = services();
  const view = await viewLink(token, now);
  if (!view.shown) {
    const { decision, record } = view;
    // A link we know but that must not act is audited in its recovery; an unknown one has nowhere to go.
    if (record && decision.reason !== "unknown") {
      await s.audit.record({
        recoveryId: record.recoveryId,
        event: "repudiation_refused",
        outcome: "failure",
        code: decision.reason,
        sourceAddress,
      });
    }
    return { outcome: "invalid", view };
  }
  const { decision, record } = view;
  if (decision.kind === "done") {
    // The click after a confirmation whose alert did not go out (a failed send) sends it now.
    if (!record.repudiationAlertedAt) await alertAdmins(record, decision.repudiatedAt, sourceAddress);
    return { outcome: "already_repudiated", view };
  }

  const userId = record.userId;
  const blocked = await s.recoveryBlocks.block(userId, record.recoveryId, now);
  // An admin lifted the block this link set (after a confirmation that stopped half-way, say):
  // the link does not set it again nor undo what the owner has registered since.
  if (blocked === "cleared") return { outcome: "already_repudiated", view };
  if (blocked === "blocked") {
    // In the trail at once: if the directory writes below fail (the page says to try again),
    // the block in force is not silent.
    await s.audit.record(
      {
        recoveryId: record.recoveryId,
        event: "recovery_block_set",
        onceKey: "recovery_block_set",
        outcome: "info",
        code: "recovery_blocked",
        sourceAddress,
      },
      record,
    );
  }
  const undone = await undoRecoveryWrites(userId, record.createdAt);
  await s.taps.withdraw(record.recoveryId, now);

  let marked = false;
  const at = now.toISOString();
  await s.recoveries.update(
    record.recoveryId,
    (r) => {
      // Decided on every attempt: after a lost race the record read again is marked by the winner.
      marked = r.stage === "discovered" && !r.repudiatedAt;
      return marked ? { ...r, repudiatedAt: at } : undefined;
    },
    record,
    (next) =>
      next
        ? [
            {
              recoveryId: record.recoveryId,
              event: "recovery_repudiated" as const,
              onceKey: "recovery_repudiated",
              outcome: "success" as const,
              code: "recovery_blocked",
              sourceAddress,
              detail: {
                methodsRemoved: undone.removed.length,
                removedTypes: undone.removed.map(shortType),
                remaining: undone.kept.map((m) => ({ type: shortType(m), id: m.id })),
                sessionsRevoked: true,
                blocked: true,
              },
            },
          ]
        : [],
  );
  if (!marked) return { outcome: "already_repudiated", view };
  await alertAdmins(record, at, sourceAddress, {
    methodsRemoved: undone.removed.length,
    methodsKept: undone.kept.map(shortType),
  });
  return { outcome: "repudiated", view };
}

const shortType = (m: { odataType: string }) => m.odataType.replace("#microsoft.graph.", "");

/** What the alert says the confirmation undid (the `recovery_repudiated` entry's detail). */
interface UndoneSummary {
  methodsRemoved: number;
  methodsKept: string[];
}

/** The undo a confirmation recorded, read back from its audit entry (a later click's alert). */
async function recordedUndo(recoveryId: string): Promise<UndoneSummary> {
  const audit = await services().audit.list(recoveryId);
  const repudiated = audit.find((e) => e.event === "recovery_repudiated");
  return {
    methodsRemoved:
      typeof repudiated?.detail?.methodsRemoved === "number" ? repudiated.detail.methodsRemoved : 0,
    methodsKept: Array.isArray(repudiated?.detail?.remaining)
      ? (repudiated.detail.remaining as { type?: unknown }[]).map((m) => String(m.type))
      : [],
  };
}

/**
 * Sends the alert to the admin address (when notices are configured) and records that it went.
 * `undone`: what the confirmation that just marked the record undid (it wrote the audit entry
 * from the same figures, so the entry is not read back); without it, read from the entry.
 */
async function alertAdmins(
  record: DiscoveredRecovery,
  repudiatedAt: string,
  sourceAddress: string,
  undone?: UndoneSummary,
): Promise<void> {
  const s = services();
  const { senderMailbox, adminAddress } = s.config.notifications;
  if (!senderMailbox || !adminAddress) {
    await s.audit.record({
      recoveryId: record.recoveryId,
      event: "notification_skipped",
      onceKey: "notification_skipped_admin_repudiated",
      outcome: "failure",
      code: senderMailbox ? "no_admin_address" : "no_sender_mailbox",
    });
    return;
  }
  const { methodsRemoved, methodsKept } = undone ?? (await recordedUndo(record.recoveryId));
  const notice = repudiationAlert({
    recoveryId: record.recoveryId,
    userId: record.userId,
    userPrincipalName: record.noticeContacts?.userPrincipalName ?? record.username,
    recoveredAt: record.tapIssuedAt ?? record.updatedAt,
    repudiatedAt,
    sourceAddress,
    methodsRemoved,
    methodsKept,
  });
  const [answer] = await s.directory.sendMails(senderMailbox, [{ ...notice, to: [adminAddress] }]);
  const status = answer?.status ?? 0;
  if (status < 200 || status >= 300) {
    await s.audit.record({
      recoveryId: record.recoveryId,
      event: "notification_attempt_failed",
      outcome: "failure",
      code: "admin_repudiated",
      detail: { error: `Graph sendMail failed (${status})` },
    });
    throw new DependencyError("directory_error", `the admin alert could not be sent (${status})`, true);
  }
  await s.recoveries.update(
    record.recoveryId,
    (r) =>
      r.stage === "discovered" && !r.repudiationAlertedAt
        ? { ...r, repudiationAlertedAt: new Date().toISOString() }
        : undefined,
    undefined,
    [
      {
        recoveryId: record.recoveryId,
        event: "notification_sent",
        onceKey: "notification_sent_admin_repudiated",
        outcome: "success",
        code: "admin_repudiated",
      },
    ],
  );
}
