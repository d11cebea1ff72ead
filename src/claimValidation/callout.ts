/**
 * The claim-validation callout: an HR system (or any REST endpoint) confirms that the
 * presented claims belong to this account, in the shape of Entra's `onVerifiedIdClaimValidation`
 * custom extension (FACTS §12 — from a Microsoft sample, not a published schema). Bounded by a
 * timeout and a few retries, and fail-closed: anything but an explicit pass is a fail.
 */

export interface CalloutSettings {
  url: string;
  timeoutMs: number;
  maxRetries: number;
}

export interface CalloutRequest {
  tenantId: string;
  /** Who the claims should belong to. The member shape of `identities[]` is our assumption. */
  userId: string;
  userPrincipalName: string;
  employeeId: string | null;
  /** The credential's claims, without the portrait. */
  claims: Record<string, string>;
}

export type CalloutVerdict =
  | { pass: true; attempts: number }
  | { pass: false; reason: "failed"; failedClaims: string[]; attempts: number }
  | { pass: false; reason: "error"; error: string; attempts: number };

const PASS = "microsoft.graph.verifiedIdClaimValidation.pass";
const FAILED = "microsoft.graph.verifiedIdClaimValidation.failed";

export function calloutBody(request: CalloutRequest): unknown {
  return {
    type: "microsoft.graph.authenticationEvent.verifiedIdClaimValidation",
    data: {
      "@odata.type": "microsoft.graph.onVerifiedIdClaimValidationCalloutData",
      tenantId: request.tenantId,
      verifiedIdClaimsContext: {
        identities: [{ userId: request.userId, userPrincipalName: request.userPrincipalName }],
        additionalInfo: { employeeId: request.employeeId },
        claims: request.claims,
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
    return { pass: false, failedClaims: failed.filter((c): c is string => typeof c === "string") };
  }
  return undefined;
}

/**
 * Asks the endpoint. Network errors, timeouts, 429 and 5xx are retried (up to `maxRetries`
 * more attempts); any other answer is final. A malformed verdict is an error, never a pass.
 */
export async function validateClaims(
  settings: CalloutSettings,
  request: CalloutRequest,
  apiKey?: string,
): Promise<CalloutVerdict> {
  const body = JSON.stringify(calloutBody(request));
  let lastError = "no attempt";
  for (let attempt = 1; attempt <= settings.maxRetries + 1; attempt++) {
    let response: Response;
    try {
      response = await fetch(settings.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(apiKey ? { "api-key": apiKey } : {}) },
        body,
        signal: AbortSignal.timeout(settings.timeoutMs),
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
      return { pass: false, reason: "error", error: `status ${response.status}`, attempts: attempt };
    }
    let parsed: unknown;
    try {
      parsed = await response.json();
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
