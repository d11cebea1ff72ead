/**
 * Bodies of the admin API, as zod schemas: the handlers build their answers through them and
 * the OpenAPI document is generated from them, so the document cannot describe another shape.
 * Request bodies reuse the policy schemas of `recovery/policy` (the seed's schema).
 */
import { z } from "zod";
import { globalExclusionsSchema, policyProfileSchema } from "../recovery/policy";
import { RECOVERY_STATUSES } from "../recovery/status";

const versionedMeta = {
  /** The item's version; send it back as If-Match to change it. */
  etag: z.string(),
  /** `seed`: from the settings' policy document; `admin`: written through this API (the seed no longer touches it). */
  source: z.enum(["seed", "admin"]),
  updatedAt: z.iso.datetime(),
};

export const policyListSchema = z
  .object({
    profiles: z.array(z.object({ value: policyProfileSchema, ...versionedMeta }).strict()),
    globalExclusions: z.object({ value: globalExclusionsSchema, ...versionedMeta }).strict(),
  })
  .strict();

/** Query of the recovery list and export. */
/** What every admin list's query shares: its time window, its paging token, the export format. */
export const listQueryFields = {
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  continuationToken: z
    .string()
    .regex(/^[A-Za-z0-9+/=_-]{1,4096}$/)
    .optional(),
  format: z.enum(["json", "jsonl"]).default("json"),
};

/** One page of an admin list: its items and, when there are more, the token for the next. */
export function listPageSchema<T extends z.ZodType>(item: T) {
  return z
    .object({
      items: z.array(item),
      /** Present when there are more: pass it back as `continuationToken`. */
      continuationToken: z.string().optional(),
    })
    .strict();
}

export const recoveryQuerySchema = z
  .object({
    status: z.enum(RECOVERY_STATUSES).optional(),
    /** Recoveries started at or after this instant (`from`), before this instant (`to`). */
    from: listQueryFields.from,
    to: listQueryFields.to,
    top: z.coerce.number().int().min(1).max(1000).default(100),
    continuationToken: listQueryFields.continuationToken,
    format: listQueryFields.format,
  })
  .strict();
export type RecoveryQuery = z.infer<typeof recoveryQuerySchema>;

const failureSchema = z.object({ code: z.string(), message: z.string() }).strict();

/** What an admin sees of a recovery: never its token (or hash), hand-off URL, presentation state or TAP. */
export const recoverySummarySchema = z
  .object({
    recoveryId: z.uuid(),
    status: z.enum(RECOVERY_STATUSES),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    username: z.string(),
    userId: z.string().optional(),
    clientAddress: z.string(),
    country: z.string().optional(),
    profileId: z.string().optional(),
    mode: z.enum(["evaluation", "production"]).optional(),
    provider: z.string().optional(),
    failure: failureSchema.optional(),
    methodsRemoved: z.number().int().optional(),
    sessionsRevokedAt: z.iso.datetime().optional(),
    tapIssuedAt: z.iso.datetime().optional(),
    /** When the user said "this wasn't me" through the notice's link (the recovery was undone). */
    repudiatedAt: z.iso.datetime().optional(),
  })
  .strict();
export type RecoverySummary = z.infer<typeof recoverySummarySchema>;

export const recoveryListSchema = listPageSchema(recoverySummarySchema);

export const auditEntrySchema = z
  .object({
    at: z.iso.datetime(),
    event: z.string(),
    outcome: z.enum(["info", "success", "failure"]),
    code: z.string().optional(),
    userId: z.string().optional(),
    sourceAddress: z.string().optional(),
    /** Entra's name for the same moment in its own audit log, where it has one. */
    activityDisplayName: z.string().optional(),
    detail: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

export const recoveryDetailSchema = recoverySummarySchema
  .extend({
    /** The precise reason, from the audit trail (the client only ever saw the failure code). */
    failureReason: z.string().optional(),
    faceCheck: z
      .object({ score: z.number().nullable(), threshold: z.number().nullable() })
      .strict()
      .optional(),
    /**
     * Production: the authentication methods still registered after the complete reset (the
     * password, types Graph v1.0 cannot delete, types unknown to this version), by type and id.
     */
    methodsRemaining: z.array(z.object({ type: z.string(), id: z.string() }).strict()).optional(),
    /** How the credential's names compared with the directory's (profile match step). */
    match: z
      .object({ matched: z.boolean(), explanation: z.string().optional(), mode: z.string().optional() })
      .strict()
      .optional(),
    audit: z.array(auditEntrySchema),
  })
  .strict();
export type RecoveryDetail = z.infer<typeof recoveryDetailSchema>;

/**
 * `GET /admin/config.json`: what the admin console needs to sign in (public values every
 * single-page app ships): the admin API's client id, the tenant's authority, the API scope.
 */
export const adminConsoleConfigSchema = z.union([
  z
    .object({
      configured: z.literal(true),
      clientId: z.uuid(),
      authority: z.url(),
      knownAuthorities: z.array(z.string()),
      scopes: z.array(z.string()),
    })
    .strict(),
  z.object({ configured: z.literal(false) }).strict(),
]);
export type AdminConsoleConfig = z.infer<typeof adminConsoleConfigSchema>;

/** Query of `GET /api/admin/groups`: up to 100 group object ids, comma-separated. */
export const groupNamesQuerySchema = z
  .object({
    ids: z
      .string()
      .transform((v) => v.split(",").map((id) => id.trim()))
      .pipe(z.array(z.uuid()).min(1).max(100)),
  })
  .strict();

/** `GET /api/admin/groups`: each asked id with its display name (`null`: no such group). */
export const groupNamesSchema = z
  .object({
    groups: z.array(z.object({ id: z.string(), displayName: z.string().nullable() }).strict()),
  })
  .strict();
export type GroupNames = z.infer<typeof groupNamesSchema>;
