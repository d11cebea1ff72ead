/**
 * The claim-validation callout: an HR system (or any REST endpoint) confirms that the
 * presented claims belong to this account, in the shape of Entra's `onVerifiedIdClaimValidation`
 * custom extension (docs/facts.md §12 — from a Microsoft sample, not a published schema). Bounded by a
 * timeout and a few retries, and fail-closed: anything but an explicit pass is a fail.
 *
 * The endpoint is chosen by an admin through the policy API, so it is treated as untrusted:
 *  - its `api-key` secret must live in the callout's own namespace (`claim-validation-…`), so
 *    no policy can make the app send another secret (the TAP hand-off key, webhook secrets,
 *    the hand-off signing key) to an address an admin picked — checked when the policy is
 *    written and again here, before any secret is read;
 *  - https only (plain http only to a loopback address, and only in a development deployment);
 *  - redirects are never followed (a 3xx is an error): the key goes to the named host or nowhere;
 *  - the answer is read with a size cap;
 *  - with `auth: {type: "entra", resource}` it carries an access token of our managed identity
 *    whose audience is that resource alone (Entra's own extension authenticates the same way);
 *  - only the claims the contract names are sent (never the portrait, never anything else the
 *    credential happens to carry).
 */
import { readBoundedText } from "../boundedBody";
import { CALLOUT_SECRET_PREFIX, isCalloutSecretName, LOOPBACK_HOSTS } from "../recovery/policy";
import type { SecretProvider } from "../secrets";

export { CALLOUT_SECRET_PREFIX, isCalloutSecretName };

export interface CalloutSettings {
  url: string;
  timeoutMs: number;
  maxRetries: number;
  /** Name of the secret sent as the `api-key` header: must start with CALLOUT_SECRET_PREFIX. */
  apiKeySecret?: string | undefined;
  /** An Entra access token of our identity for `resource`, sent as `Authorization: Bearer`. */
  auth?: { type: "entra"; resource: string } | undefined;
}

/** What the callout needs of a TokenCredential (the app's managed identity, src/identity.ts). */
export interface CalloutTokenSource {
  getToken(scopes: string | string[]): Promise<{ token: string } | null>;
}

export interface CalloutEnvironment {
  secrets: SecretProvider;
  /** Development deployments only: plain http to a loopback address is allowed. */
  allowHttpLoopback: boolean;
  /** Needed for `auth: {type: "entra"}`. */
  credential?: CalloutTokenSource | undefined;
}

export interface CalloutRequest {
  tenantId: string;
  /** Who the claims should belong to. The member shape of `identities[]` is our assumption. */
  userId: string;
  userPrincipalName: string;
  employeeId: string | null;
  /** The credential's claims; only CALLOUT_CLAIMS of them are sent. */
  claims: Readonly<Record<string, unknown>>;
}

export type CalloutVerdict =
  | { pass: true; attempts: number }
  | { pass: false; reason: "failed"; failedClaims: string[]; attempts: number }
  | { pass: false; reason: "error"; error: string; attempts: number };

/**
 * The claims the callout contract names: the `VerifiedIdentity` credential's identity claims an
 * HR system can check (docs/facts.md §6: firstName, lastName confirmed; dateOfBirth, documentType,
 * documentNumber, documentExpiryDate in Microsoft's sample). Never the portrait, the address,
 * or claims a provider adds.
 */
export const CALLOUT_CLAIMS = [
  "firstName",
  "lastName",
  "dateOfBirth",
  "documentType",
  "documentNumber",
  "documentExpiryDate",
] as const;
/** A claim value longer than this is not a name, a date or a document number: not sent. */
const MAX_CLAIM_LENGTH = 256;
/** The answer is a verdict of a few hundred bytes; more is refused (and not read further). */
export const MAX_ANSWER_BYTES = 16 * 1024;

/**
 * Why a callout URL may not be called, or undefined when it may: https to any host without
 * credentials in it; http only to a loopback host, and only where `allowHttpLoopback`.
 */
export function calloutUrlProblem(url: string, allowHttpLoopback: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "not a URL";
  }
  if (parsed.username || parsed.password) return "credentials in the URL";
  if (parsed.protocol === "https:") return undefined;
  if (parsed.protocol !== "http:") return "not https";
  if (!LOOPBACK_HOSTS.has(parsed.hostname)) return "http only to a loopback address";
  return allowHttpLoopback ? undefined : "http only in a development deployment";
}

const PASS = "microsoft.graph.verifiedIdClaimValidation.pass";
const FAILED = "microsoft.graph.verifiedIdClaimValidation.failed";

/** The claims of the contract the credential carries as short strings; nothing else. */
export function contractClaims(claims: Readonly<Record<string, unknown>>): Record<string, string> {
  const sent: Record<string, string> = {};
  for (const name of CALLOUT_CLAIMS) {
    const value = Object.hasOwn(claims, name) ? claims[name] : undefined;
    if (typeof value === "string" && value.length <= MAX_CLAIM_LENGTH) sent[name] = value;
  }
  return sent;
}

export function calloutBody(request: CalloutRequest): unknown {
  return {
    type: "microsoft.graph.authenticationEvent.verifiedIdClaimValidation",
    data: {
      "@odata.type": "microsoft.graph.onVerifiedIdClaimValidationCalloutData",
      tenantId: request.tenantId,
      verifiedIdClaimsContext: {
        identities: [{ userId: request.userId, userPrincipalName: request.userPrincipalName }],
        additionalInfo: { employeeId: request.employeeId },
        claims: contractClaims(request.claims),
      },
    },
  };
}

/** Reads the verdict out of a response body; undefined when it is neither a pass nor a fail. */
function verdictOf(body: unknown): { pass: true } | { pass: false; failedClaims: string[] } | undefined {
  const actions = (body as { data?: { actions?: unknown } } | null)?.data?.actions;
  if (!Array.isArray(actions) || actions.length !== 1) return undefined;
  const action = actions[0] as { "@odata.type"?: unknown; failedClaims?: unknown };
  const type = typeof action["@odata.type"] === "string" ? action["@odata.type"].replace(/^#/, "") : "";
  if (type === PASS) return { pass: true };
  if (type === FAILED) {
    const failed = Array.isArray(action.failedClaims) ? action.failedClaims : [];
    return {
      pass: false,
      failedClaims: failed.filter((c): c is string => typeof c === "string" && c.length <= 64).slice(0, 20),
    };
  }
  return undefined;
}

/** The body as text, or undefined when it exceeds `limit` bytes (reading stops there). */
function readCapped(response: Response, limit: number): Promise<string | undefined> {
  return readBoundedText(response.body, response.headers.get("content-length"), limit);
}

/**
 * Asks the endpoint. Network errors, timeouts, 429 and 5xx are retried (up to `maxRetries`
 * more attempts); any other answer is final. A malformed verdict is an error, never a pass.
 * A URL or secret name the rules above refuse is an error before anything is read or sent.
 */
export async function validateClaims(
  settings: CalloutSettings,
  request: CalloutRequest,
  env: CalloutEnvironment,
): Promise<CalloutVerdict> {
  const refused = (error: string): CalloutVerdict => ({ pass: false, reason: "error", error, attempts: 0 });
  const urlProblem = calloutUrlProblem(settings.url, env.allowHttpLoopback);
  if (urlProblem) return refused(`url refused (${urlProblem})`);
  let apiKey: string | undefined;
  if (settings.apiKeySecret !== undefined) {
    if (!isCalloutSecretName(settings.apiKeySecret)) {
      return refused(`apiKeySecret refused (not a ${CALLOUT_SECRET_PREFIX}* secret)`);
    }
    apiKey = await env.secrets.get(settings.apiKeySecret);
    if (!apiKey) return refused("apiKeySecret missing");
  }
  let bearer: string | undefined;
  if (settings.auth?.type === "entra") {
    // `.default` of the endpoint's app: the token's audience is that app, nothing else.
    const scope = `${settings.auth.resource.replace(/\/+$/, "")}/.default`;
    try {
      bearer = (await env.credential?.getToken(scope))?.token;
    } catch {
      bearer = undefined;
    }
    if (!bearer) return refused("entra token unavailable");
  }
  const body = JSON.stringify(calloutBody(request));
  let lastError = "no attempt";
  for (let attempt = 1; attempt <= settings.maxRetries + 1; attempt++) {
    const signal = AbortSignal.timeout(settings.timeoutMs);
    let response: Response;
    try {
      response = await fetch(settings.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(apiKey ? { "api-key": apiKey } : {}),
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body,
        redirect: "manual",
        signal,
      });
    } catch (err) {
      lastError = (err as Error).name === "TimeoutError" ? "timeout" : "network";
      continue;
    }
    if (response.status === 429 || response.status >= 500) {
      lastError = `status ${response.status}`;
      await response.body?.cancel();
      continue;
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      const what = response.status >= 300 && response.status < 400 ? "redirect refused, " : "";
      return { pass: false, reason: "error", error: `${what}status ${response.status}`, attempts: attempt };
    }
    let text: string | undefined;
    try {
      text = await readCapped(response, MAX_ANSWER_BYTES);
    } catch (err) {
      lastError = (err as Error).name === "TimeoutError" ? "timeout" : "network";
      continue;
    }
    if (text === undefined) {
      return { pass: false, reason: "error", error: "answer too large", attempts: attempt };
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { pass: false, reason: "error", error: "invalid JSON", attempts: attempt };
    }
    const verdict = verdictOf(parsed);
    if (!verdict) return { pass: false, reason: "error", error: "no verdict", attempts: attempt };
    return verdict.pass
      ? { pass: true, attempts: attempt }
      : { pass: false, reason: "failed", failedClaims: verdict.failedClaims, attempts: attempt };
  }
  return { pass: false, reason: "error", error: lastError, attempts: settings.maxRetries + 1 };
}
