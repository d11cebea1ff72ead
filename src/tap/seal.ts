/**
 * Sealing the Temporary Access Pass for its one-time hand-off. The TAP is encrypted the
 * moment Graph returns it and only ever stored as a JWE:
 *  - to the client's public JWK when it sent `tapEncryptionKey` at start (we cannot open it;
 *    the client gets the JWE), or
 *  - to our own symmetric key (secret `tap-handoff-key`, 32 bytes base64url; `dir` + A256GCM),
 *    opened once on the first status read after success.
 * Both carry the recovery id in the protected header (`rid`), which AES-GCM authenticates as
 * additional data: a sealed TAP copied to another recovery's row does not open there.
 */
import { CompactEncrypt, compactDecrypt, importJWK, type JWK } from "jose";
import { z } from "zod";
import { InvalidRequestError } from "../recovery/errors";

/** The protected-header member binding a sealed TAP to its recovery. */
const RECOVERY_ID_HEADER = "rid";

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
  binding?: { recoveryId: string },
): Promise<string> {
  const plaintext = new TextEncoder().encode(tap);
  const bound = binding ? { [RECOVERY_ID_HEADER]: binding.recoveryId } : {};
  if ("clientJwk" in recipient) {
    const alg = clientAlgorithm(recipient.clientJwk);
    const key = await importJWK(recipient.clientJwk as JWK, alg);
    return new CompactEncrypt(plaintext)
      .setProtectedHeader({
        alg,
        enc: "A256GCM",
        ...(recipient.clientJwk.kid ? { kid: recipient.clientJwk.kid } : {}),
        ...bound,
      })
      .encrypt(key);
  }
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", ...bound })
    .encrypt(serverKey(recipient.serverSecret));
}

/** Thrown when a sealed TAP belongs to another recovery than the one reading it. */
export class TapBindingError extends Error {
  readonly code = "tap_binding_mismatch";
  constructor() {
    super("the sealed TAP is bound to another recovery");
    this.name = "TapBindingError";
  }
}

/** Opens a TAP sealed to our key; with `expectedRecoveryId`, only if it was sealed for that recovery. */
export async function openServerSealedTap(
  jwe: string,
  serverSecret: string,
  expectedRecoveryId?: string,
): Promise<string> {
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, serverKey(serverSecret), {
    keyManagementAlgorithms: ["dir"],
    contentEncryptionAlgorithms: ["A256GCM"],
  });
  if (expectedRecoveryId !== undefined && protectedHeader[RECOVERY_ID_HEADER] !== expectedRecoveryId) {
    throw new TapBindingError();
  }
  return new TextDecoder().decode(plaintext);
}
