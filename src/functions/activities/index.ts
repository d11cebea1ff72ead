/**
 * The orchestration's activities: every piece of I/O of a recovery. Each is safe to run
 * again (the durable runtime delivers at least once): it checks what it already did before
 * acting, and never returns secrets or personal data to the orchestration.
 */
export { discoverAccount } from "./discovery";
export { finishRecovery, notifyRecoveryOutcome } from "./finish";
export { startIdentityVerification } from "./identityVerification";
export { confirmIdentityVerification } from "./idvStanding";
export { matchDirectoryProfile } from "./match";
export { checkPresentedCredential, requestPresentation } from "./presentation";
export { recoverAccount } from "./recovery";
export { offerRecoveryAfterVerification } from "./verification";
