/**
 * IDEMIA, one of the three providers Microsoft Entra Account Recovery offers. Its manifest
 * URI is published (docs/facts.md §6); its webhook is NOT publicly specified (docs/facts.md §9), so
 * everything in WEBHOOK_DEFAULTS is an assumption, overridable per deployment in
 * IDV_PROVIDERS (`webhook`). README: "Identity verification providers".
 */
import type { WebhookProfile } from "./hmacWebhooks";

export const MANIFEST_URI =
  "https://verifiedid.did.msidentity.com/v1.0/tenants/927eef35-435d-482f-be37-477c1a5164d4/verifiableCredentials/contracts/07b489b6-b20d-55af-2b38-62a7562ccde9/manifest";

/** Assumed: base64 HMAC of "timestamp.body" in its own header, timestamp and event id in headers. */
export const WEBHOOK_DEFAULTS: WebhookProfile = {
  signatureHeader: "x-idemia-signature",
  signatureFormat: "plain",
  signaturePrefix: "",
  encoding: "base64",
  timestampHeader: "x-idemia-timestamp",
  eventIdHeader: "x-idemia-event-id",
  fields: {
    sessionId: "sessionId",
    status: "status",
    reasons: "reasons",
    liveness: "checks.liveness",
    faceMatch: "checks.faceMatch",
    firstName: "identity.givenName",
    lastName: "identity.familyName",
    dateOfBirth: "identity.birthDate",
    documentType: "document.documentType",
    issuingCountry: "document.issuingCountry",
  },
  statuses: {
    VERIFIED: "approved",
    NOT_VERIFIED: "declined",
    PENDING_REVIEW: "review",
    RETRY: "resubmit",
    EXPIRED: "expired",
    FAILED: "error",
  },
};
