/**
 * The language switcher's choices: each language named in itself, so a reader finds their own
 * whichever language the page is in now. Order as in src/recovery/locale.ts.
 */
import type { Locale } from "../../recovery/locale";

export const LANGUAGE_NAMES: Readonly<Record<Locale, string>> = {
  en: "English",
  de: "Deutsch",
  fr: "Français",
  es: "Español",
  "pt-BR": "Português (Brasil)",
  ja: "日本語",
  "zh-Hans": "简体中文",
  ar: "العربية",
};
