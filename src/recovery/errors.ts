/**
 * The one error hierarchy of the service, and its one vocabulary of codes. Every error has a
 * stable `code`, an HTTP `status`, and `expose`: whether `detail` may be shown to the caller.
 * Protocol failures throw these; programmer mistakes throw TypeError. `cause` is kept for the
 * logs, never sent to a client.
 *
 * The codes form closed unions, so a misspelt code is a compile error wherever one is written
 * (a constructor, the OpenAPI document's per-route lists):
 *  - `ProblemCode`: what an HTTP answer may carry in problem+json `code`;
 *  - `FailureCode` (recovery/status.ts): what a recovery's `failure.code` can be;
 *  - `VerificationCode`: why a signature, DID or status list was refused (the audit log's
 *    `vp_…`/`vc_…` reasons are made from them);
 *  - `InternalCode`: faults that never answer HTTP as themselves.
 * An HTTP handler answers only problem codes as themselves; any other error becomes a 500
 * `internal_error` (see `toRecoveryError`), so an internal code never reaches a client.
 *
 * Constructors take the code first (when the class has more than one), then the detail or
 * message, then options.
 */
import type { FailureCode } from "./status";

// --- problem codes, by the class that answers them ---------------------------------------

/** 400, InvalidRequestError. */
export const INVALID_REQUEST_CODES = [
  "invalid_request",
  "invalid_payload",
  "invalid_policy",
  "invalid_tap_encryption_key",
] as const;
/** 401, UnauthorizedError. */
export const UNAUTHORIZED_CODES = [
  "missing_recovery_token",
  "invalid_signature",
  "invalid_callback",
  "missing_token",
  "invalid_token",
  "token_expired",
  "invalid_issuer",
  "invalid_audience",
] as const;
/** 404, NotFoundError. */
export const NOT_FOUND_CODES = [
  "recovery_not_found",
  "policy_not_found",
  "unknown_provider",
  "asset_not_found",
  "recovery_block_not_found",
  "verification_not_found",
  // A helpdesk verification link that is forged, used or expired: one answer for all three.
  "verification_link_invalid",
] as const;
/** 409, ConflictError. */
export const CONFLICT_CODES = [
  "not_cancellable",
  "last_profile",
  "handoff_unavailable",
  "verification_not_deliverable",
  "not_continuable",
] as const;
/** 502 (lasting) or 503 (transient), DependencyError. */
export const DEPENDENCY_CODES = [
  "directory_error",
  "verified_id_error",
  "idv_error",
  "secret_missing",
  "secrets_unavailable",
  "identity_provider_unavailable",
  "workflow_unavailable",
  "page_not_built",
  "console_not_built",
] as const;
/** Classes with one code each (the class documents its status). */
const SINGLE_CODES = [
  "payload_too_large",
  "unsupported_media_type",
  "forbidden",
  "method_not_allowed",
  "precondition_failed",
  "precondition_required",
  "rate_limited",
  "admin_api_not_configured",
  "configuration_error",
  "internal_error",
] as const;

export type InvalidRequestCode = (typeof INVALID_REQUEST_CODES)[number];
export type UnauthorizedCode = (typeof UNAUTHORIZED_CODES)[number];
export type NotFoundCode = (typeof NOT_FOUND_CODES)[number];
export type ConflictCode = (typeof CONFLICT_CODES)[number];
export type DependencyCode = (typeof DEPENDENCY_CODES)[number];

/** Every code an HTTP answer may carry in problem+json `code`. */
export const PROBLEM_CODES = [
  ...INVALID_REQUEST_CODES,
  ...UNAUTHORIZED_CODES,
  ...NOT_FOUND_CODES,
  ...CONFLICT_CODES,
  ...DEPENDENCY_CODES,
  ...SINGLE_CODES,
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

const PROBLEM_CODE_SET: ReadonlySet<string> = new Set(PROBLEM_CODES);

export function isProblemCode(code: string): code is ProblemCode {
  return PROBLEM_CODE_SET.has(code);
}

// --- verification codes (never an HTTP answer; recorded in the audit log) ----------------

/** Why a compact JWS was refused (verified-id/jws.ts). */
export type JwsRejectionCode =
  | "malformed"
  | "too_large"
  | "algorithm_not_allowed"
  | "embedded_key"
  | "crit_unsupported"
  | "b64_unsupported"
  | "kid_foreign"
  | "key_mismatch"
  | "signature_invalid";

/** Why a DID or one of its keys was refused (verified-id/didWeb.ts). */
export type DidResolutionCode =
  | "did_unsupported"
  | "did_web_invalid"
  | "did_web_ip_address"
  | "did_web_host_invalid"
  | "did_web_port_invalid"
  | "did_web_path_invalid"
  | "did_unresolvable"
  | "did_document_invalid"
  | "key_not_found"
  | "key_duplicate"
  | "key_wrong_purpose";

/** Why a status list, or a credential's entry in one, was refused (verified-id/statusList.ts). */
export type StatusListCode =
  | "status_entry_invalid"
  | "status_list_unavailable"
  | "status_list_invalid"
  | "status_list_signature_invalid"
  | "status_list_foreign_issuer"
  | "status_list_wrong_type"
  | "status_list_wrong_purpose"
  | "status_list_not_named"
  | "status_list_not_yet_valid"
  | "status_list_expired";

export type VerificationCode = JwsRejectionCode | DidResolutionCode | StatusListCode;

/** The failure codes a refused presentation ends a recovery with (verified-id/vpValidation.ts). */
export type PresentationFailureCode = Extract<
  FailureCode,
  "presentation_rejected" | "credential_invalid" | "credential_expired" | "credential_revoked"
>;

/**
 * Why a presentation was refused, as the audit log records it: what was checked (`vp` the
 * presentation, `vc` the credential in it) and why.
 */
export type PresentationRejectionReason =
  | `${"vp" | "vc"}_${VerificationCode}`
  | "clock_invalid"
  | "vp_too_large"
  | "vp_holder_unsupported"
  | "vp_audience_mismatch"
  | "vp_nonce_mismatch"
  | "vp_iat_missing"
  | "vp_issued_in_future"
  | "vp_too_old"
  | "vp_not_yet_valid"
  | "vp_expired"
  | "vp_credential_count"
  | "vc_malformed"
  | "vc_issuer_not_accepted"
  | "vc_subject_mismatch"
  | "vc_type_invalid"
  | "vc_type_missing"
  | "vc_not_yet_valid"
  | "vc_exp_missing"
  | "vc_expired"
  | "vc_claims_missing"
  | "vc_revoked";

// --- internal codes (a fault of ours or a race; answered as internal_error) --------------

/** What a step found wrong with the recovery record it was given. */
export type RecoveryStateCode =
  | "recovery_missing"
  | "recovery_closed"
  | "recovery_not_discovered"
  | "profile_missing"
  | "outcome_missing"
  | "lock_contention";

export type InternalCode = RecoveryStateCode | "tap_binding_mismatch" | "remote_document_unavailable";

/** Every code an error of this service can carry. */
export type ErrorCode = ProblemCode | FailureCode | VerificationCode | InternalCode;

/** Compile-time guard: an internal or verification code must never read as a problem code. */
type Disjoint<A, B> = [Extract<A, B>] extends [never] ? true : never;
const _internalCodesAreNotProblemCodes: Disjoint<InternalCode | VerificationCode, ProblemCode> = true;
void _internalCodesAreNotProblemCodes;

// --- the hierarchy -----------------------------------------------------------------------

export interface RecoveryErrorOptions {
  detail?: string;
  cause?: unknown;
  /** Extra headers for the HTTP answer, e.g. Retry-After or WWW-Authenticate. */
  headers?: Record<string, string>;
}

export class RecoveryError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  readonly status: number;
  readonly expose: boolean;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;

  constructor(code: C, status: number, title: string, expose: boolean, options: RecoveryErrorOptions = {}) {
    super(title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.expose = expose;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

/** An error an HTTP handler answers as itself (problem+json with this code). */
export type ProblemError = RecoveryError<ProblemCode>;

/** 400: the request is malformed. Changes nothing. */
export class InvalidRequestError extends RecoveryError<InvalidRequestCode> {
  constructor(code: InvalidRequestCode, detail: string, options: RecoveryErrorOptions = {}) {
    super(code, 400, "The request is invalid", true, { ...options, detail });
  }
}

/** 413: body larger than the route accepts. */
export class PayloadTooLargeError extends RecoveryError<"payload_too_large"> {
  constructor(limitBytes: number) {
    super("payload_too_large", 413, "The request body is too large", true, {
      detail: `The body must not exceed ${limitBytes} bytes.`,
    });
  }
}

/** 415: not JSON where JSON is required. */
export class UnsupportedMediaTypeError extends RecoveryError<"unsupported_media_type"> {
  constructor(expected: string) {
    super("unsupported_media_type", 415, "Unsupported media type", true, { detail: `Send ${expected}.` });
  }
}

/** 401: missing or wrong credentials (recovery token, webhook signature, callback api-key, admin token). */
export class UnauthorizedError extends RecoveryError<UnauthorizedCode> {
  constructor(code: UnauthorizedCode, detail: string, options: RecoveryErrorOptions = {}) {
    super(code, 401, "Unauthorized", true, { ...options, detail });
  }
}

/** 403: an admin token without the app role the operation needs. */
export class ForbiddenError extends RecoveryError<"forbidden"> {
  constructor(detail: string) {
    super("forbidden", 403, "Forbidden", true, {
      detail,
      headers: { "WWW-Authenticate": 'Bearer error="insufficient_scope"' },
    });
  }
}

/** 404: unknown resource — also used for a wrong recovery token, so existence is not revealed. */
export class NotFoundError extends RecoveryError<NotFoundCode> {
  constructor(code: NotFoundCode, detail: string, options: RecoveryErrorOptions = {}) {
    super(code, 404, "Not found", true, { ...options, detail });
  }
}

/** 405: the route exists, the method does not apply to this item. */
export class MethodNotAllowedError extends RecoveryError<"method_not_allowed"> {
  constructor(allow: string[]) {
    super("method_not_allowed", 405, "Method not allowed", true, {
      detail: `Allowed: ${allow.join(", ")}.`,
      headers: { Allow: allow.join(", ") },
    });
  }
}

/** 409: the resource is not in a state that allows the operation. */
export class ConflictError extends RecoveryError<ConflictCode> {
  constructor(code: ConflictCode, detail: string, options: RecoveryErrorOptions = {}) {
    super(code, 409, "Conflict", true, { ...options, detail });
  }
}

/** 412: the If-Match etag is not the item's current version (someone changed it meanwhile). */
export class PreconditionFailedError extends RecoveryError<"precondition_failed"> {
  constructor(detail: string) {
    super("precondition_failed", 412, "Precondition failed", true, { detail });
  }
}

/** 428: a change to an existing item must say which version it replaces (If-Match). */
export class PreconditionRequiredError extends RecoveryError<"precondition_required"> {
  constructor(detail: string) {
    super("precondition_required", 428, "Precondition required", true, { detail });
  }
}

/** 429: rate limited. */
export class TooManyRequestsError extends RecoveryError<"rate_limited"> {
  constructor(retryAfterSeconds: number) {
    super("rate_limited", 429, "Too many requests", true, {
      detail: "Try again later.",
      headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}

/** A dependency (Graph, Verified ID, an IDV provider, storage) failed: 503 when transient, else 502. */
export class DependencyError extends RecoveryError<DependencyCode> {
  readonly transient: boolean;
  constructor(code: DependencyCode, message: string, transient: boolean, options: RecoveryErrorOptions = {}) {
    super(code, transient ? 503 : 502, message, false, options);
    this.transient = transient;
  }
}

/** The Verified ID Request Service refused a presentation request; its inner error kept for the audit. */
export class VerifiedIdRequestError extends DependencyError {
  readonly innerCode: string | undefined;
  readonly target: string | undefined;
  constructor(message: string, transient: boolean, inner: { innerCode?: string; target?: string } = {}) {
    super("verified_id_error", message, transient);
    this.innerCode = inner.innerCode;
    this.target = inner.target;
  }
}

/** 503: the admin API has no app registration configured. */
export class AdminApiNotConfiguredError extends RecoveryError<"admin_api_not_configured"> {
  constructor() {
    super("admin_api_not_configured", 503, "The admin API is not configured", true, {
      detail: "Set ADMIN_API_CLIENT_ID (the admin API app registration's client id).",
    });
  }
}

/** Configuration is wrong; raised at startup naming the bad setting. */
export class ConfigurationError extends RecoveryError<"configuration_error"> {
  constructor(setting: string, problem: string) {
    super("configuration_error", 500, `Invalid setting ${setting}: ${problem}`, false);
  }
}

/** The unexpected: never exposed. */
export class InternalError extends RecoveryError<"internal_error"> {
  constructor(cause: unknown) {
    super("internal_error", 500, "Internal error", false, { cause });
  }
}

// --- verification errors: caught by the validation that asked, turned into a verdict -----

/** A refused signature, DID or status list; `message` says what was wrong, for the audit log. */
export abstract class VerificationError<C extends VerificationCode> extends RecoveryError<C> {
  constructor(code: C, message: string, options?: { cause?: unknown }) {
    super(code, 500, message, false, options?.cause === undefined ? {} : { cause: options.cause });
  }

  /** The same as `code`: the name the audit log and the diagnostics report give it. */
  get reason(): C {
    return this.code;
  }
}

/** A compact JWS refused before or at its signature (verified-id/jws.ts). */
export class JwsRejectedError extends VerificationError<JwsRejectionCode> {}

/** A DID not resolved, or a key of it not usable (verified-id/didWeb.ts). */
export class DidResolutionError extends VerificationError<DidResolutionCode> {}

/** A status list, or a credential's entry in one, not believed (verified-id/statusList.ts). */
export class StatusListError extends VerificationError<StatusListCode> {}

/**
 * A presentation refused by our own validation: the recovery's failure code and the audit
 * reason (verified-id/vpValidation.ts turns it into its verdict).
 */
export class PresentationRejectedError extends RecoveryError<PresentationFailureCode> {
  constructor(
    code: PresentationFailureCode,
    readonly reason: PresentationRejectionReason,
    message: string,
  ) {
    super(code, 500, message, false);
  }
}

/** An outbound GET (a DID document, a status list) answered other than 200, or too much. */
export class RemoteDocumentError extends RecoveryError<"remote_document_unavailable"> {
  constructor(message: string) {
    super("remote_document_unavailable", 500, message, false);
  }
}

// --- internal errors -----------------------------------------------------------------------

/** A step found the recovery record not in the state it needs; `message` names the recovery. */
export class RecoveryStateError extends RecoveryError<RecoveryStateCode> {
  constructor(code: RecoveryStateCode, message: string) {
    super(code, 500, message, false);
  }
}

/** A cancelled recovery stops at the next activity: it must not change anything. */
export class RecoveryClosedError extends RecoveryStateError {
  constructor(recoveryId: string) {
    super("recovery_closed", `recovery ${recoveryId} is already closed`);
  }
}

/** A sealed TAP belongs to another recovery than the one reading it (tap/seal.ts). */
export class TapBindingError extends RecoveryError<"tap_binding_mismatch"> {
  constructor() {
    super("tap_binding_mismatch", 500, "the sealed TAP is bound to another recovery", false);
  }
}

/**
 * The error an HTTP handler answers with: a problem-coded RecoveryError as itself, anything
 * else (an internal or verification code included) as an opaque 500 `internal_error`.
 */
export function toRecoveryError(err: unknown): ProblemError {
  return err instanceof RecoveryError && isProblemCode(err.code)
    ? (err as ProblemError)
    : new InternalError(err);
}
