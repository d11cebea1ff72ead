/**
 * The orchestration's activities: every piece of I/O of a recovery. Each is safe to run
 * again (the durable runtime delivers at least once): it checks what it already did before
 * acting, and never returns secrets or personal data to the orchestration.
 */
import type { InvocationContext } from "@azure/functions";
import { validateClaims } from "../claimValidation/callout";
import { graphStatusOf, METHOD_COLLECTIONS } from "../directory/graph";
import { HANDOFF_SIGNING_KEY_SECRET, parseSigningKeys, signHandoffToken } from "../idv/handoffToken";
import { checkBindings } from "../recovery/bindings";
import { checkPresentation } from "../recovery/credential";
import { decideEligibility } from "../recovery/eligibility";
import { DependencyError } from "../recovery/errors";
import { matchProfile } from "../recovery/matching";
import { deletionRounds, orderForDeletion } from "../recovery/methodOrder";
import { adminNotice, type NoticeFacts, userNotice } from "../recovery/notifications";
import { type PolicyProfile, referencedGroups } from "../recovery/policy";
import { hashSecret, newOpaqueSecret } from "../recovery/secretsCompare";
import { failure, isTerminal, type NextStep } from "../recovery/status";
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

/** The profile discovery selected, as it was then (a later policy edit does not change a running recovery). */
function profileOf(record: RecoveryRecord): PolicyProfile {
  if (!record.profile) throw new Error(`recovery ${record.recoveryId} has no profile`);
  return record.profile;
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

/**
 * Decides eligibility in two Graph round trips: the account lookup, then one `$batch` with
 * group membership, the TAP policy and the namesake query. Every reason is audited
 * precisely; the orchestration (and so the client) only learns eligible or not.
 */
export async function discoverAccount(
  input: RecoveryInput,
  context: InvocationContext,
): Promise<DiscoveryResult> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  const policy = await s.policies.current();
  const { account, tapPolicy } = await s.directory.findAccount(record.username);
  const facts =
    account?.accountEnabled === true
      ? await s.directory.discoveryFacts(account, [
          ...new Set([...referencedGroups(policy), ...tapPolicyGroups(tapPolicy)]),
        ])
      : undefined;
  const decision = decideEligibility(policy, {
    account,
    memberOf: facts?.memberOf ?? new Set(),
    namesakeCount: facts?.namesakes.length ?? 0,
    country: record.country,
  });
  let reason: string | undefined = decision.eligible ? undefined : decision.reason;
  let tapLifetime: number | undefined;
  if (decision.eligible && facts && decision.profile.mode === "production") {
    const coverage = tapCoverage(tapPolicy, facts.memberOf, decision.profile.tapLifetimeMinutes);
    if (coverage.covered) tapLifetime = coverage.lifetimeInMinutes;
    else reason = coverage.reason;
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
    userId: account?.id ?? "",
    sourceAddress: record.clientAddress,
    detail: {
      userId: account?.id ?? null,
      profileId: decision.eligible ? decision.profile.id : null,
      mode: decision.eligible ? decision.profile.mode : null,
      provider: decision.eligible ? decision.provider : null,
      country: record.country ?? null,
      ...(facts && facts.namesakes.length > 0 ? { namesakes: facts.namesakes } : {}),
      ...(tapLifetime ? { tapLifetimeInMinutes: tapLifetime } : {}),
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
    profile,
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
async function tapCoverageFor(
  userId: string,
  wantedLifetime: number,
): Promise<TapCoverage & { policyRequiresOneTimeUse: boolean }> {
  const s = services();
  const policy = await s.directory.getTapPolicy();
  const memberOf = await s.directory.memberOf(userId, tapPolicyGroups(policy));
  return { ...tapCoverage(policy, memberOf, wantedLifetime), policyRequiresOneTimeUse: policy.isUsableOnce };
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
  const record = await openRecord(input.recoveryId);
  // A re-run after the request was made (and shown to the user) reuses it.
  if (record.presentationState && record.status === "awaiting_presentation") {
    return { ok: true, state: record.presentationState };
  }
  const opened = await openPresentationRequest(record, new Date(input.deadline), undefined);
  return opened.ok ? { ok: true, state: opened.state } : opened;
}

/**
 * Creates a presentation request at the Request Service, stores its correlation (state →
 * recovery, api-key hash) and shows it to the front end. `replacing`: the state of the expired
 * request this one replaces; the record is only switched over while it still shows that one.
 */
async function openPresentationRequest(
  record: RecoveryRecord,
  deadline: Date,
  replacing: string | undefined,
): Promise<{ ok: true; state: string } | { ok: false; code: "verified_id_error" }> {
  const s = services();
  const recoveryId = record.recoveryId;
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
      faceCheckThreshold: faceCheckThresholdOf(profile),
      callbackUrl: `${s.config.publicBaseUrl}/api/verified-id/callback`,
      state,
      apiKey,
    });
  } catch (err) {
    if (err instanceof DependencyError && !err.transient) {
      await s.audit.record({
        recoveryId,
        event: "presentation_request_failed",
        onceKey: "presentation_request_failed",
        outcome: "failure",
        code: "verified_id_error",
        detail: {
          error: err.message,
          innerCode: (err as { innerCode?: string }).innerCode ?? null,
          target: (err as { target?: string }).target ?? null,
        },
      });
      return { ok: false, code: "verified_id_error" };
    }
    throw err;
  }
  const requestExpires = new Date(created.expiry * 1000);
  await s.presentations.create({
    state,
    recoveryId,
    requestId: created.requestId,
    apiKeyHash: hashSecret(apiKey),
    createdAt: new Date().toISOString(),
    expiresAt: requestExpires.toISOString(),
    status: "pending",
  });
  const next: NextStep = {
    type: "present_credential",
    url: created.url,
    ...(created.qrCode ? { qrCode: created.qrCode } : {}),
    expiresAt: (requestExpires < deadline ? requestExpires : deadline).toISOString(),
  };
  // Audited before the user can see the request: a re-run after the status moved returns early.
  await s.audit.record({
    recoveryId,
    event: replacing ? "presentation_renewed" : "presentation_requested",
    onceKey: `presentation_requested_${created.requestId}`,
    outcome: "info",
    detail: { requestId: created.requestId, faceCheckThreshold: faceCheckThresholdOf(profile) ?? null },
  });
  await s.recoveries.update(recoveryId, (r) => {
    // Closed meanwhile, or another renewal won the race: leave the record alone (the request expires unused).
    if (isTerminal(r.status) || (replacing !== undefined && r.presentationState !== replacing)) {
      return undefined;
    }
    return {
      ...r,
      status: "awaiting_presentation",
      presentationState: state,
      presentationRetrievedAt: undefined,
      next,
      expiresAt: deadline.toISOString(),
    };
  });
  return { ok: true, state };
}

/**
 * A presentation request expired before the user presented, while the step's deadline lasts:
 * make a new one (the status endpoint calls this when it would show an expired request). The
 * workflow needs no signal: it waits for a result from any of this recovery's requests.
 * Returns the record as it should be shown.
 */
export async function renewExpiredPresentation(record: RecoveryRecord, now: Date): Promise<RecoveryRecord> {
  const next = record.next;
  const state = record.presentationState;
  if (record.status !== "awaiting_presentation" || next?.type !== "present_credential" || !state)
    return record;
  const deadline = new Date(record.expiresAt);
  if (Date.parse(next.expiresAt) > now.getTime() || deadline.getTime() <= now.getTime()) return record;
  // Only a request nobody answered is replaced; one that was answered is being validated.
  const current = await services().presentations.get(state);
  if (current?.status === "completed") return record;
  const opened = await openPresentationRequest(record, deadline, state);
  if (!opened.ok) return record;
  return (await services().recoveries.get(record.recoveryId)) ?? record;
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
  const result = checkPresentation(outcome, {
    acceptedIssuers: provider.acceptedIssuers,
    requiredType: "VerifiedIdentity",
    faceCheckThreshold: faceCheckThresholdOf(profile),
    now: new Date(),
  });
  const verdict: StepVerdict = result.ok ? { ok: true } : { ok: false, code: result.code };
  // Admins need the score to diagnose a failed Face Check; the portrait is never recorded.
  const faceCheckScore = outcome.credentials[0]?.faceCheckScore ?? null;
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "credential_checked",
    onceKey: "credential_checked",
    outcome: verdict.ok ? "success" : "failure",
    code: verdict.ok ? "credential_valid" : verdict.code,
    detail: result.ok
      ? {
          faceCheckScore,
          issuer: outcome.credentials[0]?.issuer ?? null,
          selfValidated: outcome.selfValidation?.ok === true,
        }
      : {
          reason: result.reason,
          explanation: result.explanation,
          faceCheckScore,
          issuer: outcome.credentials[0]?.issuer ?? null,
          serviceError: outcome.error?.code ?? null,
          selfValidated: outcome.selfValidation !== undefined,
        },
  });
  return verdict;
}

/** The Face Check threshold a profile asks for; undefined when it turned Face Check off. */
function faceCheckThresholdOf(profile: PolicyProfile): number | undefined {
  return profile.faceCheck === false ? undefined : profile.faceCheckThreshold;
}

/** What the extra checks after the name match decided, for the audit log (no values). */
interface DisambiguationDetail {
  bindings?: string;
  claimValidation?: string;
}

/**
 * Namesake disambiguation after a name match: the profile's bindings (claims against directory
 * attributes), then the claim-validation callout. Either failing fails the match.
 */
async function disambiguate(
  profile: PolicyProfile,
  account: { id: string; userPrincipalName: string },
  claims: Readonly<Record<string, unknown>>,
): Promise<{ ok: boolean; detail: DisambiguationDetail }> {
  const s = services();
  const detail: DisambiguationDetail = {};
  const callout = profile.claimValidation;
  const wanted = [
    ...new Set([...profile.bindings.map((b) => b.attribute), ...(callout ? ["employeeId"] : [])]),
  ];
  const attributes = wanted.length ? await s.directory.getBindingAttributes(account.id, wanted) : {};
  if (profile.bindings.length > 0) {
    const bound = checkBindings(profile.bindings, claims, attributes);
    detail.bindings = bound.explanation;
    if (!bound.ok) return { ok: false, detail };
  }
  if (callout) {
    const textClaims: Record<string, string> = {};
    for (const [name, value] of Object.entries(claims)) {
      // Never the portrait: the HR system has no business with the face.
      if (name !== "portrait" && typeof value === "string") textClaims[name] = value;
    }
    const verdict = await validateClaims(
      callout,
      {
        tenantId: s.config.tenantId,
        userId: account.id,
        userPrincipalName: account.userPrincipalName,
        employeeId: attributes.employeeId ?? null,
        claims: textClaims,
      },
      callout.apiKeySecret ? await requireSecret(s.secrets, callout.apiKeySecret) : undefined,
    );
    detail.claimValidation = verdict.pass
      ? `pass (attempts ${verdict.attempts})`
      : verdict.reason === "failed"
        ? `failed: ${verdict.failedClaims.join(",") || "no claims named"} (attempts ${verdict.attempts})`
        : `error: ${verdict.error} (attempts ${verdict.attempts}, fail-closed)`;
    if (!verdict.pass) return { ok: false, detail };
  }
  return { ok: true, detail };
}

export async function matchDirectoryProfile(input: PresentationStepInput): Promise<StepVerdict> {
  const s = services();
  const record = await openRecord(input.recoveryId);
  const outcome = await presentationOutcome(input.state, input.recoveryId);
  const claims = outcome.credentials[0]?.claims ?? {};
  // Read the directory again: the names may have changed since discovery.
  const account = await s.directory.getAccount(record.userId!);
  const profile = profileOf(record);
  const result = account
    ? matchProfile(
        profile.nameMatch,
        {
          firstName: typeof claims.firstName === "string" ? claims.firstName : undefined,
          lastName: typeof claims.lastName === "string" ? claims.lastName : undefined,
        },
        account,
      )
    : { matched: false, explanation: "account no longer exists" };
  const stillUsable = account?.accountEnabled === true;
  const extra =
    result.matched && stillUsable && account ? await disambiguate(profile, account, claims) : undefined;
  const ok = result.matched && stillUsable && (extra?.ok ?? true);
  await s.audit.record({
    recoveryId: input.recoveryId,
    event: "profile_matched",
    onceKey: "profile_matched",
    outcome: ok ? "success" : "failure",
    code: ok ? "matched" : "profile_mismatch",
    detail: {
      explanation: stillUsable ? result.explanation : "account disabled or deleted",
      mode: profile.nameMatch,
      ...(extra?.detail ?? {}),
    },
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
      await s.directory.sendMail(senderMailbox, to.length ? { ...notice, to, cc } : { ...notice, to: cc });
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
    await s.directory.sendMail(senderMailbox, { ...adminNotice(facts), to: [adminAddress] });
    await s.recoveries.update(input.recoveryId, (r) => ({ ...r, adminNotifiedAt: new Date().toISOString() }));
    await audit("notification_sent", "success", `admin_${kind}`);
  }
}
