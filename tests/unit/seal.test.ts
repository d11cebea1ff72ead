import { type KeyObject, randomBytes } from "node:crypto";
import { compactDecrypt, decodeProtectedHeader, exportJWK, type JWK } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { type KeyPairKind, keyPair } from "../../dev/support/keyPairs";
import {
  assertUsableClientKey,
  type ClientJwk,
  clientJwkSchema,
  openServerSealedTap,
  sealTap,
} from "../../src/tap/seal";

const TAP = "Tq7!x9Kp$mZ2wQ4v";
const SERVER_SECRET = randomBytes(32).toString("base64url");

interface ClientKeyPair {
  publicJwk: JWK;
  privateKey: KeyObject;
}

async function clientKeyPair(kind: KeyPairKind): Promise<ClientKeyPair> {
  const { publicKey, privateKey } = keyPair(kind);
  return { publicJwk: await exportJWK(publicKey), privateKey };
}

let rsa: ClientKeyPair;
let ec: ClientKeyPair;
let rsaPrivateJwk: JWK;
let rsa1024: JWK;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([clientKeyPair("rsa"), clientKeyPair("P-256")]);
  rsaPrivateJwk = await exportJWK(rsa.privateKey);
  rsa1024 = (await clientKeyPair("rsa-1024")).publicJwk;
});

function clientJwk(jwk: JWK): ClientJwk {
  return clientJwkSchema.parse(jwk);
}

function expectPlaintextAbsent(jwe: string): void {
  expect(jwe).not.toContain(TAP);
  expect(jwe).not.toContain(Buffer.from(TAP).toString("base64url"));
  expect(jwe).not.toContain(Buffer.from(TAP).toString("base64"));
}

describe("sealing the TAP to the server key", () => {
  it("round-trips through openServerSealedTap", async () => {
    const jwe = await sealTap(TAP, { serverSecret: SERVER_SECRET });
    expect(await openServerSealedTap(jwe, SERVER_SECRET)).toBe(TAP);
  });

  it("produces a compact dir + A256GCM JWE without the plaintext", async () => {
    const jwe = await sealTap(TAP, { serverSecret: SERVER_SECRET });
    expect(jwe.split(".")).toHaveLength(5);
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: "dir", enc: "A256GCM" });
    expectPlaintextAbsent(jwe);
  });

  it("differs on every seal of the same TAP", async () => {
    const [a, b] = await Promise.all([
      sealTap(TAP, { serverSecret: SERVER_SECRET }),
      sealTap(TAP, { serverSecret: SERVER_SECRET }),
    ]);
    expect(a).not.toBe(b);
  });

  it("cannot be opened with another server key", async () => {
    const jwe = await sealTap(TAP, { serverSecret: SERVER_SECRET });
    await expect(openServerSealedTap(jwe, randomBytes(32).toString("base64url"))).rejects.toMatchObject({
      code: "ERR_JWE_DECRYPTION_FAILED",
    });
  });

  it("cannot be opened once tampered with", async () => {
    const parts = (await sealTap(TAP, { serverSecret: SERVER_SECRET })).split(".");
    const ciphertext = Buffer.from(parts[3]!, "base64url");
    ciphertext[0] = ciphertext[0]! ^ 1;
    parts[3] = ciphertext.toString("base64url");
    await expect(openServerSealedTap(parts.join("."), SERVER_SECRET)).rejects.toMatchObject({
      code: "ERR_JWE_DECRYPTION_FAILED",
    });
  });

  it("refuses to open a JWE sealed to a client key", async () => {
    const jwe = await sealTap(TAP, { clientJwk: clientJwk(ec.publicJwk) });
    await expect(openServerSealedTap(jwe, SERVER_SECRET)).rejects.toMatchObject({
      code: "ERR_JOSE_ALG_NOT_ALLOWED",
    });
  });

  it.each([16, 31, 33, 64])("refuses a %i-byte server key with a TypeError", async (length) => {
    const secret = randomBytes(length).toString("base64url");
    await expect(sealTap(TAP, { serverSecret: secret })).rejects.toThrow(TypeError);
    await expect(sealTap(TAP, { serverSecret: secret })).rejects.toThrow("tap-handoff-key must be 32 bytes");
    const jwe = await sealTap(TAP, { serverSecret: SERVER_SECRET });
    await expect(openServerSealedTap(jwe, secret)).rejects.toThrow(TypeError);
  });

  it("refuses an empty server key with a TypeError", async () => {
    await expect(sealTap(TAP, { serverSecret: "" })).rejects.toThrow(TypeError);
  });
});

describe("binding the sealed TAP to its recovery", () => {
  it("opens for the recovery it was sealed for", async () => {
    const jwe = await sealTap(TAP, { serverSecret: SERVER_SECRET }, { recoveryId: "r-1" });
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: "dir", enc: "A256GCM", rid: "r-1" });
    await expect(openServerSealedTap(jwe, SERVER_SECRET, "r-1")).resolves.toBe(TAP);
  });

  it("refuses to open for another recovery", async () => {
    const jwe = await sealTap(TAP, { serverSecret: SERVER_SECRET }, { recoveryId: "r-1" });
    await expect(openServerSealedTap(jwe, SERVER_SECRET, "r-2")).rejects.toMatchObject({
      code: "tap_binding_mismatch",
    });
  });

  it("refuses a JWE whose recovery id was rewritten in the header (the header is authenticated)", async () => {
    const parts = (await sealTap(TAP, { serverSecret: SERVER_SECRET }, { recoveryId: "r-1" })).split(".");
    parts[0] = Buffer.from(JSON.stringify({ alg: "dir", enc: "A256GCM", rid: "r-2" })).toString("base64url");
    await expect(openServerSealedTap(parts.join("."), SERVER_SECRET, "r-2")).rejects.toMatchObject({
      code: "ERR_JWE_DECRYPTION_FAILED",
    });
  });

  it("refuses an unbound JWE when a recovery id is expected", async () => {
    const jwe = await sealTap(TAP, { serverSecret: SERVER_SECRET });
    await expect(openServerSealedTap(jwe, SERVER_SECRET, "r-1")).rejects.toMatchObject({
      code: "tap_binding_mismatch",
    });
  });

  it("names the recovery in a client-sealed JWE, which the client's key opens", async () => {
    const jwe = await sealTap(TAP, { clientJwk: clientJwk(ec.publicJwk) }, { recoveryId: "r-1" });
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, ec.privateKey);
    expect(protectedHeader.rid).toBe("r-1");
    expect(new TextDecoder().decode(plaintext)).toBe(TAP);
  });
});

describe("sealing the TAP to the client's key", () => {
  it("to an RSA 2048 public key: the matching private key decrypts it", async () => {
    const jwe = await sealTap(TAP, { clientJwk: clientJwk(rsa.publicJwk) });
    expect(decodeProtectedHeader(jwe)).toEqual({ alg: "RSA-OAEP-256", enc: "A256GCM" });
    const { plaintext } = await compactDecrypt(jwe, rsa.privateKey);
    expect(new TextDecoder().decode(plaintext)).toBe(TAP);
    expectPlaintextAbsent(jwe);
  });

  it("to an EC P-256 public key: the matching private key decrypts it", async () => {
    const jwe = await sealTap(TAP, { clientJwk: clientJwk(ec.publicJwk) });
    expect(decodeProtectedHeader(jwe)).toMatchObject({ alg: "ECDH-ES+A256KW", enc: "A256GCM" });
    const { plaintext } = await compactDecrypt(jwe, ec.privateKey);
    expect(new TextDecoder().decode(plaintext)).toBe(TAP);
    expectPlaintextAbsent(jwe);
  });

  it("names the client's kid in the header", async () => {
    const jwe = await sealTap(TAP, { clientJwk: clientJwk({ ...ec.publicJwk, kid: "browser-1" }) });
    expect(decodeProtectedHeader(jwe)).toMatchObject({ kid: "browser-1" });
  });

  it("cannot be decrypted with another client's private key", async () => {
    const other = await clientKeyPair("P-256");
    const jwe = await sealTap(TAP, { clientJwk: clientJwk(ec.publicJwk) });
    await expect(compactDecrypt(jwe, other.privateKey)).rejects.toBeDefined();
  });
});

describe("clientJwkSchema", () => {
  it("accepts an RSA 2048 and an EC P-256 public key", () => {
    expect(clientJwkSchema.safeParse(rsa.publicJwk).success).toBe(true);
    expect(clientJwkSchema.safeParse(ec.publicJwk).success).toBe(true);
  });

  it("rejects a private key", () => {
    const result = clientJwkSchema.safeParse(rsaPrivateJwk);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain("must be a public key (no private members)");
  });

  it("rejects an EC key carrying d", () => {
    expect(clientJwkSchema.safeParse({ ...ec.publicJwk, d: "AAAA" }).success).toBe(false);
  });

  it("rejects an RSA key of 1024 bits", () => {
    const result = clientJwkSchema.safeParse(rsa1024);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain("RSA keys need ≥ 2048 bits");
  });

  it("rejects an EC key without y", () => {
    const { y: _y, ...withoutY } = ec.publicJwk;
    const result = clientJwkSchema.safeParse(withoutY);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message)).toContain("incomplete key");
  });

  it("rejects an RSA key without e", () => {
    const { e: _e, ...withoutE } = rsa.publicJwk;
    expect(clientJwkSchema.safeParse(withoutE).success).toBe(false);
  });

  it("rejects a symmetric oct key", () => {
    expect(clientJwkSchema.safeParse({ kty: "oct", k: randomBytes(32).toString("base64url") }).success).toBe(
      false,
    );
  });

  it("rejects an unsupported curve", () => {
    expect(clientJwkSchema.safeParse({ ...ec.publicJwk, crv: "P-521" }).success).toBe(false);
  });
});

describe("assertUsableClientKey", () => {
  it("accepts real RSA and EC public keys", async () => {
    await expect(assertUsableClientKey(clientJwk(rsa.publicJwk))).resolves.toBeUndefined();
    await expect(assertUsableClientKey(clientJwk(ec.publicJwk))).resolves.toBeUndefined();
  });

  it("refuses an EC key whose coordinates are too short for the curve (schema)", () => {
    expect(clientJwkSchema.safeParse({ kty: "EC", crv: "P-256", x: "AAAA", y: "AAAA" }).success).toBe(false);
  });

  it("refuses a schema-valid EC key whose point is not on the curve", async () => {
    const offCurve = clientJwk({ ...ec.publicJwk, y: ec.publicJwk.x });
    await expect(assertUsableClientKey(offCurve)).rejects.toMatchObject({
      code: "invalid_tap_encryption_key",
    });
  });
});

/** The class of keys that passed the old start check and failed at the last step (issue 23, finding 4). */
describe("a client key is refused at start by the rules sealing applies", () => {
  const padded = (n: string, zeros: number) =>
    Buffer.concat([Buffer.alloc(zeros), Buffer.from(n, "base64url")]).toString("base64url");
  const cases: [string, () => JWK, string][] = [
    [
      "an RSA-1024 modulus left-padded with zero bytes to 2048 bits",
      () => ({ ...rsa1024, n: padded(rsa1024.n!, 128) }),
      "leading zero",
    ],
    [
      "an RSA-2048 modulus with one zero byte in front",
      () => ({ ...rsa.publicJwk, n: padded(rsa.publicJwk.n!, 1) }),
      "leading zero",
    ],
    ["an RSA key below 2048 bits", () => rsa1024, "2048"],
    [
      "an oversized RSA modulus (8192 bits)",
      () => ({ ...rsa.publicJwk, n: Buffer.alloc(1024, 0xff).toString("base64url") }),
      "4096",
    ],
    ["an even public exponent", () => ({ ...rsa.publicJwk, e: "AQAA" }), "odd public exponent"],
    ["a zero-padded public exponent", () => ({ ...rsa.publicJwk, e: "AAEAAQ" }), "minimally"],
    ["the wrong kty", () => ({ ...ec.publicJwk, kty: "OKP" }), "kty"],
    ["an unsupported curve", () => ({ ...ec.publicJwk, crv: "secp256k1" }), "crv"],
    ["an RSA key with EC members", () => ({ ...rsa.publicJwk, crv: "P-256" }), "incomplete"],
    ["a signing alg", () => ({ ...rsa.publicJwk, alg: "RS256" }), "alg must be RSA-OAEP-256"],
    ["another encryption alg", () => ({ ...ec.publicJwk, alg: "ECDH-ES" }), "alg must be ECDH-ES+A256KW"],
    ["use: sig", () => ({ ...rsa.publicJwk, use: "sig" }), "use"],
    ["key_ops: verify", () => ({ ...rsa.publicJwk, key_ops: ["verify"] }), "key_ops"],
    ["key_ops that allow nothing (RSA)", () => ({ ...rsa.publicJwk, key_ops: [] }), "key_ops"],
    ["private material (d)", () => rsaPrivateJwk, "private"],
    ["private material (k)", () => ({ ...ec.publicJwk, k: "AAAA" }), "private"],
    ["an unknown member", () => ({ ...ec.publicJwk, x5u: "https://evil.example/k" }), "unknown member"],
    [
      "an EC coordinate one byte short",
      () => ({ ...ec.publicJwk, x: ec.publicJwk.x!.slice(0, 40) }),
      "32 bytes",
    ],
    [
      "a coordinate that is not base64url",
      () => ({ ...ec.publicJwk, x: `${ec.publicJwk.x!.slice(0, 42)}+` }),
      "base64url",
    ],
  ];

  it.each(cases)("%s", (_what, key, message) => {
    const result = clientJwkSchema.safeParse(key());
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(message);
  });

  it("an EC point that is not on its curve passes the shape and is refused by the probe seal", async () => {
    const y = Buffer.from(ec.publicJwk.y!, "base64url");
    y[31] = y[31]! ^ 1;
    const offCurve = clientJwk({ ...ec.publicJwk, y: y.toString("base64url") });
    await expect(assertUsableClientKey(offCurve)).rejects.toMatchObject({
      code: "invalid_tap_encryption_key",
    });
  });

  it("keys as WebCrypto and platforms export them are accepted", async () => {
    for (const key of [
      { ...rsa.publicJwk, alg: "RSA-OAEP-256", use: "enc", key_ops: ["encrypt"], ext: true },
      { ...ec.publicJwk, key_ops: [], ext: true },
      { ...ec.publicJwk, alg: "ECDH-ES+A256KW", kid: "k1" },
    ]) {
      await expect(assertUsableClientKey(clientJwk(key as JWK))).resolves.toBeUndefined();
    }
  });
});
