/**
 * The alert to the admin address when a user repudiates a recovery: sent at once, with what
 * was undone and how to lift the block. Pure; the step that sends it is functions/repudiationSteps.
 */
import { type Notice, noticeTime } from "./notifications";

export interface RepudiationFacts {
  recoveryId: string;
  userId: string;
  userPrincipalName: string;
  /** ISO time the recovery ended and the repudiation was confirmed. */
  recoveredAt: string;
  repudiatedAt: string;
  /** The address the confirmation came from. */
  sourceAddress: string;
  methodsRemoved: number;
  /** Methods left in place (the password, types Graph cannot delete), by type. */
  methodsKept: readonly string[];
}

/** The moment as the recovery notices write it (the alert is in English, like its wording). */
const when = (at: string) => noticeTime("en", at);

export function repudiationAlert(facts: RepudiationFacts): Notice {
  return {
    subject: `Account recovery repudiated by the user: ${facts.userPrincipalName}`,
    text: [
      `Account: ${facts.userPrincipalName} (object id ${facts.userId})`,
      `Recovery: ${facts.recoveryId}, completed ${when(facts.recoveredAt)}`,
      `Repudiated: ${when(facts.repudiatedAt)}, from the address ${facts.sourceAddress}`,
      `Undone: every Temporary Access Pass and every authentication method registered since the recovery were deleted (${facts.methodsRemoved} in all), and every sign-in session was revoked.`,
      facts.methodsKept.length > 0 ? `Left in place: ${facts.methodsKept.join(", ")}.` : "",
      "Self-service recovery of this account is blocked. Treat the account as possibly compromised: check its sign-ins and audit logs, then help the user recover in person.",
      `To lift the block: POST /api/admin/accounts/${facts.userId}/recovery-block with {"action":"clear","reason":"..."} (role Recovery.Admin).`,
    ]
      .filter((line) => line !== "")
      .join("\n"),
  };
}
