/**
 * "This wasn't me" in a browser: the link of a recovered notice opened, read and confirmed
 * with the keyboard only, with no console error and no CSP violation; screenshots of each
 * screen at desktop and phone width in test-results/screenshots/.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { REPUDIATION_TEXT } from "../../src/functions/repudiationText";

const t = REPUDIATION_TEXT.en;

import { linkSecretOf, type Person, recoverToTheEnd } from "../support/repudiation";
import { useStack } from "../support/stack";
import { chromiumAvailable, launchBrowser, openPage, screenshot } from "./browser";

const ADELE: Person = { ...DEMO_USERS.adeleVance, firstName: "Adele", lastName: "Vance" };

describe.skipIf(!chromiumAvailable)("repudiating a recovery in a browser", () => {
  const stack = useStack({ mode: "production" });
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("an unusable link says so and offers nothing to confirm", async () => {
    // The browser reports the page's own 404 status on the console: that is the answer itself.
    const watched = await openPage(browser, { ignore: /status of 404/, locale: "en-US" });
    const { page } = watched;
    const res = await page.goto(`${stack().url}/repudiate?t=${"A".repeat(43)}`);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(t.invalidTitle);
    expect(await page.getByRole("button").count()).toBe(0);
    await screenshot(page, "40-repudiation-invalid");
    expect(await watched.problems()).toEqual([]);
    await watched.close();
  });

  it("opens the notice's link, confirms with the keyboard only, and a second visit says it is done", async () => {
    const { recoveryId, done } = await recoverToTheEnd(stack(), ADELE);
    expect(done.status).toBe("recovered");
    const secret = linkSecretOf(stack(), recoveryId) ?? "";
    // An English browser (not the machine's language): the page, and its form's ?lang=, are English.
    const watched = await openPage(browser, { locale: "en-US" });
    const { page } = watched;
    await page.goto(`${stack().url}/repudiate?t=${secret}`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(t.title);
    expect(await page.textContent("main")).toContain(ADELE.userPrincipalName);
    await screenshot(page, "41-repudiation-confirm");

    // Keyboard only: the button is the first thing Tab reaches, Enter submits the form.
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    expect(focused).toBe(t.confirm);
    await Promise.all([
      page.waitForLoadState("load"),
      page.waitForURL(/\/repudiate\?lang=en$/),
      page.keyboard.press("Enter"),
    ]);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(t.doneTitle);
    await screenshot(page, "42-repudiation-done");
    expect(
      stack()
        .sims.graph.methods(ADELE.id)
        .map((m) => m["@odata.type"]),
    ).toEqual(["#microsoft.graph.passwordAuthenticationMethod"]);

    await page.goto(`${stack().url}/repudiate?t=${secret}`);
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(t.alreadyTitle);
    await screenshot(page, "43-repudiation-already-done");
    expect(await watched.problems()).toEqual([]);
    await watched.close();
  });
});
