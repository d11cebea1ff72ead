/**
 * The identity verification providers an organisation configures (the IDV_PROVIDERS
 * setting): one schema that checks each provider and resolves it — for the named adapters
 * the published manifest URI by default and the full webhook profile (the adapter's defaults
 * merged with the configured overrides). It lives with the adapters it configures, so the
 * adapters need nothing from the app's configuration module.
 */

import { z } from "zod";
import { linkedDomainOrigin } from "../recovery/credential";
import {
  mergeProfile,
  type WebhookProfile,
  webhookProfileOverrideSchema,
  webhookProfileSchema,
} from "./hmacWebhooks";
import { ADAPTER_KINDS, NAMED_PROVIDERS } from "./registry";
import { RESULTS_MODES } from "./resultsMode";

export const providerSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
    adapter: z.enum(ADAPTER_KINDS),
    displayName: z.string().min(1),
    verificationUrl: z.url({ protocol: /^https?$/ }),
    acceptedIssuers: z.array(z.string().startsWith("did:")).min(1, "an empty list would accept any issuer"),
    /** Non-did:web issuer DID → its linked domain (https origin); a did:web issuer's is its own host. */
    linkedDomains: z.record(z.string().startsWith("did:"), z.string()).optional(),
    manifestUri: z.url({ protocol: /^https?$/ }).optional(),
    webhookToleranceSeconds: z.number().int().min(30).max(3600).default(300),
    webhook: webhookProfileOverrideSchema.optional(),
    /** How results arrive (src/idv/resultsMode.ts); default `return` for the named providers, `either` for standard-webhooks. */
    results: z.enum(RESULTS_MODES).optional(),
    /** Return query parameters meaning "not finished at the provider"; default ["error", "cancelled"]. */
    returnErrorParameters: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/))
      .max(10)
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const configured = p.linkedDomains ?? {};
    for (const [issuer, domain] of Object.entries(configured)) {
      if (issuer.startsWith("did:web:") || !p.acceptedIssuers.includes(issuer)) {
        ctx.addIssue({
          code: "custom",
          path: ["linkedDomains", issuer],
          message:
            "only for accepted issuers that are not did:web (a did:web issuer's linked domain is its host)",
        });
      } else if (linkedDomainOrigin(domain) === undefined) {
        ctx.addIssue({ code: "custom", path: ["linkedDomains", issuer], message: "must be an https origin" });
      }
    }
    for (const issuer of p.acceptedIssuers) {
      if (!issuer.startsWith("did:web:") && !Object.hasOwn(configured, issuer)) {
        ctx.addIssue({
          code: "custom",
          path: ["linkedDomains"],
          message: `${issuer} is not a did:web: its linked domain must be configured`,
        });
      }
    }
  })
  .refine((p) => p.adapter !== "standard-webhooks" || p.webhook === undefined, {
    message: "the standard-webhooks scheme is fixed; webhook applies to au10tix, idemia, truecredential",
    path: ["webhook"],
  });

/**
 * One provider, resolved: for the named adapters `manifestUri` defaults to the published one
 * and `webhook` is the full profile (defaults merged with the configured overrides).
 */
export type ProviderConfig = Omit<z.infer<typeof providerSchema>, "webhook"> & {
  webhook?: WebhookProfile | undefined;
};

/** The configured list, at least one, resolved into providers by name (names unique). */
export const providersSchema = z
  .array(providerSchema)
  .min(1)
  .transform((list, ctx): ReadonlyMap<string, ProviderConfig> => {
    const map = new Map<string, ProviderConfig>();
    for (const [i, p] of list.entries()) {
      if (map.has(p.name)) {
        ctx.addIssue({ code: "custom", message: `duplicate provider ${p.name}`, input: list });
        return z.NEVER;
      }
      const named = NAMED_PROVIDERS.get(p.adapter);
      if (!named) {
        map.set(p.name, { ...p, webhook: undefined });
        continue;
      }
      const profile = webhookProfileSchema.safeParse(mergeProfile(named.webhook, p.webhook));
      if (!profile.success) {
        for (const issue of profile.error.issues) {
          ctx.addIssue({ code: "custom", message: issue.message, path: [i, "webhook", ...issue.path] });
        }
        return z.NEVER;
      }
      map.set(p.name, { ...p, manifestUri: p.manifestUri ?? named.manifestUri, webhook: profile.data });
    }
    return map;
  });
