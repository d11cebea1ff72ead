/**
 * The page's language: which strings it shows (`ui`, English until another language has
 * loaded), `lang` and `dir` on the document, and the formatting of numbers, times and
 * durations with Intl for that language. English is in the first load; every other language
 * is its own chunk, loaded when chosen, so the page does not grow by seven translations.
 *
 * The server picks the first language (the HTML shell it sends carries `lang`: `?lang=`, else
 * Accept-Language, else the tenant default, src/recovery/locale.ts); a choice made with the
 * switcher is remembered in this browser and wins from then on.
 */
import { directionOf, isLocale, type Locale, matchLocale } from "../recovery/locale";
import type { FailureCode } from "../recovery/status";
import { en, type Translation } from "./strings/en";

const LOADERS: Record<Exclude<Locale, "en">, () => Promise<Translation>> = {
  de: () => import("./strings/de.js").then((m) => m.de),
  fr: () => import("./strings/fr.js").then((m) => m.fr),
  es: () => import("./strings/es.js").then((m) => m.es),
  "pt-BR": () => import("./strings/pt-BR.js").then((m) => m.ptBR),
  ja: () => import("./strings/ja.js").then((m) => m.ja),
  "zh-Hans": () => import("./strings/zh-Hans.js").then((m) => m.zhHans),
  ar: () => import("./strings/ar.js").then((m) => m.ar),
};

/** The strings of the page's current language (a live binding: read it at use, not at import). */
export let ui: Translation = en;
/** The page's current language. */
export let locale: Locale = "en";

const CHOICE_KEY = "recovery.locale";

/** The language chosen with the switcher in this browser, if any. */
export function rememberedLocale(): Locale | undefined {
  try {
    const stored = localStorage.getItem(CHOICE_KEY);
    return isLocale(stored) ? stored : undefined;
  } catch {
    return undefined; // storage off (some private modes): no memory, the server's pick stands
  }
}

export function rememberLocale(chosen: Locale): void {
  try {
    localStorage.setItem(CHOICE_KEY, chosen);
  } catch {
    // as above
  }
}

/** The language to start in: the remembered choice, else the one the server put on the document. */
export function initialLocale(): Locale {
  return rememberedLocale() ?? matchLocale(document.documentElement.lang) ?? "en";
}

/** Counts the switches asked for: only the latest may apply (see useLocale). */
let latestSwitch = 0;

/**
 * Switches the page to `next`: loads its strings (English is always there), sets `lang` and `dir`.
 * Resolves true once applied. Only the latest call applies: two choices in quick succession
 * must not end in the one whose strings happened to arrive last, so an earlier call that is
 * overtaken resolves false and changes nothing, even when its strings load, or fail to, later.
 * Rejects only when the latest call's strings did not load: the language on show stays.
 */
export async function useLocale(next: Locale): Promise<boolean> {
  const thisSwitch = ++latestSwitch;
  let strings: Translation;
  try {
    strings = next === "en" ? en : await LOADERS[next]();
  } catch (err) {
    if (thisSwitch !== latestSwitch) return false;
    throw err;
  }
  if (thisSwitch !== latestSwitch) return false;
  ui = strings;
  locale = next;
  const root = document.documentElement;
  root.lang = next;
  root.dir = directionOf(next);
  return true;
}

/** What a failure screen offers (behaviour, the same in every language: the English file holds it). */
export function failureAction(code: FailureCode): "retry" | "helpdesk" {
  return en.failures[code].action;
}

/**
 * A text with its `{name}` placeholders filled: each value isolated in a <bdi> so that a number,
 * a time or a name keeps its own direction inside text of the other direction (an LTR duration in
 * Arabic, an Arabic provider name in English). `ltr` values are marked left to right outright.
 */
export function fill(
  template: string,
  values: Record<string, string | { text: string; ltr: true }>,
): Array<string | HTMLElement> {
  const parts: Array<string | HTMLElement> = [];
  let last = 0;
  for (const m of template.matchAll(/\{(\w+)\}/g)) {
    const value = values[m[1] ?? ""];
    if (value === undefined) continue;
    parts.push(template.slice(last, m.index));
    const bdi = document.createElement("bdi");
    if (typeof value === "string") bdi.textContent = value;
    else {
      bdi.textContent = value.text;
      bdi.dir = "ltr";
    }
    parts.push(bdi);
    last = m.index + m[0].length;
  }
  parts.push(template.slice(last));
  return parts.filter((p) => p !== "");
}

/** "5 minutes", "5 Minuten", "٥ دقائق": the language's own plural rules, via Intl. */
export function formatMinutes(minutes: number): string {
  return new Intl.NumberFormat(locale, { style: "unit", unit: "minute", unitDisplay: "long" }).format(
    minutes,
  );
}

/** A clock time of day in the reader's time zone: "14:05", "2:05 PM", "١٤:٠٥". */
export function formatTime(at: Date): string {
  return new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit" }).format(at);
}

/**
 * Time left, as a countdown reads: "4:59" under an hour (digits of the language, always left to
 * right: minutes before seconds in every script), else hours and minutes in words ("1 h, 5 min",
 * "1 Std., 5 Min.", "١ س و٥ د"), which take the language's own direction.
 */
export function formatRemaining(ms: number): string | { text: string; ltr: true } {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (hours > 0) {
    const unit = (unit: "hour" | "minute", n: number) =>
      new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short" }).format(n);
    return new Intl.ListFormat(locale, { type: "unit", style: "short" }).format([
      unit("hour", hours),
      unit("minute", minutes),
    ]);
  }
  const digits = new Intl.NumberFormat(locale, { minimumIntegerDigits: 2, useGrouping: false });
  return { text: `${new Intl.NumberFormat(locale).format(minutes)}:${digits.format(total % 60)}`, ltr: true };
}
