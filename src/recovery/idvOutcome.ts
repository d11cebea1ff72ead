/**
 * How a settled identity verification ends a recovery. Only final decisions reach the
 * workflow (`review` and `resubmit` keep it waiting until its deadline); each one that is not
 * an approval ends the recovery with its own stable failure code.
 */
import type { IdvDecision } from "../idv/adapter";
import type { FailureCode } from "./status";

const FAILURE_BY_DECISION: Readonly<Record<Exclude<IdvDecision, "approved">, FailureCode>> = {
  declined: "idv_declined",
  expired: "idv_expired",
  error: "idv_provider_error",
  // Not raised by the webhook; mapped for completeness should one ever arrive.
  review: "idv_declined",
  resubmit: "idv_declined",
};

export function idvFailureCode(decision: Exclude<IdvDecision, "approved">): FailureCode {
  return FAILURE_BY_DECISION[decision];
}
