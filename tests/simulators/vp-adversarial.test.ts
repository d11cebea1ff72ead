/**
 * Adversarial corpus for self-validation (issue 15, finding 6): VP/VC tokens signed in this
 * test with ES256 (P-256), EdDSA (Ed25519) and ES256K (secp256k1) keys, whose did:web
 * documents and status lists a local server publishes on loopback (as `localhost`: did:web names
 * no IP address). Each row bends one thing — a signature, a key's purpose, a header, a DID
 * document, a status list, the DID itself — and must be refused with its own stable reason; the
 * honest rows pass. The did:web table at the end is refused before any network access.
 */
import type { KeyObject } from "node:crypto";
import { createServer } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { close, listen, sendJson } from "../../dev/simulators/http";
import { keyPair } from "../../dev/support/keyPairs";
import { DidResolver, didWebUrl, parseDidWeb } from "../../src/verified-id/didWeb";
import { type VpExpectations, validatePresentation } from "../../src/verified-id/vpValidation";
import { b64url as b64, signCompactJws as jws } from "../support/jws";

type Alg = "ES256" | "EdDSA" | "ES256K";
const NOW = new Date("2026-06-01T12:00:00.000Z");
const T = Math.floor(NOW.getTime() / 1000);
const VERIFIER = "did:web:recovery.contoso.example";
const NONCE = "nonce-of-this-request";

function keyPairFor(alg: Alg) {
  return keyPair(alg === "EdDSA" ? "ed25519" : alg === "ES256" ? "P-256" : "secp256k1");
}

// --- the local did:web host ---
const served = new Map<string, { type: "json"; body: unknown } | { type: "jwt"; body: string }>();
let server: ReturnType<typeof createServer>;
let base = "";
let hostPort = "";

beforeAll(async () => {
  server = createServer((req, res) => {
    const entry = served.get((req.url ?? "").split("?")[0] ?? "");
    if (!entry) return sendJson(res, 404, { error: "notFound" });
    if (entry.type === "json") return sendJson(res, 200, entry.body);
    res.writeHead(200, { "Content-Type": "application/jwt" });
    res.end(entry.body);
  });
  const url = await listen(server);
  base = `http://localhost:${new URL(url).port}`;
  hostPort = `localhost%3A${new URL(url).port}`;
});
afterAll(() => close(server));

interface Issuer {
  name: string;
  alg: Alg;
  did: string;
  kid: string;
  key: KeyObject;
  jwk: Record<string, unknown>;
  listUrl: string;
}

let counter = 0;
/** A fresh issuer with its own DID document (shape adjustable) under a unique path. */
function issuer(alg: Alg, doc?: (did: string, vm: Record<string, unknown>, kid: string) => unknown): Issuer {
  const name = `i${++counter}`;
  const did = `did:web:${hostPort}:issuers:${name}`;
  const kid = `${did}#key-1`;
  const pair = keyPairFor(alg);
  const jwk = pair.publicKey.export({ format: "jwk" }) as Record<string, unknown>;
  const vm = { id: kid, type: "JsonWebKey2020", controller: did, publicKeyJwk: jwk };
  const document = doc ? doc(did, vm, kid) : { id: did, verificationMethod: [vm], assertionMethod: [kid] };
  served.set(`/issuers/${name}/did.json`, { type: "json", body: document });
  return { name, alg, did, kid, key: pair.privateKey, jwk, listUrl: `${base}/status/${name}` };
}

interface ListOptions {
  revoked?: number[];
  type?: string[];
  subjectType?: string;
  purpose?: string;
  id?: string | null;
  iss?: string;
  nbf?: number;
  exp?: number;
  signer?: { key: KeyObject; alg: Alg; kid: string };
  /** Serve nothing (404). */
  absent?: boolean;
}

/** Publishes the issuer's status list (a JWT VC) at its URL. */
function publishList(i: Issuer, o: ListOptions = {}): void {
  if (o.absent) return;
  const bits = Buffer.alloc(16 * 1024);
  for (const index of o.revoked ?? []) bits[index >> 3] = (bits[index >> 3] ?? 0) | (1 << (7 - (index & 7)));
  const signer = o.signer ?? i;
  const token = jws(
    { alg: signer.alg, typ: "JWT", kid: signer.kid },
    {
      iss: o.iss ?? i.did,
      iat: T - 60,
      nbf: o.nbf ?? T - 60,
      ...(o.exp !== undefined ? { exp: o.exp } : {}),
      vc: {
        ...(o.id === null ? {} : { id: o.id ?? i.listUrl }),
        type: o.type ?? ["VerifiableCredential", "StatusList2021Credential"],
        credentialSubject: {
          id: `${i.listUrl}#list`,
          type: o.subjectType ?? "StatusList2021",
          statusPurpose: o.purpose ?? "revocation",
          encodedList: gzipSync(bits).toString("base64url"),
        },
      },
    },
    signer.key,
  );
  served.set(new URL(i.listUrl).pathname, { type: "jwt", body: token });
}

const holderPair = keyPair("ed25519");
const holderJwk = holderPair.publicKey.export({ format: "jwk" }) as Record<string, unknown>;
const HOLDER = `did:jwk:${b64(holderJwk)}`;

interface VcOptions {
  header?: Record<string, unknown>;
  payload?: Record<string, unknown>;
  vc?: Record<string, unknown>;
  status?: Record<string, unknown>;
  key?: KeyObject;
}

function vcToken(i: Issuer, o: VcOptions = {}): string {
  return jws(
    { alg: i.alg, typ: "JWT", kid: i.kid, ...o.header },
    {
      iss: i.did,
      sub: HOLDER,
      nbf: T - 3600,
      exp: T + 365 * 86_400,
      vc: {
        type: ["VerifiableCredential", "VerifiedIdentity"],
        credentialSubject: { firstName: "Adele", lastName: "Vance" },
        credentialStatus: {
          type: "StatusList2021Entry",
          statusPurpose: "revocation",
          statusListIndex: "5",
          statusListCredential: i.listUrl,
          ...o.status,
        },
        ...o.vc,
      },
      ...o.payload,
    },
    o.key ?? i.key,
  );
}

function vpToken(
  vcs: string[],
  o: { payload?: Record<string, unknown>; holder?: { did: string; key: KeyObject } } = {},
): string {
  const holder = o.holder ?? { did: HOLDER, key: holderPair.privateKey };
  return jws(
    { alg: "EdDSA", typ: "JWT", kid: `${holder.did}#0` },
    {
      iss: holder.did,
      aud: VERIFIER,
      nonce: NONCE,
      iat: T - 5,
      exp: T + 600,
      vp: { type: ["VerifiablePresentation"], verifiableCredential: vcs },
      ...o.payload,
    },
    holder.key,
  );
}

const expectations = (acceptedIssuers: string[]): VpExpectations => ({
  verifierDid: VERIFIER,
  nonce: NONCE,
  acceptedIssuers,
  requiredType: "VerifiedIdentity",
  now: NOW,
});

/** What one row builds: the VP token and the issuers to accept. */
type Build = () => { vp: unknown; accept: string[] };

/** An honest issuer of `alg` with its list, and a VC of it shaped by `o`. */
function honest(alg: Alg, o: VcOptions = {}, list: ListOptions = {}): { i: Issuer; vc: string } {
  const i = issuer(alg);
  publishList(i, list);
  return { i, vc: vcToken(i, o) };
}
const one =
  (alg: Alg, o: VcOptions = {}, list: ListOptions = {}): Build =>
  () => {
    const { i, vc } = honest(alg, o, list);
    return { vp: vpToken([vc]), accept: [i.did] };
  };
/** An issuer whose DID document is shaped by `doc`, with an honest list and VC. */
const withDoc =
  (
    alg: Alg,
    doc: (did: string, vm: Record<string, unknown>, kid: string) => unknown,
    o: VcOptions = {},
  ): Build =>
  () => {
    const i = issuer(alg, doc);
    publishList(i);
    return { vp: vpToken([vcToken(i, o)]), accept: [i.did] };
  };
const tamperPayload = (token: string, change: (p: Record<string, unknown>) => void): string => {
  const [h, p, s] = token.split(".") as [string, string, string];
  const payload = JSON.parse(Buffer.from(p, "base64url").toString()) as Record<string, unknown>;
  change(payload);
  return `${h}.${b64(payload)}.${s}`;
};
const other = (alg: Alg) => keyPairFor(alg).privateKey;

async function run(build: Build) {
  const { vp, accept } = build();
  return validatePresentation(
    vp as string,
    expectations(accept),
    new DidResolver({ allowHttpLoopback: true }),
  );
}

describe("honest presentations pass", () => {
  it.each<[string, Build]>([
    ["an ES256 (P-256) issuer", one("ES256")],
    ["an EdDSA (Ed25519) issuer", one("EdDSA")],
    ["an ES256K (secp256k1) issuer", one("ES256K")],
    [
      "a Bitstring status list",
      one(
        "ES256",
        { status: { type: "BitstringStatusListEntry" } },
        {
          type: ["VerifiableCredential", "BitstringStatusListCredential"],
          subjectType: "BitstringStatusList",
        },
      ),
    ],
    [
      "a key embedded in assertionMethod",
      withDoc("ES256", (did, vm) => ({ id: did, assertionMethod: [vm] })),
    ],
    [
      "a bare-fragment kid",
      withDoc("EdDSA", (did, vm) => ({ id: did, verificationMethod: [vm], assertionMethod: ["#key-1"] }), {
        header: { kid: "#key-1" },
      }),
    ],
  ])("%s", async (_what, build) => {
    expect(await run(build)).toMatchObject({ ok: true, claims: { firstName: "Adele", lastName: "Vance" } });
  });
});

// [what, build, code, reason]
const TOKEN_CASES: Array<[string, Build, string, string]> = [
  // Tampered tokens: the signature no longer covers what is read.
  ...(["ES256", "EdDSA", "ES256K"] as const).map((alg): [string, Build, string, string] => [
    `an ${alg} VC whose names were changed after signing`,
    () => {
      const { i, vc } = honest(alg);
      return {
        vp: vpToken([tamperPayload(vc, (p) => Object.assign(p, { sub: HOLDER, exp: T + 999 }))]),
        accept: [i.did],
      };
    },
    "credential_invalid",
    "vc_signature_invalid",
  ]),
  [
    "an ES256K VC with one signature byte flipped",
    () => {
      const { i, vc } = honest("ES256K");
      const sig = Buffer.from(vc.split(".")[2]!, "base64url");
      sig[10] = (sig[10] ?? 0) ^ 1;
      return {
        vp: vpToken([`${vc.split(".").slice(0, 2).join(".")}.${sig.toString("base64url")}`]),
        accept: [i.did],
      };
    },
    "credential_invalid",
    "vc_signature_invalid",
  ],
  [
    "a VP whose nonce was changed after signing",
    () => {
      const { i, vc } = honest("ES256");
      return { vp: tamperPayload(vpToken([vc]), (p) => Object.assign(p, { iat: T })), accept: [i.did] };
    },
    "presentation_rejected",
    "vp_signature_invalid",
  ],
  // Wrong key: the issuer's kid, another key's signature.
  ...(["ES256", "EdDSA", "ES256K"] as const).map((alg): [string, Build, string, string] => [
    `an ${alg} VC signed by a key that is not the issuer's`,
    one(alg, { key: other(alg) }),
    "credential_invalid",
    "vc_signature_invalid",
  ]),
  // Wrong purpose: a key that may authenticate the issuer may not sign its credentials.
  ...(["ES256", "EdDSA", "ES256K"] as const).map((alg): [string, Build, string, string] => [
    `an ${alg} VC signed with a key listed only under authentication`,
    withDoc(alg, (did, vm, kid) => ({ id: did, verificationMethod: [vm], authentication: [kid] })),
    "credential_invalid",
    "vc_key_wrong_purpose",
  ]),
  [
    "a VC signed with a key embedded in authentication only",
    withDoc("ES256", (did, vm) => ({ id: did, authentication: [vm] })),
    "credential_invalid",
    "vc_key_wrong_purpose",
  ],
  [
    "a VC signed with a key in no verification relationship",
    withDoc("ES256", (did, vm) => ({ id: did, verificationMethod: [vm] })),
    "credential_invalid",
    "vc_key_wrong_purpose",
  ],
  [
    "a VP signed by a holder key marked for encryption",
    () => {
      const { i } = honest("ES256");
      const pair = keyPair("ed25519");
      const did = `did:jwk:${b64({ ...pair.publicKey.export({ format: "jwk" }), use: "enc" })}`;
      const vcFor = vcToken(i, { payload: { sub: did } });
      return { vp: vpToken([vcFor], { holder: { did, key: pair.privateKey } }), accept: [i.did] };
    },
    "presentation_rejected",
    "vp_key_wrong_purpose",
  ],
  // Keys and headers.
  [
    "a kid the document does not hold",
    one("ES256", { header: { kid: "" } }),
    "credential_invalid",
    "vc_kid_foreign",
  ],
  [
    "a kid fragment that is not in the document",
    () => {
      const { i } = honest("ES256");
      return { vp: vpToken([vcToken(i, { header: { kid: `${i.did}#key-2` } })]), accept: [i.did] };
    },
    "credential_invalid",
    "vc_key_not_found",
  ],
  [
    "two verification methods with the same id",
    withDoc("ES256", (did, vm, kid) => ({
      id: did,
      verificationMethod: [
        vm,
        { ...vm, publicKeyJwk: keyPairFor("ES256").publicKey.export({ format: "jwk" }) },
      ],
      assertionMethod: [kid],
    })),
    "credential_invalid",
    "vc_key_duplicate",
  ],
  [
    "the same id listed and embedded with another key",
    withDoc("ES256", (did, vm) => ({
      id: did,
      verificationMethod: [vm],
      assertionMethod: [{ ...vm, publicKeyJwk: keyPairFor("ES256").publicKey.export({ format: "jwk" }) }],
    })),
    "credential_invalid",
    "vc_key_duplicate",
  ],
  [
    "a kid naming another DID's key",
    () => {
      const { i } = honest("ES256");
      const j = issuer("ES256");
      return { vp: vpToken([vcToken(i, { header: { kid: j.kid }, key: j.key })]), accept: [i.did] };
    },
    "credential_invalid",
    "vc_kid_foreign",
  ],
  [
    "alg none without a signature",
    () => {
      const { i, vc } = honest("ES256");
      const [, p] = vc.split(".");
      return { vp: vpToken([`${b64({ alg: "none", kid: i.kid })}.${p}.`]), accept: [i.did] };
    },
    "credential_invalid",
    "vc_algorithm_not_allowed",
  ],
  ["alg HS256", one("ES256", { header: { alg: "HS256" } }), "credential_invalid", "vc_algorithm_not_allowed"],
  ["alg ES384", one("ES256", { header: { alg: "ES384" } }), "credential_invalid", "vc_algorithm_not_allowed"],
  [
    "alg as a list",
    one("ES256", { header: { alg: ["ES256"] } }),
    "credential_invalid",
    "vc_algorithm_not_allowed",
  ],
  [
    "alg EdDSA over a P-256 key (kty mismatch)",
    one("ES256", { header: { alg: "EdDSA" } }),
    "credential_invalid",
    "vc_key_mismatch",
  ],
  [
    "alg ES256K over a P-256 key (crv mismatch)",
    one("ES256", { header: { alg: "ES256K" } }),
    "credential_invalid",
    "vc_key_mismatch",
  ],
  [
    "alg ES256 over a secp256k1 key (crv mismatch)",
    one("ES256K", { header: { alg: "ES256" } }),
    "credential_invalid",
    "vc_key_mismatch",
  ],
  [
    "a published key whose alg is another",
    withDoc("ES256", (did, vm, kid) => ({
      id: did,
      verificationMethod: [{ ...vm, publicKeyJwk: { ...(vm.publicKeyJwk as object), alg: "ES384" } }],
      assertionMethod: [kid],
    })),
    "credential_invalid",
    "vc_key_mismatch",
  ],
  [
    "a published key for encryption",
    withDoc("ES256", (did, vm, kid) => ({
      id: did,
      verificationMethod: [{ ...vm, publicKeyJwk: { ...(vm.publicKeyJwk as object), use: "enc" } }],
      assertionMethod: [kid],
    })),
    "credential_invalid",
    "vc_key_mismatch",
  ],
  ["b64: false", one("ES256", { header: { b64: false } }), "credential_invalid", "vc_b64_unsupported"],
  [
    "a crit header",
    one("ES256", { header: { crit: ["exp"], exp: 1 } }),
    "credential_invalid",
    "vc_crit_unsupported",
  ],
  [
    "a header-embedded jwk",
    () => {
      const { i } = honest("ES256");
      return { vp: vpToken([vcToken(i, { header: { jwk: i.jwk } })]), accept: [i.did] };
    },
    "credential_invalid",
    "vc_embedded_key",
  ],
  [
    "a jku header",
    one("ES256", { header: { jku: "https://evil.example/jwks" } }),
    "credential_invalid",
    "vc_embedded_key",
  ],
  [
    "an x5u header",
    one("EdDSA", { header: { x5u: "https://evil.example/cert" } }),
    "credential_invalid",
    "vc_embedded_key",
  ],
  // DID documents.
  [
    "a document that publishes a private key",
    () => {
      const i = issuer("ES256", (did, vm, kid) => ({
        id: did,
        verificationMethod: [{ ...vm, publicKeyJwk: { ...(vm.publicKeyJwk as object), d: "AAAA" } }],
        assertionMethod: [kid],
      }));
      publishList(i);
      return { vp: vpToken([vcToken(i)]), accept: [i.did] };
    },
    "credential_invalid",
    "vc_did_document_invalid",
  ],
  [
    "a document for another DID",
    withDoc("ES256", (did, vm, kid) => ({ id: `${did}x`, verificationMethod: [vm], assertionMethod: [kid] })),
    "credential_invalid",
    "vc_did_document_invalid",
  ],
  [
    "a document whose assertionMethod is not a list",
    withDoc("ES256", (did, vm, kid) => ({ id: did, verificationMethod: [vm], assertionMethod: kid })),
    "credential_invalid",
    "vc_did_document_invalid",
  ],
  [
    "no document at all",
    () => {
      const { i, vc } = honest("ES256");
      served.delete(`/issuers/${i.name}/did.json`);
      return { vp: vpToken([vc]), accept: [i.did] };
    },
    "credential_invalid",
    "vc_did_unresolvable",
  ],
  // Status lists: only the list the credential names, valid now, for revocation, by its issuer.
  ["a revoked credential", one("ES256", {}, { revoked: [5] }), "credential_revoked", "vc_revoked"],
  ["an ES256K revoked credential", one("ES256K", {}, { revoked: [5] }), "credential_revoked", "vc_revoked"],
  [
    "a status list that is not a status-list credential",
    one("ES256", {}, { type: ["VerifiableCredential", "VerifiedIdentity"] }),
    "credential_invalid",
    "vc_status_list_wrong_type",
  ],
  [
    "a status list whose subject is another kind",
    one("ES256", {}, { subjectType: "BitstringStatusList" }),
    "credential_invalid",
    "vc_status_list_wrong_type",
  ],
  [
    "a Bitstring entry pointing at a StatusList2021 list",
    one("ES256", { status: { type: "BitstringStatusListEntry" } }),
    "credential_invalid",
    "vc_status_list_wrong_type",
  ],
  [
    "a suspension list for a revocation entry",
    one("ES256", {}, { purpose: "suspension" }),
    "credential_invalid",
    "vc_status_list_wrong_purpose",
  ],
  [
    "an expired status list",
    one("ES256", {}, { exp: T - 3600 }),
    "credential_invalid",
    "vc_status_list_expired",
  ],
  [
    "a status list not valid yet",
    one("EdDSA", {}, { nbf: T + 3600 }),
    "credential_invalid",
    "vc_status_list_not_yet_valid",
  ],
  [
    "a stale copy of another list served at the credential's URL",
    one("ES256", {}, { id: "https://issuer.example/status/old" }),
    "credential_invalid",
    "vc_status_list_not_named",
  ],
  [
    "a status list without an id",
    one("ES256", {}, { id: null }),
    "credential_invalid",
    "vc_status_list_not_named",
  ],
  [
    "a status list signed by another issuer",
    () => {
      const i = issuer("ES256");
      const foreign = issuer("ES256");
      publishList(i, { iss: foreign.did, signer: foreign });
      return { vp: vpToken([vcToken(i)]), accept: [i.did, foreign.did] };
    },
    "credential_invalid",
    "vc_status_list_signature_invalid",
  ],
  [
    "a status list signed by the issuer but naming another issuer",
    () => {
      const i = issuer("ES256");
      publishList(i, { iss: "did:web:other.example" });
      return { vp: vpToken([vcToken(i)]), accept: [i.did] };
    },
    "credential_invalid",
    "vc_status_list_foreign_issuer",
  ],
  [
    "a status list signed with the issuer's authentication-only key",
    () => {
      const auth = keyPairFor("ES256");
      const authJwk = auth.publicKey.export({ format: "jwk" });
      const i = issuer("ES256", (did, vm, kid) => ({
        id: did,
        verificationMethod: [vm, { id: `${did}#auth`, controller: did, publicKeyJwk: authJwk }],
        assertionMethod: [kid],
        authentication: [`${did}#auth`],
      }));
      publishList(i, { signer: { key: auth.privateKey, alg: "ES256", kid: `${i.did}#auth` } });
      return { vp: vpToken([vcToken(i)]), accept: [i.did] };
    },
    "credential_invalid",
    "vc_status_list_signature_invalid",
  ],
  [
    "an unavailable status list",
    one("ES256", {}, { absent: true }),
    "credential_invalid",
    "vc_status_list_unavailable",
  ],
  ...(
    [
      ["a dotted IPv4", "http://127.0.0.1:1/status"],
      ["a decimal IPv4", "https://2130706433/status"],
      ["a hex IPv4", "https://0x7f000001/status"],
      ["a bracketed IPv6", "https://[::1]/status"],
      ["an IPv4-mapped IPv6", "https://[::ffff:169.254.169.254]/status"],
      ["userinfo", "https://user:pass@issuer.example/status"],
      ["a .localhost name", "https://app.localhost/status"],
      ["plain http off loopback", "http://issuer.example/status"],
    ] as const
  ).map(([what, url]): [string, Build, string, string] => [
    `a status entry naming ${what}`,
    one("ES256", { status: { statusListCredential: url } }),
    "credential_invalid",
    "vc_status_entry_invalid",
  ]),
  // The presentation around it.
  [
    "a VP token over 64 KiB",
    () => ({ vp: `${"a".repeat(64 * 1024)}.b.c`, accept: [] }),
    "presentation_rejected",
    "vp_too_large",
  ],
  [
    "a VP token that is not a string",
    () => ({ vp: { token: "x" }, accept: [] }),
    "presentation_rejected",
    "vp_too_large",
  ],
  [
    "a VP for another verifier",
    () => {
      const { i, vc } = honest("ES256");
      return { vp: vpToken([vc], { payload: { aud: "did:web:evil.example" } }), accept: [i.did] };
    },
    "presentation_rejected",
    "vp_audience_mismatch",
  ],
  [
    "a VP with another request's nonce",
    () => {
      const { i, vc } = honest("ES256");
      return { vp: vpToken([vc], { payload: { nonce: "other" } }), accept: [i.did] };
    },
    "presentation_rejected",
    "vp_nonce_mismatch",
  ],
  [
    "a VP holding two credentials",
    () => {
      const { i, vc } = honest("ES256");
      return { vp: vpToken([vc, vc]), accept: [i.did] };
    },
    "credential_invalid",
    "vp_credential_count",
  ],
  [
    "a VC of an issuer not accepted",
    () => {
      const { vc } = honest("ES256");
      return { vp: vpToken([vc]), accept: ["did:web:idv.demo.example"] };
    },
    "credential_invalid",
    "vc_issuer_not_accepted",
  ],
  [
    "a VC whose type is the bare string",
    one("ES256", { vc: { type: "VerifiedIdentity" } }),
    "credential_invalid",
    "vc_type_missing",
  ],
  [
    "a VC whose type only contains the name",
    one("ES256", { vc: { type: ["VerifiableCredential", "VerifiedIdentityPlus"] } }),
    "credential_invalid",
    "vc_type_missing",
  ],
  [
    "a VC with 1,000 types",
    one("ES256", { vc: { type: new Array(1000).fill("VerifiedIdentity") } }),
    "credential_invalid",
    "vc_type_invalid",
  ],
  [
    "a VC for another holder",
    one("ES256", { payload: { sub: "did:jwk:someone-else" } }),
    "credential_invalid",
    "vc_subject_mismatch",
  ],
  ["an expired VC", one("EdDSA", { payload: { exp: T - 3600 } }), "credential_expired", "vc_expired"],
  [
    "a VC whose issuer DID names an IP address (accepted by mistake)",
    () => {
      const did = "did:web:127.0.0.1%3A1:issuers:x";
      const pair = keyPairFor("ES256");
      const vc = jws(
        { alg: "ES256", kid: `${did}#key-1` },
        { iss: did, sub: HOLDER, exp: T + 3600, vc: { type: ["VerifiedIdentity"] } },
        pair.privateKey,
      );
      return { vp: vpToken([vc]), accept: [did] };
    },
    "credential_invalid",
    "vc_did_web_ip_address",
  ],
];

describe("self-validation, adversarial tokens", () => {
  it.each(TOKEN_CASES)("refuses %s", async (_what, build, code, reason) => {
    expect(await run(build)).toMatchObject({ ok: false, code, reason });
  });
});

// [did, reason] — refused by the parser, before any cache or network access.
const DID_CASES: Array<[string, string]> = [
  // IP addresses in every notation a URL parser or resolver accepts.
  ["did:web:127.0.0.1", "did_web_ip_address"],
  ["did:web:127.1", "did_web_ip_address"],
  ["did:web:127.0.1", "did_web_ip_address"],
  ["did:web:2130706433", "did_web_ip_address"],
  ["did:web:0x7f000001", "did_web_ip_address"],
  ["did:web:0X7F000001", "did_web_ip_address"],
  ["did:web:0x7f.0.0.1", "did_web_ip_address"],
  ["did:web:0177.0.0.1", "did_web_ip_address"],
  ["did:web:017700000001", "did_web_ip_address"],
  ["did:web:0", "did_web_ip_address"],
  ["did:web:10.0.0.1", "did_web_ip_address"],
  ["did:web:169.254.169.254", "did_web_ip_address"],
  ["did:web:192.168.1.1:issuers:x", "did_web_ip_address"],
  ["did:web:1.2.3.4%3A443", "did_web_ip_address"],
  ["did:web:example.0x10", "did_web_ip_address"],
  ["did:web:foo.123", "did_web_ip_address"],
  ["did:web:[::1]", "did_web_ip_address"],
  ["did:web:%5B%3A%3A1%5D", "did_web_ip_address"],
  ["did:web:%5B::1%5D", "did_web_ip_address"],
  ["did:web:%5B%3A%3Affff%3A127.0.0.1%5D", "did_web_ip_address"],
  ["did:web:%5B%3A%3Affff%3A7f00%3A1%5D%3A8443", "did_web_ip_address"],
  ["did:web:%5Bfe80%3A%3A1%2525eth0%5D", "did_web_ip_address"],
  ["did:web:%3A%3A1", "did_web_ip_address"],
  ["did:web:%31%32%37.0.0.1", "did_web_ip_address"],
  ["did:web:127%2E0%2E0%2E1", "did_web_ip_address"],
  // Hosts that are not a public DNS name, or not in the one canonical spelling.
  ["did:web:localhost", "did_web_host_invalid"],
  ["did:web:localhost%3A8443", "did_web_host_invalid"],
  ["did:web:app.localhost", "did_web_host_invalid"],
  ["did:web:Example.com", "did_web_host_invalid"],
  ["did:web:EXAMPLE.COM", "did_web_host_invalid"],
  ["did:web:exämple.com", "did_web_host_invalid"],
  ["did:web:еxample.com", "did_web_host_invalid"],
  ["did:web:example", "did_web_host_invalid"],
  ["did:web:-example.com", "did_web_host_invalid"],
  ["did:web:example-.com", "did_web_host_invalid"],
  ["did:web:exa_mple.com", "did_web_host_invalid"],
  ["did:web:a..example.com", "did_web_host_invalid"],
  ["did:web:example.com.", "did_web_host_invalid"],
  [`did:web:${"a".repeat(64)}.example.com`, "did_web_host_invalid"],
  ["did:web:", "did_web_host_invalid"],
  ["did:web:%3A443", "did_web_host_invalid"],
  // Percent-encoding other than the port separator, userinfo, path or query in the host.
  ["did:web:user%40example.com", "did_web_invalid"],
  ["did:web:example.com%2Fpath", "did_web_invalid"],
  ["did:web:example.com%3Fq", "did_web_invalid"],
  ["did:web:example.com%23frag", "did_web_invalid"],
  ["did:web:ex%61mple.com", "did_web_invalid"],
  ["did:web:example.com%E0%A4%A", "did_web_invalid"],
  ["did:web:example.com%", "did_web_invalid"],
  [`did:web:example.com:${"a".repeat(600)}`, "did_web_invalid"],
  // Ports.
  ["did:web:example.com%3A0", "did_web_port_invalid"],
  ["did:web:example.com%3A65536", "did_web_port_invalid"],
  ["did:web:example.com%3A08443", "did_web_port_invalid"],
  ["did:web:example.com%3Ahttps", "did_web_port_invalid"],
  ["did:web:example.com%3A", "did_web_port_invalid"],
  ["did:web:example.com%3A443%3A80", "did_web_ip_address"],
  // Path segments.
  ["did:web:example.com:..", "did_web_path_invalid"],
  ["did:web:example.com:.", "did_web_path_invalid"],
  ["did:web:example.com::x", "did_web_path_invalid"],
  ["did:web:example.com:a%2F..%2Fb", "did_web_path_invalid"],
  ["did:web:example.com:%2E%2E", "did_web_path_invalid"],
  ["did:web:example.com:a%5Cb", "did_web_path_invalid"],
  ["did:web:example.com:a/b", "did_web_path_invalid"],
  ["did:web:example.com:a?b", "did_web_path_invalid"],
  ["did:web:example.com:a#b", "did_web_path_invalid"],
  ["did:web:example.com:issuers:", "did_web_path_invalid"],
  // Not a did:web.
  ["did:ion:abc", "did_unsupported"],
  ["did:webs:example.com", "did_unsupported"],
  ["DID:WEB:example.com", "did_unsupported"],
];

describe("did:web identifiers, refused without resolution", () => {
  it.each(DID_CASES)("%s → %s", async (did, reason) => {
    expect(() => parseDidWeb(did)).toThrow(expect.objectContaining({ name: "DidResolutionError", reason }));
    expect(() => didWebUrl(did)).toThrow(expect.objectContaining({ reason }));
    // Never a plain TypeError or URIError, and no fetch (a fetch would fail as did_unresolvable).
    const resolver = new DidResolver({ timeoutMs: 200 });
    await expect(resolver.resolve(did)).rejects.toMatchObject({ name: "DidResolutionError", reason });
  });

  it.each([
    [null, "did_unsupported"],
    [42, "did_unsupported"],
    [["did:web:example.com"], "did_unsupported"],
  ])("a DID that is not a string (%j) is a coded error", async (did, reason) => {
    expect(() => parseDidWeb(did)).toThrow(expect.objectContaining({ reason }));
    await expect(new DidResolver().resolve(did as unknown as string)).rejects.toMatchObject({ reason });
  });

  it.each([
    ["did:web:example.com", "https://example.com/.well-known/did.json"],
    ["did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"],
    ["did:web:example.com%3a8443", "https://example.com:8443/.well-known/did.json"],
    ["did:web:xn--exmple-cua.com", "https://xn--exmple-cua.com/.well-known/did.json"],
    ["did:web:w3c-ccg.github.io:user:alice", "https://w3c-ccg.github.io/user/alice/did.json"],
    ["did:web:a1.example.co.uk:issuers:v_2.0", "https://a1.example.co.uk/issuers/v_2.0/did.json"],
  ])("the well-formed %s resolves at %s", (did, url) => {
    expect(didWebUrl(did).href).toBe(url);
  });

  it("localhost is the one exception, and only with the loopback opt-in (http)", () => {
    expect(didWebUrl("did:web:localhost%3A7083:issuers:a", true).href).toBe(
      "http://localhost:7083/issuers/a/did.json",
    );
    expect(() => didWebUrl("did:web:127.0.0.1%3A7083", true)).toThrow(
      expect.objectContaining({ reason: "did_web_ip_address" }),
    );
    expect(() => didWebUrl("did:web:app.localhost", true)).toThrow(
      expect.objectContaining({ reason: "did_web_host_invalid" }),
    );
  });
});
