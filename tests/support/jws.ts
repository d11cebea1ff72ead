/**
 * Compact JWS signed in the tests themselves (node:crypto, not our own verification code), for
 * the VP/VC, did:web and status-list tests: ES256 (P-256), ES256K (secp256k1) and EdDSA keys.
 */
import { type KeyObject, sign } from "node:crypto";

/** base64url of a JSON value (a string is encoded as it is). */
export const b64url = (v: unknown): string =>
  Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

/** `header.payload.signature`, ECDSA in the JOSE (IEEE P1363) signature form. */
export function signCompactJws(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const sig =
    key.asymmetricKeyType === "ed25519"
      ? sign(null, Buffer.from(input), key)
      : sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${sig.toString("base64url")}`;
}
