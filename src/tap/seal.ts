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
import { InvalidRequestError, TapBindingError } from "../recovery/errors";
import { ephemeralEcdhKey } from "./ecKeys";

/** The protected-header member binding a sealed TAP to its recovery. */
const RECOVERY_ID_HEADER = "rid";

export const TAP_HANDOFF_KEY_SECRET = "tap-handoff-key";

/** Where the user registers new methods with the TAP (handed out with it). */
export const REGISTER_URL = "https://aka.ms/mysecurityinfo";

/** Members that only a private (or symmetric) key has. */
const PRIVATE_MEMBERS = new Set(["d", "p", "q", "dp", "dq", "qi", "oth", "k"]);
/** Members a public encryption JWK may carry; anything else is refused, not ignored. */
const KNOWN_MEMBERS = new Set(["kty", "n", "e", "crv", "x", "y", "kid", "alg", "use", "key_ops", "ext"]);
/**
 * RSA moduli from 2048 bits (jose's floor for RSA-OAEP) to 4096 bits (what browsers and
 * platform key stores make; a larger key buys nothing here and costs every seal).
 */
const RSA_MODULUS_BYTES = { min: 256, max: 512 } as const;
const EC_COORDINATE_BYTES: Record<string, number> = { "P-256": 32, "P-384": 48 };
/** key_ops a public key may allow for our algorithm (RFC 7517 §4.3). */
const KEY_OPS: Record<"RSA" | "EC", ReadonlySet<string>> = {
  RSA: new Set(["encrypt", "wrapKey"]),
  EC: new Set(["deriveKey", "deriveBits"]),
};

/** The bytes of a canonical base64url member, or undefined when it is not one. */
function base64urlBytes(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const bytes = Buffer.from(value, "base64url");
  return bytes.toString("base64url") === value ? bytes : undefined;
}

/**
 * What the client may send as `tapEncryptionKey`: a public RSA (2048–4096 bits) or EC
 * P-256/P-384 key for the algorithm we seal with. The shape rules here are the ones sealing
 * depends on (a modulus padded with zero bytes is its real, shorter length; coordinates have
 * the curve's exact length); `assertUsableClientKey` then seals a probe with it, so a key
 * accepted at start is a key the last step can use.
 */
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
    key_ops: z.array(z.string()).max(8).optional(),
    ext: z.boolean().optional(),
  })
  .loose()
  .superRefine((k, ctx) => {
    const issue = (message: string) => ctx.addIssue({ code: "custom", message });
    const members = Object.keys(k);
    if (members.some((m) => PRIVATE_MEMBERS.has(m)))
      return issue("must be a public key (no private members)");
    const unknown = members.find((m) => !KNOWN_MEMBERS.has(m));
    if (unknown !== undefined) return issue(`unknown member ${unknown.slice(0, 32)}`);
    if (k.alg !== undefined && k.alg !== clientAlgorithm(k)) {
      return issue(`alg must be ${clientAlgorithm(k)} for a ${k.kty} key`);
    }
    if (k.use !== undefined && k.use !== "enc") return issue('use must be "enc"');
    const allowedOps = KEY_OPS[k.kty];
    if (k.key_ops !== undefined) {
      if (k.key_ops.some((op) => !allowedOps.has(op))) {
        return issue(`key_ops may only name ${[...allowedOps].join(", ")}`);
      }
      if (k.kty === "RSA" && k.key_ops.length === 0) return issue("key_ops must allow encrypt or wrapKey");
    }
    if (k.kty === "RSA") {
      if (!k.n || !k.e || k.crv || k.x || k.y) return issue("incomplete key");
      const n = base64urlBytes(k.n);
      const e = base64urlBytes(k.e);
      if (!n || !e) return issue("n and e must be base64url");
      // A leading zero byte would make the modulus look longer than it is.
      if (n[0] === 0) return issue("n must not be padded with leading zero bytes");
      if (n.length < RSA_MODULUS_BYTES.min) return issue("RSA keys need ≥ 2048 bits");
      if (n.length > RSA_MODULUS_BYTES.max) return issue("RSA keys over 4096 bits are refused");
      if (e.length > 4 || e[0] === 0 || ((e.at(-1) ?? 0) & 1) === 0 || e.readUIntBE(0, e.length) < 3) {
        return issue("e must be an odd public exponent ≥ 3, minimally encoded");
      }
      if (((n.at(-1) ?? 0) & 1) === 0) return issue("n must be odd");
      return;
    }
    if (!k.crv || !k.x || !k.y || k.n || k.e) return issue("incomplete key");
    const size = EC_COORDINATE_BYTES[k.crv];
    if (size === undefined) return issue("crv must be P-256 or P-384");
    const x = base64urlBytes(k.x);
    const y = base64urlBytes(k.y);
    if (!x || !y) return issue("x and y must be base64url");
    if (x.length !== size || y.length !== size) return issue(`x and y must be ${size} bytes for ${k.crv}`);
  });

export type ClientJwk = z.infer<typeof clientJwkSchema>;

function clientAlgorithm(jwk: Pick<ClientJwk, "kty">): string {
  return jwk.kty === "RSA" ? "RSA-OAEP-256" : "ECDH-ES+A256KW";
}

/**
 * Checks at start that the client's key is usable, so the recovery cannot fail at the last
 * step: the key is used exactly as the last step will use it — a probe value is sealed to it
 * (which also refuses an EC point that is not on its curve and a modulus jose will not use).
 */
export async function assertUsableClientKey(jwk: ClientJwk): Promise<void> {
  try {
    await sealTap("probe", { clientJwk: jwk }, { recoveryId: "probe" });
  } catch (err) {
    throw new InvalidRequestError(
      "invalid_tap_encryption_key",
      `tapEncryptionKey: ${(err as Error).message}`,
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
    const sealing = new CompactEncrypt(plaintext).setProtectedHeader({
      alg,
      enc: "A256GCM",
      ...(recipient.clientJwk.kid ? { kid: recipient.clientJwk.kid } : {}),
      ...bound,
    });
    // ECDH-ES: our own ephemeral key, made without Node's key-generation job (./ecKeys.ts).
    const { kty, crv } = recipient.clientJwk;
    if (kty === "EC") {
      if (!crv) throw new TypeError("an EC client key without its curve passed the schema");
      sealing.setKeyManagementParameters({ epk: await ephemeralEcdhKey(crv) });
    }
    return sealing.encrypt(key);
  }
  return new CompactEncrypt(plaintext)
    .setProtectedHeader({ alg: "dir", enc: "A256GCM", ...bound })
    .encrypt(serverKey(recipient.serverSecret));
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
