/**
 * Helpdesk-assisted verification in a real browser (Chromium via playwright-core): a helpdesk
 * agent signs in to the console with Entra, makes a one-time link for the caller's account;
 * the caller opens it on the reference page, goes through the identity provider and the wallet,
 * is told they are verified and (the profile allows it) chooses to recover, and gets the TAP on
 * their own page; the agent's verdict view shows verified and no TAP. An admin without the
 * helpdesk role sees neither the view's entry nor its form. Every page is watched for console
 * errors and CSP violations; each screen leaves desktop and phone screenshots (helpdesk-*).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { en } from "../../src/page/strings/en";
import { policyAllowingRecoveryAfterVerification } from "../support/helpdesk";
import { useStack } from "../support/stack";
import { chromiumAvailable, openPage, screenshot, type WatchedPage, waitForReturn } from "./browser";
import { launchConsoleBrowser, press, signInToConsole } from "./console";

const ADELE = DEMO_USERS.adeleVance;

describe.skipIf(!chromiumAvailable)("helpdesk verification in a browser", () => {
  const stack = useStack({ policy: policyAllowingRecoveryAfterVerification(), entraTls: true });
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchConsoleBrowser(stack());
  });
  afterAll(async () => {
    await browser?.close();
  });

  const signIn = (watched: WatchedPage, account: Parameters<typeof signInToConsole>[2]) =>
    signInToConsole(stack(), watched, account);

  it("does not offer the view to an admin without the helpdesk role", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await signIn(watched, "admin");
    expect(await page.getByRole("link", { name: "Verify a caller" }).count()).toBe(0);
    await page.goto(`${stack().url}/admin#/verify`);
    await page.getByText("This view is for helpdesk agents").waitFor();
    expect(await page.getByRole("button", { name: "Create verification link" }).count()).toBe(0);
    await screenshot(page, "helpdesk-00-admin-refused");
    expect(await watched.problems()).toEqual([]);
    await watched.close();
  });

  it("lets an agent verify a caller who then recovers on their own page; the agent sees only the verdict", async () => {
    const agent = await openPage(browser);
    await signIn(agent, "helpdesk");
    const console = agent.page;
    await console.getByText("Helpdesk").first().waitFor();
    await console.getByRole("heading", { name: "Verify a caller" }).waitFor();
    await console.getByLabel("Caller's work account").fill(ADELE.userPrincipalName);
    await console.getByLabel(/^Reason/).fill("Ticket 4711: caller lost her phone");
    await screenshot(console, "helpdesk-01-console-form");
    await press(console.getByRole("button", { name: "Create verification link" }));
    const linkField = console.getByLabel("One-time link");
    await linkField.waitFor();
    const link = await linkField.inputValue();
    expect(link).toMatch(/\/#verification=[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    await screenshot(console, "helpdesk-02-console-link");

    // The caller, on another device.
    const caller = await openPage(browser);
    const page = caller.page;
    await page.goto(link);
    await page.getByRole("heading", { name: "Here is what will happen" }).waitFor({ timeout: 20_000 });
    // The code left the address bar at once.
    expect(page.url()).not.toContain("verification=");
    await page.getByText(en.verification.after).waitFor();
    await page.getByRole("link", { name: "Continue to identity verification" }).waitFor();
    await screenshot(page, "helpdesk-03-caller-explain");
    await page.getByRole("link", { name: "Continue to identity verification" }).click();
    await page.getByLabel(/first name/i).fill("Adele");
    await page.getByLabel(/last name/i).fill("Vance");
    await page.getByRole("button", { name: "Approve", exact: true }).click();
    await waitForReturn(page, stack().url);

    const wallet = page.getByRole("link", { name: /Open Microsoft Authenticator/ });
    await wallet.waitFor({ timeout: 20_000 });
    const requestId = stack().presentationRequestId({ url: (await wallet.getAttribute("href")) ?? "" });
    const phone = await openPage(browser);
    await phone.page.goto(`${stack().sims.verifiedId.url}/wallet/requests/${requestId}`);
    await phone.page.getByLabel("Face Check score").fill("91");
    await phone.page.getByRole("button", { name: "Present", exact: true }).click();
    await phone.page.getByRole("heading", { name: "Done" }).waitFor();
    expect(await phone.problems()).toEqual([]);
    await phone.close();

    // Verified: the caller is offered the recovery (the profile allows it).
    await page.getByRole("button", { name: en.verification.offer.recover }).waitFor({ timeout: 20_000 });
    await screenshot(page, "helpdesk-04-caller-verified-offer");

    // The agent's verdict, before the caller chooses.
    await press(console.getByRole("link", { name: "Follow the verdict" }));
    const verdict = console.locator("#verdict");
    await verdict.waitFor();
    await console.getByText("score 91 against threshold 70").waitFor();
    // Exactly "verified": "not verified" (and the API's not_verified) contain the word too.
    const badge = () => verdict.locator("dd .badge").allTextContents();
    expect(await badge()).toEqual(["verified"]);
    const verificationId = console.url().split("#/verify/")[1];
    expect(verificationId).toMatch(/^[0-9a-f-]{36}$/);
    const view = await stack().admin("GET", `/api/admin/verifications/${verificationId}`, {
      token: await stack().sims.entra.mint({ roles: ["Recovery.Helpdesk"] }),
    });
    expect(view.json()).toMatchObject({
      state: "verified",
      verdict: { verified: true, status: "validating" },
    });
    await screenshot(console, "helpdesk-05-console-verdict");

    await page.getByRole("button", { name: en.verification.offer.recover }).click();
    const tap = page.locator("#tap");
    await tap.waitFor({ timeout: 20_000 });
    const shown = (await tap.textContent())?.trim() ?? "";
    const passes = stack().sims.graph.temporaryAccessPasses(ADELE.id);
    expect(passes.map((p) => p.temporaryAccessPass)).toEqual([shown]);
    await screenshot(page, "helpdesk-06-caller-tap");

    // The agent refreshes: recovered, and no TAP anywhere on the agent's page.
    await press(console.getByRole("button", { name: "Refresh" }));
    await console.getByText("recovered", { exact: true }).waitFor();
    expect(await badge()).toEqual(["verified"]);
    expect(await console.content()).not.toContain(shown);
    await screenshot(console, "helpdesk-07-console-after");

    expect(await caller.problems()).toEqual([]);
    expect(await agent.problems()).toEqual([]);
    await caller.close();
    await agent.close();
  });

  it("tells a caller whose link was used already that it cannot be used", async () => {
    const token = await stack().sims.entra.mint({ roles: ["Recovery.Helpdesk"] });
    const created = await stack().admin("POST", "/api/admin/verifications", {
      token,
      body: { username: DEMO_USERS.meganBowen.userPrincipalName, reason: "Ticket 4712" },
    });
    const { link } = created.json() as { link: string };
    const code = new URL(link).hash.slice("#verification=".length);
    const used = await fetch(`${stack().url}/api/verification`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code }),
    });
    expect(used.status).toBe(202);
    // Chromium logs every 4xx as a console error: the refused start's 404 is the expected one.
    const watched = await openPage(browser, { ignore: /status of 404 / });
    await watched.page.goto(link);
    await watched.page
      .getByRole("heading", { name: en.verification.invalid.title })
      .waitFor({ timeout: 20_000 });
    await screenshot(watched.page, "helpdesk-08-caller-link-used");
    expect(await watched.problems()).toEqual([]);
    await watched.close();
  });
});
