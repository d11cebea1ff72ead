/**
 * Sealing the Temporary Access Pass for its one-time hand-off. The TAP is encrypted the
 * moment Graph returns it and only ever stored as a JWE:
 *  - to the client's public JWK when it sent `tapEncryptionKey` at start (we cannot open it;
 *    the client gets the JWE), or
 *  - to our own symmetric key (secret `tap-handoff-key`, 32 bytes base64url; `dir` + A256GCM),
 *    opened once on the first status read after success.
 */
import { CompactEncrypt, compactDecrypt, importJWK, type JWK } from "jose";
import { z } from "zod";
import { InvalidRequestError } from "../recovery/errors";

export const TAP_HANDOFF_KEY_SECRET = "tap-handoff-key";

/** Where the user registers new methods with the TAP (handed out with it). */
export const REGISTER_URL = "https://aka.ms/mysecurityinfo";

/** What the client may send as `tapEncryptionKey`: a public RSA (≥ 2048) or EC P-256/384 key. */
export const clientJwkSchema = z
  .object({
    kty: z.enum(["RSA", "EC"]),
    n: z.string().optional(),
    e: z.string().optional(),
    crv: z.enum(["P-256", "P-384"]).optional(),
    x: z.string().optional(),
    y: z.string().optional(),
    kid: z.string().max(128).optional(),
    alg: z.string().optional(),
    use: z.string().optional(),
  })
  .loose()
  .refine((k) => !("d" in k) && !("p" in k) && !("k" in k), "must be a public key (no private members)")
  .refine((k) => (k.kty === "RSA" ? !!k.n && !!k.e : !!k.crv && !!k.x && !!k.y), "incomplete key")
  .refine(
    (k) => k.kty !== "RSA" || Buffer.from(k.n ?? "", "base64url").length >= 256,
    "RSA keys need ≥ 2048 bits",
  );

export type ClientJwk = z.infer<typeof clientJwkSchema>;

function clientAlgorithm(jwk: ClientJwk): string {
  return jwk.kty === "RSA" ? "RSA-OAEP-256" : "ECDH-ES+A256KW";
}

/** Checks at start that the client's key is usable, so the recovery cannot fail at the last step. */
export async function assertUsableClientKey(jwk: ClientJwk): Promise<void> {
  try {
    await importJWK(jwk as JWK, clientAlgorithm(jwk));
  } catch (err) {
    throw new InvalidRequestError(
      `tapEncryptionKey: ${(err as Error).message}`,
      "invalid_tap_encryption_key",
    );
  }
}

function serverKey(secret: string): Uint8Array {
  const key = Buffer.from(secret, "base64url");
  if (key.length !== 32) throw new TypeError(`${TAP_HANDOFF_KEY_SECRET} must be 32 bytes, base64url`);
  return key;
}

export async function sealTap(
  tap: string,
  recipient: { clientJwk: ClientJwk } | { serverSecret: string },
): Promise<string> {
  const plaintext = new TextEncoder().encode(tap);
  if ("clientJwk" in recipient) {
    const alg = clientAlgorithm(recipient.clientJwk);
    const key = await importJWK(recipient.clientJwk as JWK, alg);
    return new CompactEncrypt(plaintext)
      .setProtectedHeader({
        alg,
        enc: "A256GCM",
        ...(recipient.clientJwk.kid ? { kid: recipient.clientJwk.kid } : {}),
      })
      .encrypt(key);
  }
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .encrypt(serverKey(recipient.serverSecret));
}

export async function openServerSealedTap(jwe: string, serverSecret: string): Promise<string> {
  const { plaintext } = await compactDecrypt(jwe, serverKey(serverSecret), {
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256GCM"],
  });
  return new TextDecoder().decode(plaintext);
}
