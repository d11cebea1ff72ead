/**
 * The building blocks of self-validation, without I/O: did:web URLs, the JWS header and
 * algorithm rules (keys from did:jwk, which resolves in place), and status-list bits.
 */
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { keyPair } from "../../dev/support/keyPairs";
import { DidResolver, didWebUrl } from "../../src/verified-id/didWeb";
import { verifyJwsByDid } from "../../src/verified-id/jws";
import { bitAt, decodeEncodedList, parseStatusEntry } from "../../src/verified-id/statusList";
import { b64url as b64, signCompactJws as signed } from "../support/jws";

function didJwk(kind: "ed25519" | "secp256k1" | "P-256") {
  const pair = keyPair(kind);
  const did = `did:jwk:${b64(pair.publicKey.export({ format: "jwk" }))}`;
  return { did, kid: `${did}#0`, key: pair.privateKey };
}

const resolver = new DidResolver();
const payload = { iss: "x", nonce: "n" };

describe("verifyJwsByDid", () => {
  const holder = didJwk("ed25519");

  it("verifies an EdDSA token signed by the DID's key", async () => {
    const token = signed({ alg: "EdDSA", kid: holder.kid }, payload, holder.key);
    expect((await verifyJwsByDid(token, holder.did, resolver, "authentication")).payload).toEqual(payload);
  });

  it("verifies ES256K (secp256k1) and ES256 (P-256) tokens", async () => {
    for (const [kind, alg] of [
      ["secp256k1", "ES256K"],
      ["P-256", "ES256"],
    ] as const) {
      const signer = didJwk(kind);
      const token = signed({ alg, kid: signer.kid }, payload, signer.key);
      expect((await verifyJwsByDid(token, signer.did, resolver, "authentication")).payload).toEqual(payload);
    }
  });

  it.each<[string, () => string, string]>([
    ["alg none", () => `${b64({ alg: "none" })}.${b64(payload)}.`, "algorithm_not_allowed"],
    [
      "an unlisted algorithm (HS256)",
      () => signed({ alg: "HS256", kid: holder.kid }, payload, holder.key),
      "algorithm_not_allowed",
    ],
    ["no alg", () => signed({ kid: holder.kid }, payload, holder.key), "algorithm_not_allowed"],
    [
      "an embedded jwk",
      () => signed({ alg: "EdDSA", kid: holder.kid, jwk: {} }, payload, holder.key),
      "embedded_key",
    ],
    [
      "a jku header",
      () => signed({ alg: "EdDSA", kid: holder.kid, jku: "https://x" }, payload, holder.key),
      "embedded_key",
    ],
    [
      "a crit header",
      () => signed({ alg: "EdDSA", kid: holder.kid, crit: ["exp"] }, payload, holder.key),
      "crit_unsupported",
    ],
    ["a missing kid", () => signed({ alg: "EdDSA" }, payload, holder.key), "kid_foreign"],
    [
      "a kid of another DID",
      () => {
        const other = didJwk("ed25519");
        return signed({ alg: "EdDSA", kid: other.kid }, payload, other.key);
      },
      "kid_foreign",
    ],
    [
      "a key of another type than alg says",
      () => signed({ alg: "ES256", kid: holder.kid }, payload, holder.key),
      "key_mismatch",
    ],
    [
      "a changed payload",
      () => {
        const [h, , s] = signed({ alg: "EdDSA", kid: holder.kid }, payload, holder.key).split(".");
        return `${h}.${b64({ ...payload, nonce: "m" })}.${s}`;
      },
      "signature_invalid",
    ],
    ["not a compact JWS", () => "abc.def", "malformed"],
    ["a token over 64 KiB", () => `${"a".repeat(64 * 1024)}.b.c`, "too_large"],
  ])("refuses %s", async (_name, token, reason) => {
    await expect(verifyJwsByDid(token(), holder.did, resolver, "authentication")).rejects.toMatchObject({
      reason,
    });
  });
});

describe("didWebUrl", () => {
  it.each([
    ["did:web:example.com", "https://example.com/.well-known/did.json"],
    ["did:web:example.com:issuers:idv", "https://example.com/issuers/idv/did.json"],
    ["did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"],
  ])("%s → %s", (did, url) => {
    expect(didWebUrl(did).toString()).toBe(url);
  });

  it("uses http only for the loopback name localhost, and only when allowed", () => {
    expect(didWebUrl("did:web:localhost%3A7083:issuers:es256", true).toString()).toBe(
      "http://localhost:7083/issuers/es256/did.json",
    );
    expect(() => didWebUrl("did:web:localhost%3A7083", false)).toThrow();
    expect(didWebUrl("did:web:example.com", true).protocol).toBe("https:");
  });

  it.each(["did:web:evil.com%2Fpath", "did:web:user%40host", "did:web:host:..", "did:web:", "did:ion:abc"])(
    "refuses %s",
    (did) => {
      expect(() => didWebUrl(did)).toThrow();
    },
  );
});

describe("status lists", () => {
  it("reads bits most significant first", () => {
    const list = Uint8Array.from([0b1000_0001, 0b0100_0000]);
    expect([0, 1, 6, 7, 8, 9].map((i) => bitAt(list, i))).toEqual([true, false, false, true, false, true]);
    expect(() => bitAt(list, 16)).toThrow();
  });

  it("decodes a gzipped base64url list, with or without the multibase prefix", () => {
    const encoded = gzipSync(Buffer.from([0, 0x20])).toString("base64url");
    expect(bitAt(decodeEncodedList(encoded), 10)).toBe(true);
    expect(bitAt(decodeEncodedList(`u${encoded}`), 10)).toBe(true);
    expect(() => decodeEncodedList("not gzip")).toThrow();
  });

  const entry = {
    type: "StatusList2021Entry",
    statusPurpose: "revocation",
    statusListIndex: "42",
    statusListCredential: "https://issuer.example/status/1",
  };

  it("accepts a revocation entry over https", () => {
    expect(parseStatusEntry(entry, false).statusListIndex).toBe(42);
  });

  it.each<[string, unknown]>([
    ["no entry", undefined],
    ["an unknown type", { ...entry, type: "RevocationList2020Status" }],
    ["a suspension entry", { ...entry, statusPurpose: "suspension" }],
    ["a negative index", { ...entry, statusListIndex: "-1" }],
    ["a non-numeric index", { ...entry, statusListIndex: "x" }],
    ["an http list", { ...entry, statusListCredential: "http://issuer.example/status/1" }],
    [
      "an http loopback list when not allowed",
      { ...entry, statusListCredential: "http://localhost/status/1" },
    ],
  ])("refuses %s", (_name, e) => {
    expect(() => parseStatusEntry(e, false)).toThrow();
  });

  it("accepts an http loopback list only when allowed", () => {
    expect(
      parseStatusEntry({ ...entry, statusListCredential: "http://localhost:1/s" }, true).statusListIndex,
    ).toBe(42);
  });
});
