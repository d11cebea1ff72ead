import { describe, expect, it } from "vitest";
import { ALL_USERS, type TapPolicyView, tapCoverage, tapPolicyGroups } from "../../src/recovery/tapPolicy";

const policy = (over: Partial<TapPolicyView> = {}): TapPolicyView => ({
  state: "enabled",
  minimumLifetimeInMinutes: 60,
  maximumLifetimeInMinutes: 480,
  includeTargets: [{ targetType: "group", id: "staff" }],
  excludeTargets: [{ targetType: "group", id: "vip" }],
  ...over,
});

describe("TAP policy coverage", () => {
  it("covers a member of an included group and clamps the lifetime into the policy bounds", () => {
    expect(tapCoverage(policy(), new Set(["staff"]), 30)).toEqual({ covered: true, lifetimeInMinutes: 60 });
    expect(tapCoverage(policy(), new Set(["staff"]), 120)).toEqual({ covered: true, lifetimeInMinutes: 120 });
    expect(tapCoverage(policy(), new Set(["staff"]), 1000)).toEqual({
      covered: true,
      lifetimeInMinutes: 480,
    });
  });

  it("covers everyone when all_users is included", () => {
    const all = policy({ includeTargets: [{ targetType: "group", id: ALL_USERS }] });
    expect(tapCoverage(all, new Set(), 60)).toMatchObject({ covered: true });
  });

  it("refuses a disabled policy, a user outside the targets, and an excluded user", () => {
    expect(tapCoverage(policy({ state: "disabled" }), new Set(["staff"]), 60)).toEqual({
      covered: false,
      reason: "tap_policy_disabled",
    });
    expect(tapCoverage(policy(), new Set(["other"]), 60)).toEqual({
      covered: false,
      reason: "tap_policy_not_targeted",
    });
    expect(tapCoverage(policy(), new Set(["staff", "vip"]), 60)).toEqual({
      covered: false,
      reason: "tap_policy_excluded",
    });
    const everyoneExcluded = policy({ excludeTargets: [{ targetType: "group", id: ALL_USERS }] });
    expect(tapCoverage(everyoneExcluded, new Set(["staff"]), 60)).toMatchObject({ covered: false });
  });

  it("names the groups to check, without the all_users pseudo-target", () => {
    const p = policy({
      includeTargets: [
        { targetType: "group", id: ALL_USERS },
        { targetType: "group", id: "a" },
      ],
    });
    expect(tapPolicyGroups(p)).toEqual(["a", "vip"]);
  });
});
