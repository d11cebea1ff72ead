/**
 * The Temporary Access Pass policy against the profiles: enabled, covering every user in scope
 * (the same `tapCoverage` rule discovery applies, so the report and a recovery agree), and
 * lifetime bounds that leave each profile's `tapLifetimeMinutes` as configured.
 */
import { ALL_USERS, tapCoverage } from "../../../recovery/tapPolicy";
import type { DiagnosticCheck } from "../../diagnosticsReport";
import type { DiagnosticsFacts } from "../facts";
import {
  entry,
  policyUnreadable,
  sample,
  scopeOf,
  severityFor,
  TRUNCATED_NOTE,
  unlessTruncated,
  unreadable,
  worst,
} from "./common";

const POLICY_FIX_PERMISSION =
  "Grant the app Policy.Read.All (it reads the TAP policy at every discovery too).";

export function tapPolicyEnabled(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "tap_policy_enabled";
  const title = "Temporary Access Pass method enabled";
  if (!facts.tapPolicy.ok)
    return unreadable(id, title, "the TAP policy", facts.tapPolicy.error, POLICY_FIX_PERMISSION);
  const tap = facts.tapPolicy.value;
  if (tap.state === "enabled")
    return entry(id, title, "pass", "The Temporary Access Pass method is enabled.", { state: tap.state });
  const profiles = facts.policy.ok ? facts.policy.value.profiles : [];
  return entry(
    id,
    title,
    severityFor(profiles),
    "The Temporary Access Pass method is disabled: no recovery can hand over a TAP.",
    { state: tap.state },
    "Entra admin center → Protection → Authentication methods → Policies → Temporary Access Pass: enable it and target the recovery groups.",
  );
}

export function tapPolicyScope(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "tap_policy_scope";
  const title = "TAP policy covers every user in scope";
  if (!facts.tapPolicy.ok)
    return unreadable(id, title, "the TAP policy", facts.tapPolicy.error, POLICY_FIX_PERMISSION);
  const s = scopeOf(facts, id, title);
  if (!s.ok) return s.check;
  const tap = facts.tapPolicy.value;
  const policy = s.policy;
  const excludedGroups = new Set(tap.excludeTargets.map((t) => t.id));
  const targetsAll = tap.includeTargets.some((t) => t.id === ALL_USERS);
  const perProfile = new Map(
    policy.profiles.map((p) => [
      p.id,
      {
        profile: p,
        inScope: 0,
        notCovered: [] as { id: string; userPrincipalName: string; reason: string }[],
      },
    ]),
  );
  for (const { user, profile } of s.scoped) {
    const row = perProfile.get(profile.id);
    if (!row) continue; // every scoped user's profile is one of the policy's
    row.inScope++;
    const memberOf = s.population.memberOf.get(user.id) ?? new Set<string>();
    const coverage = tapCoverage({ ...tap, state: "enabled" }, memberOf, profile.tapLifetimeMinutes);
    if (!coverage.covered)
      row.notCovered.push({
        id: user.id,
        userPrincipalName: user.userPrincipalName,
        reason: coverage.reason,
      });
  }
  // A profile group the policy excludes outright loses every member, whoever is enumerated.
  const excludedProfileGroups = policy.profiles.flatMap((p) =>
    p.includeGroups.filter((g) => excludedGroups.has(g)).map((g) => ({ profile: p, group: g })),
  );
  const rows = [...perProfile.values()];
  const failing = rows.filter((r) => r.notCovered.length > 0).map((r) => r.profile);
  const truncated = s.truncated;
  const status = unlessTruncated(
    worst([
      failing.length ? severityFor(failing) : "pass",
      excludedProfileGroups.length ? severityFor(excludedProfileGroups.map((e) => e.profile)) : "pass",
    ]),
    truncated,
  );
  const evidence = {
    includeTargets: tap.includeTargets.map((t) => t.id),
    excludeTargets: tap.excludeTargets.map((t) => t.id),
    excludedProfileGroups: excludedProfileGroups.map((e) => ({ profile: e.profile.id, group: e.group })),
    profiles: rows.map((r) => ({
      profile: r.profile.id,
      mode: r.profile.mode,
      usersInScope: r.inScope,
      notCovered: r.notCovered.length,
      sample: sample(r.notCovered),
    })),
    truncated,
  };
  if (status === "pass") {
    return entry(
      id,
      title,
      "pass",
      targetsAll
        ? "The TAP policy targets all users and excludes none in scope."
        : "Every user in scope is a target of the TAP policy and none is excluded.",
      evidence,
    );
  }
  const count = rows.reduce((n, r) => n + r.notCovered.length, 0);
  const summary =
    count > 0 || excludedProfileGroups.length > 0
      ? `${count} user(s) in scope would get no TAP (not targeted or excluded by the TAP policy)${excludedProfileGroups.length ? `; the policy excludes profile group(s) ${excludedProfileGroups.map((e) => e.group).join(", ")}` : ""}.`
      : TRUNCATED_NOTE;
  return entry(
    id,
    title,
    status,
    summary,
    evidence,
    "Add every profile's includeGroups (or All users) to the TAP policy's targets and remove them from its exclusions; discovery refuses these users (tap_policy_not_targeted / tap_policy_excluded).",
  );
}

export function tapPolicyLifetime(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "tap_policy_lifetime";
  const title = "TAP lifetime bounds fit the profiles";
  if (!facts.tapPolicy.ok)
    return unreadable(id, title, "the TAP policy", facts.tapPolicy.error, POLICY_FIX_PERMISSION);
  if (!facts.policy.ok) return policyUnreadable(id, title, facts.policy.error);
  const tap = facts.tapPolicy.value;
  const rows = facts.policy.value.profiles.map((p) => {
    const coverage = tapCoverage(
      {
        ...tap,
        state: "enabled",
        includeTargets: [{ targetType: "group", id: ALL_USERS }],
        excludeTargets: [],
      },
      new Set(),
      p.tapLifetimeMinutes,
    );
    const effective = coverage.covered ? coverage.lifetimeInMinutes : p.tapLifetimeMinutes;
    return {
      profile: p,
      configured: p.tapLifetimeMinutes,
      effective,
      oneTimeForced: tap.isUsableOnce && !p.tapUsableOnce,
    };
  });
  // Longer than configured is a security question (fail in Production); shorter only shortens the user's window.
  const longer = rows.filter((r) => r.effective > r.configured).map((r) => r.profile);
  const shorter = rows.filter((r) => r.effective < r.configured || r.oneTimeForced);
  const status = worst([longer.length ? severityFor(longer) : "pass", shorter.length ? "warn" : "pass"]);
  const evidence = {
    minimumLifetimeInMinutes: tap.minimumLifetimeInMinutes,
    maximumLifetimeInMinutes: tap.maximumLifetimeInMinutes,
    isUsableOnce: tap.isUsableOnce,
    profiles: rows.map((r) => ({
      profile: r.profile.id,
      mode: r.profile.mode,
      tapLifetimeMinutes: r.configured,
      effectiveLifetimeMinutes: r.effective,
      tapUsableOnce: r.profile.tapUsableOnce,
      oneTimeForcedByPolicy: r.oneTimeForced,
    })),
  };
  if (status === "pass")
    return entry(
      id,
      title,
      "pass",
      `Every profile's TAP lifetime lies within the policy's ${tap.minimumLifetimeInMinutes}–${tap.maximumLifetimeInMinutes} minutes.`,
      evidence,
    );
  const changed = rows
    .filter((r) => r.effective !== r.configured)
    .map((r) => `${r.profile.id}: ${r.configured} → ${r.effective} min`);
  const forced = rows.filter((r) => r.oneTimeForced).map((r) => r.profile.id);
  return entry(
    id,
    title,
    status,
    [
      changed.length ? `TAP lifetime clamped by the policy (${changed.join(", ")})` : "",
      forced.length ? `one-time use forced by the policy for ${forced.join(", ")}` : "",
    ]
      .filter(Boolean)
      .join("; ") + ".",
    evidence,
    "Make the TAP policy's minimum and maximum lifetime include each profile's tapLifetimeMinutes (or change the profile), so the pass lives as long as the profile says.",
  );
}
