/** Names shared by the orchestrator, its activities and the HTTP functions that raise events. */

export const ORCHESTRATOR = "recoveryOrchestrator";

export const ACTIVITIES = {
  discoverAccount: "discoverAccount",
  startIdentityVerification: "startIdentityVerification",
  requestPresentation: "requestPresentation",
  checkPresentedCredential: "checkPresentedCredential",
  matchDirectoryProfile: "matchDirectoryProfile",
  confirmIdentityVerification: "confirmIdentityVerification",
  recoverAccount: "recoverAccount",
  finishRecovery: "finishRecovery",
  notifyRecoveryOutcome: "notifyRecoveryOutcome",
  offerRecoveryAfterVerification: "offerRecoveryAfterVerification",
} as const;

export const EVENTS = {
  idvResult: "IdvResult",
  /** The browser came back from the provider with the hand-off's one-time value (results `return`/`either`). */
  idvReturned: "IdvReturned",
  presentationResult: "PresentationResult",
  /** The caller of a verified helpdesk verification chose to recover (POST /api/recovery/{id}/continue). */
  recoveryContinued: "RecoveryContinued",
} as const;
