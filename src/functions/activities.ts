/**
 * The orchestration's activities: every piece of I/O of a recovery. Each is safe to run
 * again (the durable runtime delivers at least once): it checks what it already did before
 * acting, and never returns secrets or personal data to the orchestration.
 */
import type { InvocationContext } from "@azure/functions";
import { graphStatusOf, METHOD_COLLECTIONS } from "../directory/graph";
import { HANDOFF_SIGNING_KEY_SECRET, parseSigningKeys, signHandoffToken } from "../idv/handoffToken";
import { checkPresentedCredential as checkCredential } from "../recovery/credential";
import { decideEligibility } from "../recovery/eligibility";
import { DependencyError } from "../recovery/errors";
import { matchProfileExact } from "../recovery/matching";
import { orderForDeletion } from "../recovery/methodOrder";
import { type PolicyProfile, referencedGroups } from "../recovery/policy";
import { hashSecret, newOpaqueSecret } from "../recovery/secretsCompare";
import { failure, isTerminal } from "../recovery/status";
import { type TapCoverage, tapCoverage, tapPolicyGroups } from "../recovery/tapPolicy";
import { requireSecret } from "../secrets";
import { services } from "../services";
import type { RecoveryRecord } from "../store/recoveries";
import { clientJwkSchema, REGISTER_URL, sealTap, TAP_HANDOFF_KEY_SECRET } from "../tap/seal";
import type { PresentationOutcome } from "../verified-id/callback";
import type {
  DiscoveryResult,
  FinishInput,
  PresentationStepInput,
  RecoveryInput,
  RequestPresentationInput,
  RequestPresentationResult,
  StartIdvInput,
  StepVerdict,
} from "./contracts";

async function loadRecord(recoveryId: string): Promise<RecoveryRecord> {
  const record = await services().recoveries.get(recoveryId);
  if (!record) throw new Error(`recovery ${recoveryId} not found`);
  return record;
}

function profileOf(record: RecoveryRecord): PolicyProfile {
  const profile = services().config.policy.profiles.find((p) => p.id === record.profileId);
  if (!profile) throw new Error(`profile ${record.profileId ?? "(none)"} is no longer configured`);
  return profile;
}

/** A cancelled recovery stops at the next activity: it must not change anything. */
class RecoveryClosedError extends Error {
  constructor(recoveryId: string) {
    super(`recovery ${recoveryId} is already closed`);
    this.name = "RecoveryClosedError";
  }
}

async function openRecord(recoveryId: string): Promise<RecoveryRecord> {
  const record = await loadRecord(recoveryId);
  if (isTerminal(record.status)) throw new RecoveryClosedError(recoveryId);
  return record;
}

export async function discoverAccount(
  input: RecoveryInput,
  context: InvocationContext,
): Promise<DiscoveryResult> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  const account = await s.directory.findAccount(record.username);
  // One membership check covers the policy's groups and the TAP policy's targets.
  const tapPolicy = account ? await s.directory.getTapPolicy() : undefined;
  const memberOf =
    account && tapPolicy
      ? await s.directory.memberOf(account.id, [
          ...new Set([...referencedGroups(s.config.policy), ...tapPolicyGroups(tapPolicy)]),
        ])
      : new Set<string>();
  const namesakeCount =
    account?.accountEnabled && account.givenName?.trim() && account.surname?.trim()
      ? await s.directory.countNamesakes(account)
      : 0;
  const decision = decideEligibility(s.config.policy, {
    account,
    memberOf,
    namesakeCount,
    country: record.country,
  });
  let reason: string | undefined = decision.eligible ? undefined : decision.reason;
  if (decision.eligible && account && decision.profile.mode === "production") {
    const coverage = tapCoverage(tapPolicy!, memberOf, decision.profile.tapLifetimeMinutes);
    if (!coverage.covered) reason = coverage.reason;
  }
  if (!reason && decision.eligible && account) {
    const lock = await s.locks.acquire(account.id, input.recoveryId, new Date());
    if (!lock.acquired) reason = lock.reason;
  }
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "eligibility_checked",
    onceKey: "eligibility_checked",
    outcome: reason ? "failure" : "success",
    code: reason ?? "eligible",
    detail: {
      userId: account?.id ?? null,
      profileId: decision.eligible ? decision.profile.id : null,
      provider: decision.eligible ? decision.provider : null,
    },
  });
  if (reason || !decision.eligible || !account) {
    context.info(`recovery ${input.recoveryId}: not eligible (${reason})`);
    return { eligible: false };
  }
  const { profile, provider } = decision;
  await s.recoveries.update(input.recoveryId, (r) => ({
    ...r,
    userId: account.id,
    profileId: profile.id,
    mode: profile.mode,
    provider,
  }));
  return {
    eligible: true,
    mode: profile.mode,
    idvTimeoutMinutes: profile.idvTimeoutMinutes,
    presentationTimeoutMinutes: profile.presentationTimeoutMinutes,
  };
}

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
async function tapCoverageFor(userId: string, wantedLifetime: number): Promise<TapCoverage> {
  const s = services();
  const policy = await s.directory.getTapPolicy();
  const memberOf = await s.directory.memberOf(userId, tapPolicyGroups(policy));
  return tapCoverage(policy, memberOf, wantedLifetime);
}

export async function startIdentityVerification(input: StartIdvInput): Promise<void> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  const providerName = record.provider!;
  const adapter = s.adapters.get(providerName);
  const provider = s.config.providers.get(providerName);
  if (!adapter || !provider)
    throw new DependencyError("idv_error", `provider ${providerName} not configured`, false);
  const keys = parseSigningKeys(await requireSecret(s.secrets, HANDOFF_SIGNING_KEY_SECRET));
  const returnUrl = new URL(`${s.config.publicBaseUrl}/api/idv/${providerName}/return`);
  returnUrl.searchParams.set("recoveryId", input.recoveryId);
  const now = new Date();
  const lifetimeSeconds = s.config.handoffTokenLifetimeMinutes * 60;
  const token = await signHandoffToken(
    keys,
    {
      orgId: s.config.tenantId,
      requestId: input.sessionId,
      redirectUrl: returnUrl.toString(),
      issuer: s.config.publicBaseUrl,
      audience: new URL(provider.verificationUrl).origin,
      lifetimeSeconds,
    },
    now,
  );
  const started = await adapter.startVerification({
    requestId: input.sessionId,
    handoffToken: token,
    expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000),
  });
  // The mapping webhooks are correlated through: the provider's session id → this recovery.
  await s.idvSessions.create({
    provider: providerName,
    sessionId: started.sessionId,
    recoveryId: input.recoveryId,
    createdAt: now.toISOString(),
  });
  await s.recoveries.advance(input.recoveryId, {
    status: "verifying_identity",
    next: { type: "redirect", url: started.url },
    expiresAt: input.deadline,
  });
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "identity_verification_started",
    onceKey: `identity_verification_started_${input.sessionId}`,
    outcome: "info",
    detail: { provider: providerName, sessionId: input.sessionId },
  });
}

export async function requestPresentation(
  input: RequestPresentationInput,
): Promise<RequestPresentationResult> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  // A re-run after the request was made (and shown to the user) reuses it.
  if (record.presentationState && record.status === "awaiting_presentation") {
    return { ok: true, state: record.presentationState };
  }
  const profile = profileOf(record);
  const provider = s.config.providers.get(record.provider!)!;
  const state = newOpaqueSecret();
  const apiKey = newOpaqueSecret();
  let created: Awaited<ReturnType<typeof s.verifiedId.createPresentationRequest>>;
  try {
    created = await s.verifiedId.createPresentationRequest({
      authority: s.config.verifiedId.authority,
      clientName: s.config.verifiedId.clientName,
      purpose: s.config.verifiedId.purpose,
      acceptedIssuers: provider.acceptedIssuers,
      faceCheckThreshold: profile.faceCheckThreshold,
      callbackUrl: `${s.config.publicBaseUrl}/api/verified-id/callback`,
      state,
      apiKey,
    });
  } catch (err) {
    if (err instanceof DependencyError && !err.transient) {
      await s.audit.record({
        recoveryId: input.recoveryId,
        event: "presentation_request_failed",
        onceKey: "presentation_request_failed",
        outcome: "failure",
        code: "verified_id_error",
        detail: { error: err.message, target: (err as { target?: string }).target ?? null },
      });
      return { ok: false, code: "verified_id_error" };
    }
    throw err;
  }
  const requestExpires = new Date(created.expiry * 1000);
  const deadline = new Date(input.deadline);
  await s.presentations.create({
    state,
    recoveryId: input.recoveryId,
    requestId: created.requestId,
    apiKeyHash: hashSecret(apiKey),
    createdAt: new Date().toISOString(),
    expiresAt: requestExpires.toISOString(),
    status: "pending",
  });
  await s.recoveries.advance(input.recoveryId, {
    status: "awaiting_presentation",
    presentationState: state,
    next: {
      type: "present_credential",
      url: created.url,
      ...(created.qrCode ? { qrCode: created.qrCode } : {}),
      expiresAt: (requestExpires < deadline ? requestExpires : deadline).toISOString(),
    },
    expiresAt: input.deadline,
  });
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "presentation_requested",
    onceKey: `presentation_requested_${created.requestId}`,
    outcome: "info",
    detail: { requestId: created.requestId, faceCheckThreshold: profile.faceCheckThreshold },
  });
  return { ok: true, state };
}

async function presentationOutcome(state: string, recoveryId: string): Promise<PresentationOutcome> {
  const request = await services().presentations.get(state);
  if (!request || request.recoveryId !== recoveryId || !request.outcome) {
    throw new Error(`presentation ${recoveryId} has no recorded outcome`);
  }
  return JSON.parse(request.outcome) as PresentationOutcome;
}

export async function checkPresentedCredential(input: PresentationStepInput): Promise<StepVerdict> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  await s.recoveries.advance(input.recoveryId, { status: "validating", next: undefined });
  const outcome = await presentationOutcome(input.state, input.recoveryId);
  const profile = profileOf(record);
  const provider = s.config.providers.get(record.provider!)!;
  let verdict: StepVerdict;
  let detail: Record<string, unknown>;
  if (outcome.requestStatus === "presentation_error") {
    const code =
      outcome.error?.code === "claimValidationError" ? "face_check_failed" : "presentation_rejected";
    verdict = { ok: false, code };
    detail = { error: outcome.error?.code ?? null };
  } else {
    const result = checkCredential(outcome.credentials, {
      acceptedIssuers: provider.acceptedIssuers,
      requiredType: "VerifiedIdentity",
      faceCheckThreshold: profile.faceCheckThreshold,
      now: new Date(),
    });
    verdict = result.ok ? { ok: true } : { ok: false, code: result.code };
    detail = result.ok
      ? { faceCheckScore: result.faceCheckScore, issuer: outcome.credentials[0]?.issuer }
      : { explanation: result.explanation, faceCheckScore: outcome.credentials[0]?.faceCheckScore ?? null };
  }
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "credential_checked",
    onceKey: "credential_checked",
    outcome: verdict.ok ? "success" : "failure",
    code: verdict.ok ? "credential_valid" : verdict.code,
    detail,
  });
  return verdict;
}

export async function matchDirectoryProfile(input: PresentationStepInput): Promise<StepVerdict> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  const outcome = await presentationOutcome(input.state, input.recoveryId);
  const claims = outcome.credentials[0]?.claims ?? {};
  // Read the directory again: the names may have changed since discovery.
  const account = await s.directory.getAccount(record.userId!);
  const result = account
    ? matchProfileExact(
        {
          firstName: typeof claims.firstName === "string" ? claims.firstName : undefined,
          lastName: typeof claims.lastName === "string" ? claims.lastName : undefined,
        },
        account,
      )
    : { matched: false, explanation: "account no longer exists" };
  const stillUsable = account?.accountEnabled === true;
  const ok = result.matched && stillUsable;
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "profile_matched",
    onceKey: "profile_matched",
    outcome: ok ? "success" : "failure",
    code: ok ? "matched" : "profile_mismatch",
    detail: { explanation: stillUsable ? result.explanation : "account disabled or deleted", mode: "exact" },
  });
  return ok ? { ok: true } : { ok: false, code: "profile_mismatch" };
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
  const methods = await s.directory.listAuthenticationMethods(userId);
  const ordered = orderForDeletion(methods, new Set(Object.keys(METHOD_COLLECTIONS)));
  for (const method of ordered) await s.directory.deleteAuthenticationMethod(userId, method);
  const remaining = orderForDeletion(
    await s.directory.listAuthenticationMethods(userId),
    new Set(Object.keys(METHOD_COLLECTIONS)),
  );
  if (remaining.length > 0) {
    throw new DependencyError("directory_error", `${remaining.length} methods remain after reset`, true);
  }
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

export async function issueTemporaryAccessPass(input: RecoveryInput): Promise<StepVerdict> {
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
      isUsableOnce: profile.tapUsableOnce,
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
  const jwe = clientJwk
    ? await sealTap(created.temporaryAccessPass, { clientJwk })
    : await sealTap(created.temporaryAccessPass, {
        serverSecret: await requireSecret(s.secrets, TAP_HANDOFF_KEY_SECRET),
      });
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
    const profile = s.config.policy.profiles.find((p) => p.id === final.profileId);
    const cooldownUntil =
      final.status === "recovered" && profile
        ? new Date(Date.now() + profile.cooldownMinutes * 60_000)
        : undefined;
    await s.locks.release(final.userId, input.recoveryId, cooldownUntil);
  }
}
