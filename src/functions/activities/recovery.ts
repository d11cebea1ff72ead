/**
 * The recovery itself (Production only): method reset, session revocation, the sealed TAP.
 */
import type { InvocationContext } from "@azure/functions";
import { graphStatusOf, METHOD_COLLECTIONS } from "../../directory/graph";
import { DependencyError } from "../../recovery/errors";
import { deletionRounds, orderForDeletion } from "../../recovery/methodOrder";
import { type TapCoverage, tapCoverage, tapPolicyGroups } from "../../recovery/tapPolicy";
import { requireSecret } from "../../secrets";
import { services } from "../../services";
import { clientJwkSchema, REGISTER_URL, sealTap, TAP_HANDOFF_KEY_SECRET } from "../../tap/seal";
import type { RecoveryInput, StepVerdict } from "../contracts";
import { openRecord, profileOf } from "./common";

/** Ends the TAP step without a TAP (and, before the reset, without touching any method). */
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

/** Whether the tenant's TAP policy covers this user (transitive groups), and the lifetime it allows. */
async function tapCoverageFor(
  userId: string,
  wantedLifetime: number,
): Promise<TapCoverage & { policyRequiresOneTimeUse: boolean }> {
  const s = services();
  const policy = await s.directory.getTapPolicy();
  const memberOf = await s.directory.memberOf(userId, tapPolicyGroups(policy));
  return { ...tapCoverage(policy, memberOf, wantedLifetime), policyRequiresOneTimeUse: policy.isUsableOnce };
}

export async function resetAuthenticationMethods(input: RecoveryInput): Promise<StepVerdict> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  const userId = record.userId!;
  // Never strip a user's methods unless the TAP that replaces them can be issued right after.
  if (!record.methodsRemoved) {
    const coverage = await tapCoverageFor(userId, profileOf(record).tapLifetimeMinutes);
    if (!coverage.covered) {
      return tapBlocked(input.recoveryId, { reason: coverage.reason, before: "method reset" });
    }
  }
  // Listed afresh on every run: a re-run after partial success sees only what is left.
  const deletable = new Set(Object.keys(METHOD_COLLECTIONS));
  const methods = await s.directory.listAuthenticationMethods(userId);
  const deletions = await s.directory.deleteAuthenticationMethods(userId, deletionRounds(methods, deletable));
  const refused = deletions.filter((d) => d.outcome === "refused");
  if (refused.length > 0) {
    // 429/5xx after the batch retries: let the durable retry policy run the step again.
    const transient = refused.some((d) => d.status === 429 || d.status >= 500);
    throw new DependencyError(
      "directory_error",
      `Graph refused ${refused.length} method deletions (${refused.map((d) => `${d.status} ${d.code}`).join(", ")})`,
      transient,
    );
  }
  const remaining = orderForDeletion(await s.directory.listAuthenticationMethods(userId), deletable);
  if (remaining.length > 0) {
    throw new DependencyError("directory_error", `${remaining.length} methods remain after reset`, true);
  }
  const ordered = deletions.filter((d) => d.outcome === "deleted").map((d) => d.method);
  await s.recoveries.update(input.recoveryId, (r) => ({
    ...r,
    methodsRemoved: (r.methodsRemoved ?? 0) + ordered.length,
  }));
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "authentication_methods_reset",
    onceKey: "authentication_methods_reset",
    outcome: "success",
    detail: {
      removed: ordered.length,
      types: ordered.map((m) => m.odataType.replace("#microsoft.graph.", "")),
    },
  });
  return { ok: true };
}

export async function revokeSignInSessions(input: RecoveryInput): Promise<void> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  if (record.sessionsRevokedAt) return; // a re-run must not revoke twice
  await s.directory.revokeSignInSessions(record.userId!);
  await s.recoveries.update(input.recoveryId, (r) => ({ ...r, sessionsRevokedAt: new Date().toISOString() }));
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "sign_in_sessions_revoked",
    outcome: "success",
  });
}

export async function issueTemporaryAccessPass(
  input: RecoveryInput,
  context: InvocationContext,
): Promise<StepVerdict> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  if (record.tapIssuedAt && (await s.taps.exists(input.recoveryId))) return { ok: true };
  const profile = profileOf(record);
  // Checked at discovery too; checked again because the policy may have changed meanwhile.
  const coverage = await tapCoverageFor(record.userId!, profile.tapLifetimeMinutes);
  if (!coverage.covered) {
    return tapBlocked(input.recoveryId, { reason: coverage.reason });
  }
  const { lifetimeInMinutes } = coverage;
  let created: Awaited<ReturnType<typeof s.directory.createTemporaryAccessPass>>;
  try {
    created = await s.directory.createTemporaryAccessPass(record.userId!, {
      lifetimeInMinutes,
      // One-time use by default; a policy that demands it wins over a profile that does not.
      isUsableOnce: profile.tapUsableOnce || coverage.policyRequiresOneTimeUse,
    });
  } catch (err) {
    const status = graphStatusOf(err);
    if (status === 400 || status === 403) {
      return tapBlocked(input.recoveryId, { graphStatus: status });
    }
    throw err;
  }
  // Seal at once: from here on the TAP exists only as a JWE.
  const clientJwk = record.tapEncryptionKey
    ? clientJwkSchema.parse(JSON.parse(record.tapEncryptionKey))
    : undefined;
  const binding = { recoveryId: input.recoveryId };
  const jwe = clientJwk
    ? await sealTap(created.temporaryAccessPass, { clientJwk }, binding)
    : await sealTap(
        created.temporaryAccessPass,
        { serverSecret: await requireSecret(s.secrets, TAP_HANDOFF_KEY_SECRET) },
        binding,
      );
  const expiresAt = new Date(
    Date.parse(created.startDateTime) + created.lifetimeInMinutes * 60_000,
  ).toISOString();
  await s.taps.put({
    recoveryId: input.recoveryId,
    jwe,
    sealedFor: clientJwk ? "client" : "server",
    expiresAt,
    lifetimeInMinutes: created.lifetimeInMinutes,
    isUsableOnce: created.isUsableOnce,
    createdAt: new Date().toISOString(),
  });
  await s.recoveries.update(input.recoveryId, (r) => ({ ...r, tapIssuedAt: new Date().toISOString() }));
  // Each issuance sweeps the sealed TAPs earlier clients never came back for (no timer trigger needed).
  const purged = await s.taps.purgeExpired(new Date());
  if (purged > 0) context.info(`purged ${purged} expired TAP hand-offs`);
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "temporary_access_pass_issued",
    onceKey: "temporary_access_pass_issued",
    outcome: "success",
    detail: {
      expiresAt,
      lifetimeInMinutes: created.lifetimeInMinutes,
      isUsableOnce: created.isUsableOnce,
      sealedFor: clientJwk ? "client" : "server",
      registerUrl: REGISTER_URL,
    },
  });
  return { ok: true };
}
