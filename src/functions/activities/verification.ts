/**
 * A verified helpdesk verification whose profile allows it: the caller is offered a recovery
 * (`next: continue_recovery` until `deadline`), and the verdict is recorded for the agent now
 * (`verification_passed`), whatever the caller then chooses.
 */
import { services } from "../../services";
import type { OfferRecoveryInput, StepVerdict } from "../contracts";
import { etagToHandOn, loadRecord } from "./common";

export async function offerRecoveryAfterVerification(input: OfferRecoveryInput): Promise<StepVerdict> {
  const s = services();
  const known = await loadRecord(input.recoveryId, input.etag);
  const after = await s.recoveries.advance(
    input.recoveryId,
    {
      status: "validating",
      next: {
        type: "continue_recovery",
        url: `/api/recovery/${input.recoveryId}/continue`,
        expiresAt: input.deadline,
      },
      expiresAt: input.deadline,
    },
    known,
    [
      {
        recoveryId: input.recoveryId,
        event: "verification_passed",
        onceKey: "verification_passed",
        outcome: "success",
        detail: { recoveryOfferedUntil: input.deadline },
      },
    ],
  );
  // Closed meanwhile (a cancel, a late writer): the workflow ends with what the record says.
  if (after.status !== "validating" || after.next?.type !== "continue_recovery")
    return { ok: false, code: after.failure?.code ?? "internal_error" };
  return { ok: true, ...etagToHandOn(after) };
}
