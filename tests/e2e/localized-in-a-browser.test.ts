/**
 * The journey in German and in Arabic (right to left), in a real browser whose language is set
 * (Accept-Language and navigator.language): the page comes in that language from its first
 * paint, with `lang` and `dir` on the document; the recovery takes the language, returns it in
 * its status and the notice is written in it; in Arabic the layout mirrors while the TAP, the
 * address field and the countdowns stay left to right. Every screen is saved at desktop and
 * phone width as test-results/screenshots/de-* and ar-*; no console error, no CSP violation.
 */
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE_STRINGS } from "../../dev/build/page";
import { DEMO_USERS, demoTenant } from "../../dev/seed/demo-tenant";
import { NOTICE_STRINGS } from "../../src/recovery/noticeStrings";
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

const LANGUAGES = [
  { locale: "de", browserLocale: "de-DE", dir: "ltr" },
  { locale: "ar", browserLocale: "ar-EG", dir: "rtl" },
] as const;

describe.skipIf(!chromiumAvailable)("the page in the reader's language", () => {
  const stack = useStack({ mode: "production" });
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
    // Megan's directory entry names Japanese for her mail: her notice speaks it, whatever the page spoke.
    const seed = demoTenant();
    for (const user of seed.users) {
      if (user.id === DEMO_USERS.meganBowen.id) user.preferredLanguage = "ja-JP";
    }
    stack().sims.graph.reset(seed);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function expectNoProblems(watched: WatchedPage): Promise<void> {
    expect(await watched.problems()).toEqual([]);
  }

  for (const { locale, browserLocale, dir } of LANGUAGES) {
    const t = PAGE_STRINGS[locale];
    const shot = (page: Page, name: string) => screenshot(page, `${locale}-${name}`);

    describe(`in ${locale}`, () => {
      async function start(page: Page, username: string): Promise<void> {
        await page.goto(`${stack().url}/`);
        await page.getByLabel(t.start.usernameLabel).fill(username);
        await page.getByRole("button", { name: t.start.submit }).click();
      }

      it("walks from the username to the TAP in the browser's language", async () => {
        const user = locale === "de" ? DEMO_USERS.adeleVance : DEMO_USERS.meganBowen;
        const names = locale === "de" ? ["Adele", "Vance"] : ["Megan", "Bowen"];
        const watched = await openPage(browser, { locale: browserLocale });
        const { page } = watched;
        const starts: string[] = [];
        const statuses: Array<{ locale?: string }> = [];
        page.on("request", (r) => {
          if (r.method() === "POST" && r.url().endsWith("/api/recovery")) starts.push(r.postData() ?? "");
        });
        page.on("response", async (r) => {
          if (r.request().method() === "GET" && /\/api\/recovery\/[0-9a-f-]+$/.test(r.url()) && r.ok())
            statuses.push((await r.json().catch(() => ({}))) as { locale?: string });
        });

        await page.goto(`${stack().url}/`);
        await page.getByRole("heading", { name: t.start.title }).waitFor();
        expect(
          await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir]),
        ).toEqual([locale, dir]);
        expect(await page.title()).toContain(t.start.title);
        expect(await page.locator("#app-name").textContent()).toBe(t.appName);
        // The address field reads left to right in either direction.
        expect(await page.getByLabel(t.start.usernameLabel).getAttribute("dir")).toBe("ltr");
        await shot(page, "01-start");
        await page.getByLabel(t.start.usernameLabel).fill("not an address");
        await page.getByRole("button", { name: t.start.submit }).click();
        await page.getByRole("alert").filter({ hasText: t.start.invalidUsername }).waitFor();
        await shot(page, "02-start-invalid");

        await page.getByLabel(t.start.usernameLabel).fill(user.userPrincipalName);
        await page.getByRole("button", { name: t.start.submit }).click();
        await page.getByRole("heading", { name: t.explain.title }).waitFor();
        await page.getByRole("link", { name: t.explain.goGeneric }).waitFor();
        await shot(page, "03-explain");
        expect((JSON.parse(starts[0] ?? "{}") as { locale?: string }).locale).toBe(locale);

        if (locale === "ar") {
          // Mirrored: the numbered steps hang on the right, the banner bar (below) too.
          const steps = await page
            .locator("ol.steps")
            .evaluate((el) => [getComputedStyle(el).paddingRight, getComputedStyle(el).paddingLeft]);
          expect(steps).toEqual(["24px", "0px"]);
        }

        await page.getByRole("link", { name: t.explain.goGeneric }).click();
        await page.getByLabel(/first name/i).fill(names[0] ?? "");
        await page.getByLabel(/last name/i).fill(names[1] ?? "");
        await page.getByRole("button", { name: "Approve", exact: true }).click();
        await waitForReturn(page, stack().url);

        await page.getByRole("heading", { name: t.present.title }).waitFor({ timeout: 20_000 });
        const countdown = page.locator(".countdown bdi");
        expect(await countdown.getAttribute("dir")).toBe("ltr");
        expect(await countdown.textContent()).toMatch(/^[0-9٠-٩]+:[0-9٠-٩]{2}$/);
        await shot(page, "05-present");
        expect(statuses.at(-1)?.locale).toBe(locale);

        const link = page.getByRole("link", { name: new RegExp(t.present.sameDevice.split("?")[0] ?? "") });
        const requestId = stack().presentationRequestId({ url: (await link.getAttribute("href")) ?? "" });
        const phone = await openPage(browser);
        try {
          await phone.page.goto(`${stack().sims.verifiedId.url}/wallet/requests/${requestId}`);
          await phone.page.getByLabel("Face Check score").fill("92.5");
          await phone.page.getByRole("button", { name: "Present", exact: true }).click();
          await phone.page.getByRole("heading", { name: "Done" }).waitFor();
        } finally {
          await phone.close();
        }

        const tap = page.locator("#tap");
        await tap.waitFor({ timeout: 20_000 });
        expect(await tap.getAttribute("dir")).toBe("ltr");
        expect((await tap.textContent())?.trim()).toBe(
          stack().sims.graph.temporaryAccessPasses(user.id)[0]?.temporaryAccessPass,
        );
        await page.getByRole("heading", { name: t.tap.title }).waitFor();
        await shot(page, "07-tap");
        await page.getByRole("button", { name: t.tap.done }).click();
        await page.getByRole("heading", { name: t.done.title }).waitFor();
        await shot(page, "08-done");
        await expectNoProblems(watched);
        await watched.close();

        // The notice: the directory's language when it names one (Megan: Japanese), else the page's.
        const expected = locale === "de" ? NOTICE_STRINGS.de : NOTICE_STRINGS.ja;
        await expect.poll(() => mailsFor(user.id).length, { timeout: 20_000 }).toBeGreaterThan(0);
        expect(mailsFor(user.id).map((m) => m.subject)).toContain(expected.recovered.subject);
      });

      function mailsFor(userId: string) {
        const home = demoTenant().users.find((u) => u.id === userId)?.otherMails ?? [];
        return stack().sims.graph.sentMail.filter((m) => m.toRecipients.some((r) => home.includes(r)));
      }

      /** The screens no demo journey reaches: the page is served as always, the API's answers are handed in. */
      describe("every other screen", () => {
        const ID = FAKE_RECOVERY_ID;
        let view: Record<string, unknown>;
        const expiresAt = (ms = 600_000) => new Date(Date.now() + ms).toISOString();

        const fakeApi = (page: Page, startAnswer?: Parameters<typeof answerAsApi>[2]) =>
          answerAsApi(page, () => view, startAnswer);

        it("has every failure screen in the language", async () => {
          const watched = await openPage(browser, { locale: browserLocale });
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
            await page.getByRole("heading", { name: t.failures[code].title }).waitFor();
            await page.getByText(t.failures[code].next).waitFor();
            if (code !== "not_eligible")
              await page.getByRole("button", { name: t.actions.tryAgain }).waitFor();
            if (code === "idv_declined" && locale === "ar") {
              // The banner's bar is on the reading side: the right in Arabic.
              const bar = await page
                .locator(".banner")
                .evaluate((el) => [
                  getComputedStyle(el).borderRightWidth,
                  getComputedStyle(el).borderLeftWidth,
                ]);
              expect(bar).toEqual(["6px", "0px"]);
            }
            await shot(page, `30-failure-${code}`);
          }
          await expectNoProblems(watched);
          await watched.close();
        });

        it("has the waiting, presenting, TAP, evaluation, throttled and lost screens in the language", async () => {
          const watched = await openPage(browser, {
            locale: browserLocale,
            ignore: /Failed to load resource/,
          });
          const { page } = watched;
          await fakeApi(page);
          // Back from the provider without a result yet.
          view = {
            recoveryId: ID,
            status: "verifying_identity",
            next: { type: "redirect", url: `${stack().url}/recover?recoveryId=${ID}` },
            expiresAt: expiresAt(),
          };
          await start(page, "someone@contoso.example");
          await page.getByRole("link", { name: t.explain.goGeneric }).click();
          await page.getByRole("heading", { name: t.verifying.title }).waitFor();
          expect(await page.locator("main bdi").count()).toBe(1); // the time, isolated
          await shot(page, "10-verifying");

          view = { recoveryId: ID, status: "validating", expiresAt: expiresAt() };
          await page.getByRole("heading", { name: t.validating.title }).waitFor();
          await shot(page, "11-validating");

          view = {
            recoveryId: ID,
            status: "awaiting_presentation",
            next: {
              type: "present_credential",
              url: "openid-vc://?request_uri=https://example/x",
              expiresAt: expiresAt(2 * 3_600_000),
            },
            presentationRetrievedAt: new Date().toISOString(),
            expiresAt: expiresAt(),
          };
          await page.getByRole("heading", { name: t.present.title }).waitFor();
          await page.getByText(t.present.opened).waitFor();
          // Above an hour the countdown is in words, in the language's own direction.
          expect(await page.locator(".countdown bdi").getAttribute("dir")).toBeNull();
          await shot(page, "32-present-opened");

          view = { recoveryId: ID, status: "recovered", expiresAt: expiresAt() };
          await page.getByRole("heading", { name: t.recoveredEarlier.title }).waitFor();
          await shot(page, "33-recovered-earlier");

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
          await page.getByText(t.tap.undecryptable).waitFor();
          await shot(page, "34-tap-undecryptable");

          view = { recoveryId: ID, status: "evaluation_passed", expiresAt: expiresAt() };
          await start(page, "someone@contoso.example");
          await page.getByRole("heading", { name: t.evaluation.title }).waitFor();
          await shot(page, "35-evaluation");

          await page.unroute("**/api/recovery");
          await fakeApi(page, {
            status: 429,
            headers: { "retry-after": "120" },
            body: { type: "about:blank", title: "Too many requests", status: 429, code: "rate_limited" },
          });
          await start(page, "someone@contoso.example");
          const minutes = new Intl.NumberFormat(locale, {
            style: "unit",
            unit: "minute",
            unitDisplay: "long",
          }).format(2);
          await page
            .getByRole("alert")
            .filter({ hasText: t.start.rateLimited.replace("{duration}", minutes) })
            .waitFor();
          await shot(page, "31-start-rate-limited");

          await page.goto(`${stack().url}/recover?recoveryId=00000000-0000-4000-8000-000000000000`);
          await page.getByRole("heading", { name: t.lost.title }).waitFor();
          await shot(page, "24-lost");
          await expectNoProblems(watched);
          await watched.close();
        });
      });
    });
  }

  it("switches language with the header's switcher, keeps the screen and the focus, and remembers the choice", async () => {
    const watched = await openPage(browser, { locale: "en-US" });
    const { page } = watched;
    await page.goto(`${stack().url}/`);
    await page.getByRole("heading", { name: PAGE_STRINGS.en.start.title }).waitFor();
    // The first stop of the keyboard: the switcher, named "Language".
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("language");
    await page.getByLabel(PAGE_STRINGS.en.start.usernameLabel).fill("typed@contoso.example");
    const switcher = page.getByRole("combobox", { name: PAGE_STRINGS.en.language });
    // Each language is named in itself, in its own direction.
    expect(
      await page.$$eval("#language option", (options) =>
        options.map((o) => `${o.getAttribute("lang")} ${o.getAttribute("dir")}`),
      ),
    ).toEqual(["en ltr", "de ltr", "fr ltr", "es ltr", "pt-BR ltr", "ja ltr", "zh-Hans ltr", "ar rtl"]);
    // Chosen where the keyboard left focus: on the switcher.
    await switcher.focus();
    await switcher.selectOption("ar");
    await page.getByRole("heading", { name: PAGE_STRINGS.ar.start.title }).waitFor();
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      "ar",
      "rtl",
    ]);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("language");
    expect(await page.getByLabel(PAGE_STRINGS.ar.start.usernameLabel).inputValue()).toBe(
      "typed@contoso.example",
    );
    await screenshot(page, "ar-40-switched");
    await page.getByRole("combobox", { name: PAGE_STRINGS.ar.language }).selectOption("de");
    await page.getByRole("heading", { name: PAGE_STRINGS.de.start.title }).waitFor();
    // Remembered in this browser: a new load (English Accept-Language) stays German.
    await page.reload();
    await page.getByRole("heading", { name: PAGE_STRINGS.de.start.title }).waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe("ltr");
    await screenshot(page, "de-40-switched");
    await expectNoProblems(watched);
    await watched.close();
  });

  /** Holds back a language's strings chunk until `release()`; `requested` gives its URL once asked for. */
  async function holdStrings(page: Page, locale: string) {
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let requested = (_url: string) => {};
    const url = new Promise<string>((resolve) => {
      requested = resolve;
    });
    await page.route(new RegExp(`/assets/${locale}-[^/]*\\.js$`), async (route) => {
      requested(route.request().url());
      await released;
      await route.continue();
    });
    // Once the chunk is in and every task queued before has run, the page has done with it.
    // (A string: vitest would rewrite an import() written in a function.)
    const arrived = async () => {
      release();
      await page.evaluate(
        `import(${JSON.stringify(await url)}).then(() => new Promise((resolve) => setTimeout(resolve, 0)))`,
      );
    };
    return { url, arrived };
  }

  it("applies only the latest of two quick choices, whichever language's strings arrive last", async () => {
    const watched = await openPage(browser, { locale: "en-US" });
    const { page } = watched;
    const german = await holdStrings(page, "de");
    const spanish = await holdStrings(page, "es");
    const shown = () =>
      page.evaluate(() => [
        document.documentElement.lang,
        document.querySelector("h1")?.textContent,
        (document.getElementById("language") as HTMLSelectElement).value,
        localStorage.getItem("recovery.locale"),
      ]);
    await page.goto(`${stack().url}/`);
    await page.getByRole("heading", { name: PAGE_STRINGS.en.start.title }).waitFor();
    const switcher = page.locator("#language");
    // German, then French before German's strings arrive: French it is, and stays.
    await switcher.selectOption("de");
    await german.url;
    await switcher.selectOption("fr");
    await page.getByRole("heading", { name: PAGE_STRINGS.fr.start.title }).waitFor();
    await german.arrived();
    expect(await shown()).toEqual(["fr", PAGE_STRINGS.fr.start.title, "fr", "fr"]);
    // Spanish, then back to French (the language on show) before Spanish arrives: French stays.
    await switcher.selectOption("es");
    await spanish.url;
    await switcher.selectOption("fr");
    await spanish.arrived();
    expect(await shown()).toEqual(["fr", PAGE_STRINGS.fr.start.title, "fr", "fr"]);
    await expectNoProblems(watched);
    await watched.close();
  });

  it("stays in the language on show when the chosen language's strings do not load, and does not remember it", async () => {
    // The failed fetch itself is reported by the browser; nothing else may be.
    const watched = await openPage(browser, { locale: "en-US", ignore: /Failed to load resource/ });
    const { page } = watched;
    await page.route(/\/assets\/de-[^/]*\.js$/, (route) => route.abort());
    await page.goto(`${stack().url}/`);
    await page.getByRole("heading", { name: PAGE_STRINGS.en.start.title }).waitFor();
    await page.locator("#language").selectOption("de");
    // The switcher goes back to the language on show once the load failed.
    await page.waitForFunction(
      () => (document.getElementById("language") as HTMLSelectElement | null)?.value === "en",
    );
    expect(
      await page.evaluate(() => [
        document.documentElement.lang,
        document.querySelector("h1")?.textContent,
        localStorage.getItem("recovery.locale"),
      ]),
    ).toEqual(["en", PAGE_STRINGS.en.start.title, null]);
    // German loads again, but it was never the choice: a new load follows the browser (English).
    await page.unroute(/\/assets\/de-[^/]*\.js$/);
    await page.reload();
    await page.getByRole("heading", { name: PAGE_STRINGS.en.start.title }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("en");
    await expectNoProblems(watched);
    await watched.close();
  });

  it("serves the shell in the language of ?lang=, else Accept-Language (q-values), else the default", async () => {
    const shell = async (path: string, acceptLanguage?: string) => {
      const res = await fetch(`${stack().url}${path}`, {
        headers: acceptLanguage === undefined ? {} : { "accept-language": acceptLanguage },
      });
      const html = await res.text();
      return {
        lang: /<html lang="([^"]+)" dir="([^"]+)">/.exec(html)?.slice(1).join(" "),
        contentLanguage: res.headers.get("content-language"),
        vary: res.headers.get("vary"),
      };
    };
    expect(await shell("/", "fr-CA, de;q=0.5")).toEqual({
      lang: "fr ltr",
      contentLanguage: "fr",
      vary: "Accept-Language",
    });
    expect(await shell("/", "ko, ar;q=0.4, de;q=0.3")).toMatchObject({ lang: "ar rtl" });
    expect(await shell("/", "zh-TW, zh-CN;q=0.2")).toMatchObject({ lang: "zh-Hans ltr" });
    expect(await shell("/recover?lang=ja", "de")).toMatchObject({ lang: "ja ltr" });
    expect(await shell("/?lang=%3Cscript%3E", "pt-PT")).toMatchObject({ lang: "pt-BR ltr" });
    expect(await shell("/", "ko")).toMatchObject({ lang: "en ltr" });
    expect(await shell("/", "")).toMatchObject({ lang: "en ltr" });
  });
});
