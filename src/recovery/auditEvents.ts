/**
 * Our audit events under the names Entra's account recovery gives the same moments in its
 * audit log (FACTS §5), so an admin who knows one log can read the other. Events with no
 * Entra counterpart (the method reset, session revocation, notifications) keep only our name.
 */

export interface AuditEventName {
  event: string;
  outcome: "info" | "success" | "failure";
  code?: string | undefined;
}

/** Entra's activity display name for one of our events, or undefined when Entra has none. */
export function entraActivityName(e: AuditEventName): string | undefined {
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
