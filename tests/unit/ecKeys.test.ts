/**
 * EC key pairs made in place (src/tap/ecKeys.ts), used for every ECDH-ES seal's ephemeral key:
 * the JWK pair is one key, on its curve, with coordinates and `d` at the curve's full length.
 */
import { createPrivateKey, createPublicKey, diffieHellman } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ecJwkPair, ephemeralEcdhKey, fixedLength } from "../../src/tap/ecKeys";

const SIZES = { "P-256": 32, "P-384": 48, secp256k1: 32 } as const;

describe("EC key pairs made without Node's key-generation job", () => {
  it("keeps leading zero bytes of the private scalar (getPrivateKey drops them)", () => {
    expect(Buffer.from(fixedLength(Buffer.from([1, 2]), 4), "base64url")).toEqual(Buffer.from([0, 0, 1, 2]));
    expect(Buffer.from(fixedLength(Buffer.alloc(32, 7), 32), "base64url")).toEqual(Buffer.alloc(32, 7));
  });

  for (const crv of ["P-256", "P-384", "secp256k1"] as const) {
    it(`makes ${crv} pairs whose private half derives the public half, at full length`, () => {
      for (let i = 0; i < 20; i++) {
        const { privateJwk, publicJwk } = ecJwkPair(crv);
        for (const part of [privateJwk.x, privateJwk.y, privateJwk.d])
          expect(Buffer.from(part ?? "", "base64url")).toHaveLength(SIZES[crv]);
        const derived = createPublicKey(createPrivateKey({ format: "jwk", key: privateJwk })).export({
          format: "jwk",
        });
        expect(derived).toEqual(publicJwk);
      }
    });
  }

  it("two parties agree through the pairs (ECDH works on them)", () => {
    const a = ecJwkPair("P-256");
    const b = ecJwkPair("P-256");
    const ab = diffieHellman({
      privateKey: createPrivateKey({ format: "jwk", key: a.privateJwk }),
      publicKey: createPublicKey({ format: "jwk", key: b.publicJwk }),
    });
    const ba = diffieHellman({
      privateKey: createPrivateKey({ format: "jwk", key: b.privateJwk }),
      publicKey: createPublicKey({ format: "jwk", key: a.publicJwk }),
    });
    expect(ab.equals(ba)).toBe(true);
  });

  it("gives jose an extractable ECDH key for the epk header", async () => {
    const key = await ephemeralEcdhKey("P-384");
    expect(key.extractable).toBe(true);
    expect(key.algorithm).toMatchObject({ name: "ECDH", namedCurve: "P-384" });
  });
});
