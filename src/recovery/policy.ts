/**
 * Policy profiles: who may recover, in which mode, through which provider, with which
 * thresholds and timeouts. One schema validates every source (settings file now, the admin
 * API later); selection is a pure function of the user's transitive groups.
 */
import { z } from "zod";

const groupId = z.string().min(1).max(128);
const providerName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lower-case letters, digits and hyphens");
/** Not a profile id: the admin API's path of the global exclusion list. */
export const RESERVED_PROFILE_ID = "exclusions";
const countryCode = z.string().regex(/^[A-Z]{2}$/, "ISO 3166-1 alpha-2, upper case");

/** The secret-name prefix reserved for claim-validation callout keys; no other secret of the app starts with it. */
export const CALLOUT_SECRET_PREFIX = "claim-validation-";

/** A secret name a callout may use: the reserved prefix, then lower-case letters, digits, hyphens. */
export function isCalloutSecretName(name: string): boolean {
  return /^claim-validation-[a-z0-9][a-z0-9-]{0,46}$/.test(name);
}

/** Hosts plain http may reach (development only): the machine itself. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["127.0.0.1", "localhost", "[::1]"]);

export const policyProfileSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/)
      // The admin API serves the global exclusion list at /api/admin/policies/exclusions.
      .refine((id) => id.toLowerCase() !== RESERVED_PROFILE_ID, `"${RESERVED_PROFILE_ID}" is reserved`),
    displayName: z.string().min(1).max(128),
    priority: z.number().int().min(0).max(10_000).default(100),
    mode: z.enum(["evaluation", "production"]).default("evaluation"),
    includeGroups: z.array(groupId).min(1).max(100),
    excludeGroups: z.array(groupId).max(100).default([]),
    providers: z
      .object({
        default: providerName.optional(),
        byCountry: z.record(countryCode, providerName).default({}),
      })
      .strict()
      .default({ byCountry: {} }),
    nameMatch: z.enum(["exact", "relaxed"]).default("exact"),
    /**
     * Relaxed mode: how many credential words may be left over once every directory word has
     * its own (middle names, a second surname the directory leaves out). 0–4, default 2.
     */
    nameMatchMaxExtraWords: z.number().int().min(0).max(4).default(2),
    faceCheckThreshold: z.number().min(50).max(100).default(70),
    /** Absent = true. false: no Face Check; the receipt's VP/VC is then validated by us. */
    faceCheck: z.boolean().optional(),
    /**
     * Absent: the credential must be issued after this recovery's hand-off (src/recovery/freshness.ts).
     * Set: a credential at most this old is accepted too (1 minute – 365 days).
     */
    credentialMaxAgeMinutes: z.number().int().min(1).max(525_600).optional(),
    idvTimeoutMinutes: z.number().int().min(5).max(1440).default(30),
    presentationTimeoutMinutes: z.number().int().min(2).max(120).default(10),
    tapLifetimeMinutes: z.number().int().min(10).max(43_200).default(60),
    tapUsableOnce: z.boolean().default(true),
    cooldownMinutes: z.number().int().min(0).max(43_200).default(1440),
    /**
     * Helpdesk verifications (src/recovery/verification.ts): with `allowRecoveryAfterVerification`
     * (Production only), a caller the verification found verified may go on to a normal recovery
     * from the same page; the TAP goes to the caller's browser only, never to the agent.
     */
    helpdesk: z
      .object({ allowRecoveryAfterVerification: z.boolean().default(false) })
      .strict()
      .default({ allowRecoveryAfterVerification: false }),
    // Namesake disambiguation beyond the name (optional; the defaults keep the name match alone):
    // credential claims bound to directory attributes, and Entra's claim-validation callout
    // (onVerifiedIdClaimValidation, docs/facts.md §12), failing closed on any error.
    bindings: z
      .array(
        z
          .object({
            claim: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/),
            attribute: z.string().regex(/^(employeeId|extensionAttribute([1-9]|1[0-5]))$/),
            compare: z.enum(["exact", "date"]).default("exact"),
          })
          .strict(),
      )
      .max(5)
      .default([]),
    claimValidation: z
      .object({
        // https; plain http only to a loopback host (and only in development: config and the
        // policy API refuse it elsewhere, the callout refuses it again when it runs).
        url: z
          .url({ protocol: /^https?$/ })
          .refine(
            (u) => new URL(u).protocol === "https:" || LOOPBACK_HOSTS.has(new URL(u).hostname),
            "must be https (http only to a loopback address, in development)",
          )
          .refine((u) => !new URL(u).username && !new URL(u).password, "must not carry credentials"),
        timeoutMs: z.number().int().min(100).max(10_000).default(2_000),
        maxRetries: z.number().int().min(0).max(3).default(1),
        /**
         * Name of the secret sent as the `api-key` header: only a secret of the callout's own
         * namespace, so an admin cannot have another secret of the app sent to an address they chose.
         */
        apiKeySecret: z
          .string()
          .refine(isCalloutSecretName, `must be a secret named ${CALLOUT_SECRET_PREFIX}<name> (lower case)`)
          .optional(),
        /**
         * `{type: "entra", resource}`: an Entra access token of our managed identity for
         * `resource` (the endpoint's app ID URI or client id) as `Authorization: Bearer`, as
         * Entra's onVerifiedIdClaimValidation extension calls its endpoint (FACTS §14).
         */
        auth: z
          .object({
            type: z.literal("entra"),
            resource: z
              .string()
              .max(256)
              .regex(
                /^(api:\/\/[\x21-\x7e]+|https:\/\/[\x21-\x7e]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/,
                "an app ID URI (api://…, https://…) or an application (client) id",
              ),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type PolicyProfile = z.infer<typeof policyProfileSchema>;

/**
 * Whether a profile checks more than the name after the presentation (bindings or the
 * claim-validation callout): then namesakes can be told apart and are not refused at discovery.
 */
export function disambiguatesNamesakes(profile: PolicyProfile): boolean {
  return profile.bindings.length > 0 || profile.claimValidation !== undefined;
}

/** Groups and users (object id or UPN) no profile can bring into scope. */
export const globalExclusionsSchema = z
  .object({
    groups: z.array(groupId).max(500).default([]),
    users: z.array(z.string().min(1).max(256)).max(5000).default([]),
  })
  .strict();
export type GlobalExclusions = z.infer<typeof globalExclusionsSchema>;

export const policyDocumentSchema = z
  .object({
    profiles: z.array(policyProfileSchema).min(1),
    globalExclusions: globalExclusionsSchema.default({ groups: [], users: [] }),
  })
  .strict()
  .superRefine((doc, ctx) => {
    const seen = new Set<string>();
    doc.profiles.forEach((p, i) => {
      if (seen.has(p.id))
        ctx.addIssue({ code: "custom", path: ["profiles", i, "id"], message: "duplicate id" });
      seen.add(p.id);
    });
  });

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;

/** Every group id a policy document mentions (for one transitive membership check). */
export function referencedGroups(doc: PolicyDocument): string[] {
  const ids = new Set<string>(doc.globalExclusions.groups);
  for (const p of doc.profiles) {
    for (const g of p.includeGroups) ids.add(g);
    for (const g of p.excludeGroups) ids.add(g);
  }
  return [...ids];
}

export type ProfileSelection =
  | { kind: "selected"; profile: PolicyProfile }
  | { kind: "globally_excluded" }
  | { kind: "out_of_scope" };

/**
 * The profile that applies to a user, given the groups (from `referencedGroups`) the user is
 * a transitive member of. Global exclusions win over everything; a profile's own exclusions
 * remove it from the candidates; among the rest the lowest priority wins (ties: id order).
 */
export function selectProfile(
  doc: PolicyDocument,
  user: { id: string; userPrincipalName: string },
  memberOf: ReadonlySet<string>,
): ProfileSelection {
  const excludedUsers = new Set(doc.globalExclusions.users.map((u) => u.toLowerCase()));
  if (excludedUsers.has(user.id.toLowerCase()) || excludedUsers.has(user.userPrincipalName.toLowerCase())) {
    return { kind: "globally_excluded" };
  }
  if (doc.globalExclusions.groups.some((g) => memberOf.has(g))) return { kind: "globally_excluded" };
  const candidates = doc.profiles
    .filter(
      (p) => p.includeGroups.some((g) => memberOf.has(g)) && !p.excludeGroups.some((g) => memberOf.has(g)),
    )
    .sort((a, b) => a.priority - b.priority || a.id.localeCompare(b.id));
  const profile = candidates[0];
  return profile ? { kind: "selected", profile } : { kind: "out_of_scope" };
}

/** Every provider a profile routes to (its default and its countries'), each once. */
export function routedProviders(profile: PolicyProfile): string[] {
  const names = [profile.providers.default, ...Object.values(profile.providers.byCountry)];
  return [...new Set(names.filter((n): n is string => !!n))];
}

/** Whether a profile's claim-validation callout uses plain http (allowed in development only). */
export function calloutOverHttp(profile: PolicyProfile): boolean {
  return profile.claimValidation !== undefined && new URL(profile.claimValidation.url).protocol === "http:";
}

/** The providers a profile routes to that are not configured (IDV_PROVIDERS). */
export function unknownProviders(
  profile: PolicyProfile,
  configured: { has(name: string): boolean },
): string[] {
  return routedProviders(profile).filter((name) => !configured.has(name));
}

/** The provider serving a country under a profile, or undefined when none is routed. */
export function routeProvider(profile: PolicyProfile, country: string | undefined): string | undefined {
  const byCountry = country ? profile.providers.byCountry[country.toUpperCase()] : undefined;
  return byCountry ?? profile.providers.default;
}
