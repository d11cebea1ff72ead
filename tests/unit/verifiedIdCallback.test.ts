import { describe, expect, it } from "vitest";
import {
  callbackSchema,
  toPresentationOutcome,
  type VerifiedIdCallback,
} from "../../src/verified-id/callback";

// The shapes below are the confirmed Request Service callbacks of docs/facts.md §6.
const retrieved = {
  requestId: "799f23ea-5241-45af-99ad-cf8e5018814e",
  requestStatus: "request_retrieved",
  state: "rec_01HZX:7a1c",
};

const verified = {
  requestId: "799f23ea-5241-45af-99ad-cf8e5018814e",
  requestStatus: "presentation_verified",
  state: "rec_01HZX:7a1c",
  subject: "did:ion:EiAlrenrtD3Lsw0GlbzS1O2YFdy3Xtu8yo35W",
  verifiedCredentialsData: [
    {
      issuer: "did:web:idv.demo.example",
      type: ["VerifiableCredential", "VerifiedIdentity"],
      claims: {
        firstName: "Alice",
        lastName: "Smith",
        dateOfBirth: "1990-01-01",
        portrait: "/9j/4AAQSkZJRgABAQAAAQABAAD...",
      },
      credentialState: { revocationStatus: "VALID" },
      domainValidation: { url: "https://idv.demo.example/" },
      issuanceDate: "2025-05-30T10:00:00.000Z",
      expirationDate: "2026-05-30T10:00:00.000Z",
      faceCheck: { matchConfidenceScore: 86.31, sourcePhotoQuality: "HIGH" },
    },
  ],
};

const failed = {
  requestId: "799f23ea-5241-45af-99ad-cf8e5018814e",
  requestStatus: "presentation_error",
  state: "rec_01HZX:7a1c",
  error: { code: "claimValidationError", message: "Face Check score below threshold" },
};

function parse(input: unknown): VerifiedIdCallback {
  return callbackSchema.parse(input);
}

describe("callbackSchema", () => {
  it("accepts request_retrieved with only requestId, requestStatus and state", () => {
    expect(parse(retrieved)).toEqual(retrieved);
  });

  it("accepts presentation_verified with Face Check data", () => {
    const cb = parse(verified);
    expect(cb.requestStatus).toBe("presentation_verified");
    expect(cb.verifiedCredentialsData?.[0]?.faceCheck).toEqual({
      matchConfidenceScore: 86.31,
      sourcePhotoQuality: "HIGH",
    });
    expect(cb.verifiedCredentialsData?.[0]?.credentialState).toEqual({ revocationStatus: "VALID" });
  });

  it("accepts presentation_error with a claimValidationError and no score", () => {
    expect(parse(failed)).toEqual(failed);
  });

  it("keeps unknown members of the nested Request Service objects", () => {
    const cb = parse({
      ...failed,
      error: { ...failed.error, innererror: { code: "badOrMissingField" } },
    });
    expect(cb.error).toEqual({ ...failed.error, innererror: { code: "badOrMissingField" } });
  });

  it("defaults missing claims to an empty object", () => {
    const { claims: _claims, ...withoutClaims } = verified.verifiedCredentialsData[0]!;
    const cb = parse({ ...verified, verifiedCredentialsData: [withoutClaims] });
    expect(cb.verifiedCredentialsData?.[0]?.claims).toEqual({});
  });

  it("rejects an unknown requestStatus", () => {
    const result = callbackSchema.safeParse({ ...retrieved, requestStatus: "issuance_successful" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["requestStatus"]);
  });

  it.each(["requestId", "requestStatus", "state"] as const)("rejects a callback without %s", (field) => {
    const { [field]: _omitted, ...rest } = retrieved;
    const result = callbackSchema.safeParse(rest);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([field]);
  });

  it("rejects an empty state", () => {
    expect(callbackSchema.safeParse({ ...retrieved, state: "" }).success).toBe(false);
  });

  it("rejects a non-numeric Face Check score", () => {
    const vc = { ...verified.verifiedCredentialsData[0]!, faceCheck: { matchConfidenceScore: "86.31" } };
    expect(callbackSchema.safeParse({ ...verified, verifiedCredentialsData: [vc] }).success).toBe(false);
  });

  it("rejects more than five credentials", () => {
    const vcs = Array.from({ length: 6 }, () => verified.verifiedCredentialsData[0]!);
    expect(callbackSchema.safeParse({ ...verified, verifiedCredentialsData: vcs }).success).toBe(false);
  });
});

describe("toPresentationOutcome", () => {
  it("maps a verified presentation to the credentials we check", () => {
    expect(toPresentationOutcome(parse(verified))).toEqual({
      requestStatus: "presentation_verified",
      subject: "did:ion:EiAlrenrtD3Lsw0GlbzS1O2YFdy3Xtu8yo35W",
      credentials: [
        {
          issuer: "did:web:idv.demo.example",
          type: ["VerifiableCredential", "VerifiedIdentity"],
          claims: { firstName: "Alice", lastName: "Smith", dateOfBirth: "1990-01-01" },
          revocationStatus: "VALID",
          issuanceDate: "2025-05-30T10:00:00.000Z",
          expirationDate: "2026-05-30T10:00:00.000Z",
          faceCheckScore: 86.31,
          linkedDomain: "https://idv.demo.example/",
        },
      ],
      error: undefined,
    });
  });

  it("drops every photo claim", () => {
    const vc = {
      ...verified.verifiedCredentialsData[0]!,
      claims: { firstName: "Alice", lastName: "Smith", portrait: "a", photo: "b", selfie: "c" },
    };
    const outcome = toPresentationOutcome(parse({ ...verified, verifiedCredentialsData: [vc] }));
    expect(outcome.credentials[0]?.claims).toEqual({ firstName: "Alice", lastName: "Smith" });
    expect(JSON.stringify(outcome)).not.toContain("/9j/");
  });

  it("leaves score and revocation status undefined when the service sent none", () => {
    const { faceCheck: _f, credentialState: _c, ...bare } = verified.verifiedCredentialsData[0]!;
    const outcome = toPresentationOutcome(parse({ ...verified, verifiedCredentialsData: [bare] }));
    expect(outcome.credentials[0]?.faceCheckScore).toBeUndefined();
    expect(outcome.credentials[0]?.revocationStatus).toBeUndefined();
  });

  it("maps a presentation error to its code and message, without credentials", () => {
    expect(toPresentationOutcome(parse(failed))).toEqual({
      requestStatus: "presentation_error",
      subject: undefined,
      credentials: [],
      error: { code: "claimValidationError", message: "Face Check score below threshold" },
    });
  });

  it("refuses request_retrieved, which carries no outcome", () => {
    expect(() => toPresentationOutcome(parse(retrieved))).toThrow(TypeError);
  });
});
