/**
 * Credential check: what we believe of a Verified ID presentation. The Request Service has
 * already verified signatures, but callbacks are not signed (docs/facts.md §6), so the request status,
 * issuer, type, revocation state, validity window, linked-domain validation, the Face Check
 * score and the name claims are re-checked here against our own expectations. When the callback
 * carried a receipt we validated ourselves (src/verified-id/vpValidation.ts), that verdict must
 * pass too and agree with the service's. Pure: the caller supplies the clock.
 *
 * Every rejection names a stable `reason` (for the audit log) besides the client-facing code.
 * The functions stand on their own: they validate every input they decide with (unknown
 * shapes, NaN, Infinity, strings for numbers, oversized lists) and fail closed with a reason of
 * their own, whatever the callback schema in front of them already checked.
 *
 * Linked domain: `domainValidation.url` must be the issuer's linked domain, an https origin
 * (path "/" at most). For a did:web issuer it is the DID's own host and port; for any other
 * DID method it must be configured per accepted issuer (provider setting `linkedDomains`), and
 * an issuer without one is refused. The caller passes the expected origin per issuer.
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
  /** Accepted issuer → the https origin its `domainValidation.url` must have (src/verified-id/linkedDomain.ts). */
  linkedDomains: ReadonlyMap<string, string>;
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
  | {
      ok: true;
      issuer: string;
      firstName: string;
      lastName: string;
      /** The VC JWT's earliest of `iat`, `nbf`, `vc.issuanceDate` (src/recovery/freshness.ts). */
      issuanceDate?: string | undefined;
    }
  | { ok: false; code: FailureCode; reason: string; explanation: string };

export interface PresentationVerdictInput {
  requestStatus: "presentation_verified" | "presentation_error";
  credentials: readonly PresentedCredential[];
  error?: { code?: string | undefined; message?: string | undefined } | undefined;
  selfValidation?: SelfValidation | undefined;
}

const CLOCK_SKEW_MS = 5 * 60_000;
/** Face Check scores are percentages (docs/facts.md §6); thresholds are 50–100 as the service allows. */
const SCORE_RANGE = { min: 0, max: 100 } as const;
const THRESHOLD_RANGE = { min: 50, max: 100 } as const;
/** Bounds on what we read: far above any real credential, small enough that nothing is slow. */
const MAX_TYPES = 32;
const MAX_TEXT = 2048;
const MAX_NAME = 256;
/** ISO 8601 date-time as the service writes it (Date.parse alone also reads "1" or "2026"). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/;

function fail(code: FailureCode, reason: string, explanation: string): CredentialVerdict {
  return { ok: false, code, reason, explanation };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

const isFiniteIn = (v: unknown, range: { min: number; max: number }): v is number =>
  typeof v === "number" && Number.isFinite(v) && v >= range.min && v <= range.max;

/** An ISO date-time string → epoch ms; NaN for anything else. */
function instant(v: unknown): number {
  if (typeof v !== "string" || v.length > 64 || !ISO_DATE_TIME.test(v)) return Number.NaN;
  return Date.parse(v);
}

/** The https origin of a linked-domain URL, or undefined when it is anything more than an origin. */
export function linkedDomainOrigin(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_TEXT) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== "https:" || url.username || url.password || url.search || url.hash) return undefined;
  if (url.pathname !== "/" || /[?#]/.test(value)) return undefined;
  return url.origin;
}

/** The expectations themselves: a bad threshold (NaN would pass every score) or clock fails closed. */
function checkExpectations(expect: CredentialExpectations): CredentialVerdict | undefined {
  if (!isRecord(expect) || !(expect.now instanceof Date) || !Number.isFinite(expect.now.getTime())) {
    return fail("credential_invalid", "expectations_invalid", "no valid clock to check against");
  }
  if (
    !Array.isArray(expect.acceptedIssuers) ||
    typeof expect.requiredType !== "string" ||
    !expect.requiredType
  ) {
    return fail("credential_invalid", "expectations_invalid", "no accepted issuers or required type");
  }
  if (!(expect.linkedDomains instanceof Map)) {
    return fail("credential_invalid", "expectations_invalid", "no linked domains to check against");
  }
  if (expect.faceCheckThreshold !== undefined && !isFiniteIn(expect.faceCheckThreshold, THRESHOLD_RANGE)) {
    return fail(
      "face_check_failed",
      "face_check_threshold_invalid",
      `threshold ${String(expect.faceCheckThreshold)} is not a number in [50, 100]`,
    );
  }
  return undefined;
}

/** The service's verdict on the presented credentials, re-checked rule by rule. */
export function checkPresentedCredential(
  credentials: readonly PresentedCredential[],
  expect: CredentialExpectations,
): CredentialVerdict {
  const badExpectations = checkExpectations(expect);
  if (badExpectations) return badExpectations;
  if (!Array.isArray(credentials) || credentials.length !== 1) {
    const count = Array.isArray(credentials) ? credentials.length : "no list of";
    return fail("credential_invalid", "credential_count", `expected 1 credential, got ${count}`);
  }
  const vc: unknown = credentials[0];
  if (!isRecord(vc))
    return fail("credential_invalid", "credential_malformed", "the credential is not an object");
  if (typeof vc.issuer !== "string" || !expect.acceptedIssuers.includes(vc.issuer)) {
    return fail("credential_invalid", "issuer_not_accepted", "issuer not accepted");
  }
  const issuer = vc.issuer;
  // Exactly the required type, as one element of a list: no substring of a string, no look-alike.
  if (!Array.isArray(vc.type) || vc.type.length > MAX_TYPES) {
    return fail("credential_invalid", "type_invalid", "type is not a list of credential types");
  }
  if (!vc.type.some((t) => t === expect.requiredType)) {
    return fail("credential_invalid", "type_missing", `type ${expect.requiredType} missing`);
  }
  if (vc.revocationStatus !== "VALID") {
    return vc.revocationStatus === "REVOKED"
      ? fail("credential_revoked", "revoked", "revocation status REVOKED")
      : fail(
          "credential_invalid",
          "revocation_status_unknown",
          `revocation status ${typeof vc.revocationStatus === "string" ? vc.revocationStatus.slice(0, 32) : "absent"}`,
        );
  }
  const now = expect.now.getTime();
  const expires = instant(vc.expirationDate);
  if (!Number.isFinite(expires)) {
    return fail("credential_invalid", "expiry_missing", "credential without a readable expiry");
  }
  if (expires <= now) return fail("credential_expired", "expired", "credential expired");
  const issued = vc.issuanceDate === undefined ? undefined : instant(vc.issuanceDate);
  if (issued !== undefined && !Number.isFinite(issued)) {
    return fail("credential_invalid", "issuance_date_invalid", "unreadable issuance date");
  }
  if (issued !== undefined && issued > now + CLOCK_SKEW_MS) {
    return fail("credential_invalid", "issued_in_future", "credential issued in the future");
  }
  // We ask for validateLinkedDomain: a verdict without domainValidation did not pass it, and one
  // naming another domain than the issuer's verified something else.
  if (vc.linkedDomain === undefined || vc.linkedDomain === "") {
    return fail("credential_invalid", "linked_domain_unverified", "no domainValidation in the verdict");
  }
  const presentedDomain = linkedDomainOrigin(vc.linkedDomain);
  if (presentedDomain === undefined) {
    return fail("credential_invalid", "linked_domain_invalid", "domainValidation.url is not an https origin");
  }
  const expectedDomain = expect.linkedDomains.get(issuer);
  if (expectedDomain === undefined) {
    return fail(
      "credential_invalid",
      "linked_domain_not_configured",
      "no linked domain known for the issuer",
    );
  }
  if (presentedDomain !== linkedDomainOrigin(expectedDomain)) {
    return fail(
      "credential_invalid",
      "linked_domain_mismatch",
      "domainValidation.url is not the issuer's domain",
    );
  }
  const score = vc.faceCheckScore;
  if (expect.faceCheckThreshold !== undefined) {
    if (score === undefined) {
      return fail("face_check_failed", "face_check_missing", "no Face Check result");
    }
    if (!isFiniteIn(score, SCORE_RANGE)) {
      return fail(
        "face_check_failed",
        "face_check_score_invalid",
        "Face Check score is not a number in [0, 100]",
      );
    }
    if (score < expect.faceCheckThreshold) {
      return fail(
        "face_check_failed",
        "face_check_below_threshold",
        `score ${score} below threshold ${expect.faceCheckThreshold}`,
      );
    }
  }
  const claims = isRecord(vc.claims) ? vc.claims : {};
  const firstName = typeof claims.firstName === "string" ? claims.firstName : undefined;
  const lastName = typeof claims.lastName === "string" ? claims.lastName : undefined;
  if (!firstName?.trim() || !lastName?.trim()) {
    return fail("credential_invalid", "claims_missing", "firstName or lastName claim missing");
  }
  if (firstName.length > MAX_NAME || lastName.length > MAX_NAME) {
    return fail("credential_invalid", "claims_too_long", "firstName or lastName claim too long");
  }
  return {
    ok: true,
    firstName,
    lastName,
    faceCheckScore: isFiniteIn(score, SCORE_RANGE) ? score : undefined,
  };
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
  if (!isRecord(presentation)) {
    return fail("presentation_rejected", "presentation_malformed", "no presentation outcome");
  }
  if (presentation.requestStatus === "presentation_error") {
    const raw = presentation.error?.code;
    const code = typeof raw === "string" ? raw.slice(0, 64) : undefined;
    // Below-threshold Face Check arrives as claimValidationError without a score (docs/facts.md §6).
    return code === "claimValidationError"
      ? fail("face_check_failed", "face_check_below_threshold", "the service reported claimValidationError")
      : fail("presentation_rejected", "presentation_error", `presentation_error ${code ?? "without code"}`);
  }
  if (presentation.requestStatus !== "presentation_verified") {
    return fail("presentation_rejected", "presentation_malformed", "unknown request status");
  }
  const service = checkPresentedCredential(presentation.credentials, expect);
  if (!service.ok) return service;
  const own = presentation.selfValidation;
  if (own === undefined) {
    return expect.faceCheckThreshold === undefined
      ? fail("credential_invalid", "receipt_missing", "no Face Check and no receipt to validate")
      : service;
  }
  if (!isRecord(own) || own.ok !== true) {
    return isRecord(own) && own.ok === false && typeof own.reason === "string"
      ? own
      : fail("credential_invalid", "receipt_malformed", "our own receipt verdict is unreadable");
  }
  const [vc] = presentation.credentials;
  if (
    !vc ||
    own.issuer !== vc.issuer ||
    own.firstName !== service.firstName ||
    own.lastName !== service.lastName
  ) {
    return fail("credential_invalid", "receipt_disagrees", "the receipt and the service's verdict disagree");
  }
  return service;
}
