/**
 * The recovery itself (Production only): method reset, session revocation and the TAP, written
 * in one serial `$batch` (each write only after the one before succeeded), then the TAP sealed.
 */
import { type AuthenticationMethod, type MatchFacts, METHOD_COLLECTIONS } from "../../directory/graph";
import { DependencyError } from "../../recovery/errors";
import { methodsLeftByReset, orderForDeletion } from "../../recovery/methodOrder";
import type { PolicyProfile } from "../../recovery/policy";
import { tapCoverage, tapPolicyGroups } from "../../recovery/tapPolicy";
import { requireSecret } from "../../secrets";
import { services } from "../../services";
import type { PreparedRecovery, RecoveryRecord } from "../../store/recoveries";
import { clientJwkSchema, REGISTER_URL, sealTap, TAP_HANDOFF_KEY_SECRET } from "../../tap/seal";
import type { RecoveryInput, StepVerdict } from "../contracts";
import { openRecord, profileOf } from "./common";

const DELETABLE = new Set(Object.keys(METHOD_COLLECTIONS));

/** Ends the step without a TAP (and, before the reset, without touching any method). */
async function tapBlocked(recoveryId: string, detail: Record<string, unknown>): Promise<StepVerdict> {
  await services().audit.record({
    recoveryId,
    event: "tap_blocked",
    onceKey: "tap_blocked",
    outcome: "failure",
    code: "tap_policy_blocked",
    detail,
  });
  return { ok: false, code: "tap_policy_blocked" };
}

/**
 * What the recovery step will write, decided from a read of the methods, the TAP policy and the
 * user's membership in the groups it names. Undefined when the policy names groups whose
 * membership was not read (the policy changed since discovery): the step then reads again.
 */
export function prepareRecovery(
  record: RecoveryRecord,
  profile: PolicyProfile,
  facts: MatchFacts,
): PreparedRecovery | undefined {
  if (!facts.methods || !facts.tapPolicy || !facts.memberOf) return undefined;
  const known = new Set(record.tapPolicyGroups ?? []);
  if (!tapPolicyGroups(facts.tapPolicy).every((g) => known.has(g))) return undefined;
  const coverage = tapCoverage(facts.tapPolicy, facts.memberOf, profile.tapLifetimeMinutes);
  return {
    methods: orderForDeletion(facts.methods, DELETABLE),
    kept: methodsLeftByReset(facts.methods, DELETABLE).map((m) => ({ odataType: m.odataType, id: m.id })),
    tap: coverage.covered
      ? {
          covered: true,
          lifetimeInMinutes: coverage.lifetimeInMinutes,
          // One-time use by default; a policy that demands it wins over a profile that does not.
          isUsableOnce: profile.tapUsableOnce || facts.tapPolicy.isUsableOnce,
        }
      : coverage,
  };
}

/** The same read the match makes for this step, made by the step itself (a re-run, or a changed policy). */
async function prepareAfresh(record: RecoveryRecord, profile: PolicyProfile): Promise<PreparedRecovery> {
  const s = services();
  const userId = record.userId!;
  const known = record.tapPolicyGroups ?? [];
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
  return prepareRecovery({ ...record, tapPolicyGroups: [...known, ...unknown] }, profile, facts)!;
}

/**
 * Resets the methods, revokes the sessions and issues the TAP, in that order, in one round trip
 * (its first run writes at once with what the match read; a re-run reads afresh, since an
 * earlier run may have changed things). Never strips a user's methods unless the policy lets
 * the TAP that replaces them be issued. A re-run does only what is left: methods already gone
 * are not listed, sessions revoked are not revoked again, and a TAP already sealed is not
 * issued again.
 */
export async function recoverAccount(input: RecoveryInput): Promise<StepVerdict> {
  const s = services();
  const recoveryId = input.recoveryId;
  const record = await openRecord(recoveryId);
  if (record.tapIssuedAt && (await s.taps.exists(recoveryId))) return { ok: true };
  const userId = record.userId!;
  const profile = profileOf(record);
  const prepared = record.preparedRecovery ?? (await prepareAfresh(record, profile));
  if (!prepared.tap.covered) {
    return tapBlocked(recoveryId, { reason: prepared.tap.reason, before: "method reset" });
  }
  const written = await s.directory.applyRecovery(userId, {
    deletions: prepared.methods as AuthenticationMethod[],
    revoke: !record.sessionsRevokedAt,
    tap: { lifetimeInMinutes: prepared.tap.lifetimeInMinutes, isUsableOnce: prepared.tap.isUsableOnce },
  });
  const removed = written.deletions.filter((d) => d.outcome === "deleted").map((d) => d.method);
  const allGone = written.deletions.every((d) => d.outcome === "deleted" || d.outcome === "already_gone");
  const revoked = !record.sessionsRevokedAt && written.revoke === undefined;
  const tap = written.tap && "created" in written.tap ? written.tap.created : undefined;

  // Seal at once: from here on the TAP exists only as a JWE.
  let sealed: { expiresAt: string; sealedFor: "client" | "server" } | undefined;
  if (tap) {
    const clientJwk = record.tapEncryptionKey
      ? clientJwkSchema.parse(JSON.parse(record.tapEncryptionKey))
      : undefined;
    const binding = { recoveryId };
    const jwe = clientJwk
      ? await sealTap(tap.temporaryAccessPass, { clientJwk }, binding)
      : await sealTap(
          tap.temporaryAccessPass,
          { serverSecret: await requireSecret(s.secrets, TAP_HANDOFF_KEY_SECRET) },
          binding,
        );
    const expiresAt = new Date(Date.parse(tap.startDateTime) + tap.lifetimeInMinutes * 60_000).toISOString();
    sealed = { expiresAt, sealedFor: clientJwk ? "client" : "server" };
    await s.taps.put({
      recoveryId,
      jwe,
      sealedFor: sealed.sealedFor,
      expiresAt,
      lifetimeInMinutes: tap.lifetimeInMinutes,
      isUsableOnce: tap.isUsableOnce,
      createdAt: new Date().toISOString(),
    });
  }
  // What this run did, in one write; the prepared read is spent (a re-run reads afresh).
  const now = new Date().toISOString();
  await s.recoveries.update(
    recoveryId,
    (r) => ({
      ...r,
      preparedRecovery: undefined,
      methodsRemoved: (r.methodsRemoved ?? 0) + removed.length,
      ...(revoked ? { sessionsRevokedAt: now } : {}),
      ...(tap ? { tapIssuedAt: now } : {}),
    }),
    record,
  );
  // The audit entries of this run, in one table transaction.
  const events: Parameters<typeof s.audit.recordAll>[0][number][] = [];
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
  if (tap && sealed) {
    events.push({
      recoveryId,
      event: "temporary_access_pass_issued",
      onceKey: "temporary_access_pass_issued",
      outcome: "success",
      detail: {
        expiresAt: sealed.expiresAt,
        lifetimeInMinutes: tap.lifetimeInMinutes,
        isUsableOnce: tap.isUsableOnce,
        sealedFor: sealed.sealedFor,
        registerUrl: REGISTER_URL,
      },
    });
  }
  await s.audit.recordAll(events);
  // (Sealed TAPs nobody came back for are purged by the housekeeping timer.)
  if (tap && sealed) return { ok: true };
  // Something in the chain failed; what ran before it is recorded above.
  const tapFailure = written.tap && !("created" in written.tap) ? written.tap : undefined;
  if (
    allGone &&
    written.revoke === undefined &&
    tapFailure &&
    (tapFailure.status === 400 || tapFailure.status === 403)
  ) {
    // Graph refused the TAP itself: the policy changed since it was read.
    return tapBlocked(recoveryId, { graphStatus: tapFailure.status, graphCode: tapFailure.code ?? null });
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
