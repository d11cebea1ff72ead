import { describe, expect, it } from "vitest";
import {
  type CredentialExpectations,
  checkPresentedCredential,
  type PresentedCredential,
} from "../../src/recovery/credential";

const NOW = new Date("2025-06-01T12:00:00.000Z");
const MINUTE = 60_000;

function at(offsetMs: number): string {
  return new Date(NOW.getTime() + offsetMs).toISOString();
}

const expectations: CredentialExpectations = {
  acceptedIssuers: ["did:web:idv.demo.example", "did:web:other.example"],
  requiredType: "VerifiedIdentity",
  faceCheckThreshold: 70,
  now: NOW,
};

function vc(overrides: Partial<PresentedCredential> = {}): PresentedCredential {
  return {
    issuer: "did:web:idv.demo.example",
    type: ["VerifiableCredential", "VerifiedIdentity"],
    claims: { firstName: "Alice", lastName: "Smith", dateOfBirth: "1990-01-01" },
    revocationStatus: "VALID",
    issuanceDate: at(-60 * MINUTE),
    expirationDate: at(365 * 24 * 60 * MINUTE),
    faceCheckScore: 86.31,
    ...overrides,
  };
}

function check(...credentials: PresentedCredential[]) {
  return checkPresentedCredential(credentials, expectations);
}

describe("checkPresentedCredential", () => {
  it("accepts one valid credential and returns its names and score", () => {
    expect(check(vc())).toEqual({ ok: true, firstName: "Alice", lastName: "Smith", faceCheckScore: 86.31 });
  });

  it("accepts any of the accepted issuers", () => {
    expect(check(vc({ issuer: "did:web:other.example" })).ok).toBe(true);
  });

  it("rejects a presentation without credentials", () => {
    expect(check()).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "expected 1 credential, got 0",
    });
  });

  it("rejects a presentation with two credentials, even valid ones", () => {
    expect(check(vc(), vc())).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "expected 1 credential, got 2",
    });
  });

  it("rejects an issuer that is not accepted", () => {
    expect(check(vc({ issuer: "did:web:evil.example" }))).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "issuer not accepted",
    });
  });

  it("rejects an issuer that differs only in case", () => {
    expect(check(vc({ issuer: "did:web:IDV.demo.example" })).ok).toBe(false);
  });

  it("rejects a credential without the required type", () => {
    expect(check(vc({ type: ["VerifiableCredential", "VerifiedEmployee"] }))).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "type VerifiedIdentity missing",
    });
  });

  it("rejects a revoked credential", () => {
    expect(check(vc({ revocationStatus: "REVOKED" }))).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "revocation status REVOKED",
    });
  });

  it("rejects a credential whose revocation status is absent", () => {
    expect(check(vc({ revocationStatus: undefined }))).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "revocation status absent",
    });
  });

  it("rejects an expired credential", () => {
    expect(check(vc({ expirationDate: at(-1) }))).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "credential expired or without expiry",
    });
  });

  it("rejects a credential expiring exactly now", () => {
    expect(check(vc({ expirationDate: at(0) })).ok).toBe(false);
  });

  it("accepts a credential expiring a millisecond from now", () => {
    expect(check(vc({ expirationDate: at(1) })).ok).toBe(true);
  });

  it("rejects a credential without expiry", () => {
    expect(check(vc({ expirationDate: undefined }))).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "credential expired or without expiry",
    });
  });

  it("rejects a credential with an unparseable expiry", () => {
    expect(check(vc({ expirationDate: "someday" }))).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "credential expired or without expiry",
    });
  });

  it("rejects a credential issued more than five minutes in the future", () => {
    expect(check(vc({ issuanceDate: at(5 * MINUTE + 1) }))).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "credential issued in the future",
    });
  });

  it("tolerates five minutes of clock skew on the issuance date", () => {
    expect(check(vc({ issuanceDate: at(5 * MINUTE) })).ok).toBe(true);
  });

  it("without a Face Check score fails the face check", () => {
    expect(check(vc({ faceCheckScore: undefined }))).toEqual({
      ok: false,
      code: "face_check_failed",
      explanation: "no Face Check result",
    });
  });

  it("a score below the threshold fails the face check", () => {
    expect(check(vc({ faceCheckScore: 69.99 }))).toEqual({
      ok: false,
      code: "face_check_failed",
      explanation: "score 69.99 below threshold 70",
    });
  });

  it("a score exactly at the threshold passes", () => {
    expect(check(vc({ faceCheckScore: 70 }))).toEqual({
      ok: true,
      firstName: "Alice",
      lastName: "Smith",
      faceCheckScore: 70,
    });
  });

  it("applies the threshold it is given", () => {
    const strict = { ...expectations, faceCheckThreshold: 90 };
    expect(checkPresentedCredential([vc({ faceCheckScore: 86.31 })], strict)).toMatchObject({
      ok: false,
      code: "face_check_failed",
    });
  });

  it("rejects a credential without a firstName claim", () => {
    expect(check(vc({ claims: { lastName: "Smith" } }))).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "firstName or lastName claim missing",
    });
  });

  it("rejects a credential without a lastName claim", () => {
    expect(check(vc({ claims: { firstName: "Alice" } }))).toEqual({
      ok: false,
      code: "credential_invalid",
      explanation: "firstName or lastName claim missing",
    });
  });

  it("rejects name claims that are not strings or are empty", () => {
    expect(check(vc({ claims: { firstName: ["Alice"], lastName: "Smith" } })).ok).toBe(false);
    expect(check(vc({ claims: { firstName: "Alice", lastName: "" } })).ok).toBe(false);
  });
});
