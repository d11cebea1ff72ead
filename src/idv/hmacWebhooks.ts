/**
 * A webhook scheme described by configuration: for providers that publish no webhook
 * specification (AU10TIX, IDEMIA, TrueCredential — docs/facts.md §9). A profile names the signature
 * header and its format, the encoding of the HMAC-SHA256, where the timestamp and the event
 * id are, which body fields hold the result, and how the provider's statuses map to our
 * decisions. Each provider module supplies documented defaults (assumptions, see README);
 * IDV_PROVIDERS may override any part.
 *
 * What is fixed, because it is what makes a webhook trustworthy: the MAC covers
 * `<timestamp>.<raw body>` (a signature over the body alone could be replayed forever), the
 * timestamp must lie within the tolerance, every configured secret is tried (rotation) and
 * every comparison is constant-time.
 */
import { createHash, createHmac } from "node:crypto";
import { z } from "zod";
import { InvalidRequestError, UnauthorizedError } from "../recovery/errors";
import {
  constantTimeEqual,
  HandoffAdapter,
  IDV_DECISIONS,
  type IdvDecision,
  type NormalizedIdvResult,
  parseJsonBody,
  requireFreshTimestamp,
  requireStorageSafeId,
  type WebhookEnvelope,
} from "./adapter";
import type { ProviderConfig } from "./providerConfig";

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,64}$/, "a header name")
  .transform((h) => h.toLowerCase());
/** A dot path into the JSON body, e.g. "result.status". */
const fieldPath = z
  .string()
  .regex(/^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+){0,7}$/, "a dot path such as result.status");

export const webhookFieldsSchema = z
  .object({
    sessionId: fieldPath,
    status: fieldPath,
    eventId: fieldPath.optional(),
    reasons: fieldPath.optional(),
    firstName: fieldPath.optional(),
    lastName: fieldPath.optional(),
    dateOfBirth: fieldPath.optional(),
    documentType: fieldPath.optional(),
    issuingCountry: fieldPath.optional(),
    liveness: fieldPath.optional(),
    faceMatch: fieldPath.optional(),
  })
  .strict();

export const webhookProfileSchema = z
  .object({
    /** Header carrying the signature. */
    signatureHeader: headerName,
    /**
     * `plain`: the header is `<prefix><signature>` (several space-separated during a rotation),
     * the timestamp comes from `timestampHeader`. `t-v1`: the header is
     * `t=<unix seconds>,v1=<signature>[,v1=<signature>]`.
     */
    signatureFormat: z.enum(["plain", "t-v1"]),
    signaturePrefix: z.string().max(32).default(""),
    encoding: z.enum(["hex", "base64"]),
    timestampHeader: headerName.optional(),
    /**
     * Header carrying the event (delivery) id; else `fields.eventId`. A header is not covered by
     * the signature, so with it deliveries are deduplicated on the signed body's digest instead.
     */
    eventIdHeader: headerName.optional(),
    fields: webhookFieldsSchema,
    /** Provider status (matched case-insensitively) → our decision. */
    statuses: z.record(z.string().min(1).max(64), z.enum(IDV_DECISIONS)),
  })
  .strict()
  .refine((p) => p.signatureFormat === "t-v1" || !!p.timestampHeader, {
    message: "a plain signature needs timestampHeader (the timestamp must be signed)",
    path: ["timestampHeader"],
  })
  .refine((p) => !!p.eventIdHeader || !!p.fields.eventId, {
    message: "name the event id: eventIdHeader or fields.eventId",
    path: ["eventIdHeader"],
  });
export type WebhookProfile = z.infer<typeof webhookProfileSchema>;

/** What IDV_PROVIDERS may say about a profile: any part, merged over the adapter's defaults. */
export const webhookProfileOverrideSchema = z
  .object({
    signatureHeader: z.string(),
    signatureFormat: z.string(),
    signaturePrefix: z.string(),
    encoding: z.string(),
    timestampHeader: z.string(),
    eventIdHeader: z.string(),
    fields: z.record(z.string(), z.string()),
    statuses: z.record(z.string(), z.string()),
  })
  .partial()
  .strict();
export type WebhookProfileOverride = z.infer<typeof webhookProfileOverrideSchema>;

/** Defaults + override; `statuses` replaces the default map as a whole when given. */
export function mergeProfile(
  defaults: WebhookProfile,
  override: WebhookProfileOverride | undefined,
): unknown {
  if (!override) return defaults;
  return {
    ...defaults,
    ...override,
    fields: { ...defaults.fields, ...override.fields },
    statuses: override.statuses ?? defaults.statuses,
  };
}

/** The MAC of `<timestamp>.<body>` with the secret's UTF-8 bytes as key. */
export function profileSignature(
  profile: Pick<WebhookProfile, "encoding">,
  secret: string,
  timestamp: string,
  body: string,
): string {
  return createHmac("sha256", Buffer.from(secret, "utf8"))
    .update(`${timestamp}.${body}`, "utf8")
    .digest(profile.encoding);
}

function at(json: unknown, path: string | undefined): unknown {
  if (!path) return undefined;
  let value: unknown = json;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
    if (!Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function optionalText(json: unknown, path: string | undefined): string | undefined {
  const value = at(json, path);
  return typeof value === "string" && value.length > 0 && value.length <= 256 ? value : undefined;
}

function compact<T extends Record<string, string | undefined>>(value: T): Partial<T> | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as Partial<T>) : undefined;
}

/**
 * The dedupe key of a delivery whose event id travels in a header. The MAC covers
 * `<timestamp>.<body>`, not that header: anyone who saw one signed delivery could resend it
 * within the tolerance under ever new ids, each a new inbox row. So the key is taken from what
 * the signature covers — the body's digest (the timestamp is left out so that the provider's
 * own retries of one event, re-signed with a fresh timestamp, are one row too).
 */
export function signedDeliveryId(rawBody: string): string {
  return `body-sha256-${createHash("sha256").update(rawBody, "utf8").digest("hex")}`;
}

export class ProfileWebhooksAdapter extends HandoffAdapter {
  private readonly statuses: ReadonlyMap<string, IdvDecision>;

  constructor(
    config: ProviderConfig,
    readonly profile: WebhookProfile,
  ) {
    super(config);
    this.statuses = new Map(Object.entries(profile.statuses).map(([k, v]) => [k.toLowerCase(), v]));
  }

  /** The timestamp and the presented signatures, from the header(s) the profile names. */
  private presented(headers: Headers): { timestamp: string | null; signatures: string[] } {
    const header = headers.get(this.profile.signatureHeader);
    if (!header) throw new UnauthorizedError("invalid_signature", "Missing webhook signature.");
    if (this.profile.signatureFormat === "t-v1") {
      let timestamp: string | null = null;
      const signatures: string[] = [];
      for (const part of header.split(",")) {
        const [key, ...rest] = part.trim().split("=");
        const value = rest.join("=");
        if (key === "t") timestamp = value;
        else if (key === "v1" && value) signatures.push(value);
      }
      return { timestamp, signatures };
    }
    const prefix = this.profile.signaturePrefix;
    return {
      timestamp: headers.get(this.profile.timestampHeader ?? ""),
      signatures: header
        .split(" ")
        .filter((s) => s.startsWith(prefix) && s.length > prefix.length)
        .map((s) => s.slice(prefix.length)),
    };
  }

  authenticateWebhook(headers: Headers, rawBody: string, secrets: readonly string[], now: Date): void {
    const { timestamp, signatures } = this.presented(headers);
    requireFreshTimestamp(timestamp, now, this.config.webhookToleranceSeconds);
    // (A missing timestamp was refused just above.)
    if (timestamp === null)
      throw new UnauthorizedError("invalid_signature", "The webhook signature is not valid.");
    // Hex is case-insensitive on the wire; compare in one case. Every pair, no early exit.
    const normalize = (s: string) => (this.profile.encoding === "hex" ? s.toLowerCase() : s);
    let valid = false;
    for (const secret of secrets) {
      const expected = profileSignature(this.profile, secret, timestamp, rawBody);
      for (const sig of signatures) valid = constantTimeEqual(expected, normalize(sig)) || valid;
    }
    if (!valid) throw new UnauthorizedError("invalid_signature", "The webhook signature is not valid.");
  }

  parseWebhook(_headers: Headers, rawBody: string): WebhookEnvelope {
    const json = parseJsonBody(rawBody);
    const { fields } = this.profile;
    const eventId = this.profile.eventIdHeader
      ? signedDeliveryId(rawBody)
      : requireStorageSafeId(at(json, fields.eventId), "event id");
    const status = at(json, fields.status);
    const decision = typeof status === "string" ? this.statuses.get(status.toLowerCase()) : undefined;
    if (!decision)
      throw new InvalidRequestError("invalid_payload", "The webhook status is missing or unknown.");
    const reasons = at(json, fields.reasons);
    if (
      reasons !== undefined &&
      !(
        Array.isArray(reasons) &&
        reasons.length <= 50 &&
        reasons.every((r) => typeof r === "string" && r.length <= 128)
      )
    ) {
      throw new InvalidRequestError("invalid_payload", "The webhook reasons are not a list of codes.");
    }
    const result: NormalizedIdvResult = {
      sessionId: requireStorageSafeId(at(json, fields.sessionId), "session id"),
      decision,
      reasons: (reasons as string[] | undefined) ?? [],
      person: compact({
        firstName: optionalText(json, fields.firstName),
        lastName: optionalText(json, fields.lastName),
        dateOfBirth: optionalText(json, fields.dateOfBirth),
      }),
      document: compact({
        type: optionalText(json, fields.documentType),
        issuingCountry: optionalText(json, fields.issuingCountry),
      }),
      checks: compact({
        liveness: optionalText(json, fields.liveness),
        faceMatch: optionalText(json, fields.faceMatch),
      }),
    };
    return { eventId, result };
  }
}
