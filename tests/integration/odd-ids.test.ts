/**
 * Ids of every odd shape, wherever an id from outside reaches a storage key: the Verified ID
 * callback's `state` and `requestId`, the recovery id of the status and cancel routes, the
 * admin API's recovery and policy ids, the IDV provider and return routes. Table Storage
 * refuses `/ \ # ?` and control characters in keys (and the SDK retries the refusal): an odd id
 * must be answered 4xx problem+json at once, never 5xx, and change nothing.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { ODD_IDS } from "../../dev/support/oddIds";
import { useStack } from "../support/stack";

const TABLES = ["Recoveries", "Audit", "WebhookInbox", "IdvSessions", "UserLocks"];

describe("ids of every odd shape", () => {
  const stack = useStack({ mode: "evaluation" });

  async function snapshot(): Promise<number[]> {
    return Promise.all(TABLES.map((t) => stack().countRows(t)));
  }

  function expectProblem(res: { status: number; headers: Headers }, body: string, what: string) {
    expect(res.status, `${what}: ${body}`).toBeGreaterThanOrEqual(400);
    expect(res.status, `${what}: ${body}`).toBeLessThan(500);
    expect(res.headers.get("content-type"), what).toContain("application/problem+json");
    expect((JSON.parse(body) as { code: string }).code, what).toMatch(/^[a-z][a-z0-9_]+$/);
  }

  it.each(ODD_IDS)(
    "a Verified ID callback whose state has %s is 400 invalid_payload, at once",
    async (_what, odd) => {
      const before = await snapshot();
      for (const body of [
        {
          requestId: "7f1c2b9e-0000-4000-8000-000000000001",
          requestStatus: "presentation_verified",
          state: odd,
        },
        {
          requestId: odd,
          requestStatus: "request_retrieved",
          state: "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde",
        },
      ]) {
        const res = await fetch(`${stack().url}/api/verified-id/callback`, {
          method: "POST",
          headers: { "content-type": "application/json", "api-key": "some-key" },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        expectProblem(res, text, JSON.stringify(body).slice(0, 80));
        // `..` is a shape the alphabet allows: it is refused as unknown (401), still before any write.
        expect((JSON.parse(text) as { code: string }).code).toBe(
          odd === ".." ? "invalid_callback" : "invalid_payload",
        );
      }
      expect(await snapshot()).toEqual(before);
    },
  );

  it("every route that takes an id answers an odd one 4xx problem+json and changes nothing", async () => {
    const real = await stack().startRecovery({ username: DEMO_USERS.alexWilber.userPrincipalName });
    await stack().waitForStatus(real.body, ["not_eligible"]); // its own writes are done
    const bearer = { authorization: `Bearer ${real.body.recoveryToken}` };
    const before = await snapshot();
    // (An empty segment is another route: /api/admin/recoveries/ is the list.)
    for (const [what, odd] of ODD_IDS.filter(([, id]) => id !== "")) {
      const seg = encodeURIComponent(odd);
      const calls: [string, string, RequestInit, boolean][] = [
        ["status", `/api/recovery/${seg}`, { headers: bearer }, false],
        ["cancel", `/api/recovery/${seg}/cancel`, { method: "POST", headers: bearer }, false],
        ["idv return", `/api/idv/demo-idv/return?recoveryId=${seg}`, { redirect: "manual" }, false],
        [
          "idv webhook",
          `/api/idv/${seg}/webhook`,
          { method: "POST", headers: { "content-type": "application/json" }, body: "{}" },
          false,
        ],
        ["admin recovery", `/api/admin/recoveries/${seg}`, {}, true],
        ["admin policy", `/api/admin/policies/${seg}`, {}, true],
      ];
      for (const [route, path, init, admin] of calls) {
        const headers = new Headers(init.headers);
        if (admin) headers.set("authorization", `Bearer ${await stack().adminToken()}`);
        const res = await fetch(`${stack().url}${path}`, { ...init, headers });
        const text = await res.text();
        // The router itself may refuse a path (404/405 without a body of ours): never a 5xx.
        expect(res.status, `${route} with ${what}`).toBeLessThan(500);
        expect(res.status, `${route} with ${what}`).toBeGreaterThanOrEqual(400);
        if (text) expectProblem(res, text, `${route} with ${what}`);
      }
    }
    expect(await snapshot()).toEqual(before);
    // The real recovery was not touched by any of it.
    const mine = await stack().readRecovery(real.body.recoveryId, real.body.recoveryToken);
    expect(mine.body.status).toBe("not_eligible");
  }, 120_000);
});
