/**
 * The one-time value in the hand-off's `redirectUrl` (issue 17). Microsoft's contract
 * (FACTS §11) sends the browser back to the `redirectUrl` we put in the signed hand-off JWT,
 * and nothing else: in `return` mode that return is what moves a recovery on. So the URL
 * carries, besides the recovery id (which the front end needs), the provider session it
 * belongs to and an unguessable value (256 random bits) that only this hand-off knows. We keep
 * only its SHA-256, on the session row; it acts once (an etag-guarded write consumes it).
 *
 * What it does NOT prove: the JWT is signed, not encrypted, and travels through the user's
 * browser, so the user can read the value and come back without finishing at the provider.
 * The value stops everyone else (a forged or replayed return, another recovery's value); that
 * a person was verified today is proven by the fresh credential (src/recovery/freshness.ts).
 */
import { isStorageSafeId } from "../recovery/keys";
import { hashSecret, newOpaqueSecret, secretMatchesHash } from "../recovery/opaqueSecrets";
import { isRecoveryId } from "../recovery/status";
import type { IdvSession } from "../store/correlations";

export const RETURN_RECOVERY_PARAM = "recoveryId";
export const RETURN_SESSION_PARAM = "session";
export const RETURN_VALUE_PARAM = "returnValue";
/** base64url of 32 random bytes. */
const RETURN_VALUE_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newReturnValue(): { value: string; hash: string } {
  const value = newOpaqueSecret();
  return { value, hash: hashSecret(value) };
}

export function returnUrl(
  publicBaseUrl: string,
  provider: string,
  recoveryId: string,
  sessionId: string,
  value: string,
): string {
  const url = new URL(`${publicBaseUrl}/api/idv/${provider}/return`);
  url.searchParams.set(RETURN_RECOVERY_PARAM, recoveryId);
  url.searchParams.set(RETURN_SESSION_PARAM, sessionId);
  url.searchParams.set(RETURN_VALUE_PARAM, value);
  return url.toString();
}

export interface PresentedReturn {
  recoveryId: string;
  sessionId: string;
  value: string;
}

/** The return's parameters when each has our shape; undefined otherwise (nothing to look up). */
export function readReturn(query: URLSearchParams): PresentedReturn | undefined {
  const recoveryId = query.get(RETURN_RECOVERY_PARAM) ?? "";
  const sessionId = query.get(RETURN_SESSION_PARAM) ?? "";
  const value = query.get(RETURN_VALUE_PARAM) ?? "";
  if (!isRecoveryId(recoveryId) || !isStorageSafeId(sessionId) || !RETURN_VALUE_SHAPE.test(value)) {
    return undefined;
  }
  return { recoveryId, sessionId, value };
}

/**
 * The first configured "not finished" parameter the provider appended (error, cancellation),
 * with its value cut short for the audit; undefined when there is none.
 */
export function unfinishedIndication(
  query: URLSearchParams,
  names: readonly string[],
): { parameter: string; value: string } | undefined {
  for (const name of names) {
    const value = query.get(name);
    if (value !== null) return { parameter: name, value: value.replace(/[^\x20-\x7e]/g, "?").slice(0, 64) };
  }
  return undefined;
}

/**
 * What a return does to a session. `first`: the value is right and unused — consume it.
 * `again`: the right value, already consumed — only a repair of an effect that did not land
 * (the raise failed after the consuming write) may follow. `refused`: anything else.
 */
export function judgeReturn(
  session: IdvSession | undefined,
  presented: PresentedReturn,
): "first" | "again" | "refused" {
  if (!session || session.recoveryId !== presented.recoveryId || !session.returnValueHash) return "refused";
  // A fresh hand-off replaced this one (the user went back to the provider): only the newest acts.
  if (session.supersededAt) return "refused";
  if (!secretMatchesHash(presented.value, session.returnValueHash)) return "refused";
  return session.returnedAt ? "again" : "first";
}
