/**
 * The claim-validation callout client against a real HTTP endpoint standing in for an HR
 * system: Entra's request shape, the verdicts, and fail-closed behaviour on every kind of error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type CalloutRequest, validateClaims } from "../../src/claimValidation/callout";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let url: string;
let handlers: Handler[];
let received: { headers: IncomingMessage["headers"]; body: unknown }[];

const answer =
  (status: number, body: unknown): Handler =>
  (_req, res) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
const verdict = (type: string, extra: object = {}) => ({
  data: {
    "@odata.type": "microsoft.graph.onVerifiedIdClaimValidationResponseData",
    actions: [{ "@odata.type": `microsoft.graph.verifiedIdClaimValidation.${type}`, ...extra }],
  },
});
const hang: Handler = () => {}; // never answers: the client's timeout must end it

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => {
      body += c.toString();
    });
    req.on("end", () => {
      received.push({ headers: req.headers, body: JSON.parse(body) });
      const handler = handlers.shift() ?? answer(500, {});
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/validate`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  handlers = [];
  received = [];
});

const REQUEST: CalloutRequest = {
  tenantId: "00000000-0000-4000-8000-000000000001",
  userId: "user-1",
  userPrincipalName: "ida@contoso.example",
  employeeId: "100101",
  claims: { firstName: "Ida", lastName: "Pass", dateOfBirth: "1990-04-12" },
};
/** A generous timeout where the endpoint answers (a loaded machine must not turn it into a retry); a short one where it hangs. */
const settings = (timeoutMs = 5_000) => ({ url, timeoutMs, maxRetries: 1 });

describe("validateClaims", () => {
  it("sends Entra's onVerifiedIdClaimValidation request and accepts a pass", async () => {
    handlers.push(answer(200, verdict("pass")));
    expect(await validateClaims(settings(), REQUEST, "hr-key")).toEqual({ pass: true, attempts: 1 });
    expect(received[0]?.headers["api-key"]).toBe("hr-key");
    expect(received[0]?.body).toEqual({
      type: "microsoft.graph.authenticationEvent.verifiedIdClaimValidation",
      data: {
        "@odata.type": "microsoft.graph.onVerifiedIdClaimValidationCalloutData",
        tenantId: REQUEST.tenantId,
        verifiedIdClaimsContext: {
          identities: [{ userId: "user-1", userPrincipalName: "ida@contoso.example" }],
          additionalInfo: { employeeId: "100101" },
          claims: REQUEST.claims,
        },
      },
    });
  });

  it("reports a failed verdict with the claims it names", async () => {
    handlers.push(answer(200, verdict("failed", { failedClaims: ["dateOfBirth"] })));
    expect(await validateClaims(settings(), REQUEST)).toEqual({
      pass: false,
      reason: "failed",
      failedClaims: ["dateOfBirth"],
      attempts: 1,
    });
  });

  it("retries a 503 and a timeout, then takes the answer", async () => {
    handlers.push(answer(503, {}), answer(200, verdict("pass")));
    expect(await validateClaims(settings(), REQUEST)).toEqual({ pass: true, attempts: 2 });
    handlers.push(hang, answer(200, verdict("pass")));
    expect(await validateClaims(settings(1_000), REQUEST)).toEqual({ pass: true, attempts: 2 });
  });

  it("fails closed when every attempt times out", async () => {
    handlers.push(hang, hang);
    expect(await validateClaims(settings(300), REQUEST)).toEqual({
      pass: false,
      reason: "error",
      error: "timeout",
      attempts: 2,
    });
  });

  it("fails closed on a refused connection", async () => {
    const closed = { url: "http://127.0.0.1:9/validate", timeoutMs: 300, maxRetries: 0 };
    expect(await validateClaims(closed, REQUEST)).toMatchObject({
      pass: false,
      reason: "error",
      error: "network",
    });
  });

  it.each([
    ["a 401", answer(401, {})],
    ["a body without a verdict", answer(200, { data: { actions: [] } })],
    ["an unknown action", answer(200, verdict("maybe"))],
    [
      "two actions",
      answer(200, { data: { actions: [verdict("pass").data.actions[0], verdict("pass").data.actions[0]] } }),
    ],
    [
      "a body that is not JSON",
      ((_req, res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end("pass");
      }) as Handler,
    ],
  ])("fails closed on %s, without retrying", async (_what, handler) => {
    handlers.push(handler);
    const result = await validateClaims(settings(), REQUEST);
    expect(result).toMatchObject({ pass: false, reason: "error", attempts: 1 });
    expect(received).toHaveLength(1);
  });
});
