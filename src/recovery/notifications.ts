/**
 * The recovery notices (NIST SP 800-63B-4: the subscriber is told of a recovery, with a way
 * to repudiate it; OWASP: notify out of band). Pure: who gets which text. The notices say
 * what happened, when, from which address and what to do if it was not them — never the
 * TAP, never anything from the identity document. The user's notice speaks their language
 * (./noticeStrings.ts), the admins' the tenant's.
 */
import { directionOf, type Locale, matchLocale } from "./locale";
import { NOTICE_STRINGS } from "./noticeStrings";
import { fillPlaceholders } from "./placeholders";

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

/** Which language a notice speaks, and which the recipient's directory entry asked for. */
export interface NoticeLanguage {
  /** The user's `preferredLanguage` in the directory (read at the match), if any. */
  preferredLanguage?: string | null | undefined;
  /** The recovery's negotiated locale (start body, Accept-Language, tenant default). */
  recoveryLocale?: string | undefined;
}

/**
 * The user's language: the directory's `preferredLanguage` (what they chose for their mail and
 * Office), else the language of the recovery they (or someone) started, else English.
 */
export function userNoticeLocale(language: NoticeLanguage): Locale {
  return (
    (language.preferredLanguage ? matchLocale(language.preferredLanguage) : undefined) ??
    (language.recoveryLocale ? matchLocale(language.recoveryLocale) : undefined) ??
    "en"
  );
}

/**
 * `{name}` placeholders filled. In a right-to-left language each value is wrapped in Unicode
 * isolates (FSI … PDI: plain text has no <bdi>) so an address, a time or an id keeps its own
 * direction and does not reorder the sentence around it.
 */
export function fillNotice(locale: Locale, template: string, values: Record<string, string>): string {
  if (directionOf(locale) !== "rtl") return fillPlaceholders(template, values);
  // The link stands on its own line, unwrapped: a mail client would take an isolate next to
  // it for part of the address.
  return fillPlaceholders(template, values, (value, name) =>
    value !== "" && name !== "link" ? `\u2068${value}\u2069` : value,
  );
}

/** The moment in the language's own words, in UTC (the notice cannot know the reader's zone). */
export function noticeTime(locale: Locale, at: string): string {
  return new Intl.DateTimeFormat(locale, {
    year: "numeric",
    month: "long",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
    timeZoneName: "short",
  }).format(new Date(at));
}

function values(locale: Locale, facts: NoticeFacts): Record<string, string> {
  return {
    account: facts.userPrincipalName,
    time: noticeTime(locale, facts.at),
    address: facts.sourceAddress,
    reference: facts.recoveryId,
    userId: facts.userId,
    code: facts.failureCode ?? "unknown",
    contact: facts.adminAddress ? ` (${facts.adminAddress})` : "",
    link: facts.repudiation?.url ?? "",
    expires: facts.repudiation ? noticeTime(locale, facts.repudiation.expiresAt) : "",
  };
}

/** The notice to the user (their other mail addresses; the manager in copy when configured). */
export function userNotice(facts: NoticeFacts, locale: Locale = "en"): Notice {
  const t = NOTICE_STRINGS[locale];
  const v = values(locale, facts);
  const paragraphs =
    facts.kind === "recovered"
      ? [
          t.recovered.what,
          t.recovered.done,
          t.recovered.ifYou,
          // Only a recovered notice carries the link (a failed recovery has nothing to undo).
          ...(facts.repudiation ? [t.recovered.undo] : []),
          t.notYou,
        ]
      : [t.failed.what, t.failed.ifYou, t.notYou];
  return {
    subject: facts.kind === "recovered" ? t.recovered.subject : t.failed.subject,
    text: paragraphs.map((p) => fillNotice(locale, p, v)).join("\n\n"),
  };
}

/**
 * The notice to the admin address, in the tenant's language: the same facts, with the ids an
 * investigation starts from.
 */
export function adminNotice(facts: NoticeFacts, locale: Locale = "en"): Notice {
  const t = NOTICE_STRINGS[locale].admin;
  const v = values(locale, facts);
  const outcome = facts.kind === "recovered" ? t.outcomeRecovered : fillNotice(locale, t.outcomeFailed, v);
  return {
    subject: fillNotice(locale, facts.kind === "recovered" ? t.subjectRecovered : t.subjectFailed, v),
    text: [
      fillNotice(locale, t.account, v),
      fillNotice(locale, t.outcome, { ...v, outcome }),
      fillNotice(locale, t.time, v),
      fillNotice(locale, t.source, v),
      fillNotice(locale, t.recovery, v),
      t.footer,
    ].join("\n"),
  };
}
