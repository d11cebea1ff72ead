/**
 * The contract every identity verification provider adapter fulfils: where to send the user,
 * how to authenticate a webhook, and how to read its payload into one normalized result.
 * Shared guards live here too: constant-time comparison, the timestamp tolerance and the
 * shape of ids we accept as storage keys.
 */
import { timingSafeEqual } from "node:crypto";
import { InvalidRequestError, UnauthorizedError } from "../recovery/errors";
import { isStorageSafeId } from "../recovery/keys";
import type { ProviderConfig } from "./providerConfig";

export const IDV_DECISIONS = ["approved", "declined", "review", "resubmit", "expired", "error"] as const;
export type IdvDecision = (typeof IDV_DECISIONS)[number];

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

export interface StartVerificationInput {
  /** Our id of this verification (the hand-off token's RequestId). */
  requestId: string;
  /** The signed one-time hand-off JWT (docs/facts.md §11). */
  handoffToken: string;
  /** When the hand-off token expires. */
  expiresAt: Date;
}

export interface StartedVerification {
  /** The id the provider's webhooks will name; we store the mapping to the recovery. */
  sessionId: string;
  /** Where to send the user's browser. */
  url: string;
  expiresAt: string;
}

export interface IdvAdapter {
  /** Provider name as configured (the `{provider}` of our routes). */
  readonly name: string;
  /** Adapter kind: standard-webhooks, au10tix, idemia, truecredential. */
  readonly kind: string;
  /** Manifest URI of the provider's VerifiedIdentity credential (docs/facts.md §6), when known. */
  readonly manifestUri: string | undefined;
  /** Issuer DIDs whose VerifiedIdentity credential we accept from this provider. */
  readonly acceptedIssuers: readonly string[];
  /**
   * Starts a verification. All supported providers use the hand-off of docs/facts.md §11: the user is
   * sent to the provider with our signed token, so our RequestId is the session id.
   */
  startVerification(input: StartVerificationInput): Promise<StartedVerification>;
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

/**
 * What every supported adapter shares: the provider's configuration and the hand-off of
 * docs/facts.md §11 (the user goes to the provider's page with our signed token, so our RequestId is
 * the session id). Adapters differ only in how they authenticate and read webhooks.
 */
export abstract class HandoffAdapter implements IdvAdapter {
  readonly name: string;
  readonly kind: string;
  readonly manifestUri: string | undefined;
  readonly acceptedIssuers: readonly string[];

  constructor(protected readonly config: ProviderConfig) {
    this.name = config.name;
    this.kind = config.adapter;
    this.manifestUri = config.manifestUri;
    this.acceptedIssuers = config.acceptedIssuers;
  }

  async startVerification(input: StartVerificationInput): Promise<StartedVerification> {
    return {
      sessionId: input.requestId,
      url: this.verificationUrl(input.handoffToken),
      expiresAt: input.expiresAt.toISOString(),
    };
  }

  /** The provider's page with `token=<JWT>` added (replacing any configured token parameter). */
  verificationUrl(handoffToken: string): string {
    const url = new URL(this.config.verificationUrl);
    url.searchParams.set("token", handoffToken);
    return url.toString();
  }

  abstract authenticateWebhook(
    headers: Headers,
    rawBody: string,
    secrets: readonly string[],
    now: Date,
  ): void;
  abstract parseWebhook(headers: Headers, rawBody: string): WebhookEnvelope;
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, "utf8");
  const y = Buffer.from(b, "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Event and session ids become Table storage keys: a printable, bounded alphabet keeps any id
 * (even a correctly signed odd one) from turning into a storage error.
 */
export function requireStorageSafeId(value: unknown, what: string): string {
  if (!isStorageSafeId(value)) {
    throw new InvalidRequestError("invalid_payload", `The webhook's ${what} is missing or malformed.`);
  }
  return value;
}

/** Unix seconds within `toleranceSeconds` of now, else 401. */
export function requireFreshTimestamp(
  timestamp: string | null | undefined,
  now: Date,
  toleranceSeconds: number,
): void {
  if (
    !timestamp ||
    !/^\d{1,12}$/.test(timestamp) ||
    Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds
  ) {
    throw new UnauthorizedError("invalid_signature", "The webhook timestamp is outside the tolerance.");
  }
}

export function parseJsonBody(rawBody: string): unknown {
  try {
    return JSON.parse(rawBody);
  } catch {
    throw new InvalidRequestError("invalid_payload", "The webhook body is not JSON.");
  }
}
