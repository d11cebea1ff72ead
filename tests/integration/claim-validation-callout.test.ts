/**
 * The claim-validation callout client against a real HTTP endpoint standing in for an HR
 * system: Entra's request shape, the verdicts, and fail-closed behaviour on every kind of error.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type EntraSimulator, startEntraSimulator } from "../../dev/simulators/entra";
import { type CalloutRequest, MAX_ANSWER_BYTES, validateClaims } from "../../src/claimValidation/callout";
import { EnvSecretProvider } from "../../src/secrets";

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let url: string;
let handlers: Handler[];
let received: { path: string | undefined; headers: IncomingMessage["headers"]; body: unknown }[];

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
      received.push({ path: req.url, headers: req.headers, body: JSON.parse(body) });
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
/** The app's secrets as a local run has them: the callout's own key and the keys it must never send. */
const SECRETS = new EnvSecretProvider({
  SECRET_CLAIM_VALIDATION_HR: "hr-key",
  SECRET_TAP_HANDOFF_KEY: "the-tap-handoff-key",
  SECRET_IDV_HANDOFF_SIGNING_KEY: "the-signing-key",
  SECRET_IDV_DEMO_IDV_WEBHOOK_SECRET: "the-webhook-secret",
});
/** A development deployment (loopback http allowed): the test's listener is http on 127.0.0.1. */
const DEV = { secrets: SECRETS, allowHttpLoopback: true };

describe("validateClaims", () => {
  it("sends Entra's onVerifiedIdClaimValidation request and accepts a pass", async () => {
    handlers.push(answer(200, verdict("pass")));
    expect(
      await validateClaims({ ...settings(), apiKeySecret: "claim-validation-hr" }, REQUEST, DEV),
    ).toEqual({ pass: true, attempts: 1 });
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
    expect(await validateClaims(settings(), REQUEST, DEV)).toEqual({
      pass: false,
      reason: "failed",
      failedClaims: ["dateOfBirth"],
      attempts: 1,
    });
  });

  it("retries a 503 and a timeout, then takes the answer", async () => {
    handlers.push(answer(503, {}), answer(200, verdict("pass")));
    expect(await validateClaims(settings(), REQUEST, DEV)).toEqual({ pass: true, attempts: 2 });
    handlers.push(hang, answer(200, verdict("pass")));
    expect(await validateClaims(settings(1_000), REQUEST, DEV)).toEqual({ pass: true, attempts: 2 });
  });

  it("fails closed when every attempt times out", async () => {
    handlers.push(hang, hang);
    expect(await validateClaims(settings(300), REQUEST, DEV)).toEqual({
      pass: false,
      reason: "error",
      error: "timeout",
      attempts: 2,
    });
  });

  it("fails closed on a refused connection", async () => {
    const closed = { url: "http://127.0.0.1:9/validate", timeoutMs: 300, maxRetries: 0 };
    expect(await validateClaims(closed, REQUEST, DEV)).toMatchObject({
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
    const result = await validateClaims(settings(), REQUEST, DEV);
    expect(result).toMatchObject({ pass: false, reason: "error", attempts: 1 });
    expect(received).toHaveLength(1);
  });
});

describe("an endpoint an admin chose is not trusted with the app's secrets or the person's data", () => {
  it.each([
    "tap-handoff-key",
    "idv-handoff-signing-key",
    "idv-demo-idv-webhook-secret",
    "claim-validation",
    "Claim-Validation-HR",
    "x-claim-validation-hr",
  ])("a secret outside the callout's namespace (%s) is neither read nor sent", async (apiKeySecret) => {
    handlers.push(answer(200, verdict("pass")));
    const result = await validateClaims({ ...settings(), apiKeySecret }, REQUEST, DEV);
    expect(result).toMatchObject({ pass: false, reason: "error", attempts: 0 });
    expect(received).toHaveLength(0);
  });

  it("a namespaced secret that does not exist fails closed without a call", async () => {
    const result = await validateClaims(
      { ...settings(), apiKeySecret: "claim-validation-missing" },
      REQUEST,
      DEV,
    );
    expect(result).toMatchObject({ pass: false, reason: "error", error: "apiKeySecret missing" });
    expect(received).toHaveLength(0);
  });

  it("plain http is refused outside development, and to any host that is not loopback", async () => {
    handlers.push(answer(200, verdict("pass")), answer(200, verdict("pass")));
    const production = { secrets: SECRETS, allowHttpLoopback: false };
    expect(await validateClaims(settings(), REQUEST, production)).toMatchObject({
      pass: false,
      error: "url refused (http only in a development deployment)",
    });
    const remote = { url: "http://hr.contoso.example/validate", timeoutMs: 300, maxRetries: 0 };
    expect(await validateClaims(remote, REQUEST, DEV)).toMatchObject({
      pass: false,
      error: "url refused (http only to a loopback address)",
    });
    const withCredentials = { ...settings(), url: url.replace("http://", "http://u:p@") };
    expect(await validateClaims(withCredentials, REQUEST, DEV)).toMatchObject({ pass: false });
    expect(received).toHaveLength(0);
  });

  it.each([301, 302, 303, 307, 308])(
    "a %i redirect is not followed: the key goes nowhere else",
    async (status) => {
      handlers.push(
        (_req, res) => {
          res.writeHead(status, { location: "/stolen" });
          res.end();
        },
        answer(200, verdict("pass")),
      );
      const result = await validateClaims(
        { ...settings(), apiKeySecret: "claim-validation-hr" },
        REQUEST,
        DEV,
      );
      expect(result).toEqual({
        pass: false,
        reason: "error",
        error: `redirect refused, status ${status}`,
        attempts: 1,
      });
      expect(received.map((r) => r.path)).toEqual(["/validate"]);
    },
  );

  it.each([
    ["with a Content-Length", true],
    ["streamed without a length", false],
  ])("a huge answer (%s) fails closed, even when it says pass", async (_what, declared) => {
    const huge = JSON.stringify({ ...verdict("pass"), padding: "x".repeat(4 * MAX_ANSWER_BYTES) });
    handlers.push((_req, res) => {
      if (declared) {
        res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(huge) });
        res.end(huge);
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      for (let i = 0; i < huge.length; i += 1024) res.write(huge.slice(i, i + 1024));
      res.end();
    });
    expect(await validateClaims(settings(), REQUEST, DEV)).toEqual({
      pass: false,
      reason: "error",
      error: "answer too large",
      attempts: 1,
    });
  });

  it("sends only the claims the contract names: not the portrait, the address or a provider's extras", async () => {
    handlers.push(answer(200, verdict("pass")));
    const claims = {
      firstName: "Ida",
      lastName: "Pass",
      dateOfBirth: "1990-04-12",
      documentNumber: "X123",
      portrait: "base64-photo",
      homeAddress: "1 Main St",
      fullName: "Ida Pass",
      nationality: "FR",
      documentType: { nested: true },
      documentExpiryDate: "y".repeat(300),
    };
    await validateClaims(settings(), { ...REQUEST, claims }, DEV);
    const body = received[0]?.body as
      | { data?: { verifiedIdClaimsContext?: { claims?: unknown } } }
      | undefined;
    const sent = body?.data?.verifiedIdClaimsContext?.claims;
    expect(sent).toEqual({
      firstName: "Ida",
      lastName: "Pass",
      dateOfBirth: "1990-04-12",
      documentNumber: "X123",
    });
  });
});

/**
 * `auth: {type: "entra", resource}`: the endpoint gets an Entra access token for its own app, as
 * Entra's onVerifiedIdClaimValidation extension calls it. The app's identity is stood in for by
 * a TokenCredential that asks the Entra simulator for a token of the requested scope's resource;
 * the endpoint checks it against the simulator's JWKS as an HR API would.
 */
describe("validateClaims with an Entra access token", () => {
  const RESOURCE = "api://hr-claims.contoso.example";
  let entra: EntraSimulator;
  const scopes: string[] = [];
  const credential = {
    async getToken(scope: string | string[]) {
      const s = Array.isArray(scope) ? scope[0]! : scope;
      scopes.push(s);
      return { token: await entra.mint({ aud: s.replace(/\/\.default$/, "") }), expiresOnTimestamp: 0 };
    },
  };
  beforeAll(async () => {
    entra = await startEntraSimulator({ tenantId: REQUEST.tenantId, audience: "unused" });
  });
  afterAll(async () => {
    await entra.stop();
  });

  it("sends a bearer token whose audience is the configured resource, and no api-key", async () => {
    handlers.push(answer(200, verdict("pass")));
    const auth = { type: "entra" as const, resource: RESOURCE };
    expect(await validateClaims({ ...settings(), auth }, REQUEST, { ...DEV, credential })).toEqual({
      pass: true,
      attempts: 1,
    });
    expect(scopes).toEqual([`${RESOURCE}/.default`]);
    const header = String(received[0]?.headers.authorization ?? "");
    expect(header).toMatch(/^Bearer /);
    const jwks = createRemoteJWKSet(new URL(`${entra.url}/${REQUEST.tenantId}/discovery/v2.0/keys`));
    const { payload } = await jwtVerify(header.slice("Bearer ".length), jwks, { audience: RESOURCE });
    expect(payload.tid).toBe(REQUEST.tenantId);
    expect(received[0]?.headers["api-key"]).toBeUndefined();
  });

  it("fails closed, sending nothing, when no token can be had", async () => {
    const auth = { type: "entra" as const, resource: RESOURCE };
    const failing = {
      getToken: async () => {
        throw new Error("ManagedIdentityCredential: no identity");
      },
    };
    for (const env of [
      { ...DEV, credential: failing },
      { ...DEV, credential: { getToken: async () => null } },
      DEV,
    ]) {
      expect(await validateClaims({ ...settings(), auth }, REQUEST, env)).toEqual({
        pass: false,
        reason: "error",
        error: "entra token unavailable",
        attempts: 0,
      });
    }
    expect(received).toHaveLength(0);
  });
});
