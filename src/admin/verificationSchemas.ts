/**
 * Bodies of the helpdesk verification API (`/api/admin/verifications`), as zod schemas: the
 * handlers build their answers through them and the OpenAPI document is generated from them.
 * A verdict shows what decided it (status, failure code, Face Check score against the threshold,
 * the match explanation, the provider) and never a TAP, a token or the document's data.
 */
import { z } from "zod";
import { startRequestFields } from "../recovery/startRequest";
import { RECOVERY_STATUSES } from "../recovery/status";
import { listPageSchema, listQueryFields } from "./schemas";

/** Printable text on one line: no control, format, separator, surrogate or unassigned code point. */
const REASON_FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]/u;

export const createVerificationSchema = z
  .object({
    username: startRequestFields.username,
    /** Why the agent asks (a ticket number, the caller's story): recorded in the audit trail. */
    reason: z
      .string()
      .trim()
      .min(3)
      .max(500)
      .refine((r) => !REASON_FORBIDDEN.test(r), {
        message: "must be one line of printable text",
      }),
    /** true: the link is also mailed to the account's other mail addresses (never its own mailbox). */
    notify: z.boolean().default(false),
  })
  .strict();
export type CreateVerification = z.infer<typeof createVerificationSchema>;

export const createdVerificationSchema = z
  .object({
    verificationId: z.uuid(),
    /** The one-time link, shown this once: the service keeps only its hash. */
    link: z.url(),
    expiresAt: z.iso.datetime(),
    /**
     * Whether Graph accepted the link's mail to the account's other addresses: false without
     * notify, or when the send failed (the link may not have arrived; it works all the same).
     */
    linkSent: z.boolean(),
  })
  .strict();

/** Where a verification stands, for the agent. */
export const VERIFICATION_STATES = [
  "link_open",
  "link_expired",
  "in_progress",
  "verified",
  "not_verified",
] as const;

export const verificationVerdictSchema = z
  .object({
    verified: z.boolean(),
    /** The status of the flow the link started (`verified` when it passed). */
    status: z.enum(RECOVERY_STATUSES),
    failure: z.object({ code: z.string(), message: z.string() }).strict().optional(),
    /** The precise reason from the audit trail (the caller only saw the failure code). */
    failureReason: z.string().optional(),
    faceCheck: z
      .object({ score: z.number().nullable(), threshold: z.number().nullable() })
      .strict()
      .optional(),
    match: z
      .object({ matched: z.boolean(), explanation: z.string().optional(), mode: z.string().optional() })
      .strict()
      .optional(),
    provider: z.string().optional(),
    profileId: z.string().optional(),
    userId: z.string().optional(),
    startedAt: z.iso.datetime(),
    /** When the flow ended (absent while it runs). */
    finishedAt: z.iso.datetime().optional(),
  })
  .strict();

export const verificationSchema = z
  .object({
    verificationId: z.uuid(),
    username: z.string(),
    reason: z.string(),
    agentId: z.string(),
    agentName: z.string().optional(),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime(),
    linkSentAt: z.iso.datetime().optional(),
    redeemedAt: z.iso.datetime().optional(),
    recoveryId: z.uuid().optional(),
    state: z.enum(VERIFICATION_STATES),
    verdict: verificationVerdictSchema.optional(),
  })
  .strict();
export type VerificationView = z.infer<typeof verificationSchema>;

export const verificationListSchema = listPageSchema(verificationSchema);

/** Query of the verification list and export. */
export const verificationQuerySchema = z
  .object({
    from: listQueryFields.from,
    to: listQueryFields.to,
    /** Only this agent's verifications (object id). */
    agentId: z.uuid().optional(),
    top: z.coerce.number().int().min(1).max(200).default(50),
    continuationToken: listQueryFields.continuationToken,
    format: listQueryFields.format,
  })
  .strict();
export type VerificationQuery = z.infer<typeof verificationQuerySchema>;
