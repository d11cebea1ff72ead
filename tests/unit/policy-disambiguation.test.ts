import { describe, expect, it } from "vitest";
import { policyProfileSchema } from "../../src/recovery/policy";

const BASE = { id: "p", displayName: "P", includeGroups: ["g"] };

describe("the profile's namesake disambiguation settings", () => {
  it("default to none: the name match alone decides", () => {
    const p = policyProfileSchema.parse(BASE);
    expect(p.bindings).toEqual([]);
    expect(p.claimValidation).toBeUndefined();
  });

  it("accept a date-of-birth binding and a callout, filling the defaults", () => {
    const p = policyProfileSchema.parse({
      ...BASE,
      bindings: [{ claim: "dateOfBirth", attribute: "extensionAttribute3", compare: "date" }],
      claimValidation: { url: "https://hr.contoso.example/validate" },
    });
    expect(p.bindings).toEqual([{ claim: "dateOfBirth", attribute: "extensionAttribute3", compare: "date" }]);
    expect(p.claimValidation).toEqual({
      url: "https://hr.contoso.example/validate",
      timeoutMs: 2000,
      maxRetries: 1,
    });
  });

  it.each([
    [
      "an attribute Graph has no such name for",
      { bindings: [{ claim: "dateOfBirth", attribute: "extensionAttribute16" }] },
    ],
    ["the display name", { bindings: [{ claim: "fullName", attribute: "displayName" }] }],
    ["a callout that is not http(s)", { claimValidation: { url: "ftp://hr.example/validate" } }],
    [
      "a callout allowed to wait a minute",
      { claimValidation: { url: "https://hr.example", timeoutMs: 60_000 } },
    ],
    ["an unknown callout option", { claimValidation: { url: "https://hr.example", onError: "pass" } }],
    [
      "a callout over http to a host that is not loopback",
      { claimValidation: { url: "http://hr.example/v" } },
    ],
    ["a callout URL with credentials", { claimValidation: { url: "https://u:p@hr.example/v" } }],
    ...[
      "tap-handoff-key",
      "idv-handoff-signing-key",
      "idv-demo-idv-webhook-secret",
      "claim-validation-",
      "Claim-Validation-HR",
      "x-claim-validation-hr",
      "claim-validation-hr/../tap-handoff-key",
    ].map((name): [string, object] => [
      `the secret ${name} (outside the callout's claim-validation-* namespace)`,
      { claimValidation: { url: "https://hr.example", apiKeySecret: name } },
    ]),
  ])("refuse %s", (_what, extra) => {
    expect(policyProfileSchema.safeParse({ ...BASE, ...extra }).success).toBe(false);
  });

  it("accept a callout key of the callout's own namespace, and loopback http (development is checked by config)", () => {
    const callout = { url: "http://127.0.0.1:8080/v", apiKeySecret: "claim-validation-hr" };
    expect(policyProfileSchema.safeParse({ ...BASE, claimValidation: callout }).success).toBe(true);
  });
});
