/**
 * The admin console's browser tests' common steps: a browser that trusts the Entra simulator's
 * https certificate (msal accepts only https authorities) and nothing else beyond the usual,
 * keyboard-only presses, and the Entra sign-in of one of the demo console accounts.
 */
import type { Browser, Locator } from "playwright-core";
import { DEMO_CONSOLE_ACCOUNTS } from "../../dev/simulators/entra";
import type { TestStack } from "../support/stack";
import { launchBrowser, type WatchedPage } from "./browser";

/** A browser that trusts the stack's Entra simulator certificate (by its SPKI hash only). */
export function launchConsoleBrowser(stack: TestStack): Promise<Browser> {
  const certificate = stack.sims.entraCertificate;
  if (!certificate) throw new Error("the stack's Entra simulator serves no https");
  return launchBrowser([`--ignore-certificate-errors-spki-list=${certificate.spkiSha256}`]);
}

/** Keyboard only: focus the control (as Tab would) and press the key (Enter). */
export async function press(target: Locator, key = "Enter"): Promise<void> {
  await target.focus();
  await target.press(key);
}

/** Signs one of the demo console accounts in through the Entra simulator's pages. */
export async function signInToConsole(
  stack: TestStack,
  watched: WatchedPage,
  account: keyof typeof DEMO_CONSOLE_ACCOUNTS,
): Promise<void> {
  const { page } = watched;
  await page.goto(`${stack.url}/admin`);
  await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
  await press(page.getByRole("button", { name: "Sign in with Microsoft Entra" }));
  // The Entra simulator's sign-in page (https, its own origin)
  await page.waitForURL((url) => url.origin === new URL(stack.sims.entra.url).origin);
  await press(page.getByRole("button", { name: DEMO_CONSOLE_ACCOUNTS[account].label }));
  await page.waitForURL((url) => url.origin === stack.url && url.pathname === "/admin");
  await page.getByRole("button", { name: "Sign out" }).waitFor();
}
