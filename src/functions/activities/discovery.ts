/**
 * Discovery: eligibility in two Graph round trips, every reason audited precisely.
 */
import type { InvocationContext } from "@azure/functions";
import { decideEligibility } from "../../recovery/eligibility";
import { referencedGroups } from "../../recovery/policy";
import { isTerminal } from "../../recovery/status";
import { tapCoverage, tapPolicyGroups } from "../../recovery/tapPolicy";
import { lockDeadline } from "../../recovery/userLock";
import { services } from "../../services";
import type { DiscoveryResult, RecoveryInput } from "../contracts";
import { openRecord } from "./common";

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
    nameCandidates: facts?.candidates ?? { complete: true, accounts: [] },
    country: record.country,
  });
  let reason: string | undefined = decision.eligible ? undefined : decision.reason;
  let tapLifetime: number | undefined;
  if (decision.eligible && facts && decision.profile.mode === "production") {
    const coverage = tapCoverage(tapPolicy, facts.memberOf, decision.profile.tapLifetimeMinutes);
    if (coverage.covered) tapLifetime = coverage.lifetimeInMinutes;
    else reason = coverage.reason;
  }
  let displaced: { recoveryId: string; reason: string } | undefined;
  if (!reason && decision.eligible && account) {
    const now = new Date();
    const lock = await s.locks.acquire(
      account.id,
      input.recoveryId,
      now,
      lockDeadline(now, decision.profile),
    );
    if (!lock.acquired) reason = lock.reason;
    else displaced = lock.displaced;
  }
  if (displaced && displaced.reason !== "closed") {
    await s.audit.record({
      recoveryId: displaced.recoveryId,
      event: "recovery_superseded",
      onceKey: "recovery_superseded",
      outcome: "info",
      code: displaced.reason === "superseded" ? "superseded" : "lock_expired",
      detail: { by: input.recoveryId },
    });
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
      ...(decision.namesakes && (decision.namesakes.length > 0 || !decision.eligible)
        ? { namesakes: decision.namesakes, namesakeCandidatesComplete: facts?.candidates.complete ?? false }
        : {}),
      ...(tapLifetime ? { tapLifetimeInMinutes: tapLifetime } : {}),
    },
  });
  if (reason || !decision.eligible || !account) {
    context.info(`recovery ${input.recoveryId}: not eligible (${reason})`);
    return { eligible: false };
  }
  const { profile, provider } = decision;
  const opened = await s.recoveries.update(
    input.recoveryId,
    (r) =>
      // Cancelled meanwhile: nothing more is written onto the closed record, and the lock goes.
      isTerminal(r.status)
        ? undefined
        : {
            ...r,
            userId: account.id,
            profileId: profile.id,
            profile,
            mode: profile.mode,
            provider,
            tapPolicyGroups: tapPolicyGroups(tapPolicy),
          },
    record,
  );
  if (isTerminal(opened.status)) {
    await s.locks.release(account.id, input.recoveryId, undefined);
    return { eligible: false };
  }
  return {
    eligible: true,
    mode: profile.mode,
    // Fractional only in local runs with DEV_WORKFLOW_MINUTE_SECONDS (short real-time waits).
    idvTimeoutMinutes: (profile.idvTimeoutMinutes * s.config.workflowMinuteSeconds) / 60,
    presentationTimeoutMinutes: (profile.presentationTimeoutMinutes * s.config.workflowMinuteSeconds) / 60,
  };
}
