/**
 * Return mode in a real browser (issue 17): the provider (AU10TIX's simulator, run as Microsoft
 * integrates providers: no webhook) sends the browser back to our return URL, and the reference
 * page goes straight to the presentation. A declined verification comes back with the
 * provider's error indication: the page waits, offers the way back to the provider while the
 * IDV deadline lasts, and to cancel. Going back asks for a fresh hand-off (a new token and return
 * value: the first token may have expired), and the fresh one leads on to the TAP.
 */
import { decodeJwt } from "jose";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoPolicy } from "../../dev/seed/demo-policy";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { en } from "../../src/page/strings/en";
import { useStack } from "../support/stack";
import { chromiumAvailable, launchBrowser, openPage, screenshot, waitForReturn } from "./browser";

function policy() {
  const doc = demoPolicy("production");
  doc.profiles[0]!.providers = { default: "au10tix", byCountry: {} };
  return doc;
}

describe.skipIf(!chromiumAvailable)("return mode in a browser", () => {
  const stack = useStack({ mode: "production", policy: policy(), namedProviderWebhooks: false });
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function atProvider(page: Page, decision: "Approve" | "Decline", names: Record<string, string>) {
    await page.getByLabel(/first name/i).fill(names.firstName!);
    await page.getByLabel(/last name/i).fill(names.lastName!);
    await page.getByRole("button", { name: decision, exact: true }).click();
    await waitForReturn(page, stack().url);
  }

  async function presentFromWallet(page: Page): Promise<void> {
    const link = page.getByRole("link", { name: /Open Microsoft Authenticator/ });
    await link.waitFor({ timeout: 20_000 });
    const requestId = stack().presentationRequestId({ url: (await link.getAttribute("href")) ?? "" });
    await stack().sims.verifiedId.present(requestId, { faceCheckScore: 90 });
  }

  it("declined at the provider, the user cancels instead: the recovery ends cancelled", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await page.goto(`${stack().url}/`);
    await page.getByLabel("Your work account").fill(DEMO_USERS.meganBowen.userPrincipalName);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("link", { name: "Continue to identity verification" }).click();
    await atProvider(page, "Decline", { firstName: "Megan", lastName: "Bowen" });
    await page.getByRole("heading", { name: en.verifying.title }).waitFor({ timeout: 20_000 });
    await page.getByRole("button", { name: en.actions.cancel }).click();
    await page.getByRole("heading", { name: en.failures.cancelled.title }).waitFor({ timeout: 20_000 });
    expect(await watched.problems()).toEqual([]);
    await watched.close();
  });

  it("back from the provider, the page goes straight to the presentation and on to the TAP", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await page.goto(`${stack().url}/`);
    await page.getByLabel("Your work account").fill(DEMO_USERS.meganBowen.userPrincipalName);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("link", { name: "Continue to identity verification" }).click();
    await atProvider(page, "Approve", { firstName: "Megan", lastName: "Bowen" });
    expect(stack().sims.idvProviders.au10tix!.deliveries).toHaveLength(0);
    await page.getByRole("heading", { name: en.present.title }).waitFor({ timeout: 20_000 });
    await screenshot(page, "return-01-present");
    await presentFromWallet(page);
    await page.locator("#tap").waitFor({ timeout: 20_000 });
    expect(await watched.problems()).toEqual([]);
    await watched.close();
  });

  it("declined at the provider: the page offers the way back until the deadline; going back gets a fresh hand-off that leads on to the TAP", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await page.goto(`${stack().url}/`);
    await page.getByLabel("Your work account").fill(DEMO_USERS.adeleVance.userPrincipalName);
    await page.getByRole("button", { name: "Continue" }).click();
    const first = await page
      .getByRole("link", { name: "Continue to identity verification" })
      .getAttribute("href");
    await page.getByRole("link", { name: "Continue to identity verification" }).click();
    await atProvider(page, "Decline", { firstName: "Adele", lastName: "Vance" });
    await page.getByRole("heading", { name: en.verifying.title }).waitFor({ timeout: 20_000 });
    await page.getByText(/You can go back to the partner until/).waitFor();
    // One sentence, ending with its full stop after the link, then the deadline's.
    const sentence = (await page.getByText(en.verifying.notDone).textContent()) ?? "";
    expect(sentence).toMatch(
      new RegExp(
        `^${en.verifying.notDone.replace("?", "\\?")} ${en.verifying.goBack}\\. You can go back to the partner until \\d{1,2}[:.]\\d{2}( [AP]M)?\\.$`,
      ),
    );
    await screenshot(page, "return-02-not-finished");
    // The way back on the page is the recovery's own hand-off link; the recovery still waits for it.
    const back = await page.getByRole("link", { name: en.verifying.goBack }).getAttribute("href");
    expect(back).toBe(first);
    expect(new URL(back ?? "").origin).toBe(new URL(stack().sims.idvProviders.au10tix!.url).origin);
    await page.getByRole("button", { name: en.actions.cancel }).waitFor();

    // Going back: a fresh hand-off (a new RequestId; the declined one is done at the provider).
    await page.getByRole("link", { name: en.verifying.goBack }).click();
    await page.waitForURL((url) => url.origin === new URL(stack().sims.idvProviders.au10tix!.url).origin, {
      timeout: 20_000,
    });
    const token = (u: string) => decodeJwt(new URL(u).searchParams.get("token") ?? "");
    expect(token(page.url()).RequestId).not.toBe(token(first ?? "").RequestId);
    await screenshot(page, "return-03-back-at-provider");
    await atProvider(page, "Approve", { firstName: "Adele", lastName: "Vance" });
    await page.getByRole("heading", { name: en.present.title }).waitFor({ timeout: 20_000 });
    await presentFromWallet(page);
    await page.locator("#tap").waitFor({ timeout: 20_000 });
    expect(await watched.problems()).toEqual([]);
    await watched.close();
  });
});
