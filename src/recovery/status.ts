/**
 * Wire vocabulary of a recovery (HTTP contract v1, DESIGN.md §4): statuses, failure codes,
 * and which statuses are terminal. Stable strings: front ends switch on them.
 */

export const RECOVERY_STATUSES = [
  "pending",
  "verifying_identity",
  "awaiting_presentation",
  "validating",
  "recovered",
  "evaluation_passed",
  "failed",
  "expired",
  "not_eligible",
  "cancelled",
  // A helpdesk verification (src/recovery/verification.ts) that passed: nothing in the directory changed.
  "verified",
] as const;
export type RecoveryStatus = (typeof RECOVERY_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<RecoveryStatus> = new Set([
  "recovered",
  "evaluation_passed",
  "failed",
  "expired",
  "not_eligible",
  "cancelled",
  "verified",
]);

/** Statuses in which the user may still cancel: nothing in the directory has changed yet. */
export const CANCELLABLE_STATUSES: ReadonlySet<RecoveryStatus> = new Set([
  "pending",
  "verifying_identity",
  "awaiting_presentation",
]);

/** Recovery ids are lower-case UUIDs (crypto.randomUUID); anything else names no recovery. */
export function isRecoveryId(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(value);
}

export function isTerminal(status: RecoveryStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export const FAILURE_MESSAGES = {
  not_eligible: "This account cannot be recovered here. Contact your helpdesk.",
  idv_declined: "The identity verification provider could not verify your identity.",
  idv_timeout: "Identity verification was not completed in time.",
  idv_expired: "The identity verification session expired at the provider.",
  idv_provider_error: "The identity verification provider could not complete the verification.",
  presentation_timeout: "The credential was not presented in time.",
  presentation_rejected: "The credential presentation was rejected.",
  face_check_failed: "The live photo did not match the photo on the credential.",
  credential_invalid: "The presented credential is not acceptable.",
  credential_revoked:
    "The presented credential has been revoked. Verify your identity again to get a new one.",
  credential_expired: "The presented credential has expired. Verify your identity again to get a new one.",
  credential_stale:
    "The presented credential was not issued by this recovery's identity verification. Verify your identity again to get a new one.",
  profile_mismatch: "The verified identity does not match this account.",
  profile_ambiguous: "The verified identity matches more than one account.",
  tap_policy_blocked: "A Temporary Access Pass cannot be issued for this account.",
  directory_error: "The directory could not complete the recovery. Contact your helpdesk.",
  verified_id_error: "The credential presentation could not be requested.",
  idv_error: "The identity verification could not be started.",
  cancelled: "The recovery was cancelled.",
  superseded: "A newer recovery for this account replaced this one before identity verification.",
  internal_error: "The recovery failed unexpectedly. Contact your helpdesk.",
} as const;
export type FailureCode = keyof typeof FAILURE_MESSAGES;

export interface Failure {
  code: FailureCode;
  message: string;
}

export function failure(code: FailureCode): Failure {
  return { code, message: FAILURE_MESSAGES[code] };
}

/** What the front end should do next. */
export type NextStep =
  | { type: "redirect"; url: string }
  | { type: "present_credential"; url: string; qrCode?: string; expiresAt: string }
  /** A verified helpdesk verification whose profile allows it: POST `url` (bearer) to recover now. */
  | { type: "continue_recovery"; url: string; expiresAt: string };
