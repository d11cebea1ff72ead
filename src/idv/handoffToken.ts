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
/** Allowed algorithms and the key type each needs (checked at load, not at first use). */
const KEY_TYPES: ReadonlyMap<string, { kty: string; crv?: string }> = new Map([
  ["RS256", { kty: "RSA" }],
  ["PS256", { kty: "RSA" }],
  ["ES256", { kty: "EC", crv: "P-256" }],
]);

export function parseSigningKeys(secret: string): JWK[] {
  const parsed = JSON.parse(secret) as JWK | JWK[];
  const keys = Array.isArray(parsed) ? parsed : [parsed];
  if (keys.length === 0) throw new TypeError(`${HANDOFF_SIGNING_KEY_SECRET} holds no key`);
  for (const key of keys) {
    const type = key.alg ? KEY_TYPES.get(key.alg) : undefined;
    if (!key.kid || !type || !key.d) {
      throw new TypeError(
        `${HANDOFF_SIGNING_KEY_SECRET}: every key needs kid, alg (RS256/PS256/ES256) and d`,
      );
    }
    if (key.kty !== type.kty || (type.crv && key.crv !== type.crv)) {
      throw new TypeError(
        `${HANDOFF_SIGNING_KEY_SECRET}: key ${key.kid} is not a ${type.kty} key fit for ${key.alg}`,
      );
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

export async function signHandoffToken(
  keys: readonly JWK[],
  claims: HandoffClaims,
  now: Date,
): Promise<string> {
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
