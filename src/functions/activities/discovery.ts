/**
 * Discovery: eligibility in two Graph round trips, every reason audited precisely.
 */
import type { InvocationContext } from "@azure/functions";
import { decideEligibility } from "../../recovery/eligibility";
import { referencedGroups } from "../../recovery/policy";
import { tapCoverage, tapPolicyGroups } from "../../recovery/tapPolicy";
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
  await s.recoveries.update(
    input.recoveryId,
    (r) => ({
      ...r,
      userId: account.id,
      profileId: profile.id,
      profile,
      mode: profile.mode,
      provider,
      tapPolicyGroups: tapPolicyGroups(tapPolicy),
    }),
    record,
  );
  return {
    eligible: true,
    mode: profile.mode,
    // Fractional only in local runs with DEV_WORKFLOW_MINUTE_SECONDS (short real-time waits).
    idvTimeoutMinutes: (profile.idvTimeoutMinutes * s.config.workflowMinuteSeconds) / 60,
    presentationTimeoutMinutes: (profile.presentationTimeoutMinutes * s.config.workflowMinuteSeconds) / 60,
  };
}
