/**
 * An https deployment (PUBLIC_BASE_URL https) sends Strict-Transport-Security on every HTTP
 * answer — JSON, problem+json, redirects, the page, the admin API — through one
 * post-invocation hook, so no route can forget it.
 */
import { describe, expect, it } from "vitest";
import { STRICT_TRANSPORT_SECURITY, withStrictTransportSecurity } from "../../src/http";
import { useStack } from "../support/stack";

describe("Strict-Transport-Security", () => {
  const stack = useStack({
    mode: "evaluation",
    settings: {
      PUBLIC_BASE_URL: "https://recovery.contoso.example",
      FRONTEND_RETURN_URL: "https://recovery.contoso.example/recover",
    },
  });

  it("is on every kind of answer of an https deployment", async () => {
    const s = stack();
    const answers = [
      await fetch(`${s.url}/api/health`),
      await fetch(`${s.url}/api/recovery`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
      await fetch(`${s.url}/api/recovery/00000000-0000-4000-8000-000000000000`),
      await fetch(`${s.url}/api/idv/demo-idv/return?recoveryId=00000000-0000-4000-8000-000000000000`, {
        redirect: "manual",
      }),
      await fetch(`${s.url}/`),
      await fetch(`${s.url}/api/admin/policies`),
      await fetch(`${s.url}/api/admin/policies`, {
        headers: { authorization: `Bearer ${await s.adminToken()}` },
      }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 400, 401, 302, 200, 401, 200]);
    for (const res of answers) {
      expect(res.headers.get("strict-transport-security"), res.url).toBe(STRICT_TRANSPORT_SECURITY);
      await res.arrayBuffer();
    }
  });

  it("is not added over plain http (a local run), and is added to every header shape", () => {
    expect(withStrictTransportSecurity({ status: 200, headers: { a: "b" } }, false)).toEqual({
      status: 200,
      headers: { a: "b" },
    });
    expect(withStrictTransportSecurity({ status: 204 }, true)).toEqual({
      status: 204,
      headers: { "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY },
    });
    const withHeaders = withStrictTransportSecurity({ status: 200, headers: new Headers() }, true) as {
      headers: Headers;
    };
    expect(withHeaders.headers.get("strict-transport-security")).toBe(STRICT_TRANSPORT_SECURITY);
  });
});
