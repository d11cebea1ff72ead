/**
 * The preflight diagnostics report (`GET /api/admin/diagnostics`): one entry per check, each
 * `pass`, `warn` or `fail` with the evidence that decided it and, unless it passed, the fix.
 * The schema is the contract: the checks produce it and the OpenAPI document describes it.
 */
import { z } from "zod";

export const checkStatusSchema = z.enum(["pass", "warn", "fail"]);
export type CheckStatus = z.infer<typeof checkStatusSchema>;

export const diagnosticCheckSchema = z
  .object({
    /** Stable identifier, e.g. `tap_policy_scope`. */
    id: z.string().regex(/^[a-z][a-z0-9_]{1,63}$/),
    title: z.string().min(1),
    status: checkStatusSchema,
    /** One line on what was found. */
    summary: z.string().min(1),
    /** What decided the status: object ids, names, counts (never secrets). Bounded lists. */
    evidence: z.record(z.string(), z.unknown()).default({}),
    /** What to do; absent when the check passed. */
    fix: z.string().min(1).optional(),
  })
  .strict();
export type DiagnosticCheck = z.infer<typeof diagnosticCheckSchema>;

export const diagnosticsReportSchema = z
  .object({
    generatedAt: z.iso.datetime(),
    /** Worst status over the checks. */
    status: checkStatusSchema,
    summary: z.object({ pass: z.number().int(), warn: z.number().int(), fail: z.number().int() }).strict(),
    checks: z.array(diagnosticCheckSchema),
    /** What the run cost: Graph round trips and users examined (bounded work on large tenants). */
    cost: z
      .object({ graphRequests: z.number().int(), usersExamined: z.number().int(), truncated: z.boolean() })
      .strict(),
  })
  .strict();
export type DiagnosticsReport = z.infer<typeof diagnosticsReportSchema>;
