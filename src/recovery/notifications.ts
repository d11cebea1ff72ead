/**
 * The recovery notices (NIST SP 800-63B-4: the subscriber is told of a recovery, with a way
 * to repudiate it; OWASP: notify out of band). Pure: who gets which text. The notices say
 * what happened, when, from which address and what to do if it was not them — never the
 * TAP, never anything from the identity document.
 */

export type NoticeKind = "recovered" | "failed";

export interface NoticeFacts {
  kind: NoticeKind;
  recoveryId: string;
  userId: string;
  userPrincipalName: string;
  /** ISO time of the outcome. */
  at: string;
  sourceAddress: string;
  /** The failure code, for `failed`. */
  failureCode?: string | undefined;
  /** Who users should turn to if it was not them. */
  adminAddress?: string | undefined;
  /** The one-time "this wasn't me" link (recovered only), and until when it works. */
  repudiation?: { url: string; expiresAt: string } | undefined;
}

export interface Notice {
  subject: string;
  text: string;
}

function when(at: string): string {
  return `${at.slice(0, 16).replace("T", " ")} UTC`;
}

function notYou(facts: NoticeFacts): string {
  const contact = facts.adminAddress ? ` (${facts.adminAddress})` : "";
  return (
    `If this was not you, contact your IT help desk${contact} at once: someone else may be ` +
    `trying to take over your account. Quote the reference ${facts.recoveryId}.`
  );
}

function repudiationParagraph(link: { url: string; expiresAt: string }): string {
  return `If this was not you, open this link to undo the recovery and block self-service recovery of the account until your help desk clears it (it works once, until ${when(link.expiresAt)}): ${link.url}`;
}

/** The notice to the user (their other mail addresses; the manager in copy when configured). */
export function userNotice(facts: NoticeFacts): Notice {
  if (facts.kind === "recovered") {
    return {
      subject: "Your account was recovered",
      text: [
        `The sign-in methods of your account ${facts.userPrincipalName} were reset through self-service account recovery on ${when(facts.at)}, from the address ${facts.sourceAddress}.`,
        "All your sessions were signed out, and a Temporary Access Pass was issued for registering new sign-in methods.",
        "If this was you, there is nothing more to do.",
        ...(facts.repudiation ? [repudiationParagraph(facts.repudiation)] : []),
        notYou(facts),
      ].join("\n\n"),
    };
  }
  return {
    subject: "An attempt to recover your account failed",
    text: [
      `Someone passed identity verification and tried to recover your account ${facts.userPrincipalName} on ${when(facts.at)}, from the address ${facts.sourceAddress}. The recovery did not complete.`,
      "If this was you, you may try again or contact your IT help desk.",
      notYou(facts),
    ].join("\n\n"),
  };
}

/** The notice to the admin address: the same facts, with the ids an investigation starts from. */
export function adminNotice(facts: NoticeFacts): Notice {
  const outcome =
    facts.kind === "recovered"
      ? "recovered"
      : `failed after identity verification (${facts.failureCode ?? "unknown"})`;
  return {
    subject:
      facts.kind === "recovered"
        ? `Account recovered: ${facts.userPrincipalName}`
        : `Account recovery failed after identity verification: ${facts.userPrincipalName}`,
    text: [
      `Account: ${facts.userPrincipalName} (object id ${facts.userId})`,
      `Outcome: ${outcome}`,
      `Time: ${when(facts.at)}`,
      `Source address: ${facts.sourceAddress}`,
      `Recovery: ${facts.recoveryId}`,
      "The audit trail of the recovery is in the admin API. The Temporary Access Pass is never sent by mail.",
    ].join("\n"),
  };
}
