/**
 * Discovery: eligibility in two Graph round trips, every reason audited precisely.
 */
import type { InvocationContext } from "@azure/functions";
import { decideEligibility } from "../../recovery/eligibility";
import { referencedGroups } from "../../recovery/policy";
import { tapCoverage, tapPolicyGroups } from "../../recovery/tapPolicy";
import { lockDeadline } from "../../recovery/userLock";
import { RECOVERY_OFFER_MINUTES } from "../../recovery/verification";
import { services } from "../../services";
import type { NewAuditEvent } from "../../store/audit";
import type { DiscoveredRecovery } from "../../store/recoveries";
import type { DiscoveryResult, RecoveryInput } from "../contracts";
import { etagToHandOn, openRecord } from "./common";

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
  // The version the start wrote, when this instance holds it: discovery only reads the directory
  // before its etag-guarded writes (a cancel since fails them, and the record is read again).
  const record = await openRecord(input.recoveryId, input.etag);
  const policy = await s.policies.current();
  const { account, tapPolicy } = await s.directory.findAccount(record.username);
  // The directory's facts and the block (a repudiated recovery blocks the account until an admin
  // clears it: store/repudiations) are read at once.
  const [facts, blocked] = await Promise.all([
    account?.accountEnabled === true
      ? s.directory.discoveryFacts(account, [
          ...new Set([...referencedGroups(policy), ...tapPolicyGroups(tapPolicy)]),
        ])
      : undefined,
    account ? s.recoveryBlocks.isBlocked(account.id) : false,
  ]);
  const decision = decideEligibility(policy, {
    account,
    blocked,
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
  const eligibility = (outcome: string): NewAuditEvent => ({
    recoveryId: input.recoveryId,
    event: "eligibility_checked",
    onceKey: "eligibility_checked",
    outcome: outcome === "eligible" ? "success" : "failure",
    code: outcome,
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
  if (!reason && decision.eligible && account) {
    const { profile, provider } = decision;
    const now = new Date();
    // Once the lock is held, what discovery decided is written with its audit entry, from the
    // record as it named the user: a cancel meanwhile fails the etag, and the lock is released.
    const lock = await s.locks.acquire(account.id, input.recoveryId, now, lockDeadline(now, profile), {
      known: record,
      change: (r): DiscoveredRecovery => ({
        ...r,
        stage: "discovered",
        userId: account.id,
        profileId: profile.id,
        profile,
        mode: profile.mode,
        provider,
        tapPolicyGroups: tapPolicyGroups(tapPolicy),
      }),
      events: [eligibility("eligible")],
    });
    if (lock.acquired) {
      if (lock.displaced && lock.displaced.reason !== "closed") {
        await s.audit.record({
          recoveryId: lock.displaced.recoveryId,
          event: "recovery_superseded",
          onceKey: "recovery_superseded",
          outcome: "info",
          code: lock.displaced.reason === "superseded" ? "superseded" : "lock_expired",
          detail: { by: input.recoveryId },
        });
      }
      return {
        eligible: true,
        mode: profile.mode,
        // Fractional only in local runs with DEV_WORKFLOW_MINUTE_SECONDS (short real-time waits).
        idvTimeoutMinutes: (profile.idvTimeoutMinutes * s.config.workflowMinuteSeconds) / 60,
        presentationTimeoutMinutes:
          (profile.presentationTimeoutMinutes * s.config.workflowMinuteSeconds) / 60,
        ...(record.verificationId
          ? {
              verification: {
                offerRecovery:
                  profile.mode === "production" && profile.helpdesk.allowRecoveryAfterVerification,
                recoveryOfferMinutes: (RECOVERY_OFFER_MINUTES * s.config.workflowMinuteSeconds) / 60,
              },
            }
          : {}),
        ...etagToHandOn(lock.record),
      };
    }
    reason = lock.reason;
  }
  const why = reason ?? (decision.eligible ? "not_eligible" : decision.reason);
  await s.audit.record(eligibility(why), record);
  context.info(`recovery ${input.recoveryId}: not eligible (${why})`);
  return { eligible: false };
}
