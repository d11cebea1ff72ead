/**
 * Every function of the app, in one place (Azure Functions v4 programming model).
 * HTTP routes are DESIGN.md §4; the orchestrator and its activities are the recovery flow.
 */
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { diagnosticsHandler } from "./admin/diagnostics";
import { getConfig } from "./config";
import * as activities from "./functions/activities";
import { adminConsole, adminConsoleAsset, adminConsoleConfig } from "./functions/adminConsole";
import { listGroupNames } from "./functions/adminGroups";
import { deletePolicy, getPolicy, listPolicies, putPolicy } from "./functions/adminPolicies";
import { getRecoveryRecord, listRecoveries } from "./functions/adminRecoveries";
import { clearRecoveryBlock, getRecoveryBlock } from "./functions/adminRecoveryBlocks";
import { createVerification, getVerification, listVerifications } from "./functions/adminVerifications";
import { idvReturn, idvWebhook, verifiedIdCallback } from "./functions/callbacks";
import { housekeeping } from "./functions/housekeeping";
import { sweepIdvInbox } from "./functions/idvDelivery";
import { renewHandoff } from "./functions/idvHandoffRenewal";
import { ACTIVITIES, ORCHESTRATOR } from "./functions/names";
import { openApiDocument } from "./functions/openApi";
import { recoveryOrchestrator } from "./functions/orchestrator";
import { health, jwks } from "./functions/publicApi";
import { pageAsset, recoverPage } from "./functions/recoverPage";
import { cancelRecovery, getRecovery, startRecovery } from "./functions/recoveryApi";
import { confirmRepudiationPage, repudiationPage } from "./functions/repudiationPage";
import { continueRecovery, startVerification } from "./functions/verificationStart";
import { withStrictTransportSecurity } from "./http";

// Parse the settings (and the policy document) now: a bad value stops the app at startup,
// naming the setting and the field, instead of failing the first recovery.
getConfig();

// Every HTTP answer of an https deployment carries Strict-Transport-Security.
app.hook.postInvocation((context) => {
  if (context.invocationContext.options.trigger.type !== "httpTrigger") return;
  context.result = withStrictTransportSecurity(
    context.result,
    getConfig().publicBaseUrl.startsWith("https://"),
  );
});

const durableClient = df.input.durableClient();

// Front end
app.http("startRecovery", {
  route: "api/recovery",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: startRecovery,
});
app.http("getRecovery", {
  route: "api/recovery/{recoveryId}",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: getRecovery,
});
app.http("cancelRecovery", {
  route: "api/recovery/{recoveryId}/cancel",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: cancelRecovery,
});
app.http("renewIdvHandoff", {
  route: "api/recovery/{recoveryId}/idv-handoff",
  methods: ["POST"],
  authLevel: "anonymous",
  handler: renewHandoff,
});
app.http("startVerification", {
  route: "api/verification",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: startVerification,
});
app.http("continueRecovery", {
  route: "api/recovery/{recoveryId}/continue",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: continueRecovery,
});

// Identity verification providers and the Verified ID service
app.http("idvWebhook", {
  route: "api/idv/{provider}/webhook",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: idvWebhook,
});
app.http("idvReturn", {
  route: "api/idv/{provider}/return",
  methods: ["GET"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: idvReturn,
});
app.http("verifiedIdCallback", {
  route: "api/verified-id/callback",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: verifiedIdCallback,
});

// Admin API: every route checks an Entra access token with an app role (src/admin/auth.ts).
// `admin/policies/exclusions` (the global exclusion list) is served by the {id} routes.
app.http("listPolicies", {
  route: "api/admin/policies",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: listPolicies,
});
app.http("getPolicy", {
  route: "api/admin/policies/{id}",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: getPolicy,
});
app.http("putPolicy", {
  route: "api/admin/policies/{id}",
  methods: ["PUT"],
  authLevel: "anonymous",
  handler: putPolicy,
});
app.http("deletePolicy", {
  route: "api/admin/policies/{id}",
  methods: ["DELETE"],
  authLevel: "anonymous",
  handler: deletePolicy,
});
app.http("adminDiagnostics", {
  route: "api/admin/diagnostics",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: diagnosticsHandler,
});
app.http("listGroupNames", {
  route: "api/admin/groups",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: listGroupNames,
});
app.http("listRecoveries", {
  route: "api/admin/recoveries",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: listRecoveries,
});
app.http("getRecoveryRecord", {
  route: "api/admin/recoveries/{id}",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: getRecoveryRecord,
});
app.http("getRecoveryBlock", {
  route: "api/admin/accounts/{id}/recovery-block",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: getRecoveryBlock,
});
app.http("clearRecoveryBlock", {
  route: "api/admin/accounts/{id}/recovery-block",
  methods: ["POST"],
  authLevel: "anonymous",
  handler: clearRecoveryBlock,
});

// "This wasn't me": the link of a recovered notice (a server-rendered page, no script).
app.http("repudiationPage", {
  route: "repudiate",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: repudiationPage,
});
app.http("confirmRepudiation", {
  route: "repudiate",
  methods: ["POST"],
  authLevel: "anonymous",
  handler: confirmRepudiationPage,
});
// Helpdesk verifications (role Recovery.Helpdesk).
app.http("createVerification", {
  route: "api/admin/verifications",
  methods: ["POST"],
  authLevel: "anonymous",
  handler: createVerification,
});
app.http("listVerifications", {
  route: "api/admin/verifications",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: listVerifications,
});
app.http("getVerification", {
  route: "api/admin/verifications/{id}",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: getVerification,
});

// Re-delivers accepted IDV webhooks whose effect never completed (raise failed, host stopped).
app.timer("sweepIdvInbox", {
  schedule: "0 */1 * * * *",
  extraInputs: [durableClient],
  handler: sweepIdvInbox,
});

// Deletes expired TAP hand-offs, closed rate-limit windows and old webhook inbox entries.
app.timer("housekeeping", { schedule: "0 */5 * * * *", handler: housekeeping });

// Public
app.http("health", { route: "api/health", methods: ["GET"], authLevel: "anonymous", handler: health });
app.http("openApiDocument", {
  route: "api/openapi.json",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: openApiDocument,
});
app.http("jwks", {
  route: "api/.well-known/jwks.json",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: jwks,
});

// The reference recovery page at the site root (an optional parameter limited to length 0
// matches only "/": the Functions host skips its own home page when a function matches the
// root), at /recover (where FRONTEND_RETURN_URL brings the user back), and its static files.
app.http("recoverPage", {
  route: "{root:maxlength(0)?}",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: recoverPage,
});
app.http("recoverPageReturn", {
  route: "recover",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: recoverPage,
});
app.http("pageAsset", {
  route: "assets/{file}",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: pageAsset,
});

// The admin console (Entra sign-in in the browser; it calls the admin API above).
app.http("adminConsole", { route: "admin", methods: ["GET"], authLevel: "anonymous", handler: adminConsole });
app.http("adminConsoleConfig", {
  route: "admin/config.json",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: adminConsoleConfig,
});
app.http("adminConsoleAsset", {
  route: "admin/assets/{file}",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: adminConsoleAsset,
});

// The workflow
df.app.orchestration(ORCHESTRATOR, recoveryOrchestrator);
df.app.activity(ACTIVITIES.discoverAccount, { handler: activities.discoverAccount });
df.app.activity(ACTIVITIES.startIdentityVerification, { handler: activities.startIdentityVerification });
df.app.activity(ACTIVITIES.requestPresentation, { handler: activities.requestPresentation });
df.app.activity(ACTIVITIES.checkPresentedCredential, { handler: activities.checkPresentedCredential });
df.app.activity(ACTIVITIES.matchDirectoryProfile, { handler: activities.matchDirectoryProfile });
df.app.activity(ACTIVITIES.confirmIdentityVerification, {
  handler: activities.confirmIdentityVerification,
});
df.app.activity(ACTIVITIES.recoverAccount, { handler: activities.recoverAccount });
df.app.activity(ACTIVITIES.finishRecovery, { handler: activities.finishRecovery });
df.app.activity(ACTIVITIES.notifyRecoveryOutcome, { handler: activities.notifyRecoveryOutcome });
df.app.activity(ACTIVITIES.offerRecoveryAfterVerification, {
  handler: activities.offerRecoveryAfterVerification,
});
