/**
 * Every function of the app, in one place (Azure Functions v4 programming model).
 * HTTP routes are DESIGN.md §4; the orchestrator and its activities are the recovery flow.
 */
import { app } from "@azure/functions";
import * as df from "durable-functions";
import { getConfig } from "./config";
import * as activities from "./functions/activities";
import { idvReturn, idvWebhook, verifiedIdCallback } from "./functions/callbacks";
import { housekeeping } from "./functions/housekeeping";
import { sweepIdvInbox } from "./functions/idvDelivery";
import { ACTIVITIES, ORCHESTRATOR } from "./functions/names";
import { recoveryOrchestrator } from "./functions/orchestrator";
import { health, jwks } from "./functions/publicApi";
import { recoverPage } from "./functions/recoverPage";
import { cancelRecovery, getRecovery, startRecovery } from "./functions/recoveryApi";

// Parse the settings (and the policy document) now: a bad value stops the app at startup,
// naming the setting and the field, instead of failing the first recovery.
getConfig();

const durableClient = df.input.durableClient();

// Front end
app.http("startRecovery", {
  route: "recovery",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: startRecovery,
});
app.http("getRecovery", {
  route: "recovery/{recoveryId}",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: getRecovery,
});
app.http("cancelRecovery", {
  route: "recovery/{recoveryId}/cancel",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: cancelRecovery,
});

// Identity verification providers and the Verified ID service
app.http("idvWebhook", {
  route: "idv/{provider}/webhook",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: idvWebhook,
});
app.http("idvReturn", {
  route: "idv/{provider}/return",
  methods: ["GET"],
  authLevel: "anonymous",
  handler: idvReturn,
});
app.http("verifiedIdCallback", {
  route: "verified-id/callback",
  methods: ["POST"],
  authLevel: "anonymous",
  extraInputs: [durableClient],
  handler: verifiedIdCallback,
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
app.http("health", { route: "health", methods: ["GET"], authLevel: "anonymous", handler: health });
app.http("recoverPage", { route: "recover", methods: ["GET"], authLevel: "anonymous", handler: recoverPage });
app.http("jwks", { route: ".well-known/jwks.json", methods: ["GET"], authLevel: "anonymous", handler: jwks });

// The workflow
df.app.orchestration(ORCHESTRATOR, recoveryOrchestrator);
df.app.activity(ACTIVITIES.discoverAccount, { handler: activities.discoverAccount });
df.app.activity(ACTIVITIES.startIdentityVerification, { handler: activities.startIdentityVerification });
df.app.activity(ACTIVITIES.requestPresentation, { handler: activities.requestPresentation });
df.app.activity(ACTIVITIES.checkPresentedCredential, { handler: activities.checkPresentedCredential });
df.app.activity(ACTIVITIES.matchDirectoryProfile, { handler: activities.matchDirectoryProfile });
df.app.activity(ACTIVITIES.recoverAccount, { handler: activities.recoverAccount });
df.app.activity(ACTIVITIES.finishRecovery, { handler: activities.finishRecovery });
df.app.activity(ACTIVITIES.notifyRecoveryOutcome, { handler: activities.notifyRecoveryOutcome });
