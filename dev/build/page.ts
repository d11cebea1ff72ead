/**
 * Builds the reference recovery page (`src/page/`) into static assets (./browserApp.ts): the
 * browser code and the style sheet under content-hashed names (served as immutable), and
 * `index.html` naming them (served no-cache), plus `manifest.json` listing every file with its
 * content type. Text in the HTML shell comes from the strings file, like the rest of the page.
 *
 *   node dist/dev/build/page.js [--out DIR]      (npm run build writes dist/page-assets)
 */
import { en } from "../../src/page/strings/en";
import { type AssetManifest, buildBrowserApp, buildFromCommandLine, fillTemplate } from "./browserApp";

/** The folder name the app looks for (src/functions/recoverPage.ts). */
export const PAGE_ASSETS_DIR = "page-assets";

export type PageManifest = AssetManifest;

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);

export function buildPage(outDir: string): Promise<PageManifest> {
  return buildBrowserApp(
    {
      label: "page",
      sourceDir: "page",
      scriptEntry: "app",
      shell: (html, assets) =>
        fillTemplate(
          "page",
          html.replace(/<html lang="[^"]*">/, `<html lang="${escapeHtml(en.lang)}">`),
          { title: en.start.title, appName: en.appName, noScript: en.noScript, ...assets },
          escapeHtml,
        ),
    },
    outDir,
  );
}

if (require.main === module) buildFromCommandLine("reference page", PAGE_ASSETS_DIR, buildPage);
