/**
 * Response bodies of the public routes, as zod schemas for the OpenAPI document (the request
 * schemas are the ones the handlers validate with; admin bodies live in `admin/schemas`).
 */
import { z } from "zod";
import { SUPPORTED_LOCALES } from "../recovery/locale";
import { FAILURE_MESSAGES, type FailureCode, RECOVERY_STATUSES } from "../recovery/status";

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    /** Stable: switch on it. */
    code: z.string(),
    detail: z.string().optional(),
  })
  .strict();

export const startResponseSchema = z
  .object({
    recoveryId: z.uuid(),
    /** ≥ 256 bits, shown once: the bearer token of every later call. Stored only as a hash. */
    recoveryToken: z.string().min(43),
    status: z.enum(RECOVERY_STATUSES),
    statusUrl: z.string(),
    pollAfterMs: z.number().int(),
  })
  .strict();

const nextStepSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("redirect"), url: z.url() }).strict(),
  z
    .object({
      type: z.literal("present_credential"),
      url: z.string(),
      qrCode: z.string().optional(),
      expiresAt: z.iso.datetime(),
    })
    .strict(),
  z.object({ type: z.literal("continue_recovery"), url: z.string(), expiresAt: z.iso.datetime() }).strict(),
]);

export const statusResponseSchema = z
  .object({
    recoveryId: z.uuid(),
    status: z.enum(RECOVERY_STATUSES),
    expiresAt: z.iso.datetime(),
    next: nextStepSchema.optional(),
    failure: z
      .object({
        code: z.enum(Object.keys(FAILURE_MESSAGES) as [FailureCode, ...FailureCode[]]),
        message: z.string(),
      })
      .strict()
      .optional(),
    /**
     * The language of this recovery's page and notices: the start body's `locale`, else the
     * start's Accept-Language, else the tenant default (DEFAULT_LOCALE), matched to a supported one.
     */
    locale: z.enum(SUPPORTED_LOCALES).optional(),
    /** When the wallet opened the presentation request (the user is presenting). */
    presentationRetrievedAt: z.iso.datetime().optional(),
    /** Present exactly once, on the first read after `recovered`. */
    tap: z
      .object({
        value: z.string().optional(),
        /** Instead of `value` when a tapEncryptionKey was sent at start. */
        jwe: z.string().optional(),
        expiresAt: z.iso.datetime(),
        lifetimeInMinutes: z.number().int(),
        isUsableOnce: z.boolean(),
        registerUrl: z.url(),
      })
      .strict()
      .optional(),
  })
  .strict();

export const cancelResponseSchema = z
  .object({ recoveryId: z.uuid(), status: z.literal("cancelled") })
  .strict();

/** `POST /api/recovery/{recoveryId}/idv-handoff`: the hand-off to follow now (src/functions/idvHandoffRenewal.ts). */
export const handoffRenewalResponseSchema = z
  .object({
    recoveryId: z.uuid(),
    status: z.literal("verifying_identity"),
    next: z.object({ type: z.literal("redirect"), url: z.url() }).strict(),
    expiresAt: z.iso.datetime(),
    /** false: a hand-off signed moments ago was answered again (a double click), nothing new signed. */
    renewed: z.boolean(),
  })
  .strict();

export const webhookAckSchema = z
  .object({ status: z.enum(["accepted", "duplicate", "ignored", "queued", "late"]) })
  .strict();

export const healthSchema = z.object({ status: z.literal("ok") }).strict();

export const jwksSchema = z
  .object({
    keys: z.array(
      z
        .object({ kty: z.string(), kid: z.string(), alg: z.string().optional(), use: z.string().optional() })
        .loose(),
    ),
  })
  .strict();

/** Identity verification webhooks: provider-specific bodies, authenticated by their signature headers. */
export const idvWebhookBodySchema = z.record(z.string(), z.unknown());

/** This document's own outline (its full shape is the OpenAPI 3.1 specification's). */
export const openApiDocumentSchema = z
  .object({
    openapi: z.literal("3.1.0"),
    jsonSchemaDialect: z.string(),
    info: z.object({ title: z.string(), version: z.string() }).loose(),
    servers: z.array(z.object({ url: z.string() }).loose()),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
    components: z.record(z.string(), z.unknown()),
  })
  .strict();

/** `POST /api/recovery/{id}/continue`: the recovery goes on (its status as it stood). */
export const continueResponseSchema = z
  .object({ recoveryId: z.uuid(), status: z.enum(RECOVERY_STATUSES) })
  .strict();
