/**
 * The one-time hand-off token that sends a user to an IDV provider (docs/facts.md §11): a short-lived
 * JWT we sign, `{OrgId, RequestId, exp, redirectUrl}`, verified by the provider against our
 * JWKS (`GET /api/.well-known/jwks.json`). Signing keys are private JWKs in the secret
 * `idv-handoff-signing-key` (one JWK, or an array).
 *
 * Rotation: put the new key first and mark the old one with `retiredAt` (ISO time, a member
 * of our own). The first key without `retiredAt` signs; a retired key is still published
 * until every token it signed has expired (`retiredAt` + token lifetime + clock skew), then
 * it drops out of the JWKS and can be deleted from the secret.
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

/** Providers may verify a token a little after it expired on our clock. */
const CLOCK_SKEW_SECONDS = 300;

/** A private JWK as stored in the secret; `retiredAt` marks a key that no longer signs. */
export type SigningKey = JWK & { retiredAt?: string };

export function parseSigningKeys(secret: string): SigningKey[] {
  const parsed = JSON.parse(secret) as SigningKey | SigningKey[];
  const keys = Array.isArray(parsed) ? parsed : [parsed];
  if (keys.length === 0) throw new TypeError(`${HANDOFF_SIGNING_KEY_SECRET} holds no key`);
  if (keys.every((k) => k.retiredAt !== undefined))
    throw new TypeError(`${HANDOFF_SIGNING_KEY_SECRET}: every key is retired, none can sign`);
  for (const key of keys) {
    if (key.retiredAt !== undefined && Number.isNaN(Date.parse(String(key.retiredAt)))) {
      throw new TypeError(`${HANDOFF_SIGNING_KEY_SECRET}: key ${key.kid} has an unreadable retiredAt`);
    }
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

/** The key that signs new tokens: the first one not retired. */
export function activeSigningKey(keys: readonly SigningKey[]): SigningKey {
  const key = keys.find((k) => k.retiredAt === undefined);
  if (!key) throw new TypeError(`${HANDOFF_SIGNING_KEY_SECRET}: every key is retired, none can sign`);
  return key;
}

/** The keys a provider may still need: every active key, and retired ones until their tokens expired. */
export function publishedKeys(
  keys: readonly SigningKey[],
  now: Date,
  tokenLifetimeSeconds: number,
): SigningKey[] {
  return keys.filter(
    (k) =>
      k.retiredAt === undefined ||
      Date.parse(k.retiredAt) + (tokenLifetimeSeconds + CLOCK_SKEW_SECONDS) * 1000 > now.getTime(),
  );
}

/** Public halves of the signing keys, for the JWKS endpoint. */
export function publicJwks(keys: readonly SigningKey[]): { keys: JWK[] } {
  return {
    keys: keys.map((k) => {
      const {
        d: _d,
        p: _p,
        q: _q,
        dp: _dp,
        dq: _dq,
        qi: _qi,
        oth: _oth,
        k: _k,
        retiredAt: _retiredAt,
        ...pub
      } = k;
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
  keys: readonly SigningKey[],
  claims: HandoffClaims,
  now: Date,
): Promise<string> {
  const { retiredAt: _retiredAt, ...key } = activeSigningKey(keys);
  // Every key was checked for kid and alg when the secret was parsed.
  if (!key.alg || !key.kid)
    throw new TypeError(`${HANDOFF_SIGNING_KEY_SECRET}: the active key needs kid and alg`);
  const privateKey = await importJWK(key, key.alg);
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({ OrgId: claims.orgId, RequestId: claims.requestId, redirectUrl: claims.redirectUrl })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "JWT" })
    .setIssuer(claims.issuer)
    .setAudience(claims.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + claims.lifetimeSeconds)
    .setJti(randomUUID())
    .sign(privateKey);
}
