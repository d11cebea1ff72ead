/**
 * Adapter for providers that sign webhooks with the Standard Webhooks scheme (docs/facts.md §9):
 * `webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`, secret `whsec_<base64>`, several signatures space-separated.
 * The payload shape is the generic one documented in dev/simulators/idv/README.md.
 */
import { createHmac } from "node:crypto";
import { z } from "zod";
import { InvalidRequestError, UnauthorizedError } from "../recovery/errors";
import { describeIssue } from "../zodText";
import {
  constantTimeEqual,
  HandoffAdapter,
  type IdvDecision,
  parseJsonBody,
  requireFreshTimestamp,
  requireStorageSafeId,
  type WebhookEnvelope,
} from "./adapter";

export function standardWebhookSignature(
  secret: string,
  id: string,
  timestamp: string,
  body: string,
): string {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice(6) : secret, "base64");
  return createHmac("sha256", key).update(`${id}.${timestamp}.${body}`, "utf8").digest("base64");
}

const DECISIONS: ReadonlyMap<string, IdvDecision> = new Map(
  Object.entries({
    approved: "approved",
    declined: "declined",
    review: "review",
    resubmission_requested: "resubmit",
    resubmit: "resubmit",
    expired: "expired",
    abandoned: "expired",
    error: "error",
  } satisfies Record<string, IdvDecision>),
);

const payloadSchema = z.object({
  type: z.string(),
  data: z.object({
    sessionId: z.string().min(1).max(256),
    status: z.string(),
    reasons: z.array(z.string().max(128)).max(50).default([]),
    person: z
      .object({
        firstName: z.string().optional(),
        lastName: z.string().optional(),
        dateOfBirth: z.string().optional(),
      })
      .optional(),
    document: z.object({ type: z.string().optional(), issuingCountry: z.string().optional() }).optional(),
    checks: z.object({ liveness: z.string().optional(), faceMatch: z.string().optional() }).optional(),
  }),
});

export class StandardWebhooksAdapter extends HandoffAdapter {
  authenticateWebhook(headers: Headers, rawBody: string, secrets: readonly string[], now: Date): void {
    const id = headers.get("webhook-id");
    const timestamp = headers.get("webhook-timestamp");
    const signatures = headers.get("webhook-signature");
    if (!id || !timestamp || !signatures) {
      throw new UnauthorizedError(
        "invalid_signature",
        "Missing webhook-id, webhook-timestamp or webhook-signature.",
      );
    }
    requireFreshTimestamp(timestamp, now, this.config.webhookToleranceSeconds);
    const presented = signatures
      .split(" ")
      .filter((s) => s.startsWith("v1,"))
      .map((s) => s.slice(3));
    // Compare against every current secret (rotation) and every presented signature, without early exit.
    let valid = false;
    for (const secret of secrets) {
      const expected = standardWebhookSignature(secret, id, timestamp, rawBody);
      for (const sig of presented) valid = constantTimeEqual(expected, sig) || valid;
    }
    if (!valid) throw new UnauthorizedError("invalid_signature", "The webhook signature is not valid.");
  }

  parseWebhook(headers: Headers, rawBody: string): WebhookEnvelope {
    const parsed = payloadSchema.safeParse(parseJsonBody(rawBody));
    if (!parsed.success) throw new InvalidRequestError("invalid_payload", describeIssue(parsed.error));
    const { data } = parsed.data;
    const decision = DECISIONS.get(data.status.toLowerCase());
    if (!decision) throw new InvalidRequestError("invalid_payload", `Unknown status ${data.status}.`);
    return {
      eventId: requireStorageSafeId(headers.get("webhook-id"), "webhook-id"),
      result: {
        sessionId: requireStorageSafeId(data.sessionId, "sessionId"),
        decision,
        reasons: data.reasons,
        person: data.person,
        document: data.document,
        checks: data.checks,
      },
    };
  }
}
