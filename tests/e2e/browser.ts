/**
 * Browser plumbing for the e2e tests: Debian's Chromium through playwright-core (one browser
 * per test file), a watch on every page for console errors, uncaught exceptions and CSP
 * violations, and screenshots of each screen at desktop and phone width into
 * test-results/screenshots/ (git-ignored) for a person to look at.
 */
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const chromiumAvailable = existsSync(CHROMIUM);
if (!chromiumAvailable && process.env.CI)
  throw new Error(`CI must install Chromium at ${CHROMIUM} (apt-get install chromium)`);

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };
const SHOTS = path.resolve(__dirname, "..", "..", "test-results", "screenshots");

export function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      ...extraArgs,
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught exceptions, and CSP violations reported by any document of the page. */
  problems(): Promise<string[]>;
  close(): Promise<void>;
}

declare global {
  interface Window {
    __cspViolations?: string[];
  }
}

/** A new tab (own context: own sessionStorage and IndexedDB), watched for errors and CSP violations. */
export async function openPage(
  browser: Browser,
  options: { ignore?: RegExp; locale?: string } = {},
): Promise<WatchedPage> {
  // `locale`: the browser's language (navigator.language and the Accept-Language it sends).
  const context = await browser.newContext({
    viewport: DESKTOP,
    permissions: ["clipboard-read", "clipboard-write"],
    ...(options.locale ? { locale: options.locale } : {}),
  });
  const page = await context.newPage();
  const seen: string[] = [];
  const keep = (text: string) => {
    if (!options.ignore?.test(text)) seen.push(text);
  };
  page.on("pageerror", (e) => keep(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") keep(`console: ${m.text()}`);
  });
  // Runs before any page script, outside the page's CSP (injected by the browser itself).
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__cspViolations?.push(`${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`);
    });
  });
  return {
    page,
    async problems() {
      const csp = await page.evaluate(() => window.__cspViolations ?? []).catch(() => [] as string[]);
      return [...seen, ...csp.map((v) => `csp: ${v}`)];
    },
    close: () => context.close(),
  };
}

/** Screenshots of what the page shows now, desktop and phone width (full page). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const before = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({
    path: path.join(SHOTS, `${name}.desktop.png`),
    fullPage: true,
    animations: "disabled",
  });
  await page.setViewportSize(PHONE);
  await page.screenshot({
    path: path.join(SHOTS, `${name}.phone.png`),
    fullPage: true,
    animations: "disabled",
  });
  await page.setViewportSize(before);
}

/**
 * Waits until the provider has sent the browser back to the page (`/recover` on the app's
 * origin). Only the path is matched and only the navigation's commit awaited: a recovery the
 * return already ended makes the page drop `?recoveryId=` from the URL at once (so a reload
 * starts afresh), which can happen before the `load` event a URL-with-query wait needs.
 */
export async function waitForReturn(page: Page, appUrl: string): Promise<void> {
  const origin = new URL(appUrl).origin;
  await page.waitForURL((url) => url.origin === origin && url.pathname === "/recover", {
    waitUntil: "commit",
  });
}

/** The id of the recovery {@link answerAsApi} makes the page follow. */
export const FAKE_RECOVERY_ID = "11111111-2222-4333-8444-555555555555";

/**
 * For the screens no demo journey reaches: the page is served by the app as always, and the
 * browser is handed the API's answers that lead there. The start answers `startAnswer` (else a
 * 202 for {@link FAKE_RECOVERY_ID}); that recovery's status answers whatever `view()` returns
 * at the time of the read.
 */
export async function answerAsApi(
  page: Page,
  view: () => unknown,
  startAnswer?: { status: number; body: unknown; headers?: Record<string, string> },
): Promise<void> {
  const id = FAKE_RECOVERY_ID;
  await page.route("**/api/recovery", (r) =>
    r.fulfill({
      status: startAnswer?.status ?? 202,
      contentType: startAnswer && startAnswer.status >= 400 ? "application/problem+json" : "application/json",
      headers: startAnswer?.headers ?? {},
      body: JSON.stringify(
        startAnswer?.body ?? {
          recoveryId: id,
          recoveryToken: "t".repeat(43),
          status: "pending",
          statusUrl: `/api/recovery/${id}`,
          pollAfterMs: 200,
        },
      ),
    }),
  );
  await page.route(`**/api/recovery/${id}`, (r) =>
    r.fulfill({ status: 200, contentType: "application/json", body: JSON.stringify(view()) }),
  );
}
