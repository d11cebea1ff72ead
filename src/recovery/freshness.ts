/**
 * Freshness: the presented credential comes from this recovery's verification (issue 17).
 * In Microsoft's contract the provider issues the `VerifiedIdentity` credential when it has
 * verified the person, and the return that follows is not authenticated (the user can read its
 * URL), so "issued after this recovery's hand-off" is the proof that a person was verified
 * today. Applies in every results mode. Pure: the caller supplies the clock and the dates.
 *
 * Rule: every issuance date we know of the credential (the Request Service's `issuanceDate`;
 * our own receipt validation's, the earliest of the VC JWT's `iat`, `nbf` and
 * `vc.issuanceDate`) must be no earlier than the hand-off minus CLOCK_SKEW_MS — unless the
 * profile sets `credentialMaxAgeMinutes`, which also accepts a credential at most that old at
 * the presentation. A missing or unreadable date, an unknown hand-off time or a date in the
 * future fails closed.
 */
import type { FailureCode } from "./status";

/** The provider's clock may run behind ours. */
export const CLOCK_SKEW_MS = 5 * 60_000;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export interface FreshnessInput {
  /** Each issuance date we were told, by whom: a missing one is `undefined`. */
  issuanceDates: ReadonlyArray<{ source: "service" | "receipt"; value: string | undefined }>;
  /** When this recovery's hand-off token was signed (the IDV session's creation). */
  handoffAt: string | undefined;
  /** The profile's `credentialMaxAgeMinutes`, when set. */
  maxAgeMinutes: number | undefined;
  now: Date;
}

export type FreshnessVerdict =
  | { ok: true; issuedAt: string }
  | { ok: false; code: FailureCode; reason: string; explanation: string };

function instant(v: unknown): number {
  if (typeof v !== "string" || v.length > 64 || !ISO_DATE_TIME.test(v)) return Number.NaN;
  return Date.parse(v);
}

const stale = (reason: string, explanation: string): FreshnessVerdict => ({
  ok: false,
  code: "credential_stale",
  reason,
  explanation,
});

export function checkFreshness(input: FreshnessInput): FreshnessVerdict {
  const now = input.now instanceof Date ? input.now.getTime() : Number.NaN;
  const handoff = instant(input.handoffAt);
  if (!Number.isFinite(now) || !Number.isFinite(handoff)) {
    return stale("handoff_unknown", "no hand-off time to compare the credential's issuance with");
  }
  const maxAge = input.maxAgeMinutes;
  if (maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge > 0)) {
    return stale("max_age_invalid", `credentialMaxAgeMinutes ${String(maxAge)} is not a positive integer`);
  }
  if (!Array.isArray(input.issuanceDates) || input.issuanceDates.length === 0) {
    return stale("issuance_date_missing", "the credential carries no issuance date");
  }
  let earliest = Number.POSITIVE_INFINITY;
  for (const { source, value } of input.issuanceDates) {
    if (value === undefined) {
      return stale(
        "issuance_date_missing",
        `the ${source} gives no issuance date: freshness cannot be shown`,
      );
    }
    const issued = instant(value);
    if (!Number.isFinite(issued))
      return stale("issuance_date_invalid", `the ${source}'s issuance date is unreadable`);
    if (issued > now + CLOCK_SKEW_MS)
      return stale("issued_in_future", `the ${source}'s issuance date is in the future`);
    earliest = Math.min(earliest, issued);
  }
  const issuedAt = new Date(earliest).toISOString();
  if (earliest >= handoff - CLOCK_SKEW_MS) return { ok: true, issuedAt };
  if (maxAge !== undefined && earliest >= now - maxAge * 60_000) return { ok: true, issuedAt };
  return stale(
    "issued_before_handoff",
    maxAge === undefined
      ? `issued ${issuedAt}, before this recovery's hand-off at ${new Date(handoff).toISOString()}`
      : `issued ${issuedAt}, before this recovery's hand-off and more than ${maxAge} minutes ago`,
  );
}
