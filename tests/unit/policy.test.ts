import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  type PolicyDocument,
  type PolicyProfile,
  policyDocumentSchema,
  referencedGroups,
  routeProvider,
  selectProfile,
} from "../../src/recovery/policy";
import { describeIssue } from "../../src/zodText";

type PolicyInput = z.input<typeof policyDocumentSchema>;
type ProfileInput = PolicyInput["profiles"][number];

function profileInput(overrides: Partial<ProfileInput> = {}): ProfileInput {
  return { id: "staff", displayName: "Staff", includeGroups: ["g-staff"], ...overrides };
}

function policy(input: PolicyInput): PolicyDocument {
  return policyDocumentSchema.parse(input);
}

function issueOf(input: unknown): string {
  const result = policyDocumentSchema.safeParse(input);
  if (result.success) throw new Error("expected the policy document to be rejected");
  return describeIssue(result.error);
}

const alice = { id: "11111111-1111-4111-8111-111111111111", userPrincipalName: "alice@contoso.example" };

describe("policy document schema", () => {
  it("fills every default of a minimal profile, evaluation being the default mode", () => {
    const doc = policy({ profiles: [profileInput()] });
    expect(doc).toEqual({
      profiles: [
        {
          id: "staff",
          displayName: "Staff",
          priority: 100,
          mode: "evaluation",
          includeGroups: ["g-staff"],
          excludeGroups: [],
          providers: { byCountry: {} },
          nameMatch: "exact",
          nameMatchMaxExtraWords: 2,
          faceCheckThreshold: 70,
          idvTimeoutMinutes: 30,
          presentationTimeoutMinutes: 10,
          tapLifetimeMinutes: 60,
          tapUsableOnce: true,
          cooldownMinutes: 1440,
          helpdesk: { allowRecoveryAfterVerification: false },
          bindings: [],
        },
      ],
      globalExclusions: { groups: [], users: [] },
    });
  });

  it("takes helpdesk.allowRecoveryAfterVerification as a boolean only, off by default", () => {
    const base = { id: "p", displayName: "P", includeGroups: ["g"] };
    const on = policy({ profiles: [{ ...base, helpdesk: { allowRecoveryAfterVerification: true } }] });
    expect(on.profiles[0]?.helpdesk).toEqual({ allowRecoveryAfterVerification: true });
    for (const bad of [{ allowRecoveryAfterVerification: "yes" }, { allowRecovery: true }, true, null]) {
      expect(
        () => policy({ profiles: [{ ...base, helpdesk: bad as never }] }),
        JSON.stringify(bad),
      ).toThrow();
    }
  });

  it("bounds nameMatchMaxExtraWords to a whole number from 0 to 4", () => {
    const base = { id: "p", displayName: "P", includeGroups: ["g"] };
    for (const bad of [-1, 5, 1.5, "2"]) {
      expect(
        policyDocumentSchema.safeParse({ profiles: [{ ...base, nameMatchMaxExtraWords: bad }] }).success,
      ).toBe(false);
    }
    for (const good of [0, 4]) {
      expect(
        policyDocumentSchema.parse({ profiles: [{ ...base, nameMatchMaxExtraWords: good }] }).profiles[0]
          ?.nameMatchMaxExtraWords,
      ).toBe(good);
    }
  });

  it("keeps explicit values, including production mode and country routing", () => {
    const doc = policy({
      profiles: [
        profileInput({
          mode: "production",
          priority: 5,
          faceCheckThreshold: 85,
          providers: { default: "demo-idv", byCountry: { DE: "eu-idv" } },
        }),
      ],
      globalExclusions: { groups: ["g-vip"], users: ["bob@contoso.example"] },
    });
    const profile = doc.profiles[0]!;
    expect(profile.mode).toBe("production");
    expect(profile.priority).toBe(5);
    expect(profile.faceCheckThreshold).toBe(85);
    expect(profile.providers).toEqual({ default: "demo-idv", byCountry: { DE: "eu-idv" } });
    expect(doc.globalExclusions).toEqual({ groups: ["g-vip"], users: ["bob@contoso.example"] });
  });

  it("accepts the Face Check threshold bounds 50 and 100", () => {
    expect(
      policy({ profiles: [profileInput({ faceCheckThreshold: 50 })] }).profiles[0]!.faceCheckThreshold,
    ).toBe(50);
    expect(
      policy({ profiles: [profileInput({ faceCheckThreshold: 100 })] }).profiles[0]!.faceCheckThreshold,
    ).toBe(100);
  });

  it("rejects a Face Check threshold of 49, naming the path", () => {
    expect(issueOf({ profiles: [profileInput({ faceCheckThreshold: 49 })] })).toMatch(
      /^profiles\[0\]\.faceCheckThreshold: /,
    );
  });

  it("rejects a Face Check threshold of 101, naming the path", () => {
    expect(issueOf({ profiles: [profileInput({ faceCheckThreshold: 101 })] })).toMatch(
      /^profiles\[0\]\.faceCheckThreshold: /,
    );
  });

  it("rejects a profile that includes no group", () => {
    expect(issueOf({ profiles: [profileInput({ includeGroups: [] })] })).toMatch(
      /^profiles\[0\]\.includeGroups: /,
    );
  });

  it("rejects a document without profiles", () => {
    expect(issueOf({ profiles: [] })).toMatch(/^profiles: /);
  });

  it("rejects two profiles with the same id, pointing at the second", () => {
    expect(issueOf({ profiles: [profileInput(), profileInput({ displayName: "Again" })] })).toBe(
      "profiles[1].id: duplicate id",
    );
  });

  it("rejects an unknown key in a profile", () => {
    expect(issueOf({ profiles: [{ ...profileInput(), faceCheckTreshold: 80 }] })).toBe(
      'profiles[0]: Unrecognized key: "faceCheckTreshold"',
    );
  });

  it("rejects an unknown key at the root", () => {
    expect(issueOf({ profiles: [profileInput()], extra: true })).toBe('(root): Unrecognized key: "extra"');
  });

  it("rejects an unknown key in the global exclusions", () => {
    expect(issueOf({ profiles: [profileInput()], globalExclusions: { people: [] } })).toMatch(
      /^globalExclusions: .*people/,
    );
  });

  it("rejects an unknown key in the provider routing", () => {
    expect(issueOf({ profiles: [{ ...profileInput(), providers: { fallback: "demo-idv" } }] })).toMatch(
      /^profiles\[0\]\.providers: .*fallback/,
    );
  });

  it("rejects a lower-case country code as a routing key", () => {
    const issue = issueOf({ profiles: [profileInput({ providers: { byCountry: { de: "eu-idv" } } })] });
    expect(issue).toBe("profiles[0].providers.byCountry.de: Invalid key in record");
  });

  it("rejects a three-letter country code as a routing key", () => {
    const issue = issueOf({ profiles: [profileInput({ providers: { byCountry: { DEU: "eu-idv" } } })] });
    expect(issue).toBe("profiles[0].providers.byCountry.DEU: Invalid key in record");
  });

  it("rejects a provider name with upper-case letters", () => {
    expect(issueOf({ profiles: [profileInput({ providers: { default: "Demo" } })] })).toMatch(
      /^profiles\[0\]\.providers\.default: /,
    );
  });

  it("rejects a non-integer priority", () => {
    expect(issueOf({ profiles: [profileInput({ priority: 1.5 })] })).toMatch(/^profiles\[0\]\.priority: /);
  });

  it("rejects an unknown mode", () => {
    expect(issueOf({ profiles: [{ ...profileInput(), mode: "enforce" }] })).toMatch(/^profiles\[0\]\.mode: /);
  });

  it("names the deepest path of a nested problem", () => {
    expect(issueOf({ profiles: [profileInput(), profileInput({ id: "b", includeGroups: [""] })] })).toMatch(
      /^profiles\[1\]\.includeGroups\[0\]: /,
    );
  });
});

describe("referencedGroups", () => {
  it("lists every group once, from profiles and global exclusions", () => {
    const doc = policy({
      profiles: [
        profileInput({ includeGroups: ["a", "b"], excludeGroups: ["x"] }),
        profileInput({ id: "p2", includeGroups: ["b", "c"], excludeGroups: ["x", "y"] }),
      ],
      globalExclusions: { groups: ["vip", "a"] },
    });
    expect(referencedGroups(doc).sort()).toEqual(["a", "b", "c", "vip", "x", "y"]);
  });
});

describe("selectProfile", () => {
  const doc = policy({
    profiles: [
      profileInput({ id: "staff", includeGroups: ["g-staff"], priority: 100 }),
      profileInput({
        id: "pilot",
        includeGroups: ["g-pilot"],
        excludeGroups: ["g-contractors"],
        priority: 10,
      }),
      profileInput({ id: "all", includeGroups: ["g-all"], priority: 500 }),
    ],
    globalExclusions: {
      groups: ["g-admins"],
      users: ["BOB@Contoso.Example", "22222222-2222-4222-8222-22222222AAAA"],
    },
  });

  it("selects the only profile whose included group the user is in", () => {
    const selection = selectProfile(doc, alice, new Set(["g-staff"]));
    expect(selection.kind === "selected" && selection.profile.id).toBe("staff");
  });

  it("is out of scope when the user is in none of the included groups", () => {
    expect(selectProfile(doc, alice, new Set(["g-other"]))).toEqual({ kind: "out_of_scope" });
  });

  it("is out of scope with no memberships at all", () => {
    expect(selectProfile(doc, alice, new Set())).toEqual({ kind: "out_of_scope" });
  });

  it("excludes a user listed by UPN, whatever the case", () => {
    const bob = { id: "33333333-3333-4333-8333-333333333333", userPrincipalName: "bob@contoso.example" };
    expect(selectProfile(doc, bob, new Set(["g-staff"]))).toEqual({ kind: "globally_excluded" });
  });

  it("excludes a user listed by object id, whatever the case", () => {
    const carol = { id: "22222222-2222-4222-8222-22222222aaaa", userPrincipalName: "carol@contoso.example" };
    expect(selectProfile(doc, carol, new Set(["g-staff"]))).toEqual({ kind: "globally_excluded" });
  });

  it("does not exclude a user whose UPN merely contains an excluded one", () => {
    const bobby = { id: "44444444-4444-4444-8444-444444444444", userPrincipalName: "xbob@contoso.example" };
    expect(selectProfile(doc, bobby, new Set(["g-staff"])).kind).toBe("selected");
  });

  it("lets a global group exclusion win over every matching profile", () => {
    expect(selectProfile(doc, alice, new Set(["g-staff", "g-pilot", "g-admins"]))).toEqual({
      kind: "globally_excluded",
    });
  });

  it("removes a profile whose own excluded group the user is in", () => {
    const selection = selectProfile(doc, alice, new Set(["g-pilot", "g-contractors", "g-staff"]));
    expect(selection.kind === "selected" && selection.profile.id).toBe("staff");
  });

  it("is out of scope when a profile's exclusion removes the only candidate", () => {
    expect(selectProfile(doc, alice, new Set(["g-pilot", "g-contractors"]))).toEqual({
      kind: "out_of_scope",
    });
  });

  it("picks the lowest priority among matching profiles", () => {
    const selection = selectProfile(doc, alice, new Set(["g-all", "g-staff", "g-pilot"]));
    expect(selection.kind === "selected" && selection.profile.id).toBe("pilot");
  });

  it("breaks a priority tie by id order, regardless of document order", () => {
    const tied = policy({
      profiles: [
        profileInput({ id: "zeta", includeGroups: ["g"], priority: 1 }),
        profileInput({ id: "alpha", includeGroups: ["g"], priority: 1 }),
        profileInput({ id: "mid", includeGroups: ["g"], priority: 1 }),
      ],
    });
    const selection = selectProfile(tied, alice, new Set(["g"]));
    expect(selection.kind === "selected" && selection.profile.id).toBe("alpha");
  });

  it("returns the profile object with its defaults", () => {
    const selection = selectProfile(doc, alice, new Set(["g-staff"]));
    expect(selection).toEqual({ kind: "selected", profile: doc.profiles[0] });
  });
});

describe("routeProvider", () => {
  function routed(providers: PolicyProfile["providers"]): PolicyProfile {
    return policy({ profiles: [profileInput({ providers })] }).profiles[0]!;
  }

  const profile = routed({ default: "demo-idv", byCountry: { DE: "eu-idv", US: "us-idv" } });

  it("routes a country listed in byCountry to its provider", () => {
    expect(routeProvider(profile, "DE")).toBe("eu-idv");
    expect(routeProvider(profile, "US")).toBe("us-idv");
  });

  it("accepts the country in lower or mixed case", () => {
    expect(routeProvider(profile, "de")).toBe("eu-idv");
    expect(routeProvider(profile, "uS")).toBe("us-idv");
  });

  it("falls back to the default provider for an unlisted country", () => {
    expect(routeProvider(profile, "FR")).toBe("demo-idv");
  });

  it("falls back to the default provider when no country is known", () => {
    expect(routeProvider(profile, undefined)).toBe("demo-idv");
    expect(routeProvider(profile, "")).toBe("demo-idv");
  });

  it("is undefined for an unlisted country without a default", () => {
    const noDefault = routed({ byCountry: { DE: "eu-idv" } });
    expect(routeProvider(noDefault, "FR")).toBeUndefined();
    expect(routeProvider(noDefault, undefined)).toBeUndefined();
    expect(routeProvider(noDefault, "de")).toBe("eu-idv");
  });

  it("is undefined when the profile routes nothing", () => {
    expect(routeProvider(routed({ byCountry: {} }), "DE")).toBeUndefined();
  });
});
