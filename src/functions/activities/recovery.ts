/**
 * The recovery itself (Production only): method reset, session revocation and the TAP, written
 * in one serial `$batch` (each write only after the one before succeeded), then the TAP sealed.
 */
import { DependencyError } from "../../recovery/errors";
import { tapPolicyGroups } from "../../recovery/tapPolicy";
import { requireSecret } from "../../secrets";
import { services } from "../../services";
import type { NewAuditEvent } from "../../store/audit";
import type { DiscoveredRecovery, Loaded, RecoveryRecord } from "../../store/recoveries";
import { type SealedTap, sealedTapRow } from "../../store/tapHandoff";
import {
  type ClientJwk,
  clientJwkSchema,
  REGISTER_URL,
  sealTap,
  TAP_HANDOFF_KEY_SECRET,
} from "../../tap/seal";
import type { RecoverAccountInput, RecoveryPlan, StepVerdict } from "../contracts";
import { etagToHandOn, openDiscovered } from "./common";
import { planRecovery } from "./recoveryPlan";
import { undoRecoveryWrites } from "./undoRecovery";

/** Ends the step without a TAP (and, before the reset, without touching any method). */
async function tapBlocked(record: RecoveryRecord, detail: Record<string, unknown>): Promise<StepVerdict> {
  await services().audit.record(
    {
      recoveryId: record.recoveryId,
      event: "tap_blocked",
      onceKey: "tap_blocked",
      outcome: "failure",
      code: "tap_policy_blocked",
      detail,
    },
    record,
  );
  return { ok: false, code: "tap_policy_blocked" };
}

/** Ends the step because self-service recovery of the account was blocked (a repudiation) meanwhile. */
async function refusedAsBlocked(record: RecoveryRecord, when: string): Promise<StepVerdict> {
  await services().audit.record(
    {
      recoveryId: record.recoveryId,
      event: "eligibility_checked",
      onceKey: "recovery_blocked",
      outcome: "failure",
      code: "recovery_blocked",
      detail: {
        reason: "recovery_blocked",
        explanation: `self-service recovery of the account was blocked, found ${when}`,
      },
    },
    record,
  );
  return { ok: false, code: "not_eligible" };
}

/**
 * Undoes what this recovery's step wrote (every TAP and method registered since the recovery
 * started, the sessions revoked again), withdraws its sealed TAP so no status read hands it out,
 * and refuses. A failing undo throws (transient): the retry comes back through the block check.
 */
async function undoOwnWrites(record: DiscoveredRecovery, when: string): Promise<StepVerdict> {
  await undoRecoveryWrites(record.userId, record.createdAt);
  await services().taps.withdraw(record.recoveryId, new Date());
  return refusedAsBlocked(record, when);
}

/** The same read the match makes for this step, made by the step itself (a re-run, or a changed policy). */
async function planAfresh(record: DiscoveredRecovery): Promise<RecoveryPlan> {
  const s = services();
  const userId = record.userId;
  const known = record.tapPolicyGroups;
  const facts = await s.directory.readForMatch(userId, {
    attributes: [],
    contacts: false,
    manager: false,
    recovery: { tapPolicyGroups: known },
  });
  const unknown = facts.tapPolicy ? tapPolicyGroups(facts.tapPolicy).filter((g) => !known.includes(g)) : [];
  if (unknown.length > 0) {
    for (const id of await s.directory.memberOf(userId, unknown)) facts.memberOf?.add(id);
  }
  const plan = planRecovery([...known, ...unknown], record.profile, facts);
  if (!plan)
    throw new DependencyError("directory_error", "the directory's answer left the recovery undecided", true);
  return plan;
}

/** Whom the TAP is sealed to: the client's public key (sent at start) or our hand-off key. */
type SealRecipient = { clientJwk: ClientJwk } | { serverSecret: string };

/**
 * The recipient, checked the way sealing will use it (a probe is sealed), before the first
 * directory write: a key that cannot seal must fail the step while nothing has changed.
 */
async function sealingRecipient(record: RecoveryRecord): Promise<SealRecipient> {
  const recipient: SealRecipient = record.tapEncryptionKey
    ? { clientJwk: clientJwkSchema.parse(JSON.parse(record.tapEncryptionKey)) }
    : { serverSecret: await requireSecret(services().secrets, TAP_HANDOFF_KEY_SECRET) };
  await sealTap("probe", recipient, { recoveryId: record.recoveryId });
  return recipient;
}

/** A short, stack-free description of an error for the audit trail and the admin record. */
function reasonOf(err: unknown): string {
  const [firstLine = ""] = (err instanceof Error ? err.message : String(err)).split("\n");
  return firstLine.slice(0, 200);
}

/**
 * Ends the step when the TAP exists in the directory but was not stored for hand-off. Never a
 * second TAP (or revocation): the audit and the record say what was changed, so an admin can
 * finish by hand (helpdesk TAP) or repudiate.
 */
async function tapNotHandedOut(record: DiscoveredRecovery, why: string): Promise<StepVerdict> {
  const changed = [
    `${record.methodsRemoved ?? 0} authentication method(s) removed`,
    record.sessionsRevokedAt
      ? `sign-in sessions revoked at ${record.sessionsRevokedAt}`
      : "sessions not revoked",
    record.tapIssuedAt ? `a TAP issued at ${record.tapIssuedAt}` : "no TAP issued",
  ];
  await services().audit.record(
    {
      recoveryId: record.recoveryId,
      event: "tap_handoff_failed",
      onceKey: "tap_handoff_failed",
      outcome: "failure",
      code: "internal_error",
      detail: {
        reason: "tap_not_handed_out",
        explanation: `changed in the directory: ${changed.join("; ")}; the TAP could not be handed out (${why}) and no second one is issued`,
        methodsRemoved: record.methodsRemoved ?? 0,
        sessionsRevokedAt: record.sessionsRevokedAt ?? null,
        tapIssuedAt: record.tapIssuedAt ?? null,
      },
    },
    record,
  );
  return { ok: false, code: "internal_error" };
}

/**
 * Resets the methods, revokes the sessions and issues the TAP, in that order, in one round trip
 * (its first run writes at once with what the match read; a re-run reads afresh, since an
 * earlier run may have changed things). Never strips a user's methods unless the policy lets
 * the TAP that replaces them be issued, nor unless the TAP can be sealed for its recipient.
 * What the directory writes did is recorded (record and audit) before the TAP is sealed, so a
 * failure after them is never silent. A re-run does only what is left: methods already gone
 * are not listed, sessions revoked are not revoked again, and once a TAP was issued no other
 * is (sealed: done; not sealed: the step fails, saying what changed).
 */
export async function recoverAccount(input: RecoverAccountInput): Promise<StepVerdict> {
  const s = services();
  const recoveryId = input.recoveryId;
  const record = await openDiscovered(recoveryId);
  const userId = record.userId;
  // A repudiation of an earlier recovery may have blocked the account since discovery, or while
  // an earlier run of this step wrote (that run then failed undoing its writes): checked first,
  // on every run, so that no re-run takes the "TAP already issued" way out below.
  if (await s.recoveryBlocks.isBlocked(userId)) {
    if (record.methodsRemoved === undefined && !record.sessionsRevokedAt && !record.tapIssuedAt)
      return refusedAsBlocked(record, "before the directory writes");
    return undoOwnWrites(record, "by a re-run after the directory writes, which were undone");
  }
  if (record.tapIssuedAt) {
    if (await s.taps.exists(recoveryId)) return { ok: true, ...etagToHandOn(record) };
    return tapNotHandedOut(record, "an earlier run issued it but did not store it");
  }
  let recipient: SealRecipient;
  try {
    recipient = await sealingRecipient(record);
  } catch (err) {
    if (err instanceof DependencyError && err.transient) throw err;
    await s.audit.record(
      {
        recoveryId,
        event: "tap_handoff_unavailable",
        onceKey: "tap_handoff_unavailable",
        outcome: "failure",
        code: "internal_error",
        detail: {
          reason: "tap_cannot_be_sealed",
          explanation: `the TAP could not be sealed for ${record.tapEncryptionKey ? "the client's key" : "hand-off"} (${reasonOf(err)}); nothing was changed in the directory`,
        },
      },
      record,
    );
    return { ok: false, code: "internal_error" };
  }
  // The match's plan serves the first run only: once a run wrote its progress (methodsRemoved is
  // set), what it changed is in the directory, and a re-run reads afresh.
  const prepared = input.plan && record.methodsRemoved === undefined ? input.plan : await planAfresh(record);
  if (!prepared.tap.covered) {
    return tapBlocked(record, { reason: prepared.tap.reason, before: "method reset" });
  }
  const written = await s.directory.applyRecovery(userId, {
    deletions: prepared.methods,
    revoke: !record.sessionsRevokedAt,
    tap: { lifetimeInMinutes: prepared.tap.lifetimeInMinutes, isUsableOnce: prepared.tap.isUsableOnce },
  });
  const removed = written.deletions.filter((d) => d.outcome === "deleted").map((d) => d.method);
  const allGone = written.deletions.every((d) => d.outcome === "deleted" || d.outcome === "already_gone");
  const revoked = !record.sessionsRevokedAt && written.revoke === undefined;
  const tap = written.tap && "created" in written.tap ? written.tap.created : undefined;
  const sealedFor = "clientJwk" in recipient ? ("client" as const) : ("server" as const);
  const tapExpiresAt = tap
    ? new Date(Date.parse(tap.startDateTime) + tap.lifetimeInMinutes * 60_000).toISOString()
    : undefined;

  // Seal at once: from here on the TAP exists only as a JWE (stored with the record below).
  let sealed: SealedTap | undefined;
  let unsealed: string | undefined;
  if (tap && tapExpiresAt) {
    try {
      sealed = {
        recoveryId,
        jwe: await sealTap(tap.temporaryAccessPass, recipient, { recoveryId }),
        sealedFor,
        expiresAt: tapExpiresAt,
        lifetimeInMinutes: tap.lifetimeInMinutes,
        isUsableOnce: tap.isUsableOnce,
        createdAt: new Date().toISOString(),
      };
    } catch (err) {
      unsealed = reasonOf(err);
    }
  }

  // What this run did, its audit entries and the sealed TAP, in one write; the plan is spent (a
  // re-run reads afresh). From here a retry sees the revocation and the TAP and repeats neither.
  const now = new Date().toISOString();
  const events: NewAuditEvent[] = [];
  if (allGone) {
    events.push({
      recoveryId,
      event: "authentication_methods_reset",
      onceKey: "authentication_methods_reset",
      outcome: "success",
      detail: {
        removed: (record.methodsRemoved ?? 0) + removed.length,
        types: removed.map((m) => m.odataType.replace("#microsoft.graph.", "")),
        // What is still registered after the reset, by type and id (never silently left behind).
        remaining: (prepared.kept ?? []).map((m) => ({
          type: m.odataType.replace("#microsoft.graph.", ""),
          id: m.id,
        })),
      },
    });
  }
  if (revoked) events.push({ recoveryId, event: "sign_in_sessions_revoked", outcome: "success" });
  if (tap && tapExpiresAt) {
    events.push({
      recoveryId,
      event: "temporary_access_pass_issued",
      onceKey: "temporary_access_pass_issued",
      outcome: "success",
      detail: {
        expiresAt: tapExpiresAt,
        lifetimeInMinutes: tap.lifetimeInMinutes,
        isUsableOnce: tap.isUsableOnce,
        sealedFor,
        registerUrl: REGISTER_URL,
      },
    });
  }
  const progress = (r: RecoveryRecord): RecoveryRecord | undefined =>
    r.stage === "discovered"
      ? {
          ...r,
          methodsRemoved: (r.methodsRemoved ?? 0) + removed.length,
          ...(revoked ? { sessionsRevokedAt: now } : {}),
          ...(tap ? { tapIssuedAt: now } : {}),
        }
      : undefined;
  let after: Loaded;
  try {
    after = await s.recoveries.update(
      recoveryId,
      progress,
      record,
      events,
      sealed ? [sealedTapRow(sealed)] : [],
    );
  } catch (err) {
    if (!sealed) throw err;
    // The sealed TAP could not be stored with the record: what the directory writes did is
    // still recorded (without it), and the step fails saying so; no second TAP is ever issued.
    after = await s.recoveries.update(recoveryId, progress, undefined, events);
    unsealed = reasonOf(err);
  }

  if (tap && (await s.recoveryBlocks.isBlocked(userId))) {
    // Blocked while the writes ran: the repudiation that blocked (it blocks before it reads the
    // methods) may have listed them before this TAP existed, so this step undoes its own writes.
    return undoOwnWrites(record, "after the directory writes, which were undone");
  }
  if (tap && tapExpiresAt) {
    if (unsealed !== undefined)
      return tapNotHandedOut(after.stage === "discovered" ? after : record, unsealed);
    // (Sealed TAPs nobody came back for are purged by the housekeeping timer.)
    return { ok: true, ...etagToHandOn(after) };
  }
  // Something in the chain failed; what ran before it is recorded above.
  const tapFailure = written.tap && !("created" in written.tap) ? written.tap : undefined;
  if (
    allGone &&
    written.revoke === undefined &&
    tapFailure &&
    (tapFailure.status === 400 || tapFailure.status === 403)
  ) {
    // Graph refused the TAP itself: the policy changed since it was read.
    return tapBlocked(record, { graphStatus: tapFailure.status, graphCode: tapFailure.code ?? null });
  }
  const failures = [
    ...written.deletions
      .filter((d) => d.outcome === "refused")
      .map((d) => ({ what: "method deletion", status: d.status, code: d.code })),
    ...(written.revoke && written.revoke.status !== 424
      ? [{ what: "session revocation", ...written.revoke }]
      : []),
    ...(tapFailure && tapFailure.status !== 424 ? [{ what: "TAP creation", ...tapFailure }] : []),
  ];
  // A lost answer, throttling or an outage: the durable retry policy runs the step again.
  const transient = failures.length === 0 || failures.some((f) => f.status === 429 || f.status >= 500);
  throw new DependencyError(
    "directory_error",
    `Graph refused the recovery writes (${failures.map((f) => `${f.what} ${f.status} ${f.code ?? ""}`.trim()).join(", ") || "nothing answered"})`,
    transient,
  );
}
