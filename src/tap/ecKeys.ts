/**
 * EC key pairs made without Node's key-generation job.
 *
 * Node (seen on 20.20; 22's source takes the same lock) can deadlock the process: exporting an
 * EC key as JWK holds that key's mutex while it allocates, an allocation may start a garbage
 * collection, and the collection may destroy the key-generation job that made the key, whose
 * destructor takes the same mutex. The thread then waits on itself forever (a test worker was
 * found stuck in exactly this stack: ExportJWKEcKey → GC → ~KeyGenJob → mutex). jose exports
 * the ephemeral key of every ECDH-ES encryption for the `epk` header right after generating it,
 * so sealing a TAP to an EC key could hang the recovery's last step.
 *
 * `createECDH` makes the key material in place (no job); a key imported from its JWK shares no
 * mutex with anything a collection can destroy.
 */
import { createECDH, webcrypto } from "node:crypto";

export type EcCurve = "P-256" | "P-384" | "secp256k1";

const OPENSSL_CURVE: Record<EcCurve, { name: string; bytes: number }> = {
  "P-256": { name: "prime256v1", bytes: 32 },
  "P-384": { name: "secp384r1", bytes: 48 },
  secp256k1: { name: "secp256k1", bytes: 32 },
};

/** Big-endian `value` left-padded with zeros to `bytes` (getPrivateKey drops leading zeros). */
export function fixedLength(value: Buffer, bytes: number): string {
  const out = Buffer.alloc(bytes);
  value.copy(out, bytes - value.length);
  return out.toString("base64url");
}

/** A fresh EC key pair as JWKs (the private one with `d`), made in place. */
/** A type alias, not an interface: assignable both to WebCrypto's and to node:crypto's JWK types. */
export type EcJwk = { kty: "EC"; crv: EcCurve; x: string; y: string; d?: string };

export function ecJwkPair(crv: EcCurve): { privateJwk: EcJwk; publicJwk: EcJwk } {
  const { name, bytes } = OPENSSL_CURVE[crv];
  const ecdh = createECDH(name);
  ecdh.generateKeys();
  const point = ecdh.getPublicKey(); // 0x04 ‖ x ‖ y
  const publicJwk: EcJwk = {
    kty: "EC",
    crv,
    x: point.subarray(1, 1 + bytes).toString("base64url"),
    y: point.subarray(1 + bytes).toString("base64url"),
  };
  return { publicJwk, privateJwk: { ...publicJwk, d: fixedLength(ecdh.getPrivateKey(), bytes) } };
}

/** The ephemeral key of one ECDH-ES encryption: extractable, since jose exports its public part for `epk`. */
export function ephemeralEcdhKey(crv: "P-256" | "P-384"): Promise<CryptoKey> {
  return webcrypto.subtle.importKey(
    "jwk",
    ecJwkPair(crv).privateJwk,
    { name: "ECDH", namedCurve: crv },
    true,
    ["deriveBits"],
  );
}
