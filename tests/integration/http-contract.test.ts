/**
 * The HTTP contract (DESIGN.md §4) at its edges: bad input gets problem+json with a stable
 * code and changes nothing; a recovery cannot be read without its token; discovery answers
 * every ineligible account alike.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { countRecords } from "../support/recoveryRows";
import { useStack } from "../support/stack";

describe("HTTP contract v1", () => {
  const stack = useStack({ mode: "production" });

  async function post(
    path: string,
    body: string,
    headers: Record<string, string> = { "content-type": "application/json" },
  ) {
    const res = await fetch(`${stack().url}${path}`, { method: "POST", headers, body });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get("content-type"),
      json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  }

  it.each([
    ["not JSON", "{username:", "invalid_request"],
    ["no username", JSON.stringify({ country: "NL" }), "invalid_request"],
    ["username not a UPN", JSON.stringify({ username: "adele" }), "invalid_request"],
    [
      "username too long",
      JSON.stringify({ username: `${"a".repeat(300)}@contoso.example` }),
      "invalid_request",
    ],
    ["unknown field", JSON.stringify({ username: "a@b.example", admin: true }), "invalid_request"],
    ["bad country", JSON.stringify({ username: "a@b.example", country: "Netherlands" }), "invalid_request"],
    [
      "private key as tapEncryptionKey",
      JSON.stringify({
        username: "a@b.example",
        tapEncryptionKey: { kty: "EC", crv: "P-256", x: "x", y: "y", d: "d" },
      }),
      "invalid_request",
    ],
    ["array body", "[]", "invalid_request"],
  ])("a start with %s is refused with 400 problem+json and starts nothing", async (_name, body, code) => {
    const before = await countRecords(stack());
    const res = await post("/api/recovery", body);
    expect(res.status).toBe(400);
    expect(res.type).toBe("application/problem+json");
    expect(res.json).toMatchObject({ status: 400, code, type: expect.stringContaining(code) });
    expect(await countRecords(stack())).toBe(before);
  });

  it("a start that is not JSON at all is refused with 415", async () => {
    const res = await post("/api/recovery", "username=adele", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expect(res.status).toBe(415);
    expect(res.json.code).toBe("unsupported_media_type");
  });

  it("an oversized start body is refused with 413", async () => {
    const res = await post(
      "/api/recovery",
      JSON.stringify({ username: "a@b.example", locale: "x".repeat(40_000) }),
    );
    expect(res.status).toBe(413);
    expect(res.json.code).toBe("payload_too_large");
  });

  it("a recovery cannot be read without its token, nor with a wrong one, and reveals nothing", async () => {
    const started = await stack().startRecovery({ username: DEMO_USERS.alexWilber.userPrincipalName });
    const id = started.body.recoveryId;
    const none = await stack().readRecovery(id, undefined);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ code: "missing_recovery_token" });
    const wrong = await stack().readRecovery(id, "A".repeat(43));
    const unknown = await stack().readRecovery(
      "00000000-0000-4000-8000-000000000000",
      started.body.recoveryToken,
    );
    const malformed = await stack().readRecovery("not-an-id", started.body.recoveryToken);
    for (const r of [wrong, unknown, malformed]) {
      expect(r.status).toBe(404);
      expect(r.body).toEqual(wrong.body);
      expect(JSON.stringify(r.body)).not.toContain(id);
    }
    const cancel = await fetch(`${stack().url}/api/recovery/${id}/cancel`, {
      method: "POST",
      headers: { authorization: "Bearer wrong" },
    });
    expect(cancel.status).toBe(404);
  });

  it("answers unknown, out-of-scope, disabled, never-signed-in, nameless and namesake accounts alike", async () => {
    const cases = [
      ["nobody@contoso.example", "user_not_found"],
      [DEMO_USERS.alexWilber.userPrincipalName, "out_of_scope"],
      [DEMO_USERS.disabledUser.userPrincipalName, "account_disabled"],
      [DEMO_USERS.newHire.userPrincipalName, "no_prior_sign_in"],
      [DEMO_USERS.nonameUser.userPrincipalName, "name_missing"],
      [DEMO_USERS.nestorWilke.userPrincipalName, "namesake"],
      [DEMO_USERS.leeGu.userPrincipalName, "globally_excluded"],
      [DEMO_USERS.tapExcluded.userPrincipalName, "tap_policy_not_targeted"],
    ] as const;
    const bodies: string[] = [];
    for (const [username, reason] of cases) {
      const started = await stack().startRecovery({ username });
      expect(started.status).toBe(202);
      expect(Object.keys(started.body).sort()).toEqual([
        "pollAfterMs",
        "recoveryId",
        "recoveryToken",
        "status",
        "statusUrl",
      ]);
      const done = await stack().waitForStatus(started.body, ["not_eligible", "verifying_identity"]);
      expect(done.status).toBe("not_eligible");
      const { recoveryId: _id, expiresAt: _e, ...rest } = done;
      bodies.push(JSON.stringify(rest));
      const audit = await stack().auditEvents(started.body.recoveryId);
      expect(audit.find((e) => e.event === "eligibility_checked")?.code).toBe(reason);
    }
    expect(new Set(bodies).size).toBe(1);
  });

  it("routes that do not exist answer 404 problem+json", async () => {
    const res = await fetch(`${stack().url}/api/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
  });

  it("a webhook for an unknown provider is 404 and an unsigned one 401", async () => {
    const unknown = await post("/api/idv/nope/webhook", "{}");
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe("unknown_provider");
    const unsigned = await post("/api/idv/demo-idv/webhook", "{}");
    expect(unsigned.status).toBe(401);
    expect(unsigned.json.code).toBe("invalid_signature");
  });

  it("an oversized webhook is refused with 413 before its signature is even checked", async () => {
    const res = await post("/api/idv/demo-idv/webhook", JSON.stringify({ pad: "x".repeat(70 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.json.code).toBe("payload_too_large");
  });

  it("a Verified ID callback without a valid api-key or for an unknown state is 401", async () => {
    const body = JSON.stringify({ requestId: "r", requestStatus: "presentation_verified", state: "unknown" });
    const missing = await post("/api/verified-id/callback", body);
    expect(missing.status).toBe(401);
    const wrong = await post("/api/verified-id/callback", body, {
      "content-type": "application/json",
      "api-key": "guess",
    });
    expect(wrong.status).toBe(401);
    expect(wrong.json.code).toBe("invalid_callback");
    const malformed = await post("/api/verified-id/callback", "{", {
      "content-type": "application/json",
      "api-key": "guess",
    });
    expect(malformed.status).toBe(400);
  });

  it("the IDV return redirects only to the configured front end, and refuses a malformed id", async () => {
    const id = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const ok = await fetch(`${stack().url}/api/idv/demo-idv/return?recoveryId=${id}`, { redirect: "manual" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("location")).toBe(`${stack().settings.FRONTEND_RETURN_URL}?recoveryId=${id}`);
    const bad = await fetch(`${stack().url}/api/idv/demo-idv/return?recoveryId=https://evil.example`, {
      redirect: "manual",
    });
    expect(bad.status).toBe(400);
  });

  it("publishes only public keys in the JWKS", async () => {
    const res = await fetch(`${stack().url}/api/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
  });
});
