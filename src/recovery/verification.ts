/**
 * Helpdesk verifications (pure): the one-time link's format, and the notice that carries it to
 * the account's other mail addresses. The link puts its code in the URL's fragment, which
 * browsers send to no server (no access log, no Referer), and the page posts it once.
 *
 * The code is `<verificationId>.<secret>`: the id finds the stored row, the secret (256 bits,
 * src/recovery/opaqueSecrets.ts) is compared with its stored hash in constant time.
 */
import type { Locale } from "./locale";
import { fillNotice, type Notice, noticeTime } from "./notifications";
import { hashSecret, secretMatchesHash } from "./opaqueSecrets";
import { isRecoveryId } from "./status";
import { VERIFICATION_NOTICE_STRINGS } from "./verificationNoticeStrings";

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

/**
 * The mail to the account's other addresses, in `locale` (./verificationNoticeStrings.ts): the
 * link, who asked (no name: the help desk), what verifying does and does not do, and what to do
 * if nobody called.
 */
export function verificationNotice(
  facts: {
    userPrincipalName: string;
    link: string;
    expiresAt: string;
    adminAddress?: string | undefined;
  },
  locale: Locale = "en",
): Notice {
  const t = VERIFICATION_NOTICE_STRINGS[locale];
  const values = {
    account: facts.userPrincipalName,
    expires: noticeTime(locale, facts.expiresAt),
    link: facts.link,
    contact: facts.adminAddress ? ` (${facts.adminAddress})` : "",
  };
  return {
    subject: t.subject,
    text: [t.asked, t.open, t.changes, t.notYou].map((p) => fillNotice(locale, p, values)).join("\n\n"),
  };
}
