/**
 * A person recovering in a real browser (Debian's Chromium driven by playwright-core): the
 * reference page, the IDV provider's page, the demo wallet, back to the reference page for
 * the TAP. The pages use only the public HTTP contract; this proves a human can walk it.
 * CI installs Chromium (.ci/run); elsewhere the test is skipped with a note when it is missing.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { useStack } from "../support/stack";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const available = existsSync(CHROMIUM);
if (!available && process.env.CI)
  throw new Error(`CI must install Chromium at ${CHROMIUM} (apt-get install chromium)`);

describe.skipIf(!available)("recovering in a browser", () => {
  const stack = useStack({ mode: "production" });
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("walks from the username to the TAP, which is shown once", async () => {
    const user = DEMO_USERS.meganBowen;
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("response", (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });

    await page.goto(`${stack().url}/recover`);
    await page.getByLabel("Your work account").fill(user.userPrincipalName);
    await page.getByRole("button", { name: "Start recovery" }).click();
    await page.getByRole("link", { name: "Verify your identity" }).click();

    // At the IDV provider
    await page.getByLabel(/first name/i).fill("Megan");
    await page.getByLabel(/last name/i).fill("Bowen");
    await page.getByRole("button", { name: /approve/i }).click();

    // Back on our page, which picks the recovery up from sessionStorage
    await page.waitForURL(/\/recover\?recoveryId=/);
    const wallet = page.getByRole("link", { name: "Open Microsoft Authenticator" });
    await wallet.waitFor();
    expect(await wallet.getAttribute("href")).toMatch(/^openid-vc:\/\//);
    await expect.poll(() => page.locator("#qrImage").getAttribute("src")).toMatch(/^data:image\//);

    // The phone: the demo wallet presents the credential the provider issued
    const phone = await browser.newPage();
    await phone.goto(`${stack().sims.verifiedId.url}/wallet`);
    await phone.locator("a[href^='/wallet/requests/']").first().click();
    await phone.getByRole("button", { name: /present/i }).click();

    const tap = page.locator("#tap");
    await tap.waitFor({ timeout: 20_000 });
    const shown = (await tap.textContent())?.trim();
    expect(await page.locator("#status").textContent()).toBe("recovered");
    const passes = stack().sims.graph.temporaryAccessPasses(user.id);
    expect(passes).toHaveLength(1);
    expect(shown).toBe(passes[0]?.temporaryAccessPass);
    await page.screenshot({ path: "test-results/recovered.png", fullPage: true });

    // Reloading does not show it again: it was handed out once.
    await page.reload();
    await page.getByRole("button", { name: "Start recovery" }).waitFor();
    expect(await page.locator("#tapBox").isVisible()).toBe(false);
    expect(errors).toEqual([]);
  });
});
