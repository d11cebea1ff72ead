/**
 * Compact JWS verification against a DID's published key, with an algorithm allow-list:
 * ES256 and EdDSA through jose, ES256K (secp256k1, which jose 6 dropped: docs/facts.md §7) through
 * node:crypto, which verifies secp256k1 natively. Only the signature and header rules live
 * here; claim rules belong to the caller.
 *
 * Refused before any key is fetched: `alg: none` or any unlisted algorithm, header-embedded
 * keys (`jwk`, `jku`, `x5c`, `x5u`: a token must not bring its own key), `crit`, and a `kid`
 * that names another DID than the signer's.
 */
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { compactVerify, importJWK, type JWK } from "jose";
import { JwsRejectedError } from "../recovery/errors";
import type { DidResolver, KeyPurpose } from "./didWeb";

export const ALLOWED_ALGORITHMS = ["ES256", "EdDSA", "ES256K"] as const;
export type AllowedAlgorithm = (typeof ALLOWED_ALGORITHMS)[number];

const CURVE_OF: Record<AllowedAlgorithm, { kty: string; crv: string }> = {
  ES256: { kty: "EC", crv: "P-256" },
  ES256K: { kty: "EC", crv: "secp256k1" },
  EdDSA: { kty: "OKP", crv: "Ed25519" },
};

export interface DecodedJws {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

function decodePart(part: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch (err) {
    throw new JwsRejectedError("malformed", `${what} is not base64url JSON`, { cause: err });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new JwsRejectedError("malformed", `${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Longest compact JWS we decode: a receipt's VP with its one VC is a few kilobytes. */
export const MAX_JWS_LENGTH = 64 * 1024;

/** Header and payload without checking anything: only to learn who claims to have signed. */
export function decodeUnverified(token: string): DecodedJws {
  if (typeof token !== "string" || token.length > MAX_JWS_LENGTH) {
    throw new JwsRejectedError("too_large", `not a compact JWS of at most ${MAX_JWS_LENGTH} characters`);
  }
  const parts = token.split(".");
  const [header, payload] = parts;
  if (
    parts.length !== 3 ||
    header === undefined ||
    payload === undefined ||
    parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p))
  ) {
    throw new JwsRejectedError("malformed", "not a compact JWS");
  }
  return { header: decodePart(header, "header"), payload: decodePart(payload, "payload") };
}

function isAllowed(alg: unknown): alg is AllowedAlgorithm {
  return typeof alg === "string" && (ALLOWED_ALGORITHMS as readonly string[]).includes(alg);
}

function verifyEs256k(token: string, jwk: JWK): boolean {
  const [header, payload, signature] = token.split(".") as [string, string, string];
  const sig = Buffer.from(signature, "base64url");
  if (sig.length !== 64) return false;
  // A high-S signature (the malleable twin of a low-S one) verifies too, as RFC 8812 does not
  // forbid it: we never use signature bytes as identifiers, so malleability gains nothing.
  const key = createPublicKey({ key: { kty: "EC", crv: "secp256k1", x: jwk.x, y: jwk.y }, format: "jwk" });
  return nodeVerify(
    "sha256",
    Buffer.from(`${header}.${payload}`, "ascii"),
    { key, dsaEncoding: "ieee-p1363" },
    sig,
  );
}

/**
 * Verifies `token` as signed by `did` with a key authorised for `purpose` (the key named by the
 * header's `kid`, resolved from the DID). Returns the header and payload; throws
 * JwsRejectedError or DidResolutionError.
 */
export async function verifyJwsByDid(
  token: string,
  did: string,
  resolver: DidResolver,
  purpose: KeyPurpose,
): Promise<DecodedJws> {
  const decoded = decodeUnverified(token);
  const { header } = decoded;
  if (!isAllowed(header.alg)) {
    throw new JwsRejectedError("algorithm_not_allowed", `algorithm ${String(header.alg)} is not allowed`);
  }
  for (const name of ["jwk", "jku", "x5c", "x5u"]) {
    if (name in header) throw new JwsRejectedError("embedded_key", `header parameter ${name} is refused`);
  }
  if ("crit" in header)
    throw new JwsRejectedError("crit_unsupported", "crit header parameters are not supported");
  if (header.b64 !== undefined) throw new JwsRejectedError("b64_unsupported", "b64 header parameter refused");
  const kid = header.kid;
  if (typeof kid !== "string" || !(kid.startsWith(`${did}#`) || kid.startsWith("#"))) {
    throw new JwsRejectedError("kid_foreign", "kid does not name a key of the signer's DID");
  }
  const jwk = await resolver.keyFor(did, kid, purpose);
  const expected = CURVE_OF[header.alg];
  if (
    jwk.kty !== expected.kty ||
    jwk.crv !== expected.crv ||
    (jwk.alg !== undefined && jwk.alg !== header.alg) ||
    (jwk.use !== undefined && jwk.use !== "sig") ||
    (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes("verify")))
  ) {
    throw new JwsRejectedError("key_mismatch", `key ${kid} is not a ${header.alg} key`);
  }
  if (header.alg === "ES256K") {
    let ok = false;
    try {
      ok = verifyEs256k(token, jwk);
    } catch (err) {
      throw new JwsRejectedError("signature_invalid", "ES256K verification failed", { cause: err });
    }
    if (!ok) throw new JwsRejectedError("signature_invalid", "signature does not verify");
    return decoded;
  }
  try {
    const key = await importJWK({ ...jwk, alg: header.alg }, header.alg);
    await compactVerify(token, key, { algorithms: [header.alg] });
  } catch (err) {
    throw new JwsRejectedError("signature_invalid", "signature does not verify", { cause: err });
  }
  return decoded;
}
