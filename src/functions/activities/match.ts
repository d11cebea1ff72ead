/**
 * The match of the verified person against the directory account, with namesake
 * disambiguation (bindings, the claim-validation callout).
 */
import { validateClaims } from "../../claimValidation/callout";
import { isDevelopment } from "../../config";
import { checkBindings } from "../../recovery/bindings";
import { decideUniqueness, type MatchRule, matchProfile, singledOut } from "../../recovery/matching";
import { type CredentialNames, credentialNamesProblem, DEFAULT_MAX_EXTRA_WORDS } from "../../recovery/names";
import { disambiguatesNamesakes, type PolicyProfile } from "../../recovery/policy";
import { services } from "../../services";
import type { NewAuditEvent } from "../../store/audit";
import type { MatchInput, MatchVerdict } from "../contracts";
import { presentationOutcome } from "../presentationRequests";
import { etagToHandOn, openDiscovered } from "./common";
import { credentialCheckedEntry } from "./presentation";
import { planRecovery } from "./recoveryPlan";

/** What the record shows once the match has decided (the check's verdict and the match's, being acted on). */
const VALIDATING = { status: "validating", next: undefined } as const;

/** What the extra checks after the name match decided, for the audit log (no values). */
interface DisambiguationDetail {
  bindings?: string;
  claimValidation?: string;
  /** The claims the endpoint's `failed` verdict named (names only, never values). */
  failedClaims?: string[];
}

/**
 * Namesake disambiguation after a name match: the profile's bindings (claims against directory
 * attributes), then the claim-validation callout. Either failing fails the match.
 */
async function disambiguate(
  profile: PolicyProfile,
  account: { id: string; userPrincipalName: string },
  claims: Readonly<Record<string, unknown>>,
  attributes: Readonly<Record<string, string | null>>,
): Promise<{ ok: boolean; detail: DisambiguationDetail }> {
  const s = services();
  const detail: DisambiguationDetail = {};
  const callout = profile.claimValidation;
  if (profile.bindings.length > 0) {
    const bound = checkBindings(profile.bindings, claims, attributes);
    detail.bindings = bound.explanation;
    if (!bound.ok) return { ok: false, detail };
  }
  if (callout) {
    // The callout sends only the claims its contract names (never the portrait).
    const verdict = await validateClaims(
      callout,
      {
        tenantId: s.config.tenantId,
        userId: account.id,
        userPrincipalName: account.userPrincipalName,
        employeeId: attributes.employeeId ?? null,
        claims,
      },
      { secrets: s.secrets, allowHttpLoopback: isDevelopment(s.config), credential: s.credential },
    );
    detail.claimValidation = verdict.pass
      ? `pass (attempts ${verdict.attempts})`
      : verdict.reason === "failed"
        ? `failed: ${verdict.failedClaims.join(",") || "no claims named"} (attempts ${verdict.attempts})`
        : `error: ${verdict.error} (attempts ${verdict.attempts}, fail-closed)`;
    if (!verdict.pass && verdict.reason === "failed") detail.failedClaims = verdict.failedClaims;
    if (!verdict.pass) return { ok: false, detail };
  }
  return { ok: true, detail };
}

/** The binding attributes a profile needs from the directory (the callout is sent the employee id). */
function bindingAttributes(profile: PolicyProfile): string[] {
  return [
    ...new Set([
      ...profile.bindings.map((b) => b.attribute),
      ...(profile.claimValidation ? ["employeeId"] : []),
    ]),
  ];
}

/**
 * The match of the presented credential against the directory account, unique in the tenant.
 * In Production its verdict carries the recovery step's plan, from the same round trip.
 *
 * Every verdict is one write: the record moves to `validating` (the passing check before it wrote
 * nothing) with the check's audit entry and the match's, in one transaction. A re-run finds the
 * entries there (`onceKey`) and writes only the record.
 */
export async function matchDirectoryProfile(input: MatchInput): Promise<MatchVerdict> {
  try {
    return await decideMatch(input);
  } catch (err) {
    // No verdict, so no write (closed since the check passed, the directory refusing): the passing
    // check's entry is recorded on its own now. The workflow's finish would record it too, but a
    // cancel stops the workflow, which then never gets there. A failure to record leaves it to the
    // finish; the step's own error is what the workflow hears.
    const checked = input.checked;
    if (checked)
      await services()
        .audit.record(credentialCheckedEntry(input.recoveryId, checked))
        .catch(() => undefined);
    throw err;
  }
}

async function decideMatch(input: MatchInput): Promise<MatchVerdict> {
  const s = services();
  // The version the check handed on (it read it, or the request step left it), when this process
  // holds it: this step writes with its etag, and before that write only reads (a cancel since
  // fails the write; the recovery step after it reads the record afresh before any directory
  // change). A profile with a claim-validation callout sends claims out of the app: then the
  // record is read as stored, so a recovery cancelled since sends nothing.
  const held = await openDiscovered(input.recoveryId, input.etag);
  // The passing check's entry, first in this step's write (a workflow from before the check
  // stopped writing hands on none: its check wrote it).
  const checked = input.checked ? [credentialCheckedEntry(input.recoveryId, input.checked)] : [];
  const record = held.profile.claimValidation ? await openDiscovered(input.recoveryId) : held;
  const outcome = await presentationOutcome(input.state, input.recoveryId);
  const claims = outcome.credentials[0]?.claims ?? {};
  const profile = record.profile;
  const rule: MatchRule = {
    nameMatch: profile.nameMatch,
    // A profile stored before the setting existed reads as the default.
    nameMatchMaxExtraWords: profile.nameMatchMaxExtraWords ?? DEFAULT_MAX_EXTRA_WORDS,
  };
  const names: CredentialNames = {
    firstName: typeof claims.firstName === "string" ? claims.firstName : undefined,
    lastName: typeof claims.lastName === "string" ? claims.lastName : undefined,
  };
  // Invisible, private-use or unassigned code points: the credential is refused, not read without them.
  if (credentialNamesProblem(claims.firstName, claims.lastName) === "name_characters") {
    const refused = await s.recoveries.advance(input.recoveryId, VALIDATING, record, [
      ...checked,
      {
        recoveryId: input.recoveryId,
        event: "profile_matched",
        onceKey: "profile_matched",
        outcome: "failure",
        code: "credential_invalid",
        detail: { reason: "name_characters", mode: profile.nameMatch },
      },
    ]);
    return { ok: false, code: "credential_invalid", ...etagToHandOn(refused) };
  }
  const production = record.mode === "production";
  const notices = production && s.config.notifications.senderMailbox !== undefined;
  // Read the directory again (the names may have changed since discovery), and in the same
  // round trip what the recovery and the notices after it need.
  const facts = await s.directory.readForMatch(record.userId, {
    attributes: bindingAttributes(profile),
    contacts: notices,
    manager: notices && s.config.notifications.notifyManager,
    ...(production ? { recovery: { tapPolicyGroups: record.tapPolicyGroups } } : {}),
    // The accounts the same credential could match, in the same round trip: the match must be unique.
    candidatesFor: names,
  });
  const account = facts.account;
  const result = account
    ? matchProfile(rule, names, account)
    : { matched: false, explanation: "account no longer exists" };
  const stillUsable = account?.accountEnabled === true;
  const candidates = facts.candidates ?? { complete: false, accounts: [] };
  const uniqueness =
    result.matched && stillUsable && account
      ? decideUniqueness(rule, names, account.id, candidates)
      : undefined;
  const extra =
    result.matched && stillUsable && account
      ? await disambiguate(profile, account, claims, facts.attributes)
      : undefined;
  // Another account the credential matches as well: only the profile's extra checks can tell
  // them apart, and only when they single out this account.
  const ambiguous =
    uniqueness !== undefined &&
    !uniqueness.unique &&
    (extra?.ok !== true ||
      !disambiguatesNamesakes(profile) ||
      !singledOut(profile, claims, uniqueness.colliding, candidates));
  const ok = result.matched && stillUsable && (extra?.ok ?? true) && !ambiguous;
  const code = ok ? "matched" : ambiguous && (extra?.ok ?? true) ? "profile_ambiguous" : "profile_mismatch";
  const matched: NewAuditEvent = {
    recoveryId: input.recoveryId,
    event: "profile_matched",
    onceKey: "profile_matched",
    outcome: ok ? "success" : "failure",
    code,
    detail: {
      explanation: stillUsable ? result.explanation : "account disabled or deleted",
      mode: profile.nameMatch,
      ...(profile.nameMatch === "relaxed" ? { maxExtraWords: rule.nameMatchMaxExtraWords } : {}),
      ...(uniqueness && !uniqueness.unique
        ? { uniqueness: uniqueness.reason, collidingAccounts: uniqueness.colliding }
        : {}),
      ...(extra?.detail ?? {}),
    },
  };
  // Where the notices go is kept on the record (addresses stay out of the workflow's history),
  // written with the verdict's audit entries. A recovery closed meanwhile keeps its status (and
  // gets no contacts), but the entries are still recorded.
  const contacts = facts.contacts;
  const after = await s.recoveries.advance(
    input.recoveryId,
    {
      ...VALIDATING,
      ...(contacts
        ? {
            noticeContacts: {
              userPrincipalName: contacts.userPrincipalName,
              otherMails: contacts.otherMails,
              preferredLanguage: contacts.preferredLanguage,
              ...(facts.managerMail !== undefined ? { managerMail: facts.managerMail } : {}),
            },
          }
        : {}),
    },
    record,
    [...checked, matched],
  );
  const handOn = etagToHandOn(after);
  if (!ok)
    return {
      ok: false,
      code: code === "profile_ambiguous" ? "profile_ambiguous" : "profile_mismatch",
      ...handOn,
    };
  // Production: the recovery step's plan, from this round trip's read (undefined: it reads for itself).
  const plan = production ? planRecovery(record.tapPolicyGroups, profile, facts) : undefined;
  return plan ? { ok: true, plan, ...handOn } : { ok: true, ...handOn };
}
