/**
 * The one-time hand-off token that sends a user to an IDV provider (FACTS §11): a short-lived
 * JWT we sign, `{OrgId, RequestId, exp, redirectUrl}`, verified by the provider against our
 * JWKS (`GET /api/.well-known/jwks.json`). Signing keys are private JWKs in the secret
 * `idv-handoff-signing-key` (one JWK, or an array: the first signs, all are published, so an
 * old key stays served until its tokens expire).
 */
import { randomUUID } from "node:crypto";
import { importJWK, type JWK, SignJWT } from "jose";

export const HANDOFF_SIGNING_KEY_SECRET = "idv-handoff-signing-key";
const ALLOWED_ALGS = new Set(["RS256", "PS256", "ES256"]);

export function parseSigningKeys(secret: string): JWK[] {
  const parsed = JSON.parse(secret) as JWK | JWK[];
  const keys = Array.isArray(parsed) ? parsed : [parsed];
  if (keys.length === 0) throw new TypeError(`${HANDOFF_SIGNING_KEY_SECRET} holds no key`);
  for (const key of keys) {
    if (!key.kid || !key.alg || !ALLOWED_ALGS.has(key.alg) || !key.d) {
      throw new TypeError(`${HANDOFF_SIGNING_KEY_SECRET}: every key needs kid, alg (RS256/PS256/ES256) and d`);
    }
  }
  return keys;
}

/** Public halves of the signing keys, for the JWKS endpoint. */
export function publicJwks(keys: readonly JWK[]): { keys: JWK[] } {
  return {
    keys: keys.map((k) => {
      const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, k: _k, ...pub } = k;
      return { ...pub, use: "sig" };
    }),
  };
}

export interface HandoffClaims {
  orgId: string;
  requestId: string;
  redirectUrl: string;
  audience: string;
  issuer: string;
  lifetimeSeconds: number;
}

export async function signHandoffToken(keys: readonly JWK[], claims: HandoffClaims, now: Date): Promise<string> {
  const key = keys[0]!;
  const privateKey = await importJWK(key, key.alg);
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ OrgId: claims.orgId, RequestId: claims.requestId, redirectUrl: claims.redirectUrl })
    .setProtectedHeader({ alg: key.alg!, kid: key.kid!, typ: "JWT" })
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + claims.lifetimeSeconds)
    .setJti(randomUUID())
    .sign(privateKey);
}
