/**
 * Real, signed credentials for the Verified ID simulator: issuers with ES256 (P-256) and ES256K
 * (secp256k1) keys whose did:web documents and status lists the simulator serves, and a
 * holder (an Ed25519 did:jwk, as a wallet would use) that signs the VP around the VC. Signing
 * uses node:crypto directly so the simulator shares no code with the app's verifier.
 *
 * The issuer DIDs name the simulator's own port on `localhost`
 * (`did:web:localhost%3A<port>:issuers:<name>`; did:web forbids IP addresses), so they resolve
 * to it over http on loopback; their status lists are served under the same name.
 */
import { createPrivateKey, type KeyObject, randomUUID, sign } from "node:crypto";
import { gzipSync } from "node:zlib";
import { ecJwkPair } from "../../../src/tap/ecKeys";
import { keyPair } from "../../support/keyPairs";

export type IssuerName = "es256" | "es256k" | "rogue";
type Alg = "ES256" | "ES256K" | "EdDSA";

export interface SimIssuer {
  name: IssuerName;
  alg: "ES256" | "ES256K";
  did: string;
  kid: string;
  privateKey: KeyObject;
  publicJwk: Record<string, unknown>;
  /** Status list indexes set (revoked). */
  revoked: Set<number>;
  nextIndex: number;
}

const LIST_BITS = 16 * 1024 * 8;

export function b64url(value: unknown): string {
  return Buffer.from(typeof value === "string" ? value : JSON.stringify(value), "utf8").toString("base64url");
}

/** A compact JWS over `header.payload`, signed with node:crypto (raw r||s for ECDSA as JWS wants). */
export function signJws(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  key: KeyObject,
): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  const alg = header.alg as Alg;
  const signature =
    alg === "EdDSA"
      ? sign(null, Buffer.from(input, "ascii"), key)
      : sign("sha256", Buffer.from(input, "ascii"), { key, dsaEncoding: "ieee-p1363" });
  return `${input}.${signature.toString("base64url")}`;
}

/** The simulator's base URL as its issuers name it: `localhost` for a loopback address (did:web names no IPs). */
export function issuerBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (["127.0.0.1", "[::1]", "0.0.0.0"].includes(url.hostname)) url.hostname = "localhost";
  return url.origin;
}

export function createIssuers(baseUrl: string): Map<IssuerName, SimIssuer> {
  const hostPort = new URL(issuerBaseUrl(baseUrl)).host.replace(":", "%3A");
  const issuers = new Map<IssuerName, SimIssuer>();
  const specs: Array<[IssuerName, "ES256" | "ES256K"]> = [
    ["es256", "ES256"],
    ["es256k", "ES256K"],
    ["rogue", "ES256"],
  ];
  for (const [name, alg] of specs) {
    // Made in place, not by Node's key-generation job (src/tap/ecKeys.ts says why).
    const { privateJwk, publicJwk } = ecJwkPair(alg === "ES256" ? "P-256" : "secp256k1");
    const privateKey = createPrivateKey({ format: "jwk", key: privateJwk });
    const did = `did:web:${hostPort}:issuers:${name}`;
    issuers.set(name, {
      name,
      alg,
      did,
      kid: `${did}#key-1`,
      privateKey,
      publicJwk: { ...publicJwk },
      revoked: new Set(),
      nextIndex: 1,
    });
  }
  return issuers;
}

export function didDocument(issuer: SimIssuer): Record<string, unknown> {
  return {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
    id: issuer.did,
    verificationMethod: [
      { id: issuer.kid, type: "JsonWebKey2020", controller: issuer.did, publicKeyJwk: issuer.publicJwk },
    ],
    assertionMethod: [issuer.kid],
  };
}

export function statusListUrl(baseUrl: string, issuer: SimIssuer): string {
  return `${issuerBaseUrl(baseUrl)}/issuers/${issuer.name}/status/1`;
}

/** The issuer's revocation list as a signed StatusList2021 JWT VC. */
export function statusListJwt(baseUrl: string, issuer: SimIssuer, now: Date): string {
  const bits = Buffer.alloc(LIST_BITS / 8);
  for (const index of issuer.revoked) bits[index >> 3] = (bits[index >> 3] ?? 0) | (1 << (7 - (index & 7)));
  const iat = Math.floor(now.getTime() / 1000);
  return signJws(
    { alg: issuer.alg, typ: "JWT", kid: issuer.kid },
    {
      iss: issuer.did,
      iat,
      nbf: iat,
      vc: {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/vc/status-list/2021/v1"],
        id: statusListUrl(baseUrl, issuer),
        type: ["VerifiableCredential", "StatusList2021Credential"],
        credentialSubject: {
          id: `${statusListUrl(baseUrl, issuer)}#list`,
          type: "StatusList2021",
          statusPurpose: "revocation",
          encodedList: gzipSync(bits).toString("base64url"),
        },
      },
    },
    issuer.privateKey,
  );
}

export interface Holder {
  did: string;
  kid: string;
  privateKey: KeyObject;
}

/** A wallet holder key: Ed25519 published as did:jwk. */
export function createHolder(): Holder {
  const { privateKey, publicKey } = keyPair("ed25519");
  const did = `did:jwk:${b64url(publicKey.export({ format: "jwk" }))}`;
  return { did, kid: `${did}#0`, privateKey };
}

export interface IssueInput {
  baseUrl: string;
  issuer: SimIssuer;
  holder: Holder;
  type: string;
  claims: Record<string, string>;
  issuanceDate: Date;
  expirationDate: Date;
  revoked: boolean;
}

/** Signs a VerifiedIdentity-style JWT VC; a revoked one gets its status-list bit set. */
export function issueVcJwt(input: IssueInput): string {
  const { issuer } = input;
  const index = issuer.nextIndex++;
  if (input.revoked) issuer.revoked.add(index);
  return signJws(
    { alg: issuer.alg, typ: "JWT", kid: issuer.kid },
    {
      iss: issuer.did,
      sub: input.holder.did,
      jti: `urn:uuid:${randomUUID()}`,
      iat: Math.floor(input.issuanceDate.getTime() / 1000),
      nbf: Math.floor(input.issuanceDate.getTime() / 1000),
      exp: Math.floor(input.expirationDate.getTime() / 1000),
      vc: {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        type: ["VerifiableCredential", input.type],
        credentialSubject: { ...input.claims },
        credentialStatus: {
          id: `${statusListUrl(input.baseUrl, issuer)}#${index}`,
          type: "StatusList2021Entry",
          statusPurpose: "revocation",
          statusListIndex: String(index),
          statusListCredential: statusListUrl(input.baseUrl, issuer),
        },
      },
    },
    issuer.privateKey,
  );
}

/** The wallet's VP around one VC, for `aud` with `nonce`. */
export function signVpJwt(holder: Holder, vcJwt: string, aud: string, nonce: string, now: Date): string {
  const iat = Math.floor(now.getTime() / 1000);
  return signJws(
    { alg: "EdDSA", typ: "JWT", kid: holder.kid },
    {
      iss: holder.did,
      aud,
      nonce,
      iat,
      nbf: iat,
      exp: iat + 600,
      jti: `urn:uuid:${randomUUID()}`,
      vp: {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        type: ["VerifiablePresentation"],
        verifiableCredential: [vcJwt],
      },
    },
    holder.privateKey,
  );
}
