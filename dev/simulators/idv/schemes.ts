/**
 * How each simulated provider shapes and signs its webhook — written here independently of
 * the app's adapters (src/idv), so the tests compare two implementations of one documented
 * scheme rather than code with itself. Standard Webhooks is signed by the official
 * `standardwebhooks` library. The AU10TIX, IDEMIA and TrueCredential schemes are the
 * assumed defaults documented in the README ("Identity verification providers"); none of the
 * three publishes a webhook specification.
 */
import { createHmac } from "node:crypto";
import { Webhook } from "standardwebhooks";

export const SIMULATED_ADAPTERS = ["standard-webhooks", "au10tix", "idemia", "truecredential"] as const;
export type SimulatedAdapter = (typeof SIMULATED_ADAPTERS)[number];

/** Our normalized vocabulary; each provider words it its own way. */
export type SimulatedStatus = "approved" | "declined" | "review" | "resubmit" | "expired" | "error";

export interface SimulatedResult {
  sessionId: string;
  status: SimulatedStatus;
  reasons: string[];
  person: { firstName: string; lastName: string; dateOfBirth?: string };
  document: { type: string; issuingCountry: string };
  checks: { liveness: "passed" | "failed"; faceMatch: "passed" | "failed" };
}

const STATUS_WORDS: Record<SimulatedAdapter, Record<SimulatedStatus, string>> = {
  "standard-webhooks": {
    approved: "approved",
    declined: "declined",
    review: "review",
    resubmit: "resubmission_requested",
    expired: "expired",
    error: "error",
  },
  au10tix: {
    approved: "Approved",
    declined: "Declined",
    review: "ManualReview",
    resubmit: "Resubmit",
    expired: "Expired",
    error: "Error",
  },
  idemia: {
    approved: "VERIFIED",
    declined: "NOT_VERIFIED",
    review: "PENDING_REVIEW",
    resubmit: "RETRY",
    expired: "EXPIRED",
    error: "FAILED",
  },
  truecredential: {
    approved: "PASS",
    declined: "FAIL",
    review: "REFER",
    resubmit: "RETRY",
    expired: "EXPIRED",
    error: "ERROR",
  },
};

/** The webhook body in the provider's own shape. `eventId` is carried in the body by some. */
export function providerBody(
  adapter: SimulatedAdapter,
  r: SimulatedResult,
  eventId: string,
  now: Date,
): string {
  const status = STATUS_WORDS[adapter][r.status];
  switch (adapter) {
    case "standard-webhooks":
      return JSON.stringify({
        type: "verification.completed",
        timestamp: now.toISOString(),
        data: {
          sessionId: r.sessionId,
          status,
          reasons: r.reasons,
          person: r.person,
          document: r.document,
          checks: r.checks,
        },
      });
    case "au10tix":
      return JSON.stringify({
        eventId,
        eventType: "verification.finished",
        requestId: r.sessionId,
        verificationResult: { status, reasons: r.reasons, ...r.checks },
        person: r.person,
        document: { type: r.document.type, country: r.document.issuingCountry },
      });
    case "idemia":
      return JSON.stringify({
        sessionId: r.sessionId,
        status,
        reasons: r.reasons,
        identity: {
          givenName: r.person.firstName,
          familyName: r.person.lastName,
          ...(r.person.dateOfBirth ? { birthDate: r.person.dateOfBirth } : {}),
        },
        document: { documentType: r.document.type, issuingCountry: r.document.issuingCountry },
        checks: r.checks,
      });
    case "truecredential":
      return JSON.stringify({
        transactionId: eventId,
        referenceId: r.sessionId,
        decision: status,
        reasonCodes: r.reasons,
        subject: r.person,
        document: r.document,
        biometrics: r.checks,
      });
  }
}

function hmac(secret: string, timestamp: number, body: string, encoding: "hex" | "base64"): string {
  return createHmac("sha256", Buffer.from(secret, "utf8")).update(`${timestamp}.${body}`).digest(encoding);
}

/** The headers a provider sends with one signed delivery. */
export function signedHeaders(
  adapter: SimulatedAdapter,
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  const base = { "content-type": "application/json" };
  switch (adapter) {
    case "standard-webhooks":
      return {
        ...base,
        "webhook-id": id,
        "webhook-timestamp": String(timestamp),
        "webhook-signature": new Webhook(secret).sign(id, new Date(timestamp * 1000), body),
      };
    case "au10tix":
      return { ...base, "x-au10tix-signature": `t=${timestamp},v1=${hmac(secret, timestamp, body, "hex")}` };
    case "idemia":
      return {
        ...base,
        "x-idemia-signature": hmac(secret, timestamp, body, "base64"),
        "x-idemia-timestamp": String(timestamp),
        "x-idemia-event-id": id,
      };
    case "truecredential":
      return {
        ...base,
        "x-truecredential-signature": `sha256=${hmac(secret, timestamp, body, "hex")}`,
        "x-truecredential-timestamp": String(timestamp),
      };
  }
}

/** A fresh webhook secret in the form the adapter expects. */
export function newWebhookSecret(adapter: SimulatedAdapter, random: Buffer): string {
  return adapter === "standard-webhooks"
    ? `whsec_${random.toString("base64")}`
    : random.toString("base64url");
}
