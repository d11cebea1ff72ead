/**
 * The OpenAPI 3.1 document of the HTTP contract (`GET /api/openapi.json`), generated from the
 * zod schemas the handlers validate requests with and build answers through
 * (`z.toJSONSchema`, JSON Schema 2020-12: 3.1's own dialect). One table below lists every
 * operation with every status it can answer and, for problem answers, every stable `code`:
 * the conformance test checks every response of the integration suite against it.
 */
import { z } from "zod";
import { diagnosticsReportSchema } from "../admin/diagnosticsReport";
import {
  adminConsoleConfigSchema,
  groupNamesSchema,
  policyListSchema,
  recoveryDetailSchema,
  recoveryListSchema,
  recoveryQuerySchema,
} from "../admin/schemas";
import {
  createdVerificationSchema,
  createVerificationSchema,
  verificationListSchema,
  verificationQuerySchema,
  verificationSchema,
} from "../admin/verificationSchemas";
import { clearRecoveryBlockSchema, recoveryBlockSchema } from "../functions/adminRecoveryBlocks";
import { startSchema } from "../functions/recoveryApi";
import { repudiationFormSchema } from "../functions/repudiationPage";
import { verificationStartSchema } from "../functions/verificationStart";
import type { ProblemCode, UnauthorizedCode } from "../recovery/errors";
import { globalExclusionsSchema, policyProfileSchema } from "../recovery/policy";
import { callbackSchema } from "../verified-id/callback";
import {
  cancelResponseSchema,
  continueResponseSchema,
  handoffRenewalResponseSchema,
  healthSchema,
  idvWebhookBodySchema,
  jwksSchema,
  openApiDocumentSchema,
  problemSchema,
  startResponseSchema,
  statusResponseSchema,
  webhookAckSchema,
} from "./schemas";

type JsonSchema = Record<string, unknown>;

/** Named schemas: `io` input for request bodies (defaults optional), output for answers. */
const COMPONENTS: Record<string, { schema: z.ZodType; io: "input" | "output" }> = {
  Problem: { schema: problemSchema, io: "output" },
  StartRequest: { schema: startSchema, io: "input" },
  StartResponse: { schema: startResponseSchema, io: "output" },
  RecoveryState: { schema: statusResponseSchema, io: "output" },
  CancelResponse: { schema: cancelResponseSchema, io: "output" },
  HandoffRenewal: { schema: handoffRenewalResponseSchema, io: "output" },
  IdvWebhook: { schema: idvWebhookBodySchema, io: "input" },
  WebhookAck: { schema: webhookAckSchema, io: "output" },
  VerifiedIdCallback: { schema: callbackSchema, io: "input" },
  Health: { schema: healthSchema, io: "output" },
  Jwks: { schema: jwksSchema, io: "output" },
  PolicyProfileInput: { schema: policyProfileSchema, io: "input" },
  PolicyProfile: { schema: policyProfileSchema, io: "output" },
  GlobalExclusionsInput: { schema: globalExclusionsSchema, io: "input" },
  GlobalExclusions: { schema: globalExclusionsSchema, io: "output" },
  PolicyList: { schema: policyListSchema, io: "output" },
  RecoveryList: { schema: recoveryListSchema, io: "output" },
  RecoveryDetail: { schema: recoveryDetailSchema, io: "output" },
  DiagnosticsReport: { schema: diagnosticsReportSchema, io: "output" },
  AdminConsoleConfig: { schema: adminConsoleConfigSchema, io: "output" },
  GroupNames: { schema: groupNamesSchema, io: "output" },
  OpenApiDocument: { schema: openApiDocumentSchema, io: "output" },
  RecoveryBlock: { schema: recoveryBlockSchema, io: "output" },
  ClearRecoveryBlock: { schema: clearRecoveryBlockSchema, io: "input" },
  RepudiationForm: { schema: repudiationFormSchema, io: "input" },
  ContinueResponse: { schema: continueResponseSchema, io: "output" },
  VerificationStartRequest: { schema: verificationStartSchema, io: "input" },
  CreateVerificationRequest: { schema: createVerificationSchema, io: "input" },
  CreatedVerification: { schema: createdVerificationSchema, io: "output" },
  Verification: { schema: verificationSchema, io: "output" },
  VerificationList: { schema: verificationListSchema, io: "output" },
};
export type ComponentName = keyof typeof COMPONENTS;

interface JsonAnswer {
  description: string;
  schema: ComponentName;
  contentType?: string;
  example?: unknown;
  /** For JSON Lines: the schema of each line. */
  itemSchema?: ComponentName;
}
/** A problem answer: the codes it may carry (checked against the closed union of recovery/errors). */
interface ProblemAnswer {
  description: string;
  codes: readonly ProblemCode[];
}
type Answer = JsonAnswer | ProblemAnswer | { description: string; html: true } | { description: string };

interface Operation {
  method: "get" | "post" | "put" | "delete";
  path: string;
  operationId: string;
  summary: string;
  tags: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: unknown[];
  requestBody?: { schema: ComponentName; example?: unknown; required?: boolean; contentType?: string };
  responses: Record<string, Answer | Answer[]>;
}

const ADMIN_TOKEN_CODES: readonly UnauthorizedCode[] = [
  "missing_token",
  "invalid_token",
  "token_expired",
  "invalid_issuer",
  "invalid_audience",
];
const ROLE_TEXT = {
  read: "Recovery.Admin or Recovery.Reader",
  write: "Recovery.Admin",
  helpdesk: "Recovery.Helpdesk",
} as const;
const adminAnswers = (access: "read" | "write" | "helpdesk"): Record<string, Answer> => ({
  "401": { description: "No valid Entra access token for this API.", codes: ADMIN_TOKEN_CODES },
  "403": {
    description: `The token lacks the app role (${ROLE_TEXT[access]}).`,
    codes: ["forbidden"],
  },
  "503": {
    description: "The admin API is not configured, or the tenant's signing keys cannot be read.",
    codes: ["admin_api_not_configured", "identity_provider_unavailable"],
  },
});
const internal: Record<string, Answer> = {
  "500": { description: "Unexpected failure (logged).", codes: ["internal_error", "configuration_error"] },
};

const pathParam = (name: string, description: string, schema: JsonSchema = { type: "string" }) => ({
  name,
  in: "path",
  required: true,
  description,
  schema,
});
const header = (name: string, description: string, required = false) => ({
  name,
  in: "header",
  required,
  description,
  schema: { type: "string" },
});

const EXAMPLE_ID = "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";
const EXAMPLE_PROFILE = {
  id: "pilot",
  displayName: "Recovery pilot",
  priority: 10,
  mode: "evaluation",
  includeGroups: ["ae004daf-d42a-4c2b-8d12-148f65c9dd87"],
  providers: { default: "demo-idv", byCountry: { FR: "idemia" } },
};
const EXAMPLE_AT = "2026-01-15T09:30:00.000Z";

const ADMIN = [{ entraAdmin: [] }];

export const OPERATIONS: Operation[] = [
  {
    method: "post",
    path: "/api/recovery",
    operationId: "startRecovery",
    summary: "Start a recovery for a username (every username is answered alike).",
    tags: ["front end"],
    requestBody: {
      schema: "StartRequest",
      example: { username: "adele.vance@contoso.example", country: "FR" },
    },
    responses: {
      "202": {
        description: "Started; poll statusUrl with the recoveryToken.",
        schema: "StartResponse",
        example: {
          recoveryId: EXAMPLE_ID,
          recoveryToken: "q3Vh0Jx2T8mW4pL6sN9rB1cE5gK7dY0uZ2aF4hJ6kM8",
          status: "pending",
          statusUrl: `/api/recovery/${EXAMPLE_ID}`,
          pollAfterMs: 2000,
        },
      },
      "400": { description: "Malformed body.", codes: ["invalid_request", "invalid_tap_encryption_key"] },
      "413": { description: "Body too large.", codes: ["payload_too_large"] },
      "415": { description: "Not JSON.", codes: ["unsupported_media_type"] },
      "429": { description: "Rate limited per address or username (Retry-After).", codes: ["rate_limited"] },
      ...internal,
      "503": { description: "The workflow could not be started.", codes: ["workflow_unavailable"] },
    },
  },
  {
    method: "post",
    path: "/api/verification",
    operationId: "startVerification",
    summary:
      "Start a helpdesk verification with the code of its one-time link (the page reads it from #verification=…); answered like a recovery start.",
    tags: ["front end"],
    requestBody: { schema: "VerificationStartRequest" },
    responses: {
      "202": { description: "Started; poll statusUrl with the recoveryToken.", schema: "StartResponse" },
      "400": { description: "Malformed body.", codes: ["invalid_request", "invalid_tap_encryption_key"] },
      "404": {
        description: "The link is forged, used or expired (one answer for all).",
        codes: ["verification_link_invalid"],
      },
      "413": { description: "Body too large.", codes: ["payload_too_large"] },
      "415": { description: "Not JSON.", codes: ["unsupported_media_type"] },
      "429": { description: "Rate limited per address or account (Retry-After).", codes: ["rate_limited"] },
      ...internal,
      "503": { description: "The workflow could not be started.", codes: ["workflow_unavailable"] },
    },
  },
  {
    method: "get",
    path: "/api/recovery/{recoveryId}",
    operationId: "getRecovery",
    summary: "The recovery's state; the TAP exactly once, on the first read after `recovered`.",
    tags: ["front end"],
    security: [{ recoveryToken: [] }],
    parameters: [pathParam("recoveryId", "From the start answer.")],
    responses: {
      "200": {
        description: "The state.",
        schema: "RecoveryState",
        example: {
          recoveryId: EXAMPLE_ID,
          status: "verifying_identity",
          expiresAt: EXAMPLE_AT,
          next: { type: "redirect", url: "https://idv.example/verify?token=eyJ..." },
        },
      },
      "401": { description: "No recoveryToken.", codes: ["missing_recovery_token"] },
      "404": { description: "Unknown recovery, or not this token.", codes: ["recovery_not_found"] },
      ...internal,
      "502": { description: "The TAP hand-off key is not configured.", codes: ["secret_missing"] },
    },
  },
  {
    method: "post",
    path: "/api/recovery/{recoveryId}/continue",
    operationId: "continueRecovery",
    summary:
      "A verified helpdesk verification whose profile allows it (`next: continue_recovery`): recover now; the TAP comes to this client only.",
    tags: ["front end"],
    security: [{ recoveryToken: [] }],
    parameters: [pathParam("recoveryId", "From the start answer.")],
    responses: {
      "202": { description: "The recovery goes on; poll the status.", schema: "ContinueResponse" },
      "401": { description: "No recoveryToken.", codes: ["missing_recovery_token"] },
      "404": { description: "Unknown recovery, or not this token.", codes: ["recovery_not_found"] },
      "409": { description: "No recovery is offered now.", codes: ["not_continuable"] },
      ...internal,
      "503": { description: "The workflow could not be reached.", codes: ["workflow_unavailable"] },
    },
  },
  {
    method: "post",
    path: "/api/recovery/{recoveryId}/cancel",
    operationId: "cancelRecovery",
    summary: "Cancel while nothing has changed yet.",
    tags: ["front end"],
    security: [{ recoveryToken: [] }],
    parameters: [pathParam("recoveryId", "From the start answer.")],
    responses: {
      "202": {
        description: "Cancelled.",
        schema: "CancelResponse",
        example: { recoveryId: EXAMPLE_ID, status: "cancelled" },
      },
      "401": { description: "No recoveryToken.", codes: ["missing_recovery_token"] },
      "404": { description: "Unknown recovery, or not this token.", codes: ["recovery_not_found"] },
      "409": { description: "Past the point of cancelling.", codes: ["not_cancellable"] },
      ...internal,
    },
  },
  {
    method: "post",
    path: "/api/recovery/{recoveryId}/idv-handoff",
    operationId: "renewIdvHandoff",
    summary:
      "Go back to the identity verification provider: a fresh hand-off (new token, new one-time return value; the earlier return value stops working) while the recovery waits for the provider.",
    tags: ["front end"],
    security: [{ recoveryToken: [] }],
    parameters: [pathParam("recoveryId", "From the start answer.")],
    responses: {
      "200": {
        description:
          "The hand-off to follow now. `renewed: false`: one was signed moments ago and is answered again.",
        schema: "HandoffRenewal",
        example: {
          recoveryId: EXAMPLE_ID,
          status: "verifying_identity",
          next: { type: "redirect", url: "https://idv.example/verify?token=eyJ..." },
          expiresAt: "2026-01-01T12:30:00.000Z",
          renewed: true,
        },
      },
      "401": { description: "No recoveryToken.", codes: ["missing_recovery_token"] },
      "404": { description: "Unknown recovery, or not this token.", codes: ["recovery_not_found"] },
      "409": {
        description:
          "The recovery does not wait for the provider (any more): another status, past the IDV deadline, a return or a result already in.",
        codes: ["handoff_unavailable"],
      },
      "429": {
        description: "Too many fresh hand-offs for this recovery (Retry-After).",
        codes: ["rate_limited"],
      },
      ...internal,
      "502": {
        description: "The hand-off signing key or the provider is not configured.",
        codes: ["secret_missing", "idv_error"],
      },
      "503": {
        description: "Secrets or storage briefly unavailable.",
        codes: ["secrets_unavailable", "idv_error"],
      },
    },
  },
  {
    method: "post",
    path: "/api/idv/{provider}/webhook",
    operationId: "idvWebhook",
    summary: "Signed verification result from an identity verification provider.",
    tags: ["providers"],
    security: [{ idvWebhookSignature: [] }],
    parameters: [pathParam("provider", "The provider's name in IDV_PROVIDERS.")],
    requestBody: { schema: "IdvWebhook" },
    responses: {
      "200": {
        description: "Persisted (or a replay).",
        schema: "WebhookAck",
        example: { status: "accepted" },
      },
      "400": { description: "Malformed result.", codes: ["invalid_payload", "invalid_request"] },
      "401": { description: "Bad or missing signature, or stale timestamp.", codes: ["invalid_signature"] },
      "404": { description: "No such provider.", codes: ["unknown_provider"] },
      "413": { description: "Body too large.", codes: ["payload_too_large"] },
      ...internal,
      "502": { description: "The provider's webhook secret is not configured.", codes: ["secret_missing"] },
    },
  },
  {
    method: "get",
    path: "/api/idv/{provider}/return",
    operationId: "idvReturn",
    summary: "The browser back from the provider: redirected to the front end.",
    tags: ["providers"],
    parameters: [
      pathParam("provider", "The provider's name."),
      { name: "recoveryId", in: "query", required: true, schema: { type: "string", format: "uuid" } },
    ],
    responses: {
      "302": { description: "To FRONTEND_RETURN_URL?recoveryId=…" },
      "400": { description: "recoveryId missing or malformed.", codes: ["invalid_request"] },
      "404": { description: "No such provider.", codes: ["unknown_provider"] },
      ...internal,
    },
  },
  {
    method: "post",
    path: "/api/verified-id/callback",
    operationId: "verifiedIdCallback",
    summary: "Presentation callback from the Verified ID Request Service.",
    tags: ["providers"],
    security: [{ verifiedIdApiKey: [] }],
    requestBody: { schema: "VerifiedIdCallback" },
    responses: {
      "200": {
        description: "Persisted (or a replay).",
        schema: "WebhookAck",
        example: { status: "accepted" },
      },
      "400": { description: "Malformed callback.", codes: ["invalid_payload", "invalid_request"] },
      "401": { description: "Missing or wrong api-key, or unknown request.", codes: ["invalid_callback"] },
      "413": { description: "Body too large.", codes: ["payload_too_large"] },
      "415": { description: "Not JSON.", codes: ["unsupported_media_type"] },
      ...internal,
    },
  },
  {
    method: "get",
    path: "/api/admin/policies",
    operationId: "listPolicies",
    summary: "Every policy profile and the global exclusion list, each with its ETag.",
    tags: ["admin"],
    security: ADMIN,
    responses: {
      "200": { description: "The policy.", schema: "PolicyList" },
      ...adminAnswers("read"),
      ...internal,
    },
  },
  {
    method: "get",
    path: "/api/admin/policies/exclusions",
    operationId: "getExclusions",
    summary: "The global exclusion list (groups and users no profile can bring into scope).",
    tags: ["admin"],
    security: ADMIN,
    responses: {
      "200": {
        description: "The list; its version in the ETag header.",
        schema: "GlobalExclusions",
        example: { groups: ["32b22f8d-fe40-485e-88f6-607a2f2adc90"], users: ["ceo@contoso.example"] },
      },
      ...adminAnswers("read"),
      ...internal,
    },
  },
  {
    method: "put",
    path: "/api/admin/policies/exclusions",
    operationId: "putExclusions",
    summary: "Replace the global exclusion list (If-Match required).",
    tags: ["admin"],
    security: ADMIN,
    parameters: [header("If-Match", "The ETag of the list being replaced.", true)],
    requestBody: {
      schema: "GlobalExclusionsInput",
      example: { groups: ["32b22f8d-fe40-485e-88f6-607a2f2adc90"], users: [] },
    },
    responses: {
      "200": { description: "Replaced; the new ETag in the header.", schema: "GlobalExclusions" },
      "400": { description: "Invalid list.", codes: ["invalid_policy", "invalid_request"] },
      "412": { description: "The list changed since that ETag.", codes: ["precondition_failed"] },
      "413": { description: "Body too large.", codes: ["payload_too_large"] },
      "415": { description: "Not JSON.", codes: ["unsupported_media_type"] },
      "428": { description: "No If-Match.", codes: ["precondition_required"] },
      ...adminAnswers("write"),
      ...internal,
    },
  },
  {
    method: "delete",
    path: "/api/admin/policies/exclusions",
    operationId: "deleteExclusions",
    summary: "Not allowed: the exclusion list is replaced, never deleted.",
    tags: ["admin"],
    security: ADMIN,
    responses: {
      "405": { description: "Use PUT with an empty list.", codes: ["method_not_allowed"] },
      ...adminAnswers("write"),
    },
  },
  {
    method: "get",
    path: "/api/admin/policies/{id}",
    operationId: "getPolicy",
    summary: "One profile (what a PUT takes back); its version in the ETag header.",
    tags: ["admin"],
    security: ADMIN,
    parameters: [pathParam("id", "Profile id.")],
    responses: {
      "200": { description: "The profile, defaults filled in.", schema: "PolicyProfile" },
      "404": { description: "No such profile.", codes: ["policy_not_found"] },
      ...adminAnswers("read"),
      ...internal,
    },
  },
  {
    method: "put",
    path: "/api/admin/policies/{id}",
    operationId: "putPolicy",
    summary:
      "Create or replace a profile. If-Match: <etag> replaces that version; If-None-Match: * only creates; neither creates, or is 428 when the profile exists.",
    tags: ["admin"],
    security: ADMIN,
    parameters: [
      pathParam("id", "Profile id (the body's id, if given, must be the same)."),
      header("If-Match", "The ETag of the version being replaced."),
      header("If-None-Match", "`*`: create only."),
    ],
    requestBody: { schema: "PolicyProfileInput", example: EXAMPLE_PROFILE },
    responses: {
      "200": { description: "Replaced; the new ETag in the header.", schema: "PolicyProfile" },
      "201": { description: "Created; the ETag in the header.", schema: "PolicyProfile" },
      "400": {
        description: "Invalid profile (the field path in detail).",
        codes: ["invalid_policy", "invalid_request"],
      },
      "404": { description: "If-Match on a profile that does not exist.", codes: ["policy_not_found"] },
      "412": {
        description: "Changed since that ETag, or exists (If-None-Match: *).",
        codes: ["precondition_failed"],
      },
      "413": { description: "Body too large.", codes: ["payload_too_large"] },
      "415": { description: "Not JSON.", codes: ["unsupported_media_type"] },
      "428": { description: "The profile exists: If-Match required.", codes: ["precondition_required"] },
      ...adminAnswers("write"),
      ...internal,
    },
  },
  {
    method: "delete",
    path: "/api/admin/policies/{id}",
    operationId: "deletePolicy",
    summary: "Delete a profile (If-Match required); a seeded profile stays deleted across restarts.",
    tags: ["admin"],
    security: ADMIN,
    parameters: [pathParam("id", "Profile id."), header("If-Match", "The ETag of the profile.", true)],
    responses: {
      "204": { description: "Deleted." },
      "404": { description: "No such profile.", codes: ["policy_not_found"] },
      "409": { description: "The last profile.", codes: ["last_profile"] },
      "412": { description: "Changed since that ETag.", codes: ["precondition_failed"] },
      "428": { description: "No If-Match.", codes: ["precondition_required"] },
      ...adminAnswers("write"),
      ...internal,
    },
  },
  {
    method: "get",
    path: "/api/admin/recoveries",
    operationId: "listRecoveries",
    summary:
      "Recoveries by status and start time, paged (recovery id order). `format=jsonl` or Accept: application/x-ndjson: the page as JSON Lines, one detailed record per line, the next token in X-Continuation-Token.",
    tags: ["admin"],
    security: ADMIN,
    parameters: queryParameters(),
    responses: {
      "200": [
        { description: "One page.", schema: "RecoveryList" },
        {
          description: "One page as JSON Lines (export).",
          schema: "RecoveryDetail",
          contentType: "application/x-ndjson",
          itemSchema: "RecoveryDetail",
        },
      ],
      "400": { description: "Bad filter or continuation token.", codes: ["invalid_request"] },
      ...adminAnswers("read"),
      ...internal,
    },
  },
  {
    method: "get",
    path: "/api/admin/recoveries/{id}",
    operationId: "getRecoveryRecord",
    summary:
      "One recovery with its audit trail, failure reason, provider, Face Check score and match explanation.",
    tags: ["admin"],
    security: ADMIN,
    parameters: [pathParam("id", "Recovery id.")],
    responses: {
      "200": { description: "The record.", schema: "RecoveryDetail" },
      "404": { description: "No such recovery.", codes: ["recovery_not_found"] },
      ...adminAnswers("read"),
      ...internal,
    },
  },
  {
    method: "post",
    path: "/api/admin/verifications",
    operationId: "createVerification",
    summary:
      "A helpdesk verification for an account: a one-time link (shown once; with notify also mailed to the account's other mail addresses) that runs the recovery flow's proofing and changes nothing.",
    tags: ["helpdesk"],
    security: ADMIN,
    requestBody: {
      schema: "CreateVerificationRequest",
      example: { username: "adele.vance@contoso.example", reason: "Ticket 4711: caller lost her phone" },
    },
    responses: {
      "201": { description: "Created; the link is not shown again.", schema: "CreatedVerification" },
      "400": { description: "Malformed body.", codes: ["invalid_request"] },
      "409": {
        description: "notify: no sender mailbox, or the account has no other mail address.",
        codes: ["verification_not_deliverable"],
      },
      "413": { description: "Body too large.", codes: ["payload_too_large"] },
      "415": { description: "Not JSON.", codes: ["unsupported_media_type"] },
      ...adminAnswers("helpdesk"),
      ...internal,
      "502": {
        description: "notify: the directory refused the account's read; nothing was created.",
        codes: ["directory_error"],
      },
      "503": {
        description:
          "The admin API is not configured, the tenant's signing keys cannot be read, or (notify) the directory could not be reached to read the account; nothing was created.",
        codes: ["admin_api_not_configured", "identity_provider_unavailable", "directory_error"],
      },
    },
  },
  {
    method: "get",
    path: "/api/admin/verifications",
    operationId: "listVerifications",
    summary:
      "Helpdesk verifications by creation time and agent, paged; `format=jsonl` or Accept: application/x-ndjson answers JSON Lines (X-Continuation-Token).",
    tags: ["helpdesk"],
    security: ADMIN,
    parameters: queryParameters(verificationQuerySchema),
    responses: {
      "200": [
        { description: "One page.", schema: "VerificationList" },
        {
          description: "One page as JSON Lines (export).",
          schema: "Verification",
          contentType: "application/x-ndjson",
          itemSchema: "Verification",
        },
      ],
      "400": { description: "Bad filter or continuation token.", codes: ["invalid_request"] },
      ...adminAnswers("helpdesk"),
      ...internal,
    },
  },
  {
    method: "get",
    path: "/api/admin/verifications/{id}",
    operationId: "getVerification",
    summary:
      "A verification's verdict: verified or not, the failure code, the Face Check score against the threshold, the match explanation, the provider. Never a TAP.",
    tags: ["helpdesk"],
    security: ADMIN,
    parameters: [pathParam("id", "Verification id.")],
    responses: {
      "200": { description: "The verification.", schema: "Verification" },
      "404": { description: "No such verification.", codes: ["verification_not_found"] },
      ...adminAnswers("helpdesk"),
      ...internal,
    },
  },
  {
    method: "get",
    path: "/api/admin/accounts/{id}/recovery-block",
    operationId: "getRecoveryBlock",
    summary:
      "The self-service recovery block of an account (set when a user repudiated a recovery): in force or cleared, by whom and why.",
    tags: ["admin"],
    security: ADMIN,
    parameters: [pathParam("id", "The account's object id.")],
    responses: {
      "200": {
        description: "The block.",
        schema: "RecoveryBlock",
        example: {
          userId: "3f1c2a4e-8b7d-4c1e-9a2f-1b2c3d4e5f60",
          state: "blocked",
          recoveryId: "0b7c6d5e-4f3a-4b2c-9d1e-0f9e8d7c6b5a",
          blockedAt: "2026-12-05T01:00:00.000Z",
        },
      },
      "404": { description: "The account never had a block.", codes: ["recovery_block_not_found"] },
      ...adminAnswers("read"),
      ...internal,
    },
  },
  {
    method: "post",
    path: "/api/admin/accounts/{id}/recovery-block",
    operationId: "clearRecoveryBlock",
    summary:
      'Lifts the block (`{"action":"clear","reason"}`), audited in the repudiated recovery\'s trail with the admin\'s object id.',
    tags: ["admin"],
    security: ADMIN,
    parameters: [pathParam("id", "The account's object id.")],
    requestBody: {
      schema: "ClearRecoveryBlock",
      example: { action: "clear", reason: "INC-4711: user seen in person, methods re-registered" },
    },
    responses: {
      "200": { description: "The block, now cleared.", schema: "RecoveryBlock" },
      "400": { description: "Invalid body.", codes: ["invalid_request"] },
      "404": { description: "No block in force for this account.", codes: ["recovery_block_not_found"] },
      "413": { description: "Body too large.", codes: ["payload_too_large"] },
      "415": { description: "Not JSON.", codes: ["unsupported_media_type"] },
      ...adminAnswers("write"),
      ...internal,
    },
  },
  {
    method: "get",
    path: "/api/admin/groups",
    operationId: "listGroupNames",
    summary:
      "Display names of groups by object id (the policy forms name groups by id); an unknown group is null.",
    tags: ["admin"],
    security: ADMIN,
    parameters: [
      {
        name: "ids",
        in: "query",
        required: true,
        description: "1–100 group object ids, comma-separated.",
        schema: { type: "string" },
      },
    ],
    responses: {
      "200": {
        description: "Each id with its display name.",
        schema: "GroupNames",
        example: {
          groups: [
            { id: "ae004daf-d42a-4c2b-8d12-148f65c9dd87", displayName: "Recovery Pilot" },
            { id: "00000000-0000-4000-8000-000000000000", displayName: null },
          ],
        },
      },
      "400": { description: "No ids, more than 100, or one not a GUID.", codes: ["invalid_request"] },
      ...adminAnswers("read"),
      ...internal,
      "502": { description: "Graph refused the reads.", codes: ["directory_error"] },
    },
  },
  {
    method: "get",
    path: "/api/admin/diagnostics",
    operationId: "getDiagnostics",
    summary: "Preflight report: each check pass / warn / fail with its evidence and fix.",
    tags: ["admin"],
    security: ADMIN,
    responses: {
      "200": { description: "The report.", schema: "DiagnosticsReport" },
      ...adminAnswers("read"),
      ...internal,
      "502": { description: "Graph refused the reads.", codes: ["directory_error"] },
    },
  },
  {
    method: "get",
    path: "/api/.well-known/jwks.json",
    operationId: "jwks",
    summary: "Public keys of our IDV hand-off tokens.",
    tags: ["providers"],
    responses: {
      "200": { description: "JWK Set.", schema: "Jwks" },
      ...internal,
      "502": { description: "The signing key secret is missing.", codes: ["secret_missing"] },
    },
  },
  {
    method: "get",
    path: "/api/health",
    operationId: "health",
    summary: "Liveness.",
    tags: ["public"],
    responses: { "200": { description: "Alive.", schema: "Health", example: { status: "ok" } } },
  },
  {
    method: "get",
    path: "/api/openapi.json",
    operationId: "openApiDocument",
    summary: "This document.",
    tags: ["public"],
    responses: { "200": { description: "OpenAPI 3.1.", schema: "OpenApiDocument" } },
  },
  ...["/", "/recover"].map(
    (path): Operation => ({
      method: "get",
      path,
      operationId: path === "/" ? "recoverPage" : "recoverPageReturn",
      summary:
        path === "/"
          ? "The reference recovery page."
          : "The reference recovery page, where the IDV provider's return lands.",
      tags: ["page"],
      responses: {
        "200": { description: "HTML page (strict Content-Security-Policy, ETag, no-cache).", html: true },
        "304": { description: "Not modified (If-None-Match)." },
      },
    }),
  ),
  {
    method: "get",
    path: "/repudiate",
    operationId: "repudiationPage",
    summary:
      "The \"this wasn't me\" page of a recovered notice's link (`?t=`): what happened, and a confirmation form. Changes nothing.",
    tags: ["page"],
    parameters: [
      {
        name: "t",
        in: "query",
        required: true,
        description: "The link's secret.",
        schema: { type: "string" },
      },
    ],
    responses: {
      "200": { description: "HTML page: the confirmation form, or that it was already done.", html: true },
      "404": {
        description: "HTML page: the link cannot be used (the same for every such link).",
        html: true,
      },
      "503": { description: "HTML page: try again.", html: true },
    },
  },
  {
    method: "post",
    path: "/repudiate",
    operationId: "confirmRepudiation",
    summary:
      "Confirms a repudiation: deletes the TAP and the methods registered since the recovery, revokes the sessions, blocks self-service recovery of the account, alerts the admin address.",
    tags: ["page"],
    requestBody: { schema: "RepudiationForm", contentType: "application/x-www-form-urlencoded" },
    responses: {
      "200": { description: "HTML page: undone, or already undone.", html: true },
      "403": {
        description: "HTML page: a cross-site request (Sec-Fetch-Site / Origin), refused.",
        html: true,
      },
      "404": {
        description: "HTML page: the link cannot be used (the same for every such link).",
        html: true,
      },
      "503": {
        description: "HTML page: not completely undone yet (the block is in force); try again.",
        html: true,
      },
    },
  },
  {
    method: "get",
    path: "/admin",
    operationId: "adminConsole",
    summary: "The admin console (Entra sign-in; it calls the admin API on this origin).",
    tags: ["console"],
    responses: {
      "200": { description: "HTML page (strict Content-Security-Policy, ETag, no-cache).", html: true },
      "304": { description: "Not modified (If-None-Match)." },
    },
  },
  {
    method: "get",
    path: "/admin/config.json",
    operationId: "adminConsoleConfig",
    summary: "The admin console's sign-in settings: client id, authority, API scope (public values).",
    tags: ["console"],
    responses: {
      "200": {
        description: "The settings; `configured: false` without ADMIN_API_CLIENT_ID.",
        schema: "AdminConsoleConfig",
        example: {
          configured: true,
          clientId: "00000000-0000-4000-8000-00000000a0a0",
          authority: "https://login.microsoftonline.com/00000000-0000-4000-8000-0000000000aa",
          knownAuthorities: ["login.microsoftonline.com"],
          scopes: ["00000000-0000-4000-8000-00000000a0a0/.default"],
        },
      },
    },
  },
  {
    method: "get",
    path: "/admin/assets/{file}",
    operationId: "adminConsoleAsset",
    summary: "The console's script and style sheet (content-hashed names, immutable).",
    tags: ["console"],
    parameters: [pathParam("file", "A file name from the console's manifest.")],
    responses: {
      "200": { description: "JavaScript or CSS." },
      "304": { description: "Not modified (If-None-Match)." },
      "404": { description: "No such file.", codes: ["asset_not_found"] },
    },
  },
  {
    method: "get",
    path: "/assets/{file}",
    operationId: "pageAsset",
    summary: "The page's script and style sheet (content-hashed names, immutable).",
    tags: ["page"],
    parameters: [pathParam("file", "A file name from the page's manifest.")],
    responses: {
      "200": { description: "JavaScript or CSS." },
      "304": { description: "Not modified (If-None-Match)." },
      "404": { description: "No such file.", codes: ["asset_not_found"] },
    },
  },
];

function queryParameters(query: z.ZodType = recoveryQuerySchema): unknown[] {
  const schema = z.toJSONSchema(query, { io: "input", unrepresentable: "any" }) as {
    properties: Record<string, JsonSchema>;
  };
  return Object.entries(schema.properties).map(([name, s]) => ({
    name,
    in: "query",
    required: false,
    schema: s,
  }));
}

function componentSchema(name: string): JsonSchema {
  const component = COMPONENTS[name];
  if (!component) throw new TypeError(`no OpenAPI component ${name}`);
  const { schema, io } = component;
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return json;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

function problemContent(codes: readonly ProblemCode[], status: number) {
  return {
    "application/problem+json": {
      schema: { allOf: [ref("Problem"), { type: "object", properties: { code: { enum: codes } } }] },
      example: {
        type: `https://errors.account-recovery.dev/${codes[0]}`,
        title: "…",
        status,
        code: codes[0],
        detail: "…",
      },
    },
  };
}

function responseObject(status: string, answers: Answer[]): unknown {
  const description = answers.map((a) => a.description).join(" / ");
  const content: Record<string, unknown> = {};
  const headers: Record<string, unknown> = {};
  for (const a of answers) {
    if ("codes" in a) Object.assign(content, problemContent(a.codes, Number(status)));
    else if ("html" in a) content["text/html"] = { schema: { type: "string" } };
    else if ("schema" in a) {
      const type = a.contentType ?? "application/json";
      content[type] = a.itemSchema
        ? { schema: { type: "string" }, "x-item-schema": ref(a.itemSchema) }
        : { schema: ref(a.schema), ...(a.example !== undefined ? { example: a.example } : {}) };
    }
  }
  if (status === "429") headers["Retry-After"] = { schema: { type: "integer" }, description: "Seconds." };
  if (status === "302") headers.Location = { schema: { type: "string" }, required: true };
  return {
    description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(Object.keys(content).length > 0 ? { content } : {}),
  };
}

export interface OpenApiOptions {
  /** The public origin (servers[0]). */
  serverUrl: string;
  tenantId: string;
  authorityHost: string;
}

/** The whole document: plain JSON. */
export function buildOpenApiDocument(options: OpenApiOptions): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const responses: Record<string, unknown> = {};
    for (const [status, answer] of Object.entries(op.responses)) {
      responses[status] = responseObject(status, Array.isArray(answer) ? answer : [answer]);
    }
    const item = paths[op.path] ?? {};
    paths[op.path] = item;
    item[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      tags: op.tags,
      ...(op.security ? { security: op.security } : { security: [] }),
      ...(op.parameters ? { parameters: op.parameters } : {}),
      ...(op.requestBody
        ? {
            requestBody: {
              required: op.requestBody.required ?? true,
              content: {
                [op.requestBody.contentType ?? "application/json"]: {
                  schema: ref(op.requestBody.schema),
                  ...(op.requestBody.example !== undefined ? { example: op.requestBody.example } : {}),
                },
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Self-service account recovery for Microsoft Entra ID",
      version: "1",
      description:
        "HTTP contract v1. Errors are RFC 9457 application/problem+json with a stable `code`; each answer lists the codes it may carry.",
    },
    servers: [{ url: options.serverUrl }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.keys(COMPONENTS).map((name) => [name, componentSchema(name)])),
      securitySchemes: {
        recoveryToken: {
          type: "http",
          scheme: "bearer",
          description: "The recoveryToken of the start answer.",
        },
        entraAdmin: {
          type: "openIdConnect",
          openIdConnectUrl: `${options.authorityHost}/${options.tenantId}/v2.0/.well-known/openid-configuration`,
          description:
            "An Entra v2 access token for the admin API app registration (aud = ADMIN_API_CLIENT_ID) with the app role Recovery.Admin, or Recovery.Reader for reads, or Recovery.Helpdesk for the helpdesk verifications.",
        },
        verifiedIdApiKey: {
          type: "apiKey",
          in: "header",
          name: "api-key",
          description: "The per-request key we gave the Request Service in the presentation request.",
        },
        idvWebhookSignature: {
          type: "apiKey",
          in: "header",
          name: "webhook-signature",
          description:
            "HMAC signature of the provider's scheme (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature; named adapters: their headers, see README).",
        },
      },
    },
  };
}
