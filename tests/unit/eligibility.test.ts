import { describe, expect, it } from "vitest";
import {
  type DirectoryAccount,
  decideEligibility,
  type EligibilityFacts,
  INELIGIBILITY_REASONS,
} from "../../src/recovery/eligibility";
import { policyDocumentSchema } from "../../src/recovery/policy";

const policy = policyDocumentSchema.parse({
  profiles: [
    {
      id: "staff",
      displayName: "Staff",
      includeGroups: ["g-staff"],
      excludeGroups: ["g-contractors"],
      providers: { byCountry: { DE: "eu-idv" } },
    },
    {
      id: "everyone",
      displayName: "Everyone",
      priority: 200,
      includeGroups: ["g-all"],
      providers: { default: "demo-idv", byCountry: { US: "us-idv" } },
    },
  ],
  globalExclusions: { groups: ["g-admins"], users: ["excluded@contoso.example"] },
});

function account(overrides: Partial<DirectoryAccount> = {}): DirectoryAccount {
  return {
    id: "11111111-1111-4111-8111-111111111111",
    userPrincipalName: "alice@contoso.example",
    accountEnabled: true,
    givenName: "Alice",
    surname: "Smith",
    lastSuccessfulSignInDateTime: "2025-01-02T03:04:05Z",
    ...overrides,
  };
}

const NONE = { complete: true, accounts: [] };

/** `n` other enabled accounts named like Alice Smith (the candidate query's answer). */
function namesakes(n: number): EligibilityFacts["nameCandidates"] {
  return {
    complete: true,
    accounts: Array.from({ length: n }, (_, i) => ({
      id: `other-${i}`,
      accountEnabled: true,
      givenName: "ALICE",
      surname: "Smith",
    })),
  };
}

function facts(overrides: Partial<EligibilityFacts> = {}): EligibilityFacts {
  return {
    account: account(),
    memberOf: new Set(["g-all"]),
    nameCandidates: NONE,
    country: "FR",
    blocked: false,
    ...overrides,
  };
}

describe("decideEligibility", () => {
  it("makes an enabled, in-scope, uniquely named account with a routed provider eligible", () => {
    expect(decideEligibility(policy, facts())).toEqual({
      eligible: true,
      profile: policy.profiles[1],
      provider: "demo-idv",
    });
  });

  it("routes the eligible account by its country under the selected profile", () => {
    expect(decideEligibility(policy, facts({ country: "us" }))).toEqual({
      eligible: true,
      profile: policy.profiles[1],
      provider: "us-idv",
    });
    expect(
      decideEligibility(policy, facts({ memberOf: new Set(["g-staff", "g-all"]), country: "DE" })),
    ).toEqual({
      eligible: true,
      profile: policy.profiles[0],
      provider: "eu-idv",
    });
  });

  it("an unknown user is user_not_found", () => {
    expect(decideEligibility(policy, facts({ account: undefined }))).toEqual({
      eligible: false,
      reason: "user_not_found",
    });
  });

  it("an account whose self-service recovery is blocked (a repudiated recovery) is recovery_blocked", () => {
    expect(decideEligibility(policy, facts({ blocked: true }))).toEqual({
      eligible: false,
      reason: "recovery_blocked",
    });
  });

  it("a disabled account is account_disabled", () => {
    expect(decideEligibility(policy, facts({ account: account({ accountEnabled: false }) }))).toEqual({
      eligible: false,
      reason: "account_disabled",
    });
  });

  it("a disabled account is reported as disabled before its exclusion", () => {
    const f = facts({
      account: account({ accountEnabled: false }),
      memberOf: new Set(["g-admins"]),
    });
    expect(decideEligibility(policy, f)).toEqual({ eligible: false, reason: "account_disabled" });
  });

  it("a member of a globally excluded group is globally_excluded", () => {
    expect(decideEligibility(policy, facts({ memberOf: new Set(["g-all", "g-admins"]) }))).toEqual({
      eligible: false,
      reason: "globally_excluded",
    });
  });

  it("a globally excluded user is globally_excluded", () => {
    const f = facts({ account: account({ userPrincipalName: "Excluded@Contoso.example" }) });
    expect(decideEligibility(policy, f)).toEqual({ eligible: false, reason: "globally_excluded" });
  });

  it("a user in no profile's groups is out_of_scope", () => {
    expect(decideEligibility(policy, facts({ memberOf: new Set(["g-other"]) }))).toEqual({
      eligible: false,
      reason: "out_of_scope",
    });
  });

  it("a user removed by a profile's exclusion and in no other profile is out_of_scope", () => {
    expect(decideEligibility(policy, facts({ memberOf: new Set(["g-staff", "g-contractors"]) }))).toEqual({
      eligible: false,
      reason: "out_of_scope",
    });
  });

  it("an out-of-scope account is reported before a missing sign-in", () => {
    const f = facts({ memberOf: new Set(), account: account({ lastSuccessfulSignInDateTime: null }) });
    expect(decideEligibility(policy, f)).toEqual({ eligible: false, reason: "out_of_scope" });
  });

  it("an account that never signed in successfully is no_prior_sign_in", () => {
    expect(
      decideEligibility(policy, facts({ account: account({ lastSuccessfulSignInDateTime: null }) })),
    ).toEqual({
      eligible: false,
      reason: "no_prior_sign_in",
    });
  });

  it("a missing sign-in is reported before a missing name", () => {
    const f = facts({ account: account({ lastSuccessfulSignInDateTime: null, givenName: null }) });
    expect(decideEligibility(policy, f)).toEqual({ eligible: false, reason: "no_prior_sign_in" });
  });

  it.each([
    ["a null given name", { givenName: null }],
    ["a null surname", { surname: null }],
    ["an empty given name", { givenName: "" }],
    ["an empty surname", { surname: "" }],
    ["a whitespace-only given name", { givenName: "  \t " }],
    ["a whitespace-only surname", { surname: " \n" }],
  ] as const)("%s is name_missing", (_label, names) => {
    expect(decideEligibility(policy, facts({ account: account(names) }))).toEqual({
      eligible: false,
      reason: "name_missing",
    });
  });

  it("a missing name is reported before a namesake", () => {
    const f = facts({ account: account({ surname: null }), nameCandidates: namesakes(2) });
    expect(decideEligibility(policy, f)).toEqual({ eligible: false, reason: "name_missing" });
  });

  it("a namesake makes the account ineligible", () => {
    expect(decideEligibility(policy, facts({ nameCandidates: namesakes(1) }))).toEqual({
      eligible: false,
      reason: "namesake",
      namesakes: ["other-0"],
    });
  });

  it("candidates that are not namesakes, disabled namesakes and the account itself do not count", () => {
    const nameCandidates = {
      complete: true,
      accounts: [
        { id: account().id, accountEnabled: true, givenName: "Alice", surname: "Smith" },
        { id: "disabled", accountEnabled: false, givenName: "Alice", surname: "Smith" },
        { id: "alicia", accountEnabled: true, givenName: "Alicia", surname: "Smith" },
        { id: "smithers", accountEnabled: true, givenName: "Alice", surname: "Smithers" },
      ],
    };
    expect(decideEligibility(policy, facts({ nameCandidates }))).toMatchObject({ eligible: true });
  });

  it("candidates that could not be read in full count as a namesake (fail closed)", () => {
    expect(decideEligibility(policy, facts({ nameCandidates: { complete: false, accounts: [] } }))).toEqual({
      eligible: false,
      reason: "namesake",
      namesakes: [],
    });
  });

  it("a relaxed profile counts relaxed namesakes: accents, case and a middle name", () => {
    const relaxed = policyDocumentSchema.parse({
      profiles: [
        {
          id: "relaxed",
          displayName: "Relaxed",
          includeGroups: ["g-all"],
          nameMatch: "relaxed",
          providers: { default: "demo-idv" },
        },
      ],
    });
    const jose = account({ givenName: "José", surname: "García" });
    const nameCandidates = {
      complete: true,
      accounts: [{ id: "other", accountEnabled: true, givenName: "JOSE MIGUEL", surname: "GARCIA" }],
    };
    expect(decideEligibility(relaxed, facts({ account: jose, nameCandidates }))).toMatchObject({
      eligible: false,
      reason: "namesake",
    });
    // Under the exact rule of the default profile the same pair is no namesake.
    expect(decideEligibility(policy, facts({ account: jose, nameCandidates }))).toMatchObject({
      eligible: true,
    });
  });

  it("a namesake is allowed when the profile binds more than the name (bindings or the callout)", () => {
    const withBinding = policyDocumentSchema.parse({
      profiles: [
        {
          id: "hr",
          displayName: "HR-bound",
          includeGroups: ["g-all"],
          providers: { default: "demo-idv" },
          bindings: [{ claim: "dateOfBirth", attribute: "extensionAttribute3", compare: "date" }],
        },
      ],
    });
    const withCallout = policyDocumentSchema.parse({
      profiles: [
        {
          id: "callout",
          displayName: "HR callout",
          includeGroups: ["g-all"],
          providers: { default: "demo-idv" },
          claimValidation: { url: "https://hr.contoso.example/validate" },
        },
      ],
    });
    for (const doc of [withBinding, withCallout]) {
      expect(decideEligibility(doc, facts({ nameCandidates: namesakes(2) }))).toMatchObject({
        eligible: true,
      });
    }
  });

  it("a namesake is reported before a missing provider", () => {
    const f = facts({ memberOf: new Set(["g-staff"]), country: "FR", nameCandidates: namesakes(3) });
    expect(decideEligibility(policy, f)).toMatchObject({ eligible: false, reason: "namesake" });
  });

  it("a country without a provider and no default is no_provider_for_country", () => {
    expect(decideEligibility(policy, facts({ memberOf: new Set(["g-staff"]), country: "FR" }))).toEqual({
      eligible: false,
      reason: "no_provider_for_country",
    });
  });

  it("an unknown country without a default provider is no_provider_for_country", () => {
    expect(decideEligibility(policy, facts({ memberOf: new Set(["g-staff"]), country: undefined }))).toEqual({
      eligible: false,
      reason: "no_provider_for_country",
    });
  });

  it("lists the reasons in the order they are decided", () => {
    expect(INELIGIBILITY_REASONS).toEqual([
      "user_not_found",
      "recovery_blocked",
      "account_disabled",
      "globally_excluded",
      "out_of_scope",
      "no_prior_sign_in",
      "name_missing",
      "namesake",
      "no_provider_for_country",
    ]);
  });
});
