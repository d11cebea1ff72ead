/**
 * The Entra simulator's interactive sign-in (dev/simulators/entra/signIn.ts), which the admin
 * console's browser tests and `npm start` sign in through: it must refuse what Entra refuses
 * for a single-page app, or the console could pass against a laxer authority than Azure's.
 * Unhappy paths first: an unknown client or an unregistered redirect URI gets an error page
 * and never a redirect; PKCE S256 is required; a code is single-use and bound to its
 * redirect URI and verifier; refresh tokens rotate and die at logout; CORS only for the
 * registered origins.
 */
import { createHash, randomBytes } from "node:crypto";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CONSOLE_ACCOUNTS, type EntraSimulator, startEntraSimulator } from "../../dev/simulators/entra";

const TENANT = "7d0c5e1a-3b2f-4c6d-9e8f-0123456789ab";
const CLIENT = "0d5f1c3e-8a7b-4c2d-9e6f-a0a0a0a0a0a0";
const REDIRECT = "http://127.0.0.1:7999/admin";
const ORIGIN = "http://127.0.0.1:7999";

describe("the Entra simulator's sign-in for the admin console", () => {
  let entra: EntraSimulator;
  beforeAll(async () => {
    entra = await startEntraSimulator({
      tenantId: TENANT,
      audience: CLIENT,
      signIn: { redirectUris: [REDIRECT] },
    });
  });
  afterAll(() => entra.stop());

  const oauth = () => `${entra.url}/${TENANT}/oauth2/v2.0`;
  const pkce = () => {
    const verifier = randomBytes(32).toString("base64url");
    return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
  };

  function authorizeUrl(params: Record<string, string | undefined>): string {
    const url = new URL(`${oauth()}/authorize`);
    const defaults: Record<string, string | undefined> = {
      client_id: CLIENT,
      redirect_uri: REDIRECT,
      response_type: "code",
      response_mode: "query",
      scope: `${CLIENT}/.default openid profile offline_access`,
      state: "s1",
      nonce: "n1",
      code_challenge_method: "S256",
    };
    for (const [k, v] of Object.entries({ ...defaults, ...params }))
      if (v !== undefined) url.searchParams.set(k, v);
    return url.toString();
  }

  /** The authorize page, then the account's button: the redirect's Location. */
  async function signIn(account: string, params: Record<string, string | undefined>): Promise<URL> {
    const page = await fetch(authorizeUrl(params), { redirect: "manual" });
    expect(page.status).toBe(200);
    const request = /name="request" value="([^"]+)"/.exec(await page.text())?.[1];
    expect(request).toBeTruthy();
    const res = await fetch(`${oauth()}/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request: request!, account }),
    });
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location") ?? "");
  }

  async function token(form: Record<string, string>, origin = ORIGIN) {
    const res = await fetch(`${oauth()}/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin },
      body: new URLSearchParams({ client_id: CLIENT, ...form }),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, string> };
  }

  it("shows an error and never redirects for an unknown client or an unregistered redirect URI", async () => {
    for (const params of [
      { client_id: "11111111-1111-4111-8111-111111111111" },
      { redirect_uri: "http://127.0.0.1:7999/admin/../evil" },
      { redirect_uri: `${REDIRECT}.evil.example` },
      { redirect_uri: "http://127.0.0.1:7999/" },
      { redirect_uri: undefined },
    ]) {
      const res = await fetch(authorizeUrl({ ...params, code_challenge: pkce().challenge }), {
        redirect: "manual",
      });
      expect(res.status, JSON.stringify(params)).toBe(400);
      expect(res.headers.get("location")).toBeNull();
    }
  });

  it("requires PKCE with S256, and sends a silent request back with login_required", async () => {
    for (const params of [
      { code_challenge: undefined },
      { code_challenge: pkce().challenge, code_challenge_method: "plain" },
      { code_challenge: "short" },
    ]) {
      const res = await fetch(authorizeUrl(params), { redirect: "manual" });
      expect(res.status).toBe(302);
      const back = new URL(res.headers.get("location") ?? "");
      expect(back.searchParams.get("error")).toBe("invalid_request");
      expect(back.searchParams.get("code")).toBeNull();
    }
    const silent = await fetch(authorizeUrl({ code_challenge: pkce().challenge, prompt: "none" }), {
      redirect: "manual",
    });
    expect(new URL(silent.headers.get("location") ?? "").searchParams.get("error")).toBe("login_required");
  });

  it("redeems a code once, only with its redirect URI and verifier", async () => {
    const { verifier, challenge } = pkce();
    const back = await signIn("admin", { code_challenge: challenge });
    const code = back.searchParams.get("code")!;
    expect(back.searchParams.get("state")).toBe("s1");
    // A wrong verifier burns the code: the right one afterwards is refused too.
    const wrong = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      code_verifier: pkce().verifier,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe("invalid_grant");
    const late = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    expect(late.body.error).toBe("invalid_grant");

    const second = pkce();
    const code2 = (await signIn("admin", { code_challenge: second.challenge })).searchParams.get("code")!;
    const otherRedirect = await token({
      grant_type: "authorization_code",
      code: code2,
      redirect_uri: "http://127.0.0.1:7999/other",
      code_verifier: second.verifier,
    });
    expect(otherRedirect.body.error).toBe("invalid_grant");

    const third = pkce();
    const code3 = (await signIn("reader", { code_challenge: third.challenge })).searchParams.get("code")!;
    const ok = await token({
      grant_type: "authorization_code",
      code: code3,
      redirect_uri: REDIRECT,
      code_verifier: third.verifier,
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(ORIGIN);
    const keys = createRemoteJWKSet(new URL(`${entra.url}/${TENANT}/discovery/v2.0/keys`));
    const { payload } = await jwtVerify(ok.body.access_token!, keys, {
      issuer: entra.issuer(),
      audience: CLIENT,
    });
    expect(payload).toMatchObject({
      roles: ["Recovery.Reader"],
      oid: DEMO_CONSOLE_ACCOUNTS.reader.oid,
      azp: CLIENT,
      tid: TENANT,
    });
    expect(decodeJwt(ok.body.id_token!)).toMatchObject({
      nonce: "n1",
      aud: CLIENT,
      roles: ["Recovery.Reader"],
    });
    const replay = await token({
      grant_type: "authorization_code",
      code: code3,
      redirect_uri: REDIRECT,
      code_verifier: third.verifier,
    });
    expect(replay.body.error).toBe("invalid_grant");
  });

  it("rotates refresh tokens and forgets them at logout", async () => {
    const { verifier, challenge } = pkce();
    const code = (await signIn("admin", { code_challenge: challenge })).searchParams.get("code")!;
    const first = await token({
      grant_type: "authorization_code",
      code,
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    });
    const renewed = await token({ grant_type: "refresh_token", refresh_token: first.body.refresh_token! });
    expect(renewed.status).toBe(200);
    const reused = await token({ grant_type: "refresh_token", refresh_token: first.body.refresh_token! });
    expect(reused.body.error).toBe("invalid_grant");
    const logout = await fetch(`${oauth()}/logout?post_logout_redirect_uri=${encodeURIComponent(REDIRECT)}`, {
      redirect: "manual",
    });
    expect(logout.status).toBe(302);
    expect(logout.headers.get("location")).toBe(REDIRECT);
    const after = await token({ grant_type: "refresh_token", refresh_token: renewed.body.refresh_token! });
    expect(after.body.error).toBe("invalid_grant");
    // Logout sends nobody to an address that is not registered.
    const elsewhere = await fetch(
      `${oauth()}/logout?post_logout_redirect_uri=${encodeURIComponent("https://evil.example/")}`,
      {
        redirect: "manual",
      },
    );
    expect(elsewhere.status).toBe(200);
  });

  it("answers CORS only to the registered origins, and a cancelled sign-in carries no code", async () => {
    const preflight = await fetch(`${oauth()}/token`, {
      method: "OPTIONS",
      headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
    });
    expect(preflight.status).toBe(403);
    expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
    const refused = await token(
      { grant_type: "authorization_code", code: "x", redirect_uri: REDIRECT, code_verifier: "y" },
      "https://evil.example",
    );
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    const cancelled = await signIn("", { code_challenge: pkce().challenge });
    expect(cancelled.searchParams.get("error")).toBe("access_denied");
    expect(cancelled.searchParams.get("code")).toBeNull();
  });
});
