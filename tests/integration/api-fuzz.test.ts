/**
 * Property: whatever a client sends to the front-end API — random bodies and content types at
 * start, random ids, tokens and methods at the status and cancel routes — the answer is never
 * a 5xx; a refused start is problem+json with a stable code and creates no recovery; only a
 * 202 creates one.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { countRecords } from "../support/recoveryRows";
import { useStack } from "../support/stack";

const RUNS = 300;
const FIELDS = ["username", "country", "locale", "tapEncryptionKey", "kty", "crv", "x", "y", "n", "e", "d"];
const printable = fc.string({ unit: "grapheme-ascii", maxLength: 60 });
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue({ maxDepth: 1 }),
    fc.constantFrom(
      DEMO_USERS.adeleVance.userPrincipalName,
      "a@b",
      "nobody@contoso.example",
      "NL",
      "nl",
      "Netherlands",
      "en-GB",
      "EC",
      "P-256",
      "RSA",
    ),
    fc.dictionary(fc.constantFrom(...FIELDS), tie("v"), { maxKeys: 5 }),
  ),
})).v;
const startBody = fc.oneof(
  { weight: 4, arbitrary: value.map((v) => JSON.stringify(v) ?? "null") },
  { weight: 1, arbitrary: fc.string({ maxLength: 300 }) },
);
const contentType = fc.constantFrom(
  "application/json",
  "application/json; charset=utf-8",
  "text/plain",
  "application/x-www-form-urlencoded",
  "",
);
const stableCode = /^[a-z][a-z0-9_]+$/;

describe("front-end API under random input", () => {
  const stack = useStack();

  it("start: never 5xx; refusals are problem+json with a stable code and create nothing", async () => {
    const s = stack();
    const before = await countRecords(s);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(startBody, contentType, async (body, type) => {
        const res = await fetch(`${s.url}/api/recovery`, {
          method: "POST",
          headers: type ? { "content-type": type } : {},
          body,
        });
        expect(res.status).toBeLessThan(500);
        const text = await res.text();
        if (res.status === 202) {
          accepted++;
          return;
        }
        expect(res.headers.get("content-type")).toContain("application/problem+json");
        const problem = JSON.parse(text) as { status: number; code: string };
        expect(problem.status).toBe(res.status);
        expect(problem.code).toMatch(stableCode);
      }),
      { numRuns: RUNS },
    );
    expect(await countRecords(s)).toBe(before + accepted);
  }, 120_000);

  it("status and cancel: never 5xx, and nothing but 401/404/405 without the right token", async () => {
    const s = stack();
    const real = await s.startRecovery({ username: DEMO_USERS.alexWilber.userPrincipalName });
    const id = fc.oneof(
      fc.constant(real.body.recoveryId),
      fc.uuid(),
      printable.map((p) => encodeURIComponent(p)),
    );
    const auth = fc.oneof(
      fc.constant(undefined),
      printable.map((p) => `Bearer ${p}`),
      fc.base64String({ minLength: 43, maxLength: 44 }).map((t) => `Bearer ${t}`),
      printable,
    );
    await fc.assert(
      fc.asyncProperty(
        id,
        auth,
        fc.constantFrom("GET", "POST", "PUT", "DELETE"),
        async (rid, header, method) => {
          const path = method === "POST" ? `/api/recovery/${rid}/cancel` : `/api/recovery/${rid}`;
          const res = await fetch(`${s.url}${path}`, {
            method,
            headers: header === undefined ? {} : { authorization: header },
          });
          await res.text();
          expect(res.status).toBeLessThan(500);
          expect([400, 401, 404, 405]).toContain(res.status);
        },
      ),
      { numRuns: RUNS },
    );
    // The real recovery was neither read by anyone else nor cancelled.
    const mine = await s.readRecovery(real.body.recoveryId, real.body.recoveryToken);
    expect(mine.status).toBe(200);
    expect(mine.body.status).not.toBe("cancelled");
  }, 120_000);
});
