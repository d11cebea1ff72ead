/**
 * The contract every identity verification provider adapter fulfils: where to send the user,
 * how to authenticate a webhook, and how to read its payload into one normalized result.
 */

export type IdvDecision = "approved" | "declined" | "review" | "resubmit" | "expired" | "error";

export interface NormalizedIdvResult {
  /** Provider-side id of the verification session (we correlate it through our own mapping). */
  sessionId: string;
  decision: IdvDecision;
  reasons: string[];
  person?: { firstName?: string; lastName?: string; dateOfBirth?: string } | undefined;
  document?: { type?: string; issuingCountry?: string } | undefined;
  checks?: { liveness?: string; faceMatch?: string } | undefined;
}

export interface WebhookEnvelope {
  /** Unique id of this delivery (dedupe key). */
  eventId: string;
  result: NormalizedIdvResult;
}

export interface IdvAdapter {
  readonly name: string;
  /**
   * Checks the webhook's authenticity (signature, timestamp tolerance) against the current
   * secrets. Throws UnauthorizedError on any failure; never reveals which check failed beyond
   * a short detail.
   */
  authenticateWebhook(headers: Headers, rawBody: string, secrets: readonly string[], now: Date): void;
  /** Parses an authenticated body. Throws InvalidRequestError when it is not a result. */
  parseWebhook(headers: Headers, rawBody: string): WebhookEnvelope;
  /** The URL to send the user to, carrying our signed one-time hand-off token. */
  verificationUrl(handoffToken: string): string;
}
