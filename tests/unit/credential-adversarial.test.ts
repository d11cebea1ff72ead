/**
 * Adversarial corpus for the credential check (issue 15, finding 5): every row is a verdict of
 * the Request Service (or our own expectations) bent the way an attacker, a buggy service or a
 * careless caller would bend it. The pure functions must stand on their own: each row fails
 * closed with its own stable reason, none throws, and the one honest credential passes.
 */
import { describe, expect, it } from "vitest";
import {
  type CredentialExpectations,
  checkPresentation,
  checkPresentedCredential,
  type PresentedCredential,
} from "../../src/recovery/credential";
import { expectedLinkedDomains } from "../../src/verified-id/linkedDomain";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const DAY = 86_400_000;
const ISSUER = "did:web:idv.demo.example";
const ION_ISSUER = "did:ion:EiAnKD8-jfdd0MDcZUjAbRgaThBrMxPTFOxcnfJhI7Ukaw";

const expectations = (over: Partial<CredentialExpectations> = {}): CredentialExpectations => ({
  acceptedIssuers: [ISSUER, ION_ISSUER],
  linkedDomains: expectedLinkedDomains([ISSUER, ION_ISSUER], {}),
  requiredType: "VerifiedIdentity",
  faceCheckThreshold: 70,
  now: NOW,
  ...over,
});

function vc(over: Record<string, unknown> = {}): PresentedCredential {
  return {
    issuer: ISSUER,
    type: ["VerifiableCredential", "VerifiedIdentity"],
    claims: { firstName: "Adele", lastName: "Vance" },
    revocationStatus: "VALID",
    issuanceDate: new Date(NOW.getTime() - DAY).toISOString(),
    expirationDate: new Date(NOW.getTime() + 365 * DAY).toISOString(),
    faceCheckScore: 91.5,
    linkedDomain: "https://idv.demo.example/",
    ...over,
  } as PresentedCredential;
}

const huge = (n: number, last: unknown) => {
  const list: unknown[] = new Array(n).fill("VerifiableCredential");
  list.push(last);
  return list;
};

describe("the honest credential", () => {
  it("passes, at the threshold and at 100", () => {
    expect(checkPresentedCredential([vc()], expectations())).toMatchObject({
      ok: true,
      faceCheckScore: 91.5,
    });
    expect(checkPresentedCredential([vc({ faceCheckScore: 70 })], expectations()).ok).toBe(true);
    expect(checkPresentedCredential([vc({ faceCheckScore: 100 })], expectations()).ok).toBe(true);
  });

  it("passes with a linked domain written in another spelling of the same origin", () => {
    for (const url of [
      "https://IDV.demo.EXAMPLE/",
      "https://idv.demo.example",
      "https://idv.demo.example:443/",
    ]) {
      expect(checkPresentedCredential([vc({ linkedDomain: url })], expectations()).ok).toBe(true);
    }
  });

  it("passes a non-did:web issuer only with its configured linked domain", () => {
    const configured = expectations({
      linkedDomains: expectedLinkedDomains([ISSUER, ION_ISSUER], { [ION_ISSUER]: "https://issuer.example" }),
    });
    const ion = vc({ issuer: ION_ISSUER, linkedDomain: "https://issuer.example/" });
    expect(checkPresentedCredential([ion], configured).ok).toBe(true);
    expect(checkPresentedCredential([ion], expectations())).toMatchObject({
      ok: false,
      reason: "linked_domain_not_configured",
    });
  });
});

// [what, credential overrides, code, reason]
const CREDENTIAL_CASES: Array<[string, Record<string, unknown>, string, string]> = [
  // Face Check score: a finite number in [0, 100], then at least the threshold.
  ["a score above 100", { faceCheckScore: 100.01 }, "face_check_failed", "face_check_score_invalid"],
  ["a score of 101", { faceCheckScore: 101 }, "face_check_failed", "face_check_score_invalid"],
  ["a score of 1e9", { faceCheckScore: 1e9 }, "face_check_failed", "face_check_score_invalid"],
  ["Number.MAX_VALUE", { faceCheckScore: Number.MAX_VALUE }, "face_check_failed", "face_check_score_invalid"],
  [
    "an infinite score",
    { faceCheckScore: Number.POSITIVE_INFINITY },
    "face_check_failed",
    "face_check_score_invalid",
  ],
  [
    "a -Infinity score",
    { faceCheckScore: Number.NEGATIVE_INFINITY },
    "face_check_failed",
    "face_check_score_invalid",
  ],
  ["a NaN score", { faceCheckScore: Number.NaN }, "face_check_failed", "face_check_score_invalid"],
  ["a negative score", { faceCheckScore: -1 }, "face_check_failed", "face_check_score_invalid"],
  ["a score as a string", { faceCheckScore: "90" }, "face_check_failed", "face_check_score_invalid"],
  ["a score as an array", { faceCheckScore: [90] }, "face_check_failed", "face_check_score_invalid"],
  [
    "a score as an object",
    { faceCheckScore: { valueOf: () => 90 } },
    "face_check_failed",
    "face_check_score_invalid",
  ],
  ["a score of true", { faceCheckScore: true }, "face_check_failed", "face_check_score_invalid"],
  ["a null score", { faceCheckScore: null }, "face_check_failed", "face_check_score_invalid"],
  ["no score", { faceCheckScore: undefined }, "face_check_failed", "face_check_missing"],
  ["a score of negative zero", { faceCheckScore: -0 }, "face_check_failed", "face_check_below_threshold"],
  [
    "a score just below the threshold",
    { faceCheckScore: 69.999 },
    "face_check_failed",
    "face_check_below_threshold",
  ],
  // type: an array with an element exactly equal to VerifiedIdentity.
  [
    "type as a string",
    { type: "VerifiableCredential VerifiedIdentity" },
    "credential_invalid",
    "type_invalid",
  ],
  ["type as the bare string", { type: "VerifiedIdentity" }, "credential_invalid", "type_invalid"],
  [
    "type as an array-like object",
    { type: { 0: "VerifiedIdentity", length: 1 } },
    "credential_invalid",
    "type_invalid",
  ],
  ["type null", { type: null }, "credential_invalid", "type_invalid"],
  [
    "a type list of 100,001 entries",
    { type: huge(100_000, "VerifiedIdentity") },
    "credential_invalid",
    "type_invalid",
  ],
  ["a longer type name", { type: ["VerifiedIdentityX"] }, "credential_invalid", "type_missing"],
  ["a type prefix", { type: ["Verified"] }, "credential_invalid", "type_missing"],
  ["a lowercase type", { type: ["verifiedidentity"] }, "credential_invalid", "type_missing"],
  ["a padded type", { type: [" VerifiedIdentity"] }, "credential_invalid", "type_missing"],
  ["a type with a NUL", { type: ["VerifiedIdentity\u0000"] }, "credential_invalid", "type_missing"],
  [
    "a type with a zero-width space",
    { type: ["Verified\u200BIdentity"] },
    "credential_invalid",
    "type_missing",
  ],
  ["a Cyrillic look-alike type", { type: ["V\u0435rifiedIdentity"] }, "credential_invalid", "type_missing"],
  [
    "types joined in one element",
    { type: ["VerifiableCredential,VerifiedIdentity"] },
    "credential_invalid",
    "type_missing",
  ],
  ["the type nested in a list", { type: [["VerifiedIdentity"]] }, "credential_invalid", "type_missing"],
  // domainValidation.url: the issuer's linked domain (did:web: the DID's host), an https origin.
  ["no domainValidation", { linkedDomain: undefined }, "credential_invalid", "linked_domain_unverified"],
  ["an empty domainValidation.url", { linkedDomain: "" }, "credential_invalid", "linked_domain_unverified"],
  [
    "another domain",
    { linkedDomain: "https://evil.example/" },
    "credential_invalid",
    "linked_domain_mismatch",
  ],
  [
    "a suffix domain",
    { linkedDomain: "https://idv.demo.example.evil.example/" },
    "credential_invalid",
    "linked_domain_mismatch",
  ],
  [
    "a parent domain",
    { linkedDomain: "https://demo.example/" },
    "credential_invalid",
    "linked_domain_mismatch",
  ],
  [
    "a subdomain",
    { linkedDomain: "https://www.idv.demo.example/" },
    "credential_invalid",
    "linked_domain_mismatch",
  ],
  [
    "another port",
    { linkedDomain: "https://idv.demo.example:8443/" },
    "credential_invalid",
    "linked_domain_mismatch",
  ],
  [
    "a trailing-dot host",
    { linkedDomain: "https://idv.demo.example./" },
    "credential_invalid",
    "linked_domain_mismatch",
  ],
  ["http", { linkedDomain: "http://idv.demo.example/" }, "credential_invalid", "linked_domain_invalid"],
  [
    "userinfo naming the domain",
    { linkedDomain: "https://idv.demo.example@evil.example/" },
    "credential_invalid",
    "linked_domain_invalid",
  ],
  [
    "userinfo before the domain",
    { linkedDomain: "https://evil@idv.demo.example/" },
    "credential_invalid",
    "linked_domain_invalid",
  ],
  [
    "a path",
    { linkedDomain: "https://idv.demo.example/issuer" },
    "credential_invalid",
    "linked_domain_invalid",
  ],
  [
    "a query",
    { linkedDomain: "https://idv.demo.example/?x=1" },
    "credential_invalid",
    "linked_domain_invalid",
  ],
  [
    "a fragment",
    { linkedDomain: "https://idv.demo.example/#x" },
    "credential_invalid",
    "linked_domain_invalid",
  ],
  ["not a URL", { linkedDomain: "idv.demo.example" }, "credential_invalid", "linked_domain_invalid"],
  [
    "a javascript: URL",
    { linkedDomain: "javascript:alert(1)" },
    "credential_invalid",
    "linked_domain_invalid",
  ],
  ["a number", { linkedDomain: 443 }, "credential_invalid", "linked_domain_invalid"],
  ["an IP origin", { linkedDomain: "https://127.0.0.1/" }, "credential_invalid", "linked_domain_mismatch"],
  [
    "a non-did:web issuer without a configured domain",
    { issuer: ION_ISSUER },
    "credential_invalid",
    "linked_domain_not_configured",
  ],
  // Other fields, wrongly typed or spelled.
  ["an issuer with a trailing space", { issuer: `${ISSUER} ` }, "credential_invalid", "issuer_not_accepted"],
  ["an issuer that is not a string", { issuer: [ISSUER] }, "credential_invalid", "issuer_not_accepted"],
  ["the issuer __proto__", { issuer: "__proto__" }, "credential_invalid", "issuer_not_accepted"],
  [
    "revocation status in lowercase",
    { revocationStatus: "valid" },
    "credential_invalid",
    "revocation_status_unknown",
  ],
  [
    "revocation status padded",
    { revocationStatus: " VALID" },
    "credential_invalid",
    "revocation_status_unknown",
  ],
  [
    "revocation status as a number",
    { revocationStatus: 1 },
    "credential_invalid",
    "revocation_status_unknown",
  ],
  [
    "an expiry Date.parse reads but is not ISO",
    { expirationDate: "2999" },
    "credential_invalid",
    "expiry_missing",
  ],
  ["an expiry as a number", { expirationDate: 4_102_444_800_000 }, "credential_invalid", "expiry_missing"],
  ["an expiry of Infinity", { expirationDate: "Infinity" }, "credential_invalid", "expiry_missing"],
  [
    "an issuance date that is not a date",
    { issuanceDate: "yesterday" },
    "credential_invalid",
    "issuance_date_invalid",
  ],
  [
    "names that are not strings",
    { claims: { firstName: ["Adele"], lastName: "Vance" } },
    "credential_invalid",
    "claims_missing",
  ],
  ["claims that are not an object", { claims: "Adele Vance" }, "credential_invalid", "claims_missing"],
  [
    "a 10,000-character name",
    { claims: { firstName: "A".repeat(10_000), lastName: "Vance" } },
    "credential_invalid",
    "claims_too_long",
  ],
];

describe("credential check, adversarial verdicts", () => {
  it.each(CREDENTIAL_CASES)("refuses %s", (_what, over, code, reason) => {
    expect(checkPresentedCredential([vc(over)], expectations())).toMatchObject({ ok: false, code, reason });
  });
});

// [what, credentials as given, reason]
const SHAPE_CASES: Array<[string, unknown, string]> = [
  ["no list", { 0: vc(), length: 1 }, "credential_count"],
  ["null", null, "credential_count"],
  ["a list of a million holes", new Array(1_000_000), "credential_count"],
  ["two credentials", [vc(), vc()], "credential_count"],
  ["a null credential", [null], "credential_malformed"],
  ["a string credential", ["VerifiedIdentity"], "credential_malformed"],
  ["an array credential", [[vc()]], "credential_malformed"],
];

describe("credential check, malformed lists", () => {
  it.each(SHAPE_CASES)("refuses %s", (_what, credentials, reason) => {
    expect(checkPresentedCredential(credentials as PresentedCredential[], expectations())).toMatchObject({
      ok: false,
      code: "credential_invalid",
      reason,
    });
  });
});

// [what, expectation overrides, reason]
const EXPECTATION_CASES: Array<[string, Record<string, unknown>, string]> = [
  [
    "a NaN threshold (would pass every score)",
    { faceCheckThreshold: Number.NaN },
    "face_check_threshold_invalid",
  ],
  ["an infinite threshold", { faceCheckThreshold: Number.POSITIVE_INFINITY }, "face_check_threshold_invalid"],
  ["a threshold below the service's 50", { faceCheckThreshold: 0 }, "face_check_threshold_invalid"],
  ["a threshold above 100", { faceCheckThreshold: 101 }, "face_check_threshold_invalid"],
  ["a threshold as a string", { faceCheckThreshold: "70" }, "face_check_threshold_invalid"],
  ["an invalid clock", { now: new Date(Number.NaN) }, "expectations_invalid"],
  ["a clock that is not a Date", { now: NOW.getTime() }, "expectations_invalid"],
  ["no linked domains", { linkedDomains: { [ISSUER]: "https://idv.demo.example" } }, "expectations_invalid"],
  ["no required type", { requiredType: "" }, "expectations_invalid"],
  ["accepted issuers as a string", { acceptedIssuers: ISSUER }, "expectations_invalid"],
];

describe("credential check, broken expectations fail closed", () => {
  it.each(EXPECTATION_CASES)("refuses under %s", (_what, over, reason) => {
    const verdict = checkPresentedCredential([vc()], expectations(over as Partial<CredentialExpectations>));
    expect(verdict).toMatchObject({ ok: false, reason });
  });
});

describe("presentation verdict, malformed", () => {
  const base = { credentials: [vc()] };
  it.each<[string, unknown, string]>([
    [
      "an unknown request status",
      { ...base, requestStatus: "presentation_verified " },
      "presentation_malformed",
    ],
    ["no outcome at all", null, "presentation_malformed"],
    [
      "a self-validation whose ok is the string true",
      { ...base, requestStatus: "presentation_verified", selfValidation: { ok: "true" } },
      "receipt_malformed",
    ],
    [
      "a self-validation that disagrees on the issuer",
      {
        ...base,
        requestStatus: "presentation_verified",
        selfValidation: { ok: true, issuer: "did:web:other.example", firstName: "Adele", lastName: "Vance" },
      },
      "receipt_disagrees",
    ],
  ])("refuses %s", (_what, presentation, reason) => {
    expect(
      checkPresentation(presentation as Parameters<typeof checkPresentation>[0], expectations()),
    ).toMatchObject({ ok: false, reason });
  });
});
