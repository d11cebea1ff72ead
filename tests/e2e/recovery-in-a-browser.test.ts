/**
 * A person recovering in a real browser (Debian's Chromium driven by playwright-core): the
 * reference page at `/`, the IDV provider's page, the demo wallet, and back to the page for
 * the TAP — opened in the browser with the key it made, since the server sealed it there.
 * Every journey also proves the page logs no error and breaks no CSP rule, and leaves a
 * screenshot of each screen at desktop and phone width in test-results/screenshots/.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { en } from "../../src/page/strings/en";
import { FAILURE_MESSAGES, type FailureCode } from "../../src/recovery/status";
import { useStack } from "../support/stack";
import {
  answerAsApi,
  chromiumAvailable,
  FAKE_RECOVERY_ID,
  launchBrowser,
  openPage,
  screenshot,
  type WatchedPage,
  waitForReturn,
} from "./browser";

describe.skipIf(!chromiumAvailable)("recovering in a browser", () => {
  const stack = useStack({ mode: "production" });
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function start(page: Page, username: string): Promise<void> {
    await page.goto(`${stack().url}/`);
    await page.getByLabel("Your work account").fill(username);
    await page.getByRole("button", { name: "Continue" }).click();
  }

  async function verifyAtProvider(
    page: Page,
    decision: "Approve" | "Decline",
    names: { firstName: string; lastName: string },
    shot?: string,
  ): Promise<void> {
    await page.getByRole("link", { name: "Continue to identity verification" }).click();
    await page.getByLabel(/first name/i).fill(names.firstName);
    await page.getByLabel(/last name/i).fill(names.lastName);
    if (shot) await screenshot(page, shot);
    await page.getByRole("button", { name: decision, exact: true }).click();
    await waitForReturn(page, stack().url);
  }

  /** The phone: the demo wallet presents the credential the provider issued, with this Face Check score. */
  async function presentFromWallet(page: Page, score: string, shot?: string): Promise<void> {
    const link = page.getByRole("link", { name: /Open Microsoft Authenticator/ });
    await link.waitFor({ timeout: 20_000 });
    const requestId = stack().presentationRequestId({ url: (await link.getAttribute("href")) ?? "" });
    const phone = await openPage(browser);
    try {
      await phone.page.goto(`${stack().sims.verifiedId.url}/wallet/requests/${requestId}`);
      await phone.page.getByLabel("Face Check score").fill(score);
      if (shot) await screenshot(phone.page, shot);
      await phone.page.getByRole("button", { name: "Present", exact: true }).click();
      await phone.page.getByRole("heading", { name: "Done" }).waitFor();
      expect(await phone.problems()).toEqual([]);
    } finally {
      await phone.close();
    }
  }

  async function expectNoProblems(watched: WatchedPage): Promise<void> {
    expect(await watched.problems()).toEqual([]);
  }

  it("walks from the username to the TAP, opened in the browser with its own key, shown once", async () => {
    const user = DEMO_USERS.meganBowen;
    const watched = await openPage(browser);
    const { page } = watched;
    const starts: string[] = [];
    page.on("request", (r) => {
      if (r.method() === "POST" && r.url().endsWith("/api/recovery")) starts.push(r.postData() ?? "");
    });

    await page.goto(`${stack().url}/`);
    await page.getByRole("heading", { name: "Recover your account" }).waitFor();
    await screenshot(page, "01-start");
    await page.getByLabel("Your work account").fill("not an address");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("alert").filter({ hasText: "Enter the address you sign in with" }).waitFor();
    expect(await page.getByLabel("Your work account").getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "02-start-invalid");

    await page.getByLabel("Your work account").fill(user.userPrincipalName);
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { name: "Here is what will happen" }).waitFor();
    await page.getByRole("link", { name: "Continue to identity verification" }).waitFor();
    await screenshot(page, "03-explain");

    // The start carried the public half of a P-256 key made in the browser, and nothing private.
    const sent = JSON.parse(starts[0] ?? "{}") as { tapEncryptionKey?: Record<string, string> };
    expect(Object.keys(sent.tapEncryptionKey ?? {}).sort()).toEqual(["crv", "kty", "x", "y"]);
    expect(sent.tapEncryptionKey).toMatchObject({ kty: "EC", crv: "P-256" });

    await verifyAtProvider(page, "Approve", { firstName: "Megan", lastName: "Bowen" }, "04-idv-provider");

    // Back on our page, which picks the recovery up from sessionStorage
    await page.getByRole("heading", { name: "Show your verified ID" }).waitFor({ timeout: 20_000 });
    expect(await page.locator("img.qr").getAttribute("src")).toMatch(/^data:image\//);
    expect(await page.getByText(/This request expires in \d+:\d\d\./).count()).toBe(1);
    await screenshot(page, "05-present");

    await presentFromWallet(page, "92.5", "06-wallet");

    const tap = page.locator("#tap");
    await tap.waitFor({ timeout: 20_000 });
    const shown = (await tap.textContent())?.trim();
    const passes = stack().sims.graph.temporaryAccessPasses(user.id);
    expect(passes).toHaveLength(1);
    expect(shown).toBe(passes[0]?.temporaryAccessPass);
    expect(await page.getByText(/^Expires in /).count()).toBe(1);
    expect(await page.getByRole("link", { name: "Set up new sign-in methods" }).getAttribute("href")).toBe(
      "https://aka.ms/mysecurityinfo",
    );
    await page.getByRole("button", { name: "Copy" }).click();
    await page.getByText("Copied to the clipboard.").waitFor();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    await screenshot(page, "07-tap");

    await page.getByRole("button", { name: "I have saved it" }).click();
    await page.getByRole("heading", { name: "You are all set" }).waitFor();
    await screenshot(page, "08-done");

    // Reloading does not show it again: it was handed out once, and the page forgot the recovery.
    await page.reload();
    await page.getByRole("button", { name: "Continue" }).waitFor();
    expect(await page.locator("#tap").count()).toBe(0);
    await expectNoProblems(watched);
    await watched.close();
  });

  it("says the identity could not be verified when the provider declines, and offers to start again", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await start(page, DEMO_USERS.adeleVance.userPrincipalName);
    await verifyAtProvider(page, "Decline", { firstName: "Adele", lastName: "Vance" });
    await page
      .getByRole("heading", { name: "Your identity could not be verified" })
      .waitFor({ timeout: 20_000 });
    await page.getByText(/passport, national ID card or driving licence/).waitFor();
    await screenshot(page, "20-failure-idv-declined");
    await page.getByRole("button", { name: "Start again" }).click();
    await page.getByLabel("Your work account").waitFor();
    expect(new URL(page.url()).search).toBe("");
    await expectNoProblems(watched);
    await watched.close();
  });

  it("says the face did not match when Face Check scores below the threshold", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await start(page, DEMO_USERS.adeleVance.userPrincipalName);
    await verifyAtProvider(page, "Approve", { firstName: "Adele", lastName: "Vance" });
    await presentFromWallet(page, "50");
    await page
      .getByRole("heading", { name: "Your face did not match your document" })
      .waitFor({ timeout: 20_000 });
    await screenshot(page, "21-failure-face-check");
    expect(stack().sims.graph.temporaryAccessPasses(DEMO_USERS.adeleVance.id)).toHaveLength(0);
    await expectNoProblems(watched);
    await watched.close();
  });

  it("shows one generic screen for an account that cannot be recovered", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await start(page, DEMO_USERS.alexWilber.userPrincipalName);
    await page
      .getByRole("heading", { name: "This account cannot be recovered here" })
      .waitFor({ timeout: 20_000 });
    const text = await page.locator("main").textContent();
    expect(text ?? "").not.toMatch(/scope|group|sign-in activity|namesake|disabled|excluded/i);
    await screenshot(page, "22-not-eligible");
    await expectNoProblems(watched);
    await watched.close();
  });

  it("waits for the provider's result after coming back, and cancels on request", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await start(page, DEMO_USERS.adeleVance.userPrincipalName);
    await page.getByRole("link", { name: "Continue to identity verification" }).click();
    await page.getByRole("button", { name: "Approve" }).waitFor();
    // The user comes back without finishing at the provider.
    await page.goBack();
    await page.getByRole("heading", { name: "Waiting for your verification result" }).waitFor();
    await screenshot(page, "10-verifying");
    await page.getByRole("button", { name: "Cancel recovery" }).click();
    await page.getByRole("heading", { name: "Recovery cancelled" }).waitFor();
    await screenshot(page, "23-cancelled");
    await expectNoProblems(watched);
    await watched.close();
  });

  it("keeps polling through a lost connection and a server restart, and recovers by itself", async () => {
    const user = DEMO_USERS.adeleVance;
    // The browser reports each refused request as a console error: those are the outage itself.
    const watched = await openPage(browser, {
      ignore: /net::ERR_INTERNET_DISCONNECTED|Failed to load resource/,
    });
    const { page } = watched;
    await start(page, user.userPrincipalName);
    await verifyAtProvider(page, "Approve", { firstName: "Adele", lastName: "Vance" });
    await page.getByRole("heading", { name: "Show your verified ID" }).waitFor({ timeout: 20_000 });

    await page.route("**/api/recovery/*", (route) => route.abort("internetdisconnected"));
    await page
      .locator("#connection")
      .getByText("Connection lost. Reconnecting…")
      .waitFor({ timeout: 20_000 });
    await screenshot(page, "11-reconnecting");
    await stack().crashAndRestartHost();
    await page.unroute("**/api/recovery/*");
    await page.locator("#connection").waitFor({ state: "hidden", timeout: 30_000 });

    await presentFromWallet(page, "92.5");
    await page.locator("#tap").waitFor({ timeout: 30_000 });
    expect((await page.locator("#tap").textContent())?.trim()).toBe(
      stack().sims.graph.temporaryAccessPasses(user.id)[0]?.temporaryAccessPass,
    );
    await expectNoProblems(watched);
    await watched.close();
  });

  it("can be completed with the keyboard alone", async () => {
    const user = DEMO_USERS.mariaGarcia;
    const watched = await openPage(browser);
    const { page } = watched;
    const tab = async (times = 1) => {
      for (let i = 0; i < times; i++) await page.keyboard.press("Tab");
    };
    const focused = () =>
      page.evaluate(() => document.activeElement?.textContent || document.activeElement?.id || "");

    await page.goto(`${stack().url}/`);
    await page.getByRole("heading", { name: "Recover your account" }).waitFor();
    // The first stop is the language switcher in the header (found first by someone who cannot
    // read the page's language), the next the username field.
    await tab();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("language");
    await tab();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("username");
    await page.keyboard.type(user.userPrincipalName);
    await page.keyboard.press("Enter");

    await page.getByRole("link", { name: "Continue to identity verification" }).waitFor();
    // Tab from the heading to the first control: the way to the provider.
    await tab();
    expect(await focused()).toBe("Continue to identity verification");
    await page.keyboard.press("Enter");

    // The provider's page, by keyboard too: first name, last name, date, reason, Approve.
    await page.getByLabel(/first name/i).waitFor();
    await page.getByLabel(/first name/i).focus();
    await page.keyboard.type("María José");
    await tab();
    await page.keyboard.type("García-López");
    // Date of birth (three fields in Chromium) and the decline reason come before Approve.
    for (let i = 0; i < 8 && (await focused()) !== "Approve"; i++) await tab();
    expect(await focused()).toBe("Approve");
    await page.keyboard.press("Enter");
    await waitForReturn(page, stack().url);

    await page.getByRole("heading", { name: "Show your verified ID" }).waitFor({ timeout: 20_000 });
    await presentFromWallet(page, "92.5");
    await page.getByRole("heading", { name: "Your account is recovered" }).waitFor({ timeout: 20_000 });
    // From the heading: Copy, then the register link, then "I have saved it".
    await tab();
    expect(await focused()).toBe("Copy");
    await page.keyboard.press("Enter");
    await page.getByText("Copied to the clipboard.").waitFor();
    await tab(2);
    expect(await focused()).toBe("I have saved it");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "You are all set" }).waitFor();
    await expectNoProblems(watched);
    await watched.close();
  });

  it("refuses to continue a recovery this browser did not start", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await page.goto(`${stack().url}/recover?recoveryId=00000000-0000-4000-8000-000000000000`);
    await page.getByRole("heading", { name: "We cannot continue this recovery here" }).waitFor();
    await screenshot(page, "24-lost");
    await expectNoProblems(watched);
    // The watch itself: an inline script is refused by the page's CSP, and that is reported.
    await page.evaluate(() => {
      const script = document.createElement("script");
      script.textContent = "document.title = 'injected'";
      document.body.append(script);
    });
    await expect
      .poll(() => watched.problems())
      .toContainEqual(expect.stringMatching(/^csp: script-src(-elem)? blocked inline/));
    expect(await page.title()).not.toBe("injected");
    await watched.close();
  });

  /**
   * The screens no demo user reaches (a directory error, a blocked TAP policy, a throttled
   * start, a newer server's unknown code): the page is served by the app as always, and the
   * browser is handed the API answers that lead there.
   */
  describe("screens for every answer the API can give", () => {
    const ID = FAKE_RECOVERY_ID;
    let view: Record<string, unknown>;
    const fakeApi = (page: Page, startAnswer?: Parameters<typeof answerAsApi>[2]) =>
      answerAsApi(page, () => view, startAnswer);
    const expiresAt = () => new Date(Date.now() + 600_000).toISOString();

    it("has a plain-language screen for every failure code, with a way forward", async () => {
      const watched = await openPage(browser);
      const { page } = watched;
      await fakeApi(page);
      for (const code of Object.keys(FAILURE_MESSAGES) as FailureCode[]) {
        const status =
          code === "not_eligible" ? "not_eligible" : code === "cancelled" ? "cancelled" : "failed";
        view = {
          recoveryId: ID,
          status,
          failure: { code, message: FAILURE_MESSAGES[code] },
          expiresAt: expiresAt(),
        };
        await start(page, "someone@contoso.example");
        await page.getByRole("heading", { name: en.failures[code].title }).waitFor();
        await page.getByText(en.failures[code].next).waitFor();
        if (code !== "not_eligible") await page.getByRole("button", { name: "Start again" }).waitFor();
        await screenshot(page, `30-failure-${code}`);
      }
      // A code this page does not know (a newer server): the server's message, and start again.
      view = {
        recoveryId: ID,
        status: "failed",
        failure: { code: "something_new", message: "The server explains it here." },
        expiresAt: expiresAt(),
      };
      await start(page, "someone@contoso.example");
      await page.getByRole("heading", { name: en.unknownFailure.title }).waitFor();
      await page.getByText("The server explains it here.").waitFor();
      await expectNoProblems(watched);
      await watched.close();
    });

    it("says when the start is throttled or the service cannot be reached", async () => {
      const watched = await openPage(browser, { ignore: /Failed to load resource/ });
      const { page } = watched;
      await fakeApi(page, {
        status: 429,
        headers: { "retry-after": "120" },
        body: { type: "about:blank", title: "Too many requests", status: 429, code: "rate_limited" },
      });
      await start(page, "someone@contoso.example");
      await page
        .getByRole("alert")
        .filter({ hasText: en.start.rateLimited.replace("{duration}", "2 minutes") })
        .waitFor();
      await screenshot(page, "31-start-rate-limited");
      // Refused again with the same words: the form is usable again, not stuck on "Starting…".
      await page.getByRole("button", { name: "Continue" }).click();
      await page
        .getByRole("alert")
        .filter({ hasText: en.start.rateLimited.replace("{duration}", "2 minutes") })
        .waitFor();
      expect(await page.getByRole("button", { name: "Continue" }).isEnabled()).toBe(true);
      expect(await page.getByLabel("Your work account").getAttribute("aria-invalid")).toBeNull();
      await page.unroute("**/api/recovery");
      await page.route("**/api/recovery", (r) => r.abort("internetdisconnected"));
      await page.getByRole("button", { name: "Continue" }).click();
      await page.getByRole("alert").filter({ hasText: en.start.unavailable }).waitFor();
      expect(await page.getByLabel("Your work account").inputValue()).toBe("someone@contoso.example");
      await expectNoProblems(watched);
      await watched.close();
    });

    it("shows when the wallet has opened the request, a TAP read earlier, and a TAP this browser cannot open", async () => {
      const watched = await openPage(browser);
      const { page } = watched;
      await fakeApi(page);
      const presenting = {
        recoveryId: ID,
        status: "awaiting_presentation",
        next: {
          type: "present_credential",
          url: "openid-vc://?request_uri=https://example/x",
          expiresAt: expiresAt(),
        },
        expiresAt: expiresAt(),
      };
      view = presenting;
      await start(page, "someone@contoso.example");
      await page.getByRole("heading", { name: en.present.title }).waitFor();
      expect(await page.locator("#wallet-opened").isVisible()).toBe(false);
      await page.getByRole("link", { name: en.present.openWallet }).focus();
      view = { ...presenting, presentationRetrievedAt: new Date().toISOString() };
      await page.locator("#wallet-opened").getByText(en.present.opened).waitFor();
      // One line changed, not the screen: the keyboard user's focus stays on the link.
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("to-wallet");
      // Without a QR code from the service: the link, and words that say so.
      await page.getByText(en.present.noQr).waitFor();
      await screenshot(page, "32-present-opened");

      view = { recoveryId: ID, status: "recovered", expiresAt: expiresAt() };
      await page.getByRole("heading", { name: en.recoveredEarlier.title }).waitFor();
      await page.getByText(en.recoveredEarlier.body).waitFor();
      await screenshot(page, "33-recovered-earlier");

      view = {
        recoveryId: ID,
        status: "recovered",
        tap: {
          jwe: "eyJhbGciOiJFQ0RILUVTK0EyNTZLVyJ9.a.b.c.d",
          expiresAt: expiresAt(),
          lifetimeInMinutes: 60,
          isUsableOnce: true,
          registerUrl: "https://aka.ms/mysecurityinfo",
        },
        expiresAt: expiresAt(),
      };
      await start(page, "someone@contoso.example");
      await page.getByText(en.tap.undecryptable).waitFor();
      await screenshot(page, "34-tap-undecryptable");
      await expectNoProblems(watched);
      await watched.close();
    });
  });
});
