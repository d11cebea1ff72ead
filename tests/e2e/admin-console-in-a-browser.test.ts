/**
 * The admin console in a real browser (Debian's Chromium driven by playwright-core): an admin
 * signs in with Entra through @azure/msal-browser (authorization code + PKCE) against the
 * Entra simulator served over https with its own certificate — the one certificate this
 * browser trusts (--ignore-certificate-errors-spki-list), since msal accepts only https
 * authorities — and walks every view with the keyboard only. A concurrent edit is answered
 * 412 and shown; a new profile is created (an id already taken gets the API's 412); a Reader
 * sees everything read-only, is not offered the new-profile form, and the API refuses their write; an
 * account without a console role is told so; a token the API no longer accepts brings the
 * sign-in back. Every page is watched for console errors and CSP violations, and each view
 * leaves a screenshot at desktop and phone width in test-results/screenshots/ (admin-*).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TENANT_ID, DEMO_USERS } from "../../dev/seed/demo-tenant";
import { DEMO_CONSOLE_ACCOUNTS } from "../../dev/simulators/entra";
import type { RecoveryStart } from "../support/stack";
import { useStack } from "../support/stack";
import { chromiumAvailable, openPage, screenshot, type WatchedPage } from "./browser";
import { launchConsoleBrowser, press, signInToConsole } from "./console";

const ADELE = { firstName: "Adele", lastName: "Vance" };

describe.skipIf(!chromiumAvailable)("the admin console in a browser", () => {
  const stack = useStack({ mode: "production", entraTls: true });
  let browser: Browser;
  let recovered: RecoveryStart;
  let failed: RecoveryStart;

  beforeAll(async () => {
    browser = await launchConsoleBrowser(stack());
    // Data to look at: one recovery that succeeded and one whose face did not match.
    recovered = await recover(DEMO_USERS.adeleVance.userPrincipalName, 92.5);
    await stack().waitForStatus(recovered, ["recovered"]);
    failed = await recover(DEMO_USERS.meganBowen.userPrincipalName, 40, {
      firstName: "Megan",
      lastName: "Bowen",
    });
    await stack().waitForStatus(failed, ["failed"]);
    await stack().waitForWorkflowEnd(recovered.recoveryId);
    await stack().waitForWorkflowEnd(failed.recoveryId);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function recover(
    username: string,
    faceCheckScore: number,
    names: { firstName: string; lastName: string } = ADELE,
  ): Promise<RecoveryStart> {
    const start = await stack().startRecovery({ username });
    expect(start.status).toBe(202);
    const idv = await stack().waitForStatus(start.body, ["verifying_identity"]);
    await stack().completeIdv(idv.next!, "approved", names);
    const present = await stack().waitForStatus(start.body, ["awaiting_presentation"]);
    await stack().sims.verifiedId.present(stack().presentationRequestId(present.next!), { faceCheckScore });
    return start.body;
  }

  const signIn = (watched: WatchedPage, account: Parameters<typeof signInToConsole>[2]) =>
    signInToConsole(stack(), watched, account);

  async function expectNoProblems(watched: WatchedPage): Promise<void> {
    expect(await watched.problems()).toEqual([]);
  }

  it("serves the console with the strict CSP: nothing inline, only the authority besides this origin", async () => {
    const res = await fetch(`${stack().url}/admin`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    const authority = new URL(stack().sims.entra.url).origin;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self';");
    expect(csp).toContain(`connect-src 'self' ${authority};`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son\w+=/i);
    const config = (await (await fetch(`${stack().url}/admin/config.json`)).json()) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      configured: true,
      authority: `${stack().sims.entra.url}/${DEMO_TENANT_ID}`,
    });
  });

  it("signs an admin in with Entra and shows the overview, the recoveries, a timeline and the diagnostics", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await page.goto(`${stack().url}/admin`);
    await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
    await screenshot(page, "admin-01-sign-in");
    await signIn(watched, "admin");
    expect(stack().sims.entra.signIn?.redemptions).toBeGreaterThan(0);

    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await page.getByRole("figure", { name: /Recoveries per day by outcome/ }).waitFor();
    await page.getByRole("figure", { name: /Face Check scores/ }).waitFor();
    await page.getByRole("figure", { name: "Failures by code" }).waitFor();
    await screenshot(page, "admin-02-overview");

    // Keyboard only: each view puts focus on its heading; the header's controls come before it
    // in tab order (Shift+Tab walks back through them), and Enter follows a link.
    const focused = () =>
      page.evaluate(
        () => `${document.activeElement?.tagName} ${document.activeElement?.textContent?.trim()}`,
      );
    expect(await focused()).toBe("H1 Overview");
    for (const expected of ["BUTTON Sign out", "A Diagnostics", "A Policies", "A Recoveries"]) {
      await page.keyboard.press("Shift+Tab");
      expect(await focused()).toBe(expected);
    }
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Recoveries" }).waitFor();
    await expect.poll(focused).toBe("H1 Recoveries");
    await page.keyboard.press("Tab");
    expect(await focused()).toMatch(/^SELECT /);
    await page.getByRole("table").getByText(DEMO_USERS.adeleVance.userPrincipalName).waitFor();
    await page.getByRole("table").getByText(DEMO_USERS.meganBowen.userPrincipalName).waitFor();
    await screenshot(page, "admin-03-recoveries");

    // Filter by status with the keyboard: only the failed one is left.
    await page.getByLabel("Status").focus();
    await page.getByLabel("Status").selectOption("failed");
    await press(page.getByRole("button", { name: "Apply filters" }));
    await page.waitForURL(/status=failed/);
    // The URL changes before the filtered list replaces the unfiltered one (which shows Megan
    // too): wait for the recovered account to leave the table, then for the failed one in it.
    await page
      .getByRole("table")
      .getByText(DEMO_USERS.adeleVance.userPrincipalName)
      .waitFor({ state: "detached", timeout: 15_000 });
    await page.getByRole("table").getByText(DEMO_USERS.meganBowen.userPrincipalName).waitFor();

    // The failed recovery's timeline: the Face Check score under its threshold, and why.
    await press(page.getByRole("table").getByRole("link").first());
    await page
      .getByRole("heading", { name: `Recovery of ${DEMO_USERS.meganBowen.userPrincipalName}` })
      .waitFor();
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    // The service refused the face (no score reaches us), and the trail says why.
    const facts = (await page.locator("dl.facts").textContent()) ?? "";
    expect(facts).toMatch(/Face Checkno score reported \(threshold 70\)/);
    expect(facts).toMatch(/Whyface_check_below_threshold/);
    await page.getByRole("heading", { name: "Timeline" }).waitFor();
    expect(await page.locator(".timeline li").count()).toBeGreaterThan(3);
    await screenshot(page, "admin-04-recovery-timeline");
    const text = (await page.locator("main").textContent()) ?? "";
    expect(text).not.toMatch(/recoveryToken|tokenHash|temporaryAccessPass/i);

    await press(page.getByRole("link", { name: "Diagnostics", exact: true }));
    await page.getByRole("heading", { name: "Preflight diagnostics" }).waitFor();
    await page.getByText(/to fix, \d+ to review, \d+ fine/).waitFor();
    await screenshot(page, "admin-05-diagnostics");
    await press(page.getByRole("button", { name: "Run the checks again" }));
    await page.getByText(/to fix, \d+ to review, \d+ fine/).waitFor();

    await press(page.getByRole("button", { name: "Sign out" }));
    await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
    expect(
      await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.includes("accesstoken"))),
    ).toEqual([]);
    await screenshot(page, "admin-09-signed-out");
    await expectNoProblems(watched);
    await watched.close();
  });
  it("a view that finishes loading leaves the focus where the admin moved it meanwhile", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    // The overview's reads wait until released: it stays at "Loading…" while the admin moves on.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route("**/api/admin/recoveries?*", async (r) => {
      await held;
      await r.continue();
    });
    await signIn(watched, "admin");
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    const policies = page.getByRole("link", { name: "Policies", exact: true });
    await policies.focus();
    release();
    await page.getByRole("figure", { name: "Failures by code" }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe("Policies");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Policies" }).waitFor();
    await expectNoProblems(watched);
    await watched.close();
  });

  it("edits a profile: the shared schema refuses a bad value in the browser, a concurrent edit is a 412 shown and re-applied, the last profile is not deleted", async () => {
    // Chromium logs every non-2xx fetch; the 412 and the 409 are the answers this test provokes.
    const watched = await openPage(browser, { ignore: /status of (412|409) / });
    const { page } = watched;
    const writes: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/api/admin/policies/") && ["PUT", "DELETE"].includes(r.method()))
        writes.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    await signIn(watched, "admin");
    await press(page.getByRole("link", { name: "Policies", exact: true }));
    await page.getByRole("heading", { name: "Policies" }).waitFor();
    await page.getByRole("table").getByText("Recovery pilot (pilot)").waitFor();
    await screenshot(page, "admin-06-policies");

    await press(page.getByRole("link", { name: "Recovery pilot (pilot)" }));
    await page.getByRole("heading", { name: "Profile pilot" }).waitFor();
    // Groups are chosen by id; their display names come from the admin API (Graph).
    await page.locator("[data-field=includeGroups] .group-names").getByText("Recovery Pilot").waitFor();
    await screenshot(page, "admin-07-policy-form");
    const excluded = page.getByLabel("Excluded groups");
    await excluded.focus();
    await page.keyboard.type("00000000-0000-4000-8000-00000000dead");
    await page.keyboard.press("Tab");
    await page
      .locator("[data-field=excludeGroups] .group-names")
      .getByText("00000000-0000-4000-8000-00000000dead: no such group in the directory")
      .waitFor();
    await excluded.fill("");

    // Out of bounds: the schema the API uses says so beside the field; nothing is sent.
    const threshold = page.getByLabel("Face Check threshold");
    await threshold.focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("20");
    await press(page.getByRole("button", { name: "Save changes" }));
    await page.getByRole("heading", { name: "Fix these before saving" }).waitFor();
    expect(await threshold.getAttribute("aria-invalid")).toBe("true");
    await page.locator("[data-field=faceCheckThreshold] .error").filter({ hasText: /50/ }).waitFor();
    await screenshot(page, "admin-08-policy-invalid");
    expect(writes).toEqual([]);

    // Another admin renames the profile meanwhile (through the API, with the current ETag).
    const current = await stack().admin("GET", "/api/admin/policies/pilot");
    const theirs = { ...(current.json() as Record<string, unknown>), displayName: "Renamed by a colleague" };
    const put = await stack().admin("PUT", "/api/admin/policies/pilot", {
      body: theirs,
      headers: { "if-match": current.headers.get("etag") ?? "" },
    });
    expect(put.status).toBe(200);

    await threshold.focus();
    await page.keyboard.press("Control+A");
    await page.keyboard.type("75");
    await press(page.getByRole("button", { name: "Save changes" }));
    await page.getByRole("heading", { name: "Someone else saved this meanwhile" }).waitFor();
    // The corrected value is no longer marked, and focus is on what the admin must read.
    expect(await threshold.getAttribute("aria-invalid")).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(
      "Someone else saved this meanwhile",
    );
    await page.getByText('displayName: "Recovery pilot" → "Renamed by a colleague"').waitFor();
    await screenshot(page, "admin-08-policy-conflict");
    expect(writes).toEqual(["PUT /api/admin/policies/pilot"]);
    const stale = await stack().admin("GET", "/api/admin/policies/pilot");
    expect(stale.json()).toMatchObject({ displayName: "Renamed by a colleague", faceCheckThreshold: 70 });

    // Re-apply puts only this admin's change on top of the colleague's.
    await press(page.getByRole("button", { name: "Re-apply my changes" }));
    await expect
      .poll(async () => (await stack().admin("GET", "/api/admin/policies/pilot")).json())
      .toMatchObject({
        displayName: "Renamed by a colleague",
        faceCheckThreshold: 75,
      });
    await page.getByRole("heading", { name: "Profile pilot" }).waitFor();
    await expect.poll(() => page.getByLabel("Display name").inputValue()).toBe("Renamed by a colleague");

    // Delete asks first; Escape keeps it.
    await press(page.getByRole("button", { name: "Delete profile" }));
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
    await page.getByRole("dialog").waitFor({ state: "detached" });
    expect(writes.filter((w) => w.startsWith("DELETE"))).toEqual([]);
    // Confirmed: the API refuses to delete the last profile (409) and the console says why.
    await press(page.getByRole("button", { name: "Delete profile" }));
    await press(page.getByRole("dialog").getByRole("button", { name: "Delete" }));
    await page.getByRole("heading", { name: "This is the last profile" }).waitFor();
    await screenshot(page, "admin-08-policy-last-profile");
    expect((await stack().admin("GET", "/api/admin/policies/pilot")).status).toBe(200);

    // The global exclusions form.
    await press(page.getByRole("link", { name: "Policies", exact: true }));
    await press(page.getByRole("link", { name: "Review the global exclusions" }));
    await page.getByRole("heading", { name: "Global exclusions" }).waitFor();
    await page.getByLabel("Excluded groups").waitFor();
    await screenshot(page, "admin-07-policy-exclusions");
    await expectNoProblems(watched);
    await watched.close();
  });

  it("creates a profile: the shared schema refuses a bad one in the browser, an id already taken gets the API's answer, the new one is listed", async () => {
    // The taken id is the API's 412: Chromium logs that answer as a console error.
    const watched = await openPage(browser, { ignore: /status of 412 / });
    const { page } = watched;
    const writes: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/api/admin/policies/") && ["PUT", "DELETE"].includes(r.method()))
        writes.push(
          `${r.method()} ${new URL(r.url()).pathname} if-none-match=${r.headers()["if-none-match"]}`,
        );
    });
    const pilotGroup = (
      (await stack().admin("GET", "/api/admin/policies/pilot")).json() as { includeGroups: string[] }
    ).includeGroups[0];
    if (!pilotGroup) throw new Error("the demo profile includes no group");
    const typeInto = async (label: string, text: string) => {
      await page.getByLabel(label, { exact: true }).focus();
      await page.keyboard.press("Control+A");
      await page.keyboard.type(text);
    };
    const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim());

    await signIn(watched, "admin");
    await press(page.getByRole("link", { name: "Policies", exact: true }));
    await page.getByRole("heading", { name: "Policies" }).waitFor();
    await press(page.getByRole("link", { name: "Create a profile" }));
    await page.getByRole("heading", { name: "New profile" }).waitFor();
    await expect.poll(focusedText).toBe("New profile");
    // The schema's defaults, so the form starts where the API would.
    expect(await page.getByLabel("Priority").inputValue()).toBe("100");
    expect(await page.getByLabel("Face Check threshold").inputValue()).toBe("70");
    expect(await page.getByLabel("Mode").inputValue()).toBe("evaluation");
    await screenshot(page, "admin-14-policy-new");

    // A reserved id, no name, no group: the API's schema says so in the browser; nothing is sent.
    await typeInto("Profile id", "exclusions");
    await press(page.getByRole("button", { name: "Create profile" }));
    await page.getByRole("heading", { name: "Fix these before saving" }).waitFor();
    expect(await focusedText()).toMatch(/^Fix these before saving/);
    for (const key of ["id", "displayName", "includeGroups"])
      expect(
        await page.locator(`[data-field=${key}] :is(input, textarea)`).getAttribute("aria-invalid"),
      ).toBe("true");
    await page.locator("[data-field=id] .error").filter({ hasText: '"exclusions" is reserved' }).waitFor();
    await screenshot(page, "admin-14-policy-new-invalid");
    expect(writes).toEqual([]);

    // Filled in with the keyboard: created (If-None-Match: *), then shown as the new profile's form.
    await typeInto("Profile id", "helpdesk");
    await typeInto("Display name", "Helpdesk staff");
    await typeInto("Included groups", pilotGroup);
    await page.keyboard.press("Tab");
    await page.locator("[data-field=includeGroups] .group-names").getByText("Recovery Pilot").waitFor();
    await typeInto("Face Check threshold", "80");
    await press(page.getByRole("button", { name: "Create profile" }));
    await page.getByRole("heading", { name: "Profile helpdesk" }).waitFor();
    await expect.poll(focusedText).toBe("Profile helpdesk");
    expect(writes).toEqual(["PUT /api/admin/policies/helpdesk if-none-match=*"]);
    const created = await stack().admin("GET", "/api/admin/policies/helpdesk");
    expect(created.status).toBe(200);
    expect(created.json()).toMatchObject({
      id: "helpdesk",
      displayName: "Helpdesk staff",
      includeGroups: [pilotGroup],
      faceCheckThreshold: 80,
      priority: 100,
      mode: "evaluation",
    });
    await press(page.getByRole("link", { name: "← Policies" }));
    await page.getByRole("table").getByRole("link", { name: "Helpdesk staff (helpdesk)" }).waitFor();
    await screenshot(page, "admin-14-policy-created");

    // An id that is taken: the API answers 412 and the form shows its answer; nothing is replaced.
    const pilotBefore = (await stack().admin("GET", "/api/admin/policies/pilot")).json();
    await press(page.getByRole("link", { name: "Create a profile" }));
    await page.getByRole("heading", { name: "New profile" }).waitFor();
    await typeInto("Profile id", "pilot");
    await typeInto("Display name", "A second pilot");
    await typeInto("Included groups", pilotGroup);
    await press(page.getByRole("button", { name: "Create profile" }));
    await page.getByRole("heading", { name: "The API refused the change" }).waitFor();
    await page
      .locator("[data-field=id] .error")
      .filter({ hasText: "Profile pilot already exists." })
      .waitFor();
    expect(await page.getByLabel("Profile id").getAttribute("aria-invalid")).toBe("true");
    expect(await focusedText()).toMatch(/^The API refused the change/);
    await screenshot(page, "admin-14-policy-new-taken");
    expect(writes.at(-1)).toBe("PUT /api/admin/policies/pilot if-none-match=*");
    expect((await stack().admin("GET", "/api/admin/policies/pilot")).json()).toEqual(pilotBefore);
    await expectNoProblems(watched);
    await watched.close();
  });

  it("shows a Reader everything read-only, and the API refuses the Reader's write", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await signIn(watched, "reader");
    await page.getByText("Reader (read only)").waitFor();
    await page.getByRole("heading", { name: "Overview" }).waitFor();
    await press(page.getByRole("link", { name: "Policies", exact: true }));
    await page.getByText("Read only: your role is Recovery.Reader.").waitFor();
    expect(await page.getByRole("link", { name: "Create a profile" }).count()).toBe(0);
    // The new-profile route itself is refused to a Reader: no form.
    await page.goto(`${stack().url}/admin#/policies/_new`);
    await page.getByRole("heading", { name: "New profile" }).waitFor();
    await page.getByText("Your role does not allow this").waitFor();
    expect(await page.getByRole("button", { name: "Create profile" }).count()).toBe(0);
    expect(await page.getByLabel("Profile id").count()).toBe(0);
    await screenshot(page, "admin-14-reader-new-profile");
    await press(page.getByRole("link", { name: "← Policies" }));
    await press(page.getByRole("link", { name: /\(pilot\)$/ }));
    await page.getByRole("heading", { name: "Profile pilot" }).waitFor();
    expect(await page.getByLabel("Face Check threshold").isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Save changes" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Delete profile" }).count()).toBe(0);
    await screenshot(page, "admin-10-reader-policy");

    // The token the console holds is refused for a write by the API itself (403), whatever the UI shows.
    const token = await page.evaluate(() => {
      const key = Object.keys(sessionStorage).find((k) => k.includes("accesstoken"));
      return key
        ? (JSON.parse(sessionStorage.getItem(key) ?? "{}") as { secret?: string }).secret
        : undefined;
    });
    expect(token).toBeTruthy();
    const current = await stack().admin("GET", "/api/admin/policies/pilot", { token: token ?? null });
    expect(current.status).toBe(200);
    const refused = await stack().admin("PUT", "/api/admin/policies/pilot", {
      token: token ?? null,
      body: current.json(),
      headers: { "if-match": current.headers.get("etag") ?? "" },
    });
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ code: "forbidden" });
    // Nor may the Reader create one.
    const create = await stack().admin("PUT", "/api/admin/policies/made-by-a-reader", {
      token: token ?? null,
      body: { ...(current.json() as Record<string, unknown>), id: "made-by-a-reader" },
      headers: { "if-none-match": "*" },
    });
    expect(create.status).toBe(403);
    expect((await stack().admin("GET", "/api/admin/policies/made-by-a-reader")).status).toBe(404);
    await expectNoProblems(watched);
    await watched.close();
  });

  it("tells an account without a console role that it has none", async () => {
    const watched = await openPage(browser);
    const { page } = watched;
    await signIn(watched, "noRole");
    await page.getByRole("heading", { name: "You have no role in this console" }).waitFor();
    await screenshot(page, "admin-11-no-role");
    await expectNoProblems(watched);
    await watched.close();
  });

  it("brings the sign-in back when the API no longer accepts the token", async () => {
    // The API refuses the token with 401: that answer is the browser's console error here.
    const watched = await openPage(browser, { ignore: /status of 401/ });
    const { page } = watched;
    await signIn(watched, "admin");
    await page.getByRole("figure", { name: /Face Check scores/ }).waitFor();
    // The token the console holds stops verifying (as one past its expiry, or from a key Entra
    // no longer publishes, would): a token under the published kid signed by another key.
    const forged = await stack().sims.entra.mint({ roles: ["Recovery.Admin"], key: "foreign" });
    await page.evaluate((secret) => {
      const key = Object.keys(sessionStorage).find((k) => k.includes("accesstoken"));
      if (!key) throw new Error("no cached access token");
      const entry = JSON.parse(sessionStorage.getItem(key) ?? "{}") as { secret?: string };
      sessionStorage.setItem(key, JSON.stringify({ ...entry, secret }));
    }, forged);
    await press(page.getByRole("link", { name: "Diagnostics", exact: true }));
    await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
    await page.getByText("Your sign-in is no longer accepted").waitFor();
    await screenshot(page, "admin-12-token-refused");
    // Signing in again works with the new key.
    await press(page.getByRole("button", { name: "Sign in with Microsoft Entra" }));
    await press(page.getByRole("button", { name: DEMO_CONSOLE_ACCOUNTS.admin.label }));
    await page.getByRole("heading", { name: "Preflight diagnostics" }).waitFor();
    await expectNoProblems(watched);
    await watched.close();
  });
  it("says the session ended when the access token is gone and the refresh token was revoked", async () => {
    // The refused renewal (400 invalid_grant from the token endpoint) is the browser's console error here.
    const watched = await openPage(browser, { ignore: /status of 400/ });
    const { page } = watched;
    await signIn(watched, "admin");
    await page.getByRole("figure", { name: /Face Check scores/ }).waitFor();
    // The access token expires (dropped from the cache) and Entra revokes the session.
    await page.evaluate(() => {
      for (const key of Object.keys(sessionStorage))
        if (key.includes("accesstoken")) sessionStorage.removeItem(key);
    });
    stack().sims.entra.signIn?.revokeSessions();
    await press(page.getByRole("link", { name: "Diagnostics", exact: true }));
    await page.getByRole("heading", { name: "Sign in to the admin console" }).waitFor();
    await page.getByText("Your session has ended").waitFor();
    await screenshot(page, "admin-13-session-ended");
    await expectNoProblems(watched);
    await watched.close();
  });
});
