/**
 * The users in scope who cannot recover, for reasons discovery would give: no given name or
 * surname, never signed in, a namesake (counted tenant-wide, as discovery does); and users in
 * scope of a Production profile who hold a privileged directory role.
 */
import type { DirectoryUserRow } from "../../../directory/diagnosticsReads";
import {
  DEFAULT_MAX_EXTRA_WORDS,
  directoryFieldMatchable,
  namesakesOf,
  relaxedWords,
} from "../../../recovery/names";
import { disambiguatesNamesakes, type PolicyProfile, selectProfile } from "../../../recovery/policy";
import type { DiagnosticCheck } from "../../diagnosticsReport";
import type { DiagnosticsFacts, ScopedUser } from "../facts";
import {
  entry,
  policyUnreadable,
  SAMPLE_SIZE,
  sample,
  scopeOf,
  severityFor,
  TRUNCATED_NOTE,
  unlessTruncated,
  unreadable,
} from "./common";

function listed(affected: ScopedUser[]) {
  return sample(affected).map(({ user, profile }) => ({
    id: user.id,
    userPrincipalName: user.userPrincipalName,
    profile: profile.id,
  }));
}

/** A check over the users in scope: pass when none is affected (unless the view was cut), else fail or warn by mode. */
function affectedUsersCheck(
  id: string,
  title: string,
  s: { scoped: ScopedUser[]; truncated: boolean },
  affected: ScopedUser[],
  text: { pass: string; affected: string; fix: string },
): DiagnosticCheck {
  const evidence = {
    usersInScope: s.scoped.length,
    affected: affected.length,
    sample: listed(affected),
    truncated: s.truncated,
  };
  if (affected.length === 0) {
    const status = unlessTruncated("pass", s.truncated);
    return entry(id, title, status, status === "pass" ? text.pass : TRUNCATED_NOTE, evidence);
  }
  return entry(id, title, severityFor(affected.map((a) => a.profile)), text.affected, evidence, text.fix);
}

export function usersWithoutNames(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "users_without_names";
  const title = "Users in scope without given name or surname";
  const s = scopeOf(facts, id, title);
  if (!s.ok) return s.check;
  // Names the match can never use count too: not starting with a letter, or holding invisible,
  // private-use or compatibility characters (names.ts).
  const affected = s.scoped.filter(
    ({ user }) => !directoryFieldMatchable(user.givenName) || !directoryFieldMatchable(user.surname),
  );
  return affectedUsersCheck(id, title, s, affected, {
    pass: `All ${s.scoped.length} users in scope have a given name and a surname the match can use.`,
    affected: `${affected.length} user(s) in scope lack a usable givenName or surname (missing, not starting with a letter, or with invisible or compatibility characters): their verified name can never match.`,
    fix: "Fill in givenName and surname (as on the person's ID document, starting with a letter, without invisible characters) in Entra ID or the HR source that provisions it.",
  });
}

export function usersWithoutSignIn(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "users_without_sign_in";
  const title = "Users in scope without a prior successful sign-in";
  const s = scopeOf(facts, id, title);
  if (!s.ok) return s.check;
  if (!facts.signIns.ok)
    return unreadable(
      id,
      title,
      "sign-in activity",
      facts.signIns.error,
      "Grant the app AuditLog.Read.All; signInActivity also needs an Entra ID P1 licence.",
    );
  const signIns = facts.signIns.value;
  const affected = s.scoped.filter(({ user }) => !signIns.get(user.id));
  return affectedUsersCheck(id, title, s, affected, {
    pass: `All ${s.scoped.length} users in scope have signed in successfully before.`,
    affected: `${affected.length} user(s) in scope never signed in successfully: discovery refuses them (no_prior_sign_in).`,
    fix: "These users must sign in once (e.g. with a TAP issued by the helpdesk) before self-service recovery is offered, as in Entra's own account recovery.",
  });
}

export function namesakesInScope(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "namesakes_in_scope";
  const title = "Namesakes among users in scope";
  const s = scopeOf(facts, id, title);
  if (!s.ok) return s.check;
  // Discovery counts every other enabled account of the tenant. When the candidates are not
  // complete (or not readable), the users in scope are still compared with each other.
  const candidates = facts.namesakeCandidates.ok ? facts.namesakeCandidates.value : undefined;
  const others = new Map(s.scoped.map((x) => [x.user.id, x.user]));
  for (const row of candidates?.rows ?? []) others.set(row.id, row);
  // Accounts by each word of their surname (relaxed form): any namesake under either mode
  // shares at least the first surname word of one of the two (names.ts), so the pairs to
  // compare are found without comparing every pair.
  const bySurnameWord = new Map<string, DirectoryUserRow[]>();
  for (const u of others.values()) {
    if (!u.accountEnabled || !directoryFieldMatchable(u.givenName) || !directoryFieldMatchable(u.surname))
      continue;
    for (const word of new Set(relaxedWords(u.surname)))
      bySurnameWord.set(word, [...(bySurnameWord.get(word) ?? []), u]);
  }
  const groups = new Map<string, { name: string; members: ScopedUser[]; accounts: string[] }>();
  for (const scoped of s.scoped) {
    const { user, profile } = scoped;
    if (!directoryFieldMatchable(user.givenName) || !directoryFieldMatchable(user.surname)) continue;
    const near = new Set(relaxedWords(user.surname).flatMap((w) => bySurnameWord.get(w) ?? []));
    const namesakes = namesakesOf(profile.nameMatch, user, [...near], {
      maxExtraWords: profile.nameMatchMaxExtraWords ?? DEFAULT_MAX_EXTRA_WORDS,
    });
    if (namesakes.length === 0) continue;
    const accounts = [user.id, ...namesakes].sort();
    const key = accounts.join(",");
    const group = groups.get(key) ?? {
      name: `${user.givenName.trim()} ${user.surname.trim()}`,
      members: [],
      accounts,
    };
    group.members.push(scoped);
    groups.set(key, group);
  }
  const blocking = [...groups.values()].filter((g) =>
    g.members.some((m) => !disambiguatesNamesakes(m.profile)),
  );
  const truncated = s.truncated || !candidates?.complete;
  const evidence = {
    groups: blocking.length,
    namesakes: sample(blocking).map((g) => ({
      name: g.name,
      accounts: g.accounts.length,
      userIds: sample(g.accounts, 10),
      inScope: sample(
        g.members.map((m) => ({ id: m.user.id, profile: m.profile.id })),
        10,
      ),
    })),
    tolerated: [...groups.values()].filter((g) => !blocking.includes(g)).length,
    comparedWith: !candidates
      ? "users in scope only"
      : candidates.source === "name_lookups"
        ? "accounts named like users in scope (per-name lookups)"
        : candidates.complete
          ? "the whole tenant"
          : "part of the tenant",
    ...(facts.namesakeCandidates.ok ? {} : { readError: facts.namesakeCandidates.error }),
    truncated,
  };
  if (blocking.length === 0) {
    const status = unlessTruncated("pass", truncated);
    return entry(
      id,
      title,
      status,
      status === "pass"
        ? "No user in scope has a namesake under their profile's name rule (or their profile binds more than the name)."
        : TRUNCATED_NOTE,
      evidence,
    );
  }
  const people = blocking.reduce((n, g) => n + g.members.length, 0);
  return entry(
    id,
    title,
    severityFor(blocking.flatMap((g) => g.members.map((m) => m.profile))),
    `${blocking.length} name(s) shared by more than one account; ${people} user(s) in scope cannot recover (namesake)${blocking.length > SAMPLE_SIZE ? `; the first ${SAMPLE_SIZE} are listed` : ""}.`,
    evidence,
    "Tell the accounts apart beyond the name: add a binding (e.g. dateOfBirth → extensionAttributeN) or a claimValidation callout to their profile, or correct the names if they are wrong.",
  );
}

/** Directory roles Microsoft counts as privileged (template ids, the same in every tenant). */
export const PRIVILEGED_ROLES: Readonly<Record<string, string>> = {
  "62e90394-69f5-4237-9190-012177145e10": "Global Administrator",
  "e8611ab8-c189-46e8-94e1-60213ab1f814": "Privileged Role Administrator",
  "7be44c8a-adaf-4e2a-84d6-ab2649e08a13": "Privileged Authentication Administrator",
  "194ae4cb-b126-40b2-bd5b-6091b380977d": "Security Administrator",
  "fe930be7-5e62-47db-91af-98c3a49a38b1": "User Administrator",
  "c4e39bd9-1100-46d3-8c65-fb160da0071f": "Authentication Administrator",
  "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3": "Application Administrator",
  "158c047a-c907-4556-b7ef-446551a6b5f7": "Cloud Application Administrator",
  "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9": "Conditional Access Administrator",
  "29232cdf-9323-42fd-ade2-1d097af3e4de": "Exchange Administrator",
  "f28a1f50-f6e7-4571-818b-6a12f2af6b6c": "SharePoint Administrator",
  "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2": "Hybrid Identity Administrator",
  "3a2c62db-5318-420d-8d74-23affee5d9d5": "Intune Administrator",
  "729827e3-9c14-49f7-bb1b-9608f156bbb8": "Helpdesk Administrator",
  "966707d0-3269-4727-9be2-8c3a10f19b9d": "Password Administrator",
};

export function privilegedInProduction(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "privileged_roles_in_production";
  const title = "Privileged role holders in scope of a Production profile";
  if (!facts.policy.ok) return policyUnreadable(id, title, facts.policy.error);
  if (!facts.privileged.ok)
    return unreadable(
      id,
      title,
      "directory role assignments",
      facts.privileged.error,
      "Grant the app RoleManagement.Read.Directory.",
    );
  const policy = facts.policy.value;
  const p = facts.privileged.value;
  const found: { id: string; profile: PolicyProfile; roles: string[]; via: string[] }[] = [];
  for (const [userId, holder] of p.holders) {
    const memberOf = p.memberOf.get(userId);
    if (!memberOf) continue;
    const selection = selectProfile(
      policy,
      { id: userId, userPrincipalName: holder.userPrincipalName },
      memberOf,
    );
    if (selection.kind === "selected") {
      found.push({
        id: userId,
        profile: selection.profile,
        roles: [...holder.roles].map((r) => PRIVILEGED_ROLES[r] ?? r),
        via: [...holder.via],
      });
    }
  }
  const production = found.filter((f) => f.profile.mode === "production");
  const evidence = {
    privilegedHolders: p.holders.size,
    inProductionScope: production.length,
    inEvaluationScope: found.length - production.length,
    sample: sample(found).map((f) => ({
      id: f.id,
      profile: f.profile.id,
      mode: f.profile.mode,
      roles: f.roles,
      via: f.via,
    })),
    truncated: p.truncated,
  };
  const fix =
    "Exclude admin accounts from recovery (globalExclusions.groups with a group of role holders, or the profile's excludeGroups): a recovered admin account hands its roles to whoever passes the ID check. Microsoft also advises excluding executive and finance accounts.";
  if (production.length > 0) {
    return entry(
      id,
      title,
      "fail",
      `${production.length} holder(s) of privileged directory roles can recover under a Production profile.`,
      evidence,
      fix,
    );
  }
  if (found.length > 0)
    return entry(
      id,
      title,
      "warn",
      `${found.length} privileged role holder(s) are in scope of an Evaluation profile: exclude them before switching it to Production.`,
      evidence,
      fix,
    );
  const status = unlessTruncated("pass", p.truncated);
  return entry(
    id,
    title,
    status,
    status === "pass"
      ? `None of the ${p.holders.size} privileged role holder(s) is in scope.`
      : "Too many privileged role holders to examine them all.",
    evidence,
    fix,
  );
}
