/**
 * Credential check: what we believe of a Verified ID presentation. The Request Service has
 * already verified signatures, but callbacks are not signed (FACTS §6), so the request status,
 * issuer, type, revocation state, validity window, linked-domain validation, the Face Check
 * score and the name claims are re-checked here against our own expectations. When the callback
 * carried a receipt we validated ourselves (src/verified-id/vpValidation.ts), that verdict must
 * pass too and agree with the service's. Pure: the caller supplies the clock.
 *
 * Every rejection names a stable `reason` (for the audit log) besides the client-facing code.
 */
import type { FailureCode } from "./status";

export interface PresentedCredential {
  issuer: string;
  type: string[];
  claims: Record<string, unknown>;
  revocationStatus: string | undefined;
  issuanceDate: string | undefined;
  expirationDate: string | undefined;
  faceCheckScore: number | undefined;
  /** `domainValidation.url`: the issuer's linked domain, as the service verified it. */
  linkedDomain?: string | undefined;
}

export interface CredentialExpectations {
  acceptedIssuers: readonly string[];
  requiredType: string;
  /** undefined: the request asked for no Face Check (then a self-validated receipt is required). */
  faceCheckThreshold: number | undefined;
  now: Date;
}

export type CredentialVerdict =
  | { ok: true; firstName: string; lastName: string; faceCheckScore: number | undefined }
  | { ok: false; code: FailureCode; reason: string; explanation: string };

/** Our own validation of the receipt's VP/VC, as recorded when the callback arrived. */
export type SelfValidation =
  | { ok: true; issuer: string; firstName: string; lastName: string }
  | { ok: false; code: FailureCode; reason: string; explanation: string };

export interface PresentationVerdictInput {
  requestStatus: "presentation_verified" | "presentation_error";
  credentials: readonly PresentedCredential[];
  error?: { code?: string | undefined; message?: string | undefined } | undefined;
  selfValidation?: SelfValidation | undefined;
}

const CLOCK_SKEW_MS = 5 * 60_000;

function fail(code: FailureCode, reason: string, explanation: string): CredentialVerdict {
  return { ok: false, code, reason, explanation };
}

/** The service's verdict on the presented credentials, re-checked rule by rule. */
export function checkPresentedCredential(
  credentials: readonly PresentedCredential[],
  expect: CredentialExpectations,
): CredentialVerdict {
  if (credentials.length !== 1) {
    return fail("credential_invalid", "credential_count", `expected 1 credential, got ${credentials.length}`);
  }
  const vc = credentials[0]!;
  if (!expect.acceptedIssuers.includes(vc.issuer)) {
    return fail("credential_invalid", "issuer_not_accepted", "issuer not accepted");
  }
  if (!vc.type.includes(expect.requiredType)) {
    return fail("credential_invalid", "type_missing", `type ${expect.requiredType} missing`);
  }
  if (vc.revocationStatus !== "VALID") {
    return vc.revocationStatus === "REVOKED"
      ? fail("credential_revoked", "revoked", "revocation status REVOKED")
      : fail(
          "credential_invalid",
          "revocation_status_unknown",
          `revocation status ${vc.revocationStatus ?? "absent"}`,
        );
  }
  const now = expect.now.getTime();
  const expires = vc.expirationDate ? Date.parse(vc.expirationDate) : Number.NaN;
  if (!Number.isFinite(expires)) {
    return fail("credential_invalid", "expiry_missing", "credential without a readable expiry");
  }
  if (expires <= now) return fail("credential_expired", "expired", "credential expired");
  const issued = vc.issuanceDate === undefined ? undefined : Date.parse(vc.issuanceDate);
  if (issued !== undefined && !Number.isFinite(issued)) {
    return fail("credential_invalid", "issuance_date_invalid", "unreadable issuance date");
  }
  if (issued !== undefined && issued > now + CLOCK_SKEW_MS) {
    return fail("credential_invalid", "issued_in_future", "credential issued in the future");
  }
  // We ask for validateLinkedDomain: a verdict without domainValidation did not pass it.
  if (!vc.linkedDomain) {
    return fail("credential_invalid", "linked_domain_unverified", "no domainValidation in the verdict");
  }
  if (expect.faceCheckThreshold !== undefined) {
    if (vc.faceCheckScore === undefined) {
      return fail("face_check_failed", "face_check_missing", "no Face Check result");
    }
    if (vc.faceCheckScore < expect.faceCheckThreshold) {
      return fail(
        "face_check_failed",
        "face_check_below_threshold",
        `score ${vc.faceCheckScore} below threshold ${expect.faceCheckThreshold}`,
      );
    }
  }
  const firstName = typeof vc.claims.firstName === "string" ? vc.claims.firstName : undefined;
  const lastName = typeof vc.claims.lastName === "string" ? vc.claims.lastName : undefined;
  if (!firstName?.trim() || !lastName?.trim()) {
    return fail("credential_invalid", "claims_missing", "firstName or lastName claim missing");
  }
  return { ok: true, firstName, lastName, faceCheckScore: vc.faceCheckScore };
}

/**
 * The whole verdict on a completed presentation: the callback's status, the service's verdict,
 * and — when a receipt was validated, or must have been because there was no Face Check — our
 * own validation, which must agree with the service on issuer and names.
 */
export function checkPresentation(
  presentation: PresentationVerdictInput,
  expect: CredentialExpectations,
): CredentialVerdict {
  if (presentation.requestStatus === "presentation_error") {
    const code = presentation.error?.code;
    // Below-threshold Face Check arrives as claimValidationError without a score (FACTS §6).
    return code === "claimValidationError"
      ? fail("face_check_failed", "face_check_below_threshold", "the service reported claimValidationError")
      : fail("presentation_rejected", "presentation_error", `presentation_error ${code ?? "without code"}`);
  }
  const service = checkPresentedCredential(presentation.credentials, expect);
  if (!service.ok) return service;
  const own = presentation.selfValidation;
  if (!own) {
    return expect.faceCheckThreshold === undefined
      ? fail("credential_invalid", "receipt_missing", "no Face Check and no receipt to validate")
      : service;
  }
  if (!own.ok) return own;
  const vc = presentation.credentials[0]!;
  if (own.issuer !== vc.issuer || own.firstName !== service.firstName || own.lastName !== service.lastName) {
    return fail("credential_invalid", "receipt_disagrees", "the receipt and the service's verdict disagree");
  }
  return service;
}
