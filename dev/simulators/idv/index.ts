/**
 * IDV provider simulator (API-based provider), in one mode per app adapter:
 * `standard-webhooks` (default, signed with the official library), `au10tix`, `idemia`,
 * `truecredential` (the assumed schemes of ./schemes.ts). Models the
 * relying-party ↔ provider contract of docs/facts.md §11: our app sends the browser to
 * `/verify?token=<JWT we signed>`, the provider checks the JWT against our JWKS, "verifies"
 * the person (a form instead of a document scan + liveness), issues the VerifiedIdentity
 * credential into the shared in-memory wallet, posts a signed webhook (docs/facts.md §9) and sends
 * the browser back to the JWT's redirectUrl. The webhook body shapes are documented in
 * ./README.md.
 */

import { createHmac, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createRemoteJWKSet, type JWTPayload, errors as joseErrors, jwtVerify } from "jose";
import { createHttpServer } from "../../support/httpServer";
import { close, createRouter, listen, readBody, sendEmpty, sendHtml, sendJson } from "../http";
import { newCredentialId, type Wallet } from "../wallet";
import { details, errorPage, escapeHtml, optionalString, page, parseFormOrJson, wantsJson } from "./page";
import {
  providerBody,
  type SimulatedAdapter,
  type SimulatedResult,
  type SimulatedStatus,
  signedHeaders,
} from "./schemes";

export { newWebhookSecret, SIMULATED_ADAPTERS, type SimulatedAdapter, type SimulatedStatus } from "./schemes";

export interface IdvSimulatorOptions {
  port?: number;
  host?: string;
  /** Provider name as it appears in our webhook route, e.g. "demo-idv". */
  providerName: string;
  /** Our POST /api/idv/{provider}/webhook. */
  webhookUrl: string;
  /** Which provider this simulates (webhook shape and signing); default standard-webhooks. */
  adapter?: SimulatedAdapter;
  /** Signing secret: "whsec_" + base64 for standard-webhooks, any string for the others. */
  webhookSecret: string;
  /** Where the relying party publishes the public keys for its hand-off JWTs. */
  jwksUrl: string;
  /** When set, the hand-off JWT's `aud` must match. */
  expectedAudience?: string;
  wallet: Wallet;
  /** DID of the issuer of the VerifiedIdentity credential this provider issues. */
  issuerDid: string;
  clock?: () => Date;
  /** Waits before retries 1..n of a failed delivery; default [200, 1000, 3000] (3 retries). */
  retryDelaysMs?: number[];
  /**
   * false: Microsoft's contract (FACTS §11) — no webhook at all; the browser's return to the
   * hand-off's redirectUrl is the only signal, with `error=<RETURN_DECLINED_ERROR>` appended
   * when the person was declined. Default true (a signed webhook, then the plain return).
   */
  webhooks?: boolean;
}

/** What the simulator appends as `error` to the return of a declined verification without webhooks. */
export const RETURN_DECLINED_ERROR = "verification_declined";

export type WebhookDeliveryKind = "initial" | "retry" | "redelivery" | "manual";

export interface WebhookDelivery {
  /** webhook-id header (msg_…); the same across retries and redeliveries of one message. */
  id: string;
  /** webhook-timestamp header (unix seconds) of this attempt. */
  timestamp: number;
  body: string;
  headers: Record<string, string>;
  /** HTTP status from our app; null when the request failed at the network level. */
  status: number | null;
  /** The body our app answered with (tests read its `status`: accepted, late, duplicate…). */
  answer?: string;
  error?: string;
  kind: WebhookDeliveryKind;
  /** 1 for the first attempt of a message, 2.. for its retries. */
  attempt: number;
}

export interface RawWebhook {
  id?: string;
  /** Unix seconds; default now (from the clock). */
  timestamp?: number;
  /** The raw body; or give `result` to have it shaped as this provider shapes it. */
  body?: string;
  result?: { sessionId: string; status: SimulatedStatus; reasons?: string[] };
  /** Signing secret; default the configured one. Pass another to forge a bad signature. */
  secret?: string;
}

export interface IdvSimulator {
  readonly url: string;
  stop(): Promise<void>;
  /** Every webhook attempt, in order. */
  readonly deliveries: readonly WebhookDelivery[];
  /** Sends deliveries[index] again: same webhook-id and body, fresh timestamp and signature. */
  redeliver(index: number): Promise<WebhookDelivery>;
  /** Sends an arbitrary, possibly forged / stale / wrongly signed webhook (tests). */
  sendWebhook(raw: RawWebhook): Promise<WebhookDelivery>;
  /** RequestIds of every valid hand-off token seen, first-seen order. */
  readonly sessions: readonly string[];
  /** Resolves when no delivery or retry is pending (tests). */
  settled(): Promise<void>;
}

export type IdvDecision = "approved" | "declined";
export type CheckResult = "passed" | "failed";

/** The webhook body: our documented generic shape (README.md). */
export interface IdvWebhookBody {
  type: "verification.completed";
  timestamp: string;
  data: {
    sessionId: string;
    status: IdvDecision;
    reasons: string[];
    person: { firstName: string; lastName: string; dateOfBirth?: string };
    document: { type: string; issuingCountry: string };
    checks: { liveness: CheckResult; faceMatch: CheckResult };
  };
}

interface HandOff {
  orgId: string;
  requestId: string;
  redirectUrl: string;
  exp: number;
  iss?: string;
}

type Verified = { ok: true; handOff: HandOff } | { ok: false; status: number; reason: string };

const ALGORITHMS = ["RS256", "ES256", "PS256"];
const DECLINE_REASONS = ["document_expired", "liveness_failed", "face_mismatch"] as const;
/** A 1×1 PNG: the credential needs a `portrait` claim for Face Check, its content is irrelevant here. */
const PORTRAIT_PLACEHOLDER =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

/** Standard Webhooks signature header value for one message. */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret, "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return `v1,${mac}`;
}

export async function startIdvSimulator(options: IdvSimulatorOptions): Promise<IdvSimulator> {
  const adapter = options.adapter ?? "standard-webhooks";
  const clock = options.clock ?? (() => new Date());
  const retryDelays = options.retryDelaysMs ?? [200, 1000, 3000];
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl), { timeoutDuration: 5000 });
  const deliveries: WebhookDelivery[] = [];
  const sessions = new Set<string>();
  /** RequestId → decision: one completion per hand-off. */
  const completed = new Map<string, IdvDecision>();
  const pending = new Set<Promise<unknown>>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    void promise.finally(() => pending.delete(promise)).catch(() => undefined);
    return promise;
  };

  const post = async (
    id: string,
    body: string,
    kind: WebhookDeliveryKind,
    attempt: number,
    secret = options.webhookSecret,
    timestamp = Math.floor(clock().getTime() / 1000),
  ): Promise<WebhookDelivery> => {
    const headers = signedHeaders(adapter, secret, id, timestamp, body);
    const delivery: WebhookDelivery = { id, timestamp, body, headers, status: null, kind, attempt };
    try {
      const res = await fetch(options.webhookUrl, {
        method: "POST",
        headers,
        body,
        signal: AbortSignal.timeout(10_000),
      });
      delivery.status = res.status;
      const answer = await res.text().catch(() => undefined);
      if (answer !== undefined) delivery.answer = answer;
    } catch (err) {
      delivery.error = err instanceof Error ? err.message : String(err);
    }
    deliveries.push(delivery);
    return delivery;
  };

  const delivered = (d: WebhookDelivery) => d.status !== null && d.status >= 200 && d.status < 300;

  /**
   * First attempt now (so the app usually hears about the result before the browser comes
   * back, as with real providers); retries in the background, like real providers, with
   * the same webhook-id and a fresh timestamp/signature per attempt.
   */
  const deliverWithRetries = async (id: string, body: string): Promise<WebhookDelivery> => {
    const first = await post(id, body, "initial", 1);
    if (!delivered(first)) {
      const retry = (n: number): void => {
        const delay = retryDelays[n - 1];
        if (delay === undefined || stopped) return;
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (stopped) return;
          void track(post(id, body, "retry", n + 1)).then((d) => {
            if (!delivered(d)) retry(n + 1);
          });
        }, delay);
        timers.add(timer);
      };
      retry(1);
    }
    return first;
  };

  const verifyToken = async (token: string | undefined): Promise<Verified> => {
    if (!token) return { ok: false, status: 400, reason: "The link has no verification token." };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        algorithms: ALGORITHMS,
        currentDate: clock(),
        requiredClaims: ["exp"],
        ...(options.expectedAudience !== undefined ? { audience: options.expectedAudience } : {}),
      }));
    } catch (err) {
      if (err instanceof joseErrors.JWTExpired) {
        return {
          ok: false,
          status: 410,
          reason: "This verification link has expired. Start again from the sign-in page.",
        };
      }
      if (err instanceof joseErrors.JWKSTimeout || err instanceof joseErrors.JWKSInvalid) {
        return { ok: false, status: 502, reason: "The organisation's signing keys could not be retrieved." };
      }
      if (err instanceof joseErrors.JOSEError) {
        return { ok: false, status: 400, reason: `The verification token is not valid (${err.message}).` };
      }
      // fetch() failures while retrieving the JWKS surface as plain errors.
      return { ok: false, status: 502, reason: "The organisation's signing keys could not be retrieved." };
    }
    const { OrgId, RequestId, redirectUrl, exp, iss } = payload as JWTPayload & Record<string, unknown>;
    if (typeof RequestId !== "string" || RequestId === "") {
      return { ok: false, status: 400, reason: "The verification token has no RequestId." };
    }
    if (typeof OrgId !== "string" || OrgId === "") {
      return { ok: false, status: 400, reason: "The verification token has no OrgId." };
    }
    if (typeof redirectUrl !== "string" || !isHttpUrl(redirectUrl)) {
      return { ok: false, status: 400, reason: "The verification token has no valid http(s) redirectUrl." };
    }
    sessions.add(RequestId);
    return {
      ok: true,
      handOff: {
        orgId: OrgId,
        requestId: RequestId,
        redirectUrl,
        exp: exp ?? 0,
        ...(typeof iss === "string" ? { iss } : {}),
      },
    };
  };

  const fail = (req: IncomingMessage, res: ServerResponse, status: number, title: string, reason: string) => {
    if (wantsJson(req)) sendJson(res, status, { error: title, message: reason });
    else sendHtml(res, status, errorPage(title, reason));
  };

  const router = createRouter()
    .get("/verify", async ({ req, res, query }) => {
      const result = await verifyToken(query.get("token") ?? undefined);
      if (!result.ok) return fail(req, res, result.status, "Verification link not valid", result.reason);
      const { handOff } = result;
      if (completed.has(handOff.requestId)) {
        return fail(
          req,
          res,
          410,
          "Verification already completed",
          "This verification link has already been used.",
        );
      }
      sendHtml(res, 200, verifyPage(options.providerName, handOff, query.get("token") ?? "", query));
    })
    .post("/verify/complete", async ({ req, res }) => {
      let fields: Record<string, unknown>;
      try {
        fields = parseFormOrJson(req, await readBody(req, 64 * 1024));
      } catch {
        return fail(req, res, 400, "Bad request", "The form could not be read.");
      }
      const result = await verifyToken(optionalString(fields["token"]));
      if (!result.ok) return fail(req, res, result.status, "Verification link not valid", result.reason);
      const { handOff } = result;
      if (completed.has(handOff.requestId)) {
        return fail(
          req,
          res,
          409,
          "Verification already completed",
          "This verification has already been completed.",
        );
      }
      const decision = fields["decision"];
      if (decision !== "approved" && decision !== "declined") {
        return fail(req, res, 400, "Bad request", "decision must be 'approved' or 'declined'.");
      }
      const firstName = optionalString(fields["firstName"]);
      const lastName = optionalString(fields["lastName"]);
      const dateOfBirth = optionalString(fields["dateOfBirth"]);
      if (decision === "approved" && (!firstName || !lastName)) {
        return fail(req, res, 400, "Bad request", "First name and last name are required to approve.");
      }
      // Claim the RequestId before any await below, so a concurrent second completion gets 409.
      completed.set(handOff.requestId, decision);

      const now = clock();
      const body = buildWebhookBody(handOff.requestId, decision, now, fields, {
        firstName: firstName ?? "",
        lastName: lastName ?? "",
        ...(dateOfBirth ? { dateOfBirth } : {}),
      });
      if (decision === "approved") {
        // Issue before the webhook: the app may ask for the presentation as soon as it hears.
        const expiration = new Date(now);
        expiration.setUTCFullYear(expiration.getUTCFullYear() + 1);
        options.wallet.issue({
          id: newCredentialId(),
          type: "VerifiedIdentity",
          issuer: options.issuerDid,
          claims: {
            firstName: firstName ?? "",
            lastName: lastName ?? "",
            ...(dateOfBirth ? { dateOfBirth } : {}),
            documentType: body.data.document.type,
            portrait: PORTRAIT_PLACEHOLDER,
          },
          issuanceDate: now.toISOString(),
          expirationDate: expiration.toISOString(),
        });
      }
      if (options.webhooks === false) {
        // Microsoft's contract: back to redirectUrl, nothing else; a decline says so on the return.
        const back = new URL(handOff.redirectUrl);
        if (decision === "declined") back.searchParams.set("error", RETURN_DECLINED_ERROR);
        if (wantsJson(req)) return sendJson(res, 200, { redirectUrl: back.toString(), webhookStatus: null });
        return sendEmpty(res, 303, { Location: back.toString() });
      }
      const id = newMessageId();
      const first = await track(deliverWithRetries(id, providerBody(adapter, toSimulated(body), id, now)));
      if (wantsJson(req)) {
        return sendJson(res, 200, { redirectUrl: handOff.redirectUrl, webhookStatus: first.status });
      }
      sendEmpty(res, 303, { Location: handOff.redirectUrl });
    });

  const server = createHttpServer(
    router.listener(({ req, res }) => fail(req, res, 404, "Not found", "There is no page at this address.")),
  );
  const url = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");

  return {
    url,
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      await Promise.allSettled([...pending]);
      await close(server);
    },
    deliveries,
    get sessions() {
      return [...sessions];
    },
    async redeliver(index) {
      const original = deliveries[index];
      if (!original) throw new RangeError(`No delivery at index ${index}`);
      return track(post(original.id, original.body, "redelivery", 1));
    },
    async sendWebhook(raw) {
      const id = raw.id ?? newMessageId();
      const body =
        raw.body ??
        (raw.result
          ? providerBody(adapter, simulatedResult(raw.result), id, clock())
          : (() => {
              throw new TypeError("sendWebhook needs body or result");
            })());
      return track(post(id, body, "manual", 1, raw.secret ?? options.webhookSecret, raw.timestamp));
    },
    async settled() {
      // Retries schedule new work from timers, so loop until nothing is pending or waiting.
      while (pending.size > 0 || timers.size > 0) {
        if (pending.size > 0) await Promise.allSettled([...pending]);
        else await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

function newMessageId(): string {
  return `msg_${randomBytes(16).toString("base64url")}`;
}

function toSimulated(body: IdvWebhookBody): SimulatedResult {
  return { ...body.data, status: body.data.status };
}

function simulatedResult(r: {
  sessionId: string;
  status: SimulatedStatus;
  reasons?: string[];
}): SimulatedResult {
  return {
    sessionId: r.sessionId,
    status: r.status,
    reasons: r.reasons ?? [],
    person: { firstName: "Ada", lastName: "Lovelace" },
    document: { type: "passport", issuingCountry: "NL" },
    checks: { liveness: "passed", faceMatch: "passed" },
  };
}

function buildWebhookBody(
  sessionId: string,
  decision: IdvDecision,
  now: Date,
  fields: Record<string, unknown>,
  person: IdvWebhookBody["data"]["person"],
): IdvWebhookBody {
  const declineReason = optionalString(fields["declineReason"]) ?? "document_expired";
  const reasons =
    Array.isArray(fields["reasons"]) && fields["reasons"].every((r) => typeof r === "string")
      ? (fields["reasons"] as string[])
      : decision === "approved"
        ? []
        : [declineReason];
  const check = (name: string, failsOn: string): CheckResult => {
    const given = fields[name];
    if (given === "passed" || given === "failed") return given;
    return decision === "declined" && reasons.includes(failsOn) ? "failed" : "passed";
  };
  return {
    type: "verification.completed",
    timestamp: now.toISOString(),
    data: {
      sessionId,
      status: decision,
      reasons,
      person,
      document: {
        type: optionalString(fields["documentType"]) ?? "passport",
        issuingCountry: optionalString(fields["issuingCountry"]) ?? "NL",
      },
      checks: {
        liveness: check("liveness", "liveness_failed"),
        faceMatch: check("faceMatch", "face_mismatch"),
      },
    },
  };
}

function verifyPage(provider: string, handOff: HandOff, token: string, query: URLSearchParams): string {
  const prefill = (name: string) => escapeHtml(query.get(name) ?? "");
  const rows: Array<readonly [string, unknown]> = [
    ["Provider", provider],
    ["Organisation (OrgId)", handOff.orgId],
    ["Request (RequestId)", handOff.requestId],
    ["Link expires", new Date(handOff.exp * 1000).toISOString()],
    ["Returns to", handOff.redirectUrl],
  ];
  if (handOff.iss) rows.push(["Requested by (iss)", handOff.iss]);
  const reasons = DECLINE_REASONS.map((r) => `<option value="${r}">${r}</option>`).join("");
  return page(
    "Demo ID verification",
    `<h1>Demo ID verification (${escapeHtml(provider)})</h1>
<p class="note">Simulator: a real provider scans a government ID and checks liveness here.</p>
<h2>Hand-off</h2>
${details(rows)}
<h2>Result</h2>
<form method="post" action="/verify/complete">
<input type="hidden" name="token" value="${escapeHtml(token)}">
<label for="firstName">First name</label><input id="firstName" name="firstName" autocomplete="given-name" value="${prefill("firstName")}">
<label for="lastName">Last name</label><input id="lastName" name="lastName" autocomplete="family-name" value="${prefill("lastName")}">
<label for="dateOfBirth">Date of birth</label><input id="dateOfBirth" name="dateOfBirth" type="date" value="${prefill("dateOfBirth")}">
<label for="declineReason">Reason if declined</label><select id="declineReason" name="declineReason">${reasons}</select>
<button type="submit" name="decision" value="approved">Approve</button>
<button type="submit" name="decision" value="declined">Decline</button>
</form>
<p class="note"><strong>Approve</strong> puts a VerifiedIdentity credential with these names in the demo wallet,
sends the signed webhook and returns to the recovery page. The names must match the directory
(Adele / Vance, Megan / Bowen) for the recovery to succeed. <strong>Decline</strong> sends a declined
result with the chosen reason: the recovery ends with <code>idv_declined</code>.</p>`,
  );
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}
