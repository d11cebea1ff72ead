/**
 * Our audit events under the names Entra's account recovery gives the same moments in its
 * audit log (docs/facts.md §5), so an admin who knows one log can read the other. Events with no
 * Entra counterpart (the method reset, session revocation, notifications) keep only our name.
 */

/** Every event the audit trail records: a closed catalogue, so an event name is checked where it is written. */
export const AUDIT_EVENTS = [
  "recovery_started",
  "eligibility_checked",
  "recovery_superseded",
  "identity_verification_started",
  "identity_verification_handoff_renewed",
  "identity_verification_update",
  "identity_verification_completed",
  "identity_verification_unconfirmed",
  "identity_verification_returned",
  "identity_verification_return_unfinished",
  "identity_verification_withdrawn",
  "presentation_requested",
  "presentation_renewed",
  "presentation_request_failed",
  "presentation_retrieved",
  "presentation_completed",
  "credential_checked",
  "profile_matched",
  "tap_blocked",
  "tap_handoff_unavailable",
  "authentication_methods_reset",
  "sign_in_sessions_revoked",
  "temporary_access_pass_issued",
  "tap_handoff_failed",
  "temporary_access_pass_handed_out",
  "recovery_finished",
  "recovery_cancelled",
  "notification_sent",
  "notification_skipped",
  "notification_attempt_failed",
  "policy_changed",
  "recovery_block_set",
  "recovery_repudiated",
  "recovery_block_cleared",
  "repudiation_refused",
  "verification_created",
  "verification_link_sent",
  "verification_link_refused",
  "verification_passed",
  "recovery_continued",
] as const;
export type AuditEventType = (typeof AUDIT_EVENTS)[number];

export interface AuditEventName {
  event: AuditEventType;
  outcome: "info" | "success" | "failure";
  code?: string | undefined;
}

/** Entra's activity display name for one of our events, or undefined when Entra has none. */
export function entraActivityName(e: AuditEventName): string | undefined {
  // Our own events (every other name of the catalogue) have no Entra counterpart.
  switch (e.event) {
    case "recovery_started":
      return "Started account recovery";
    case "identity_verification_started":
      return "Started identity issuance with certified partner";
    case "identity_verification_completed":
      return e.outcome === "success"
        ? "Completed identity issuance with certified partner"
        : "Failed document validation";
    case "credential_checked":
      if (e.outcome === "success") return "Completed identity presentation";
      return e.code === "face_check_failed" ? "Failed face check comparison" : undefined;
    case "profile_matched":
      return e.outcome === "success" ? "Account matched and validated" : "Account not matched or validated";
    case "recovery_finished":
      return e.code === "recovered" ? "Completed account recovery" : undefined;
    default:
      return undefined;
  }
}
