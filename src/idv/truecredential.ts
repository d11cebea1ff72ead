/**
 * TrueCredential (LexisNexis Risk Solutions), one of the three providers Microsoft Entra
 * Account Recovery offers. Its manifest URI is published (docs/facts.md §6); its webhook is NOT
 * publicly specified (docs/facts.md §9), so everything in WEBHOOK_DEFAULTS is an assumption,
 * overridable per deployment in IDV_PROVIDERS (`webhook`). README: "Identity verification
 * providers".
 */
import type { WebhookProfile } from "./hmacWebhooks";

export const MANIFEST_URI =
  "https://verifiedid.did.msidentity.com/v1.0/tenants/1dd3b364-3147-4083-96ac-e66b1e1f7b5f/verifiableCredentials/contracts/ac0bf718-61fe-2d72-f7ef-3131699bc9ed/manifest";

/** Assumed: `sha256=<hex HMAC of "timestamp.body">`, timestamp in a header, event id in the body. */
export const WEBHOOK_DEFAULTS: WebhookProfile = {
  signatureHeader: "x-truecredential-signature",
  signatureFormat: "plain",
  signaturePrefix: "sha256=",
  encoding: "hex",
  timestampHeader: "x-truecredential-timestamp",
  fields: {
    eventId: "transactionId",
    sessionId: "referenceId",
    status: "decision",
    reasons: "reasonCodes",
    liveness: "biometrics.liveness",
    faceMatch: "biometrics.faceMatch",
    firstName: "subject.firstName",
    lastName: "subject.lastName",
    dateOfBirth: "subject.dateOfBirth",
    documentType: "document.type",
    issuingCountry: "document.issuingCountry",
  },
  statuses: {
    PASS: "approved",
    FAIL: "declined",
    REFER: "review",
    RETRY: "resubmit",
    EXPIRED: "expired",
    ERROR: "error",
  },
};
