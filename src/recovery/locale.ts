/**
 * The languages the recovery page and the notices speak, and how one is chosen for a request.
 * Pure and shared by the server (start body, Accept-Language, the page's HTML shell) and the
 * page itself (its language switcher), so both pick the same language from the same input.
 *
 * A tag is matched by what it means, not by its spelling: `pt`, `pt-PT` and `pt-BR` all get
 * Brazilian Portuguese (the only Portuguese we have); `zh`, `zh-CN`, `zh-SG` and `zh-Hans` get
 * Simplified Chinese, while `zh-TW`, `zh-HK` and `zh-Hant` (Traditional script) match nothing, so
 * the next preference is tried rather than a script the reader may not read. `und`
 * (undetermined) and `und-*` match nothing either: they name no language.
 */

export const SUPPORTED_LOCALES = ["en", "de", "fr", "es", "pt-BR", "ja", "zh-Hans", "ar"] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];

/** Languages written right to left. */
const RIGHT_TO_LEFT: ReadonlySet<Locale> = new Set<Locale>(["ar"]);

export function directionOf(locale: Locale): "ltr" | "rtl" {
  return RIGHT_TO_LEFT.has(locale) ? "rtl" : "ltr";
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

/** A well-formed BCP 47 language tag (the grammar Intl enforces), at most 35 characters (RFC 5646 §4.4.1). */
export function isLanguageTag(tag: string): boolean {
  if (tag.length === 0 || tag.length > 35 || !/^[A-Za-z0-9-]+$/.test(tag)) return false;
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** The supported locale a language tag asks for, or undefined (malformed, or a language we lack). */
export function matchLocale(tag: string): Locale | undefined {
  if (!isLanguageTag(tag)) return undefined;
  let maximized: Intl.Locale;
  try {
    const asked = new Intl.Locale(tag);
    // `und` (undetermined, BCP 47) names no language: maximize() would guess one for it (English,
    // or the script's or region's), a language the reader never asked for. (Intl reports `und`
    // as no language in current engines, as "und" in older ones.)
    if (asked.language === undefined || asked.language === "und") return undefined;
    maximized = asked.maximize();
  } catch {
    return undefined;
  }
  switch (maximized.language) {
    case "pt":
      return "pt-BR";
    case "zh":
      return maximized.script === "Hans" ? "zh-Hans" : undefined;
    default:
      return isLocale(maximized.language) ? maximized.language : undefined;
  }
}

/** At most this many Accept-Language entries are read: a longer header is a client's error, not a preference. */
const MAX_ACCEPT_LANGUAGE_ENTRIES = 32;

/**
 * The supported locale an `Accept-Language` header (RFC 9110 §12.5.4) prefers: entries by
 * descending q (equal q keep their order); `q=0` ("not this one"), `*` and malformed entries
 * are skipped.
 */
export function fromAcceptLanguage(header: string | null | undefined): Locale | undefined {
  if (!header) return undefined;
  const entries = header
    .slice(0, 4096)
    .split(",")
    .slice(0, MAX_ACCEPT_LANGUAGE_ENTRIES)
    .map((entry, index) => {
      const [range = "", ...params] = entry.trim().split(";");
      let q = 1;
      for (const param of params) {
        const m = /^\s*q\s*=\s*(0(?:\.\d{0,3})?|1(?:\.0{0,3})?)\s*$/i.exec(param);
        if (m?.[1] !== undefined) q = Number(m[1]);
        else if (/^\s*q\s*=/i.test(param)) q = -1; // a malformed weight: skip the entry
      }
      return { range: range.trim(), q, index };
    })
    .filter((e) => e.q > 0 && e.range !== "*" && e.range !== "")
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { range } of entries) {
    const locale = matchLocale(range);
    if (locale) return locale;
  }
  return undefined;
}

/**
 * The locale of a request, by precedence: the tag the client asked for explicitly (the start
 * body's `locale`, the page's `?lang=`), else the browser's `Accept-Language`, else the tenant's
 * default. A requested language we lack falls through to the next source, never to an error.
 */
export function negotiateLocale(sources: {
  requested?: string | undefined;
  acceptLanguage?: string | null | undefined;
  tenantDefault: Locale;
}): Locale {
  return (
    (sources.requested ? matchLocale(sources.requested) : undefined) ??
    fromAcceptLanguage(sources.acceptLanguage) ??
    sources.tenantDefault
  );
}
