/**
 * The language switcher in the page's header: a native <select> (keyboard, screen readers and
 * phones handle it as they handle any), each language named in itself and marked with its
 * `lang` so it is read out in its own voice. Changing it switches the page at once: the
 * screen on show is built again in the new language, focus stays on the switcher.
 */
import { directionOf, isLocale, type Locale, SUPPORTED_LOCALES } from "../recovery/locale";
import { byId, h, redrawScreen } from "./dom";
import { locale, rememberLocale, ui, useLocale } from "./i18n";
import { LANGUAGE_NAMES } from "./strings/languages";

/** Puts the switcher into the header; `onChange` runs after the page switched. */
export function mountLanguageSwitcher(onChange: (chosen: Locale) => void = () => {}): void {
  const select = h(
    "select",
    {
      id: "language",
      onchange: () => {
        const chosen = select.value;
        // The language on show may still be chosen: it overtakes a switch under way.
        if (!isLocale(chosen)) return;
        void useLocale(chosen).then(
          (applied) => {
            // Overtaken by a later choice: that one says what the page shows.
            if (!applied) return;
            // Remembered only once it is on show: a language that did not load is not the choice.
            rememberLocale(chosen);
            labelLanguageSwitcher();
            redrawScreen();
            onChange(chosen);
          },
          // The latest choice's chunk did not load (offline): stay in the language on show.
          () => {
            select.value = locale;
          },
        );
      },
    },
    ...SUPPORTED_LOCALES.map((l) =>
      h("option", { value: l, lang: l, dir: directionOf(l) }, LANGUAGE_NAMES[l]),
    ),
  );
  select.value = locale;
  const label = h("label", { for: "language", id: "language-label" }, ui.language);
  byId("brand").append(h("div", { class: "language" }, label, select));
}

/** The header's words in the page's language (after a switch). */
export function labelLanguageSwitcher(): void {
  byId("app-name").textContent = ui.appName;
  byId("language-label").textContent = ui.language;
  (byId("language") as HTMLSelectElement).value = locale;
}
