/**
 * Builds the admin console (`src/console/`) into static assets, as the recovery page is built
 * (./browserApp.ts): the browser code (with @azure/msal-browser and the policy schema the API
 * validates with) and the style sheet under content-hashed names, `index.html` naming them,
 * and `manifest.json` listing every servable file.
 *
 *   node dist/dev/build/console.js [--out DIR]   (npm run build writes dist/console-assets)
 */
import { type AssetManifest, buildBrowserApp, buildFromCommandLine, fillTemplate } from "./browserApp";

/** The folder name the app looks for (src/functions/adminConsole.ts). */
export const CONSOLE_ASSETS_DIR = "console-assets";

export type ConsoleManifest = AssetManifest;

export function buildConsole(outDir: string): Promise<ConsoleManifest> {
  return buildBrowserApp(
    {
      label: "console",
      sourceDir: "console",
      scriptEntry: "console",
      shell: (html, assets) => fillTemplate("console", html, assets),
    },
    outDir,
  );
}

if (require.main === module) buildFromCommandLine("admin console", CONSOLE_ASSETS_DIR, buildConsole);
