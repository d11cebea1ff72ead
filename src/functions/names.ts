/** Names shared by the orchestrator, its activities and the HTTP functions that raise events. */

export const ORCHESTRATOR = "recoveryOrchestrator";

export const ACTIVITIES = {
  discoverAccount: "discoverAccount",
  startIdentityVerification: "startIdentityVerification",
  requestPresentation: "requestPresentation",
  checkPresentedCredential: "checkPresentedCredential",
  matchDirectoryProfile: "matchDirectoryProfile",
  recoverAccount: "recoverAccount",
  finishRecovery: "finishRecovery",
  notifyRecoveryOutcome: "notifyRecoveryOutcome",
} as const;

export const EVENTS = {
  idvResult: "IdvResult",
  presentationResult: "PresentationResult",
} as const;
