/**
 * Builds the reference recovery page (`src/page/`) into static assets (./browserApp.ts): the
 * browser code and the style sheet under content-hashed names (served as immutable), and the
 * HTML shell naming them (served no-cache), plus `manifest.json` listing every file with its
 * content type. Text in the HTML shell comes from the strings files, like the rest of the page:
 * one shell per language (`index.html` in English, `index.<locale>.html` for the others), each
 * with its `lang`, `dir`, title and header, and a preload of that language's strings chunk, so
 * the page the server picks for a reader (src/functions/recoverPage.ts) is in their language
 * from its first paint.
 *
 *   node dist/dev/build/page.js [--out DIR]      (npm run build writes dist/page-assets)
 */

import { escapeHtml } from "../../src/html";
import { ar } from "../../src/page/strings/ar";
import { de } from "../../src/page/strings/de";
import { en, type Translation } from "../../src/page/strings/en";
import { es } from "../../src/page/strings/es";
import { fr } from "../../src/page/strings/fr";
import { ja } from "../../src/page/strings/ja";
import { ptBR } from "../../src/page/strings/pt-BR";
import { zhHans } from "../../src/page/strings/zh-Hans";
import { directionOf, type Locale, SUPPORTED_LOCALES } from "../../src/recovery/locale";
import { type AssetManifest, buildBrowserApp, buildFromCommandLine, fillTemplate } from "./browserApp";

/** The folder name the app looks for (src/functions/recoverPage.ts). */
export const PAGE_ASSETS_DIR = "page-assets";

export type PageManifest = AssetManifest;

/** Every language's strings, for the shells (the page itself loads them one at a time). */
export const PAGE_STRINGS: Readonly<Record<Locale, Translation>> = {
  en,
  de,
  fr,
  es,
  "pt-BR": ptBR,
  ja,
  "zh-Hans": zhHans,
  ar,
};

/** The line that preloads a language's strings chunk: the English shell has none to preload. */
const PRELOAD_LINE = /\n<link rel="modulepreload" href="\/assets\/\{\{strings\}\}">/;

/**
 * One language's shell from the template (src/page/index.html): its `{{lang}}`, `{{dir}}` and
 * words filled, and its strings chunk (`strings`, none for English) preloaded. A template
 * without one of these placeholders, or without the preload line, fails the build.
 */
export function pageShell(
  locale: Locale,
  html: string,
  assets: { script: string; style: string },
  strings: string | undefined,
): string {
  const t = PAGE_STRINGS[locale];
  if (!PRELOAD_LINE.test(html)) throw new Error("page index.html: no modulepreload line for {{strings}}");
  // English is in the script itself: its shell preloads nothing more.
  const template = strings ? html : html.replace(PRELOAD_LINE, "");
  return fillTemplate(
    "page",
    template,
    {
      lang: locale,
      dir: directionOf(locale),
      title: t.start.title,
      appName: t.appName,
      noScript: t.noScript,
      ...(strings ? { strings } : {}),
      ...assets,
    },
    escapeHtml,
  );
}

export function buildPage(outDir: string): Promise<PageManifest> {
  return buildBrowserApp(
    {
      label: "page",
      sourceDir: "page",
      scriptEntry: "app",
      shell: (html, assets) => pageShell("en", html, assets, undefined),
      variants: (html, { chunks, ...assets }) =>
        Object.fromEntries(
          SUPPORTED_LOCALES.filter((l) => l !== "en").map((l) => {
            const chunk = chunks[l];
            if (!chunk) throw new Error(`page: no strings chunk for ${l}`);
            return [l, pageShell(l, html, assets, chunk)];
          }),
        ),
    },
    outDir,
  );
}

if (require.main === module) buildFromCommandLine("reference page", PAGE_ASSETS_DIR, buildPage);
