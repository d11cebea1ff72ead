/**
 * The one error hierarchy of the service. Every error has a stable `code` (the string the
 * API returns in problem+json and the audit log records), an HTTP `status`, and `expose`:
 * whether `detail` may be shown to the caller. Protocol failures throw these; programmer
 * mistakes throw TypeError. `cause` is kept for the logs, never sent to a client.
 */

export interface RecoveryErrorOptions {
  detail?: string;
  cause?: unknown;
  /** Extra headers for the HTTP answer, e.g. Retry-After or WWW-Authenticate. */
  headers?: Record<string, string>;
}

export class RecoveryError extends Error {
  readonly code: string;
  readonly status: number;
  readonly expose: boolean;
  readonly detail: string | undefined;
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    status: number,
    title: string,
    expose: boolean,
    options: RecoveryErrorOptions = {},
  ) {
    super(title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.expose = expose;
    this.detail = options.detail;
    this.headers = options.headers ?? {};
  }
}

/** 400: the request is malformed. Changes nothing. */
export class InvalidRequestError extends RecoveryError {
  constructor(detail: string, code = "invalid_request", options: RecoveryErrorOptions = {}) {
    super(code, 400, "The request is invalid", true, { ...options, detail });
  }
}

/** 413: body larger than the route accepts. */
export class PayloadTooLargeError extends RecoveryError {
  constructor(limitBytes: number) {
    super("payload_too_large", 413, "The request body is too large", true, {
      detail: `The body must not exceed ${limitBytes} bytes.`,
    });
  }
}

/** 415: not JSON where JSON is required. */
export class UnsupportedMediaTypeError extends RecoveryError {
  constructor(expected: string) {
    super("unsupported_media_type", 415, "Unsupported media type", true, { detail: `Send ${expected}.` });
  }
}

/** 401: missing or wrong credentials (recovery token, webhook signature, callback api-key). */
export class UnauthorizedError extends RecoveryError {
  constructor(code: string, detail: string, options: RecoveryErrorOptions = {}) {
    super(code, 401, "Unauthorized", true, { ...options, detail });
  }
}

/** 404: unknown resource — also used for a wrong recovery token, so existence is not revealed. */
export class NotFoundError extends RecoveryError {
  constructor(code: string, detail: string) {
    super(code, 404, "Not found", true, { detail });
  }
}

/** 409: the resource is not in a state that allows the operation. */
export class ConflictError extends RecoveryError {
  constructor(code: string, detail: string) {
    super(code, 409, "Conflict", true, { detail });
  }
}

/** 429: rate limited. */
export class TooManyRequestsError extends RecoveryError {
  constructor(retryAfterSeconds: number) {
    super("rate_limited", 429, "Too many requests", true, {
      detail: "Try again later.",
      headers: { "Retry-After": String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    });
  }
}

/** A dependency (Graph, Verified ID, an IDV provider, storage) failed. */
export class DependencyError extends RecoveryError {
  readonly transient: boolean;
  constructor(code: string, message: string, transient: boolean, options: RecoveryErrorOptions = {}) {
    super(code, transient ? 503 : 502, message, false, options);
    this.transient = transient;
  }
}

/** Configuration is wrong; raised at startup naming the bad setting. */
export class ConfigurationError extends RecoveryError {
  constructor(setting: string, problem: string) {
    super("configuration_error", 500, `Invalid setting ${setting}: ${problem}`, false);
  }
}

/** The unexpected: never exposed. */
export class InternalError extends RecoveryError {
  constructor(cause: unknown) {
    super("internal_error", 500, "Internal error", false, { cause });
  }
}

export function toRecoveryError(err: unknown): RecoveryError {
  return err instanceof RecoveryError ? err : new InternalError(err);
}
