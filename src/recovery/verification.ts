/**
 * Helpdesk verifications (pure): the one-time link's format, and the notice that carries it to
 * the account's other mail addresses. The link puts its code in the URL's fragment, which
 * browsers send to no server (no access log, no Referer), and the page posts it once.
 *
 * The code is `<verificationId>.<secret>`: the id finds the stored row, the secret (256 bits,
 * src/recovery/opaqueSecrets.ts) is compared with its stored hash in constant time.
 */
import { hashSecret, secretMatchesHash } from "./opaqueSecrets";
import { isRecoveryId } from "./status";

const SECRET = /^[A-Za-z0-9_-]{43}$/;

/**
 * How long a verified caller may take to choose to recover (profiles that allow it): the caller is
 * on the phone and decides now. Well inside the user lock's margin after the presentation
 * (src/recovery/userLock.ts LOCK_MARGIN_MINUTES), so the lock outlives the wait and the recovery.
 */
export const RECOVERY_OFFER_MINUTES = 10;

export function verificationCode(verificationId: string, secret: string): string {
  return `${verificationId}.${secret}`;
}

/** The link the caller opens: the reference page with the code in its fragment. */
export function verificationLink(publicBaseUrl: string, code: string): string {
  return `${publicBaseUrl}/#verification=${code}`;
}

/** The id and secret of a well-formed code; undefined for anything else (it names no verification). */
export function parseVerificationCode(code: string): { verificationId: string; secret: string } | undefined {
  const dot = code.indexOf(".");
  if (dot < 0) return undefined;
  const verificationId = code.slice(0, dot);
  const secret = code.slice(dot + 1);
  return isRecoveryId(verificationId) && SECRET.test(secret) ? { verificationId, secret } : undefined;
}

/** Why a link does not start anything. The caller is told none of them apart (one answer). */
export type RedeemRefusal = "unknown" | "secret_mismatch" | "expired" | "used";

/**
 * Why the link `secret` does not open the stored verification (undefined: it does, at `now`).
 * The secret is compared even when nothing is stored, so timing does not tell which ids exist.
 */
export function linkRefusal(
  stored:
    | {
        linkHash: string;
        expiresAt: string;
        redeemedAt?: string | undefined;
        recoveryId?: string | undefined;
      }
    | undefined,
  secret: string,
  now: Date,
): RedeemRefusal | undefined {
  const matches = secretMatchesHash(secret, stored?.linkHash ?? hashSecret(`${secret}-`));
  if (!stored) return "unknown";
  if (!matches) return "secret_mismatch";
  if (stored.redeemedAt || stored.recoveryId) return "used";
  if (now.getTime() >= Date.parse(stored.expiresAt)) return "expired";
  return undefined;
}

/** The mail to the account's other addresses: the link, who asked (no name: the helpdesk), and what to do if nobody called. */
export function verificationNotice(facts: {
  userPrincipalName: string;
  link: string;
  expiresAt: string;
  adminAddress?: string | undefined;
}): { subject: string; text: string } {
  const contact = facts.adminAddress ? ` (${facts.adminAddress})` : "";
  return {
    subject: "Your help desk asked to verify your identity",
    text: [
      `Your IT help desk asked to verify that you are the owner of the account ${facts.userPrincipalName}.`,
      `If you are on the phone with them now, open this link and follow the steps (it works once, until ${facts.expiresAt.slice(0, 16).replace("T", " ")} UTC):`,
      facts.link,
      "Verifying your identity changes nothing on your account.",
      `If you did not contact your help desk, do not open the link, and tell your IT help desk${contact}: someone may be trying to take over your account.`,
    ].join("\n\n"),
  };
}
