/**
 * Evaluation mode in a real browser: the same journey verifies the person and then says so,
 * plainly, with nothing changed on the account — no TAP, no method removed.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { useStack } from "../support/stack";
import { chromiumAvailable, launchBrowser, openPage, screenshot, waitForReturn } from "./browser";

describe.skipIf(!chromiumAvailable)("evaluation mode in a browser", () => {
  const stack = useStack({ mode: "evaluation" });
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("says the identity was verified and that nothing was changed", async () => {
    const user = DEMO_USERS.meganBowen;
    const watched = await openPage(browser);
    const { page } = watched;
    await page.goto(`${stack().url}/`);
    await page.getByLabel("Your work account").fill(user.userPrincipalName);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("link", { name: "Continue to identity verification" }).click();
    await page.getByLabel(/first name/i).fill("Megan");
    await page.getByLabel(/last name/i).fill("Bowen");
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await waitForReturn(page, stack().url);

    const link = page.getByRole("link", { name: /Open Microsoft Authenticator/ });
    await link.waitFor({ timeout: 20_000 });
    const requestId = stack().presentationRequestId({ url: (await link.getAttribute("href")) ?? "" });
    const phone = await openPage(browser);
    await phone.page.goto(`${stack().sims.verifiedId.url}/wallet/requests/${requestId}`);
    await phone.page.getByRole("button", { name: "Present", exact: true }).click();
    await phone.page.getByRole("heading", { name: "Done" }).waitFor();
    await phone.close();

    await page.getByRole("heading", { name: "Your identity was verified" }).waitFor({ timeout: 20_000 });
    await page.getByText(/nothing was changed on your account/).waitFor();
    expect(await page.locator("#tap").count()).toBe(0);
    expect(stack().sims.graph.temporaryAccessPasses(user.id)).toHaveLength(0);
    await screenshot(page, "25-evaluation");
    expect(await watched.problems()).toEqual([]);
    await watched.close();
  });
});
