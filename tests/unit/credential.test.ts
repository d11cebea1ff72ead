import { describe, expect, it } from "vitest";
import {
  type CredentialExpectations,
  checkPresentation,
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
  linkedDomains: new Map([
    ["did:web:idv.demo.example", "https://idv.demo.example"],
    ["did:web:other.example", "https://other.example"],
  ]),
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
    linkedDomain: "https://idv.demo.example/",
    ...overrides,
  };
}

function check(...credentials: PresentedCredential[]) {
  return checkPresentedCredential(credentials, expectations);
}

describe("checkPresentedCredential (the service's verdict, re-checked)", () => {
  it("accepts one valid credential and returns its names and score", () => {
    expect(check(vc())).toEqual({ ok: true, firstName: "Alice", lastName: "Smith", faceCheckScore: 86.31 });
  });

  it("accepts any of the accepted issuers", () => {
    expect(check(vc({ issuer: "did:web:other.example", linkedDomain: "https://other.example/" })).ok).toBe(
      true,
    );
  });

  // One row per rule: the credential(s), the failure code, the stable reason.
  it.each<[string, PresentedCredential[], string, string]>([
    ["no credential", [], "credential_invalid", "credential_count"],
    ["two credentials, even valid ones", [vc(), vc()], "credential_invalid", "credential_count"],
    [
      "an issuer not accepted",
      [vc({ issuer: "did:web:evil.example" })],
      "credential_invalid",
      "issuer_not_accepted",
    ],
    [
      "an issuer differing only in case",
      [vc({ issuer: "did:web:IDV.demo.example" })],
      "credential_invalid",
      "issuer_not_accepted",
    ],
    [
      "a wrong type",
      [vc({ type: ["VerifiableCredential", "VerifiedEmployee"] })],
      "credential_invalid",
      "type_missing",
    ],
    ["a revoked credential", [vc({ revocationStatus: "REVOKED" })], "credential_revoked", "revoked"],
    [
      "an absent revocation status",
      [vc({ revocationStatus: undefined })],
      "credential_invalid",
      "revocation_status_unknown",
    ],
    [
      "an unknown revocation status",
      [vc({ revocationStatus: "SUSPENDED" })],
      "credential_invalid",
      "revocation_status_unknown",
    ],
    ["an expired credential", [vc({ expirationDate: at(-1) })], "credential_expired", "expired"],
    ["a credential expiring exactly now", [vc({ expirationDate: at(0) })], "credential_expired", "expired"],
    [
      "a credential without expiry",
      [vc({ expirationDate: undefined })],
      "credential_invalid",
      "expiry_missing",
    ],
    ["an unreadable expiry", [vc({ expirationDate: "someday" })], "credential_invalid", "expiry_missing"],
    [
      "an unreadable issuance date",
      [vc({ issuanceDate: "long ago" })],
      "credential_invalid",
      "issuance_date_invalid",
    ],
    [
      "issued more than five minutes ahead",
      [vc({ issuanceDate: at(5 * MINUTE + 1) })],
      "credential_invalid",
      "issued_in_future",
    ],
    [
      "no domainValidation",
      [vc({ linkedDomain: undefined })],
      "credential_invalid",
      "linked_domain_unverified",
    ],
    ["no Face Check score", [vc({ faceCheckScore: undefined })], "face_check_failed", "face_check_missing"],
    [
      "a score below the threshold",
      [vc({ faceCheckScore: 69.99 })],
      "face_check_failed",
      "face_check_below_threshold",
    ],
    ["no firstName claim", [vc({ claims: { lastName: "Smith" } })], "credential_invalid", "claims_missing"],
    ["no lastName claim", [vc({ claims: { firstName: "Alice" } })], "credential_invalid", "claims_missing"],
    [
      "a name claim that is not a string",
      [vc({ claims: { firstName: ["Alice"], lastName: "Smith" } })],
      "credential_invalid",
      "claims_missing",
    ],
    [
      "an empty name claim",
      [vc({ claims: { firstName: "Alice", lastName: " " } })],
      "credential_invalid",
      "claims_missing",
    ],
  ])("rejects %s", (_name, credentials, code, reason) => {
    expect(check(...credentials)).toMatchObject({ ok: false, code, reason });
  });

  it("accepts a credential expiring a millisecond from now", () => {
    expect(check(vc({ expirationDate: at(1) })).ok).toBe(true);
  });

  it("tolerates five minutes of clock skew on the issuance date", () => {
    expect(check(vc({ issuanceDate: at(5 * MINUTE) })).ok).toBe(true);
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

  it("without Face Check requested, no score is needed", () => {
    const noFaceCheck = { ...expectations, faceCheckThreshold: undefined };
    expect(checkPresentedCredential([vc({ faceCheckScore: undefined })], noFaceCheck).ok).toBe(true);
  });
});

describe("checkPresentation (status, service verdict and our own receipt validation)", () => {
  const verified = (extra: Partial<Parameters<typeof checkPresentation>[0]> = {}) => ({
    requestStatus: "presentation_verified" as const,
    credentials: [vc()],
    ...extra,
  });
  const noFaceCheck = { ...expectations, faceCheckThreshold: undefined };
  const ownOk = {
    ok: true as const,
    issuer: "did:web:idv.demo.example",
    firstName: "Alice",
    lastName: "Smith",
  };

  it("claimValidationError (Face Check below threshold) maps to face_check_failed", () => {
    const verdict = checkPresentation(
      { requestStatus: "presentation_error", credentials: [], error: { code: "claimValidationError" } },
      expectations,
    );
    expect(verdict).toMatchObject({
      ok: false,
      code: "face_check_failed",
      reason: "face_check_below_threshold",
    });
  });

  it("any other presentation_error is presentation_rejected", () => {
    const verdict = checkPresentation(
      { requestStatus: "presentation_error", credentials: [], error: { code: "user_canceled" } },
      expectations,
    );
    expect(verdict).toMatchObject({ ok: false, code: "presentation_rejected", reason: "presentation_error" });
  });

  it("with Face Check, the service's verdict alone suffices", () => {
    expect(checkPresentation(verified(), expectations).ok).toBe(true);
  });

  it("without Face Check, a receipt we validated is required", () => {
    expect(checkPresentation(verified(), noFaceCheck)).toMatchObject({
      ok: false,
      code: "credential_invalid",
      reason: "receipt_missing",
    });
    expect(checkPresentation(verified({ selfValidation: ownOk }), noFaceCheck).ok).toBe(true);
  });

  it("our own rejection of the receipt wins over the service's verdict", () => {
    const own = {
      ok: false as const,
      code: "credential_revoked" as const,
      reason: "vc_revoked",
      explanation: "x",
    };
    expect(checkPresentation(verified({ selfValidation: own }), noFaceCheck)).toEqual(own);
  });

  it("a receipt that disagrees with the service on issuer or names is refused", () => {
    for (const own of [
      { ...ownOk, issuer: "did:web:other.example" },
      { ...ownOk, firstName: "Mallory" },
      { ...ownOk, lastName: "Smythe" },
    ]) {
      expect(checkPresentation(verified({ selfValidation: own }), noFaceCheck)).toMatchObject({
        ok: false,
        reason: "receipt_disagrees",
      });
    }
  });

  it("a service verdict failure is reported even when the receipt was fine", () => {
    const revoked = verified({ credentials: [vc({ revocationStatus: "REVOKED" })], selfValidation: ownOk });
    expect(checkPresentation(revoked, noFaceCheck)).toMatchObject({ ok: false, code: "credential_revoked" });
  });
});
