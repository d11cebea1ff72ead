/**
 * AU10TIX, one of the three providers Microsoft Entra Account Recovery offers. Its manifest
 * URI is published (docs/facts.md §6); its webhook is NOT publicly specified (docs/facts.md §9), so
 * everything in WEBHOOK_DEFAULTS is an assumption, overridable per deployment in
 * IDV_PROVIDERS (`webhook`). README: "Identity verification providers".
 */
import type { WebhookProfile } from "./hmacWebhooks";

export const MANIFEST_URI =
  "https://verifiedid.did.msidentity.com/v1.0/tenants/7e3c5dae-db64-4f71-8eed-e9608f62da12/verifiableCredentials/contracts/370f04a8-c259-5ef7-b61a-a4302ddb2a78/manifest";

/** Assumed: a Persona-style `t=<unix>,v1=<hex HMAC of "t.body">` header, event id in the body. */
export const WEBHOOK_DEFAULTS: WebhookProfile = {
  signatureHeader: "x-au10tix-signature",
  signatureFormat: "t-v1",
  signaturePrefix: "",
  encoding: "hex",
  fields: {
    eventId: "eventId",
    sessionId: "requestId",
    status: "verificationResult.status",
    reasons: "verificationResult.reasons",
    liveness: "verificationResult.liveness",
    faceMatch: "verificationResult.faceMatch",
    firstName: "person.firstName",
    lastName: "person.lastName",
    dateOfBirth: "person.dateOfBirth",
    documentType: "document.type",
    issuingCountry: "document.country",
  },
  statuses: {
    Approved: "approved",
    Declined: "declined",
    ManualReview: "review",
    Resubmit: "resubmit",
    Expired: "expired",
    Error: "error",
  },
};
