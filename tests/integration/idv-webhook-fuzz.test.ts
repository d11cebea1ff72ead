/**
 * Property: whatever arrives at POST /api/idv/{provider}/webhook — random provider names,
 * random or half-right signature headers, garbage bodies, and authentic (correctly signed)
 * bodies that are not results — the answer is never a 5xx and nothing about a running
 * recovery changes. Authentic results for sessions that are not ours are recorded in the
 * inbox as `unknown_session` and have no effect; that is the only write allowed.
 */
import fc from "fast-check";
import { decodeJwt } from "jose";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { SIMULATED_ADAPTERS, type SimulatedAdapter } from "../../dev/simulators/idv";
import { providerBody, type SimulatedStatus, signedHeaders } from "../../dev/simulators/idv/schemes";
import { DEMO_PROVIDER, providerWebhookSecret } from "../../dev/stack";
import { useStack } from "../support/stack";

const RUNS = 2000;
/** Provider name → the adapter scheme its simulator signs with. */
const SCHEME: Record<string, SimulatedAdapter> = {
  [DEMO_PROVIDER]: "standard-webhooks",
  au10tix: "au10tix",
  idemia: "idemia",
  truecredential: "truecredential",
};
const HEADER_NAMES = [
  "webhook-id",
  "webhook-timestamp",
  "webhook-signature",
  "x-au10tix-signature",
  "x-idemia-signature",
  "x-idemia-timestamp",
  "x-idemia-event-id",
  "x-truecredential-signature",
  "x-truecredential-timestamp",
  "content-type",
];
/** Field names the adapters read, so structured garbage reaches the parsers' deeper paths. */
const FIELD_NAMES = [
  "type",
  "data",
  "sessionId",
  "status",
  "reasons",
  "eventId",
  "requestId",
  "verificationResult",
  "transactionId",
  "referenceId",
  "decision",
  "reasonCodes",
  "identity",
  "person",
  "document",
  "checks",
];

const now = () => Math.floor(Date.now() / 1000);
const printable = fc.string({ unit: "grapheme-ascii", maxLength: 80 });
const headerValue = fc.oneof(
  printable,
  fc.integer().map(String),
  fc.constantFrom("", "v1,", "v1,AAAA", "t=,v1=", "sha256=", "whsec_", "t=1,v1=00"),
  fc.integer({ min: -400, max: 400 }).map((d) => String(now() + d)),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => `v1,${Buffer.from(b).toString("base64")}`),
  fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .map((b) => `t=${now()},v1=${Buffer.from(b).toString("hex")}`),
);
const jsonish: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.jsonValue({ maxDepth: 1 }),
    fc.dictionary(fc.constantFrom(...FIELD_NAMES), tie("value"), { maxKeys: 5 }),
    fc.array(tie("value"), { maxLength: 3 }),
  ),
})).value;
const body = fc.oneof(
  { weight: 3, arbitrary: jsonish.map((v) => JSON.stringify(v) ?? "null") },
  { weight: 2, arbitrary: fc.string({ maxLength: 500 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("", "{", "[]", "null", '{"data":null}', "\u0000", "x".repeat(70 * 1024)),
  },
);
const attempt = fc.record({
  provider: fc.oneof(
    { weight: 9, arbitrary: fc.constantFrom(...Object.keys(SCHEME)) },
    { weight: 1, arbitrary: printable },
  ),
  /** Sign the body correctly (authentic garbage) or send random headers. */
  signed: fc.boolean(),
  eventId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_]{1,24}$/), printable),
  headers: fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 6 }),
  body,
  /** Instead of `body`: a well-formed result in the provider's shape, for a session that is not ours. */
  result: fc.option(
    fc.record({
      sessionId: fc.oneof(fc.uuid(), printable),
      status: fc.constantFrom<SimulatedStatus>(
        "approved",
        "declined",
        "review",
        "resubmit",
        "expired",
        "error",
      ),
    }),
    { freq: 4 },
  ),
});

describe("IDV webhook endpoint under malformed input", () => {
  const stack = useStack({ mode: "production" });

  it("fuzzes every configured adapter scheme", () => {
    expect(Object.values(SCHEME).sort()).toEqual([...SIMULATED_ADAPTERS].sort());
  });

  it(`never answers 5xx and changes no recovery, over ${RUNS} malformed webhooks`, async () => {
    const user = DEMO_USERS.adeleVance;
    const started = await stack().startRecovery({ username: user.userPrincipalName });
    const start = started.body;
    const verifying = await stack().waitForStatus(start, ["verifying_identity"]);
    const sessionId = decodeJwt(new URL(verifying.next!.url).searchParams.get("token")!).RequestId as string;
    const appTables = async () =>
      (await stack().dumpTables())
        .split("\n")
        .filter(
          (l) => l.startsWith(stack().tablePrefix) && !l.startsWith(`${stack().tablePrefix}WebhookInbox`),
        )
        .sort();
    const before = await appTables();
    const statuses = new Map<number, number>();

    await fc.assert(
      fc.asyncProperty(attempt, async (a) => {
        const scheme = Object.hasOwn(SCHEME, a.provider) ? SCHEME[a.provider] : undefined;
        const raw =
          a.result && scheme
            ? providerBody(
                scheme,
                {
                  ...a.result,
                  reasons: [],
                  person: { firstName: "F", lastName: "L" },
                  document: { type: "passport", issuingCountry: "NL" },
                  checks: { liveness: "passed", faceMatch: "passed" },
                },
                a.eventId,
                new Date(),
              )
            : a.body;
        // Never an authentic result for the one real session: that would rightly advance it.
        fc.pre(!(a.signed && raw.includes(sessionId)));
        let headers: Headers;
        try {
          headers = new Headers(
            a.signed && scheme
              ? signedHeaders(scheme, secretOf(a.provider), a.eventId, now(), raw)
              : { "content-type": "application/json", ...a.headers },
          );
        } catch {
          fc.pre(false); // not even sendable over HTTP
          return;
        }
        const res = await fetch(`${stack().url}/api/idv/${encodeURIComponent(a.provider)}/webhook`, {
          method: "POST",
          headers,
          body: raw,
        });
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        expect(res.status, `${a.provider} ${res.status}`).toBeLessThan(500);
      }),
      { numRuns: RUNS },
    );

    // Several outcomes were exercised, not one path over and over: unknown provider, unsigned,
    // authentic but unreadable, oversized, and authentic results for sessions not ours.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 404, 413]));
    expect(await appTables()).toEqual(before);
    const inbox = await stack().rows<{ sessionId: string; delivered: boolean; disposition?: string }>(
      "WebhookInbox",
    );
    expect(inbox.filter((e) => e.sessionId === sessionId)).toEqual([]);
    expect(inbox.every((e) => e.delivered && e.disposition === "unknown_session")).toBe(true);
    expect((await stack().readRecovery(start.recoveryId, start.recoveryToken)).body.status).toBe(
      "verifying_identity",
    );
    expect(stack().logs()).not.toMatch(/internal_error/);
    // Thousands of HTTP round trips on a shared 2-core machine: allow well beyond the default.
  }, 300_000);

  function secretOf(provider: string): string {
    return providerWebhookSecret(stack().secrets, provider);
  }
});
