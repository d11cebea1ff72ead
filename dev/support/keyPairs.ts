/**
 * Key pairs for the simulators, the local stack, the bench and the tests, made so that using
 * them cannot deadlock Node.
 *
 * A key object that Node's key-generation job made shares that job's mutex; exporting the key
 * (JWK, PEM, what jose's `exportJWK` does) holds the mutex while it allocates, and a garbage
 * collection started by that allocation may destroy the job, whose destructor takes the same
 * mutex: the thread waits on itself (src/tap/ecKeys.ts has the stack a test worker was found
 * in). Here the job encodes the key as DER before it returns and the key objects we hand out
 * are imported from those bytes, so no job shares a mutex with them.
 *
 * Lint (Biome `noRestrictedImports`) keeps `generateKeyPair*` of node:crypto and jose out of
 * every other file. `src/` makes no key pairs but EC ones, with src/tap/ecKeys.ts.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

export type KeyPairKind = "rsa" | "rsa-1024" | "ed25519" | "P-256" | "secp256k1";

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function encoded(kind: KeyPairKind): { privateKey: Buffer; publicKey: Buffer } {
  const publicKeyEncoding = { type: "spki", format: "der" } as const;
  const privateKeyEncoding = { type: "pkcs8", format: "der" } as const;
  switch (kind) {
    case "rsa":
    case "rsa-1024": {
      const modulusLength = kind === "rsa" ? 2048 : 1024;
      return generateKeyPairSync("rsa", { modulusLength, publicKeyEncoding, privateKeyEncoding });
    }
    case "ed25519":
      return generateKeyPairSync("ed25519", { publicKeyEncoding, privateKeyEncoding });
    case "P-256":
    case "secp256k1":
      return generateKeyPairSync("ec", { namedCurve: kind, publicKeyEncoding, privateKeyEncoding });
  }
}

/** A fresh key pair of `kind`, imported from its DER encoding (see the header for why). */
export function keyPair(kind: KeyPairKind): KeyPair {
  const der = encoded(kind);
  return {
    privateKey: createPrivateKey({ key: der.privateKey, format: "der", type: "pkcs8" }),
    publicKey: createPublicKey({ key: der.publicKey, format: "der", type: "spki" }),
  };
}
