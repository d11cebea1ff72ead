/**
 * Checks of the service's own configuration: the policy store, the Verified ID authority,
 * Face Check in the profiles, the IDV providers (secrets, manifest, issuers, routing), the
 * app's secrets, and the Graph permissions our identity actually holds.
 */

import { HANDOFF_SIGNING_KEY_SECRET } from "../../../idv/handoffToken";
import { resultsModeOf } from "../../../idv/resultsMode";
import { webhookSecretName } from "../../../idv/webhookSecrets";
import { referencedGroups, routedProviders } from "../../../recovery/policy";
import { TAP_HANDOFF_KEY_SECRET } from "../../../tap/seal";
import type { CheckStatus, DiagnosticCheck } from "../../diagnosticsReport";
import type { DiagnosticsFacts } from "../facts";
import { GRAPH_PERMISSIONS, SATISFIED_BY } from "../permissions";
import { entry, policyUnreadable, severityFor, unreadable, worst } from "./common";

/** Microsoft's default Face Check threshold; lower accepts weaker matches. */
const DEFAULT_FACE_CHECK_THRESHOLD = 70;

export function verifiedIdAuthority(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "verified_id_authority";
  const title = "Verified ID authority (VERIFIED_ID_AUTHORITY)";
  const r = facts.authorityResolution;
  const evidence = { authority: facts.authority, resolution: r };
  if (r.kind === "resolved" && r.keys > 0) {
    return entry(
      id,
      title,
      "pass",
      `The authority's DID document resolves and publishes ${r.keys} key(s).`,
      evidence,
    );
  }
  if (r.kind === "resolved") {
    return entry(
      id,
      title,
      "fail",
      "The authority's DID document publishes no key.",
      evidence,
      "Complete the Verified ID setup (Entra admin center → Verified ID → Setup): the DID document must carry the signing key.",
    );
  }
  if (r.kind === "not_checked") {
    return entry(
      id,
      title,
      "warn",
      `A ${r.method} authority cannot be resolved from here; only did:web is checked.`,
      evidence,
      "Use the did:web authority of your Verified ID setup (Microsoft retired did:ion for new authorities).",
    );
  }
  if (r.reason === "did_unresolvable") {
    return entry(
      id,
      title,
      "warn",
      `The authority's DID document could not be fetched from here: ${r.message}.`,
      evidence,
      "Check that https://<domain>/.well-known/did.json is published (Verified ID → Setup → Verify domain ownership); the function app's outbound network may also block it.",
    );
  }
  return entry(
    id,
    title,
    "fail",
    `The authority is not a usable did:web: ${r.message}.`,
    evidence,
    "Set VERIFIED_ID_AUTHORITY to the DID shown in Entra admin center → Verified ID → Overview (did:web:<your domain>).",
  );
}

export function faceCheck(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "face_check";
  const title = "Face Check in the policy profiles";
  if (!facts.policy.ok) return policyUnreadable(id, title, facts.policy.error);
  const profiles = facts.policy.value.profiles;
  const rows = profiles.map((p) => ({
    profile: p.id,
    mode: p.mode,
    faceCheck: p.faceCheck !== false,
    threshold: p.faceCheckThreshold,
  }));
  const off = profiles.filter((p) => p.faceCheck === false);
  const low = profiles.filter(
    (p) => p.faceCheck !== false && p.faceCheckThreshold < DEFAULT_FACE_CHECK_THRESHOLD,
  );
  const status = worst([off.length > 0 ? severityFor(off) : "pass", low.length > 0 ? "warn" : "pass"]);
  if (status === "pass") {
    return entry(
      id,
      title,
      "pass",
      `Every profile compares the live face with the ID portrait (threshold ≥ ${DEFAULT_FACE_CHECK_THRESHOLD}).`,
      { profiles: rows },
    );
  }
  const parts = [
    ...(off.length ? [`Face Check is off in ${off.map((p) => `${p.id} (${p.mode})`).join(", ")}`] : []),
    ...(low.length
      ? [`threshold below ${DEFAULT_FACE_CHECK_THRESHOLD} in ${low.map((p) => p.id).join(", ")}`]
      : []),
  ];
  return entry(
    id,
    title,
    status,
    `${parts.join("; ")}.`,
    { profiles: rows },
    "Set faceCheck: true (or remove it) in every Production profile: without it nobody compares the person presenting the credential with the ID photo. Keep faceCheckThreshold at 70 or above.",
  );
}

export function idvProviders(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "idv_providers";
  const title = "Identity verification providers";
  if (!facts.policy.ok) return policyUnreadable(id, title, facts.policy.error);
  const profiles = facts.policy.value.profiles;
  const known = new Map(facts.providers.map((p) => [p.name, p]));
  const routedBy = new Map<string, string[]>();
  const problems: { status: CheckStatus; text: string }[] = [];
  for (const p of profiles) {
    const names = routedProviders(p);
    if (names.length === 0) {
      problems.push({ status: severityFor([p]), text: `profile ${p.id} routes no country to a provider` });
    }
    for (const name of names) {
      if (!known.has(name))
        problems.push({
          status: severityFor([p]),
          text: `profile ${p.id} routes to unknown provider ${name}`,
        });
      routedBy.set(name, [...(routedBy.get(name) ?? []), p.id]);
    }
  }
  const rows = facts.providers.map((provider) => {
    const secret = webhookSecretName(provider.name);
    const present = facts.secrets.get(secret) === true;
    const users = routedBy.get(provider.name) ?? [];
    // In `return` mode (Microsoft's contract) a provider sends no webhook: no secret needed.
    const results = resultsModeOf(provider);
    if (!present && results !== "return") {
      const routedProfiles = profiles.filter((p) => users.includes(p.id));
      problems.push({
        status: routedProfiles.length ? severityFor(routedProfiles) : "warn",
        text: `secret ${secret} of ${provider.name} is missing`,
      });
    }
    if (!provider.manifestUri) problems.push({ status: "warn", text: `${provider.name} has no manifestUri` });
    return {
      name: provider.name,
      adapter: provider.adapter,
      results,
      webhookSecret: { name: secret, present },
      previousSecretPresent: facts.secrets.get(`${secret}-previous`) === true,
      manifestUri: provider.manifestUri ?? null,
      acceptedIssuers: provider.acceptedIssuers,
      routedBy: users,
    };
  });
  const status = worst(problems.map((p) => p.status));
  const evidence = { providers: rows, problems: problems.map((p) => p.text) };
  if (status === "pass")
    return entry(
      id,
      title,
      "pass",
      `${rows.length} provider(s): secrets present, issuers and manifests configured, every profile routed.`,
      evidence,
    );
  return entry(
    id,
    title,
    status,
    `${problems.map((p) => p.text).join("; ")}.`,
    evidence,
    "Store each provider's webhook secret in Key Vault as idv-<provider>-webhook-secret; give standard-webhooks providers their manifestUri in IDV_PROVIDERS; route every profile (providers.default or byCountry) to a configured provider.",
  );
}

/** The app's own secrets, by name: the hand-off signing key, the TAP sealing key, callout API keys. */
export function appSecrets(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "app_secrets";
  const title = "Secrets of the service in Key Vault";
  const names = [HANDOFF_SIGNING_KEY_SECRET, TAP_HANDOFF_KEY_SECRET];
  if (facts.policy.ok) {
    for (const p of facts.policy.value.profiles) {
      if (p.claimValidation?.apiKeySecret) names.push(p.claimValidation.apiKeySecret);
    }
  }
  const missing = names.filter((n) => facts.secrets.get(n) !== true);
  const evidence = { secrets: names.map((name) => ({ name, present: facts.secrets.get(name) === true })) };
  if (missing.length === 0)
    return entry(id, title, "pass", `All ${names.length} secrets are present.`, evidence);
  return entry(
    id,
    title,
    "fail",
    `Missing: ${missing.join(", ")}.`,
    evidence,
    'Create the missing secrets in the Key Vault (docs/deploy.md, "Secrets"): idv-handoff-signing-key is a private JWK, tap-handoff-key 32 random bytes in base64url.',
  );
}

export function graphPermissions(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "graph_permissions";
  const title = "Microsoft Graph permissions granted to the app";
  if (!facts.tokenRoles.ok) {
    return unreadable(
      id,
      title,
      "a Graph token",
      facts.tokenRoles.error,
      "Check the app's managed identity (AZURE_CREDENTIAL) and its access to Entra ID.",
    );
  }
  const required = GRAPH_PERMISSIONS.filter((p) => p.name !== "Mail.Send" || facts.notificationsEnabled);
  if (facts.tokenRoles.value === "opaque") {
    return entry(
      id,
      title,
      "warn",
      "The Graph token is not a JWT (the local dev-static credential), so the granted permissions cannot be read.",
      { required: required.map((p) => p.name) },
      "Nothing to do locally; in Azure the managed identity's token carries its permissions in the roles claim.",
    );
  }
  const granted = new Set(facts.tokenRoles.value);
  const satisfied = (name: string) =>
    granted.has(name) || (SATISFIED_BY[name] ?? []).some((alt) => granted.has(alt));
  const missing = required.filter((p) => !satisfied(p.name));
  const evidence = {
    granted: [...granted].sort(),
    required: required.map((p) => p.name),
    missing: missing.map((p) => ({ permission: p.name, neededFor: p.purpose })),
  };
  if (missing.length === 0)
    return entry(
      id,
      title,
      "pass",
      `All ${required.length} required application permissions are in the app's token.`,
      evidence,
    );
  return entry(
    id,
    title,
    "fail",
    `Not granted: ${missing.map((p) => p.name).join(", ")}.`,
    evidence,
    "Grant the missing application permissions to the app's managed identity (infra/modules/entra.bicep, or the az commands in docs/deploy.md). A token is cached for up to 24 hours: the change shows after the app gets a new one (restart the app).",
  );
}

/** The policy profiles can be read, and every group they name exists. */
export function policyStore(facts: DiagnosticsFacts): DiagnosticCheck {
  const id = "policy_store";
  const title = "Policy profiles readable and their groups present";
  if (!facts.policy.ok) {
    return entry(
      id,
      title,
      "fail",
      `The policy profiles cannot be read: ${facts.policy.error}`,
      { error: facts.policy.error },
      "Fix the profile named in the error through the admin API, or the seed (POLICY_PROFILES_FILE / POLICY_PROFILES).",
    );
  }
  const policy = facts.policy.value;
  const failed = facts.population.ok ? facts.population.value.failedGroups : [];
  const referenced = new Set(referencedGroups(policy));
  const missing = failed.filter((f) => referenced.has(f.groupId));
  const evidence = {
    profiles: policy.profiles.map((p) => ({
      id: p.id,
      mode: p.mode,
      priority: p.priority,
      includeGroups: p.includeGroups.length,
      excludeGroups: p.excludeGroups.length,
    })),
    globalExclusions: {
      groups: policy.globalExclusions.groups.length,
      users: policy.globalExclusions.users.length,
    },
    unreadableGroups: missing,
  };
  if (missing.length === 0)
    return entry(
      id,
      title,
      "pass",
      `${policy.profiles.length} profile(s); every group they name exists.`,
      evidence,
    );
  return entry(
    id,
    title,
    "fail",
    `Group(s) named by the policy cannot be read: ${missing.map((m) => m.groupId).join(", ")}.`,
    evidence,
    "Correct the group object ids in the profiles (includeGroups, excludeGroups) and globalExclusions: a deleted or mistyped group silently takes its members out of scope or out of an exclusion.",
  );
}
