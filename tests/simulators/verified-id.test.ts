/**
 * Verified ID Request Service simulator: create-call validation and error shapes, auth,
 * injected failures, and the wallet side's callbacks (field names as documented, docs/facts.md §6).
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { close, listen, readBody, sendJson } from "../../dev/simulators/http";
import {
  startVerifiedIdSimulator,
  type VerifiedIdCallbackBody,
  type VerifiedIdSimulator,
} from "../../dev/simulators/verified-id";
import { Wallet } from "../../dev/simulators/wallet";

const TOKEN = "vid-test-token";
const API_KEY = "cb-api-key-123";
const ISSUER = "did:web:demo-idv.example.com";

describe("Verified ID simulator", () => {
  const received: Array<{ headers: IncomingHttpHeaders; body: VerifiedIdCallbackBody }> = [];
  let now = new Date("2025-06-01T12:00:00Z");
  let app: ReturnType<typeof createServer>;
  let appUrl = "";
  let vid: VerifiedIdSimulator;
  const wallet = new Wallet();

  beforeAll(async () => {
    app = createServer((req, res) => {
      void (async () => {
        received.push({
          headers: req.headers,
          body: JSON.parse(await readBody(req)) as VerifiedIdCallbackBody,
        });
        sendJson(res, 200, {});
      })();
    });
    appUrl = await listen(app);
    vid = await startVerifiedIdSimulator({ acceptedToken: TOKEN, wallet, clock: () => now });
    wallet.issue({
      id: "urn:uuid:1",
      type: "VerifiedIdentity",
      issuer: ISSUER,
      claims: { firstName: "Ada", lastName: "Lovelace", dateOfBirth: "1815-12-10", portrait: "cG9ydHJhaXQ=" },
      issuanceDate: "2025-05-01T00:00:00.000Z",
      expirationDate: "2026-05-01T00:00:00.000Z",
    });
  });
  afterAll(async () => {
    await vid.stop();
    await close(app);
  });
  beforeEach(() => {
    received.length = 0;
    now = new Date("2025-06-01T12:00:00Z");
  });

  const validBody = () => ({
    authority: "did:web:recovery.contoso.example",
    includeQRCode: true,
    includeReceipt: false,
    registration: { clientName: "Contoso account recovery", purpose: "Prove it is you" },
    callback: {
      url: `${appUrl}/api/verifiedid/callback`,
      state: "state-123",
      headers: { "api-key": API_KEY },
    },
    requestedCredentials: [
      {
        type: "VerifiedIdentity",
        purpose: "Identity",
        acceptedIssuers: [ISSUER],
        configuration: {
          validation: {
            allowRevoked: false,
            validateLinkedDomain: true,
            faceCheck: { sourcePhotoClaimName: "portrait", matchConfidenceThreshold: 80 },
          },
        },
      },
    ],
  });

  const create = (body: unknown, token: string | null = TOKEN) =>
    fetch(`${vid.url}/v1.0/verifiableCredentials/createPresentationRequest`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  const createOk = async (body: unknown = validBody()): Promise<string> => {
    const res = await create(body);
    expect(res.status).toBe(201);
    return ((await res.json()) as { requestId: string }).requestId;
  };

  it("creates a presentation request (201 shape)", async () => {
    const res = await create(validBody());
    expect(res.status).toBe(201);
    const json = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(["expiry", "qrCode", "requestId", "url"]);
    expect(json["requestId"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(json["url"]).toBe(
      `openid-vc://?request_uri=${vid.url}/v1.0/verifiableCredentials/request/${json["requestId"]}`,
    );
    expect(json["expiry"]).toBe(Math.floor(now.getTime() / 1000) + 300);
    expect(json["qrCode"]).toMatch(/^data:image\/svg\+xml;base64,/);
    const rec = vid.requests.find((r) => r.requestId === json["requestId"])!;
    expect(rec.body).toEqual(validBody());
    expect(rec.faceCheck).toEqual({ sourcePhotoClaimName: "portrait", matchConfidenceThreshold: 80 });
  });

  it.each([
    [
      "missing acceptedIssuers",
      (b: ReturnType<typeof validBody>) => {
        delete (b.requestedCredentials[0] as { acceptedIssuers?: string[] }).acceptedIssuers;
      },
      "requestedCredentials[0].acceptedIssuers",
    ],
    [
      "threshold out of range",
      (b: ReturnType<typeof validBody>) => {
        b.requestedCredentials[0]!.configuration.validation.faceCheck.matchConfidenceThreshold = 40;
      },
      "requestedCredentials[0].configuration.validation.faceCheck.matchConfidenceThreshold",
    ],
    [
      "receipt with Face Check",
      (b: ReturnType<typeof validBody>) => {
        b.includeReceipt = true;
      },
      "includeReceipt",
    ],
    [
      "disallowed callback header",
      (b: ReturnType<typeof validBody>) => {
        (b.callback.headers as Record<string, string>)["x-custom"] = "1";
      },
      "callback.headers",
    ],
    [
      "authority not a DID",
      (b: ReturnType<typeof validBody>) => {
        b.authority = "https://contoso.example";
      },
      "authority",
    ],
    [
      "missing clientName",
      (b: ReturnType<typeof validBody>) => {
        b.registration.clientName = "";
      },
      "registration.clientName",
    ],
    [
      "relative callback url",
      (b: ReturnType<typeof validBody>) => {
        b.callback.url = "/api/cb";
      },
      "callback.url",
    ],
    [
      "empty requestedCredentials",
      (b: ReturnType<typeof validBody>) => {
        b.requestedCredentials = [];
      },
      "requestedCredentials",
    ],
  ])("rejects %s with 400 badOrMissingField", async (_name, mutate, target) => {
    const body = validBody();
    mutate(body);
    const res = await create(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as Record<string, unknown>;
    expect(json).toEqual({
      requestId: expect.any(String),
      date: expect.any(String),
      mscv: expect.any(String),
      error: {
        code: "badRequest",
        message: expect.any(String),
        innererror: { code: "badOrMissingField", message: expect.any(String), target },
      },
    });
  });

  it("accepts an empty acceptedIssuers but records a warning", async () => {
    const body = validBody();
    body.requestedCredentials[0]!.acceptedIssuers = [];
    const id = await createOk(body);
    expect(vid.requests.find((r) => r.requestId === id)!.warnings.join()).toMatch(/acceptedIssuers is empty/);
  });

  it("401 without or with a wrong token; failNext answers the next call once", async () => {
    for (const token of [null, "wrong"]) {
      const res = await create(validBody(), token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({
        error: { code: "unauthorized", innererror: { code: "tokenError" } },
      });
    }
    vid.failNext({ status: 429, code: "tooManyRequests", innerCode: "transientError", retryAfterSeconds: 1 });
    const throttled = await create(validBody());
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("retry-after")).toBe("1");
    expect(await throttled.json()).toMatchObject({
      error: { code: "tooManyRequests", innererror: { code: "transientError" } },
    });
    expect((await create(validBody())).status).toBe(201);
  });

  it("scan sends request_retrieved with the api-key header", async () => {
    const id = await createOk();
    const res = await fetch(`${vid.url}/wallet/requests/${id}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Contoso account recovery");
    expect(html).toContain('value="Ada"');
    expect(received).toHaveLength(1);
    expect(received[0]!.headers["api-key"]).toBe(API_KEY);
    expect(received[0]!.headers["content-type"]).toBe("application/json");
    expect(received[0]!.body).toEqual({
      requestId: id,
      requestStatus: "request_retrieved",
      state: "state-123",
    });
    expect(await (await fetch(`${vid.url}/wallet`)).text()).toContain(id);
  });

  it("the wallet's JSON form can leave out name claims and domainValidation; bad options are 400", async () => {
    const id = await createOk();
    const res = await fetch(`${vid.url}/wallet/requests/${id}/present`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ omitClaims: "lastName", noDomainValidation: true }),
    });
    expect(res.status).toBe(200);
    const data = received.at(-1)!.body.verifiedCredentialsData![0]!;
    expect(data.claims.firstName).toBe("Ada");
    expect("lastName" in data.claims).toBe(false);
    expect(data.domainValidation).toBeUndefined();
    for (const bad of [{ omitClaims: "portrait" }, { signer: "rs256" }]) {
      const refused = await fetch(`${vid.url}/wallet/requests/${await createOk()}/present`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(bad),
      });
      expect(refused.status).toBe(400);
    }
  });

  it("present above threshold → presentation_verified with the documented fields", async () => {
    const id = await createOk();
    await vid.scan(id);
    const res = await fetch(`${vid.url}/wallet/requests/${id}/present`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ faceCheckScore: 86.31 }),
    });
    expect(await res.json()).toEqual({ callbackStatus: 200 });
    const cb = received.at(-1)!;
    expect(cb.headers["api-key"]).toBe(API_KEY);
    expect(cb.body).toEqual({
      requestId: id,
      requestStatus: "presentation_verified",
      state: "state-123",
      subject: expect.stringMatching(/^did:jwk:/),
      verifiedCredentialsData: [
        {
          issuer: ISSUER,
          type: ["VerifiableCredential", "VerifiedIdentity"],
          claims: {
            firstName: "Ada",
            lastName: "Lovelace",
            dateOfBirth: "1815-12-10",
            portrait: "cG9ydHJhaXQ=",
          },
          credentialState: { revocationStatus: "VALID" },
          domainValidation: { url: expect.stringMatching(/^https:\/\//) },
          issuanceDate: "2025-05-01T00:00:00.000Z",
          expirationDate: "2026-05-01T00:00:00.000Z",
          faceCheck: { matchConfidenceScore: 86.31, sourcePhotoQuality: "HIGH" },
        },
      ],
    });
    expect("receipt" in cb.body).toBe(false);
    // One answer per request.
    await expect(vid.present(id)).rejects.toMatchObject({ status: 409 });
  });

  it("present below threshold → presentation_error claimValidationError without a score", async () => {
    const id = await createOk();
    const cb = await vid.present(id, { faceCheckScore: 79.9 });
    expect(cb.body).toEqual({
      requestId: id,
      requestStatus: "presentation_error",
      state: "state-123",
      error: { code: "claimValidationError", message: expect.any(String) },
    });
    expect(JSON.stringify(cb.body)).not.toContain("79.9");
  });

  it("passes test levers through and reports decline", async () => {
    const id = await createOk();
    const cb = await vid.present(id, {
      revocationStatus: "REVOKED",
      expired: true,
      issuer: "did:web:evil.example",
    });
    const data = cb.body.verifiedCredentialsData![0]!;
    expect(data.credentialState.revocationStatus).toBe("REVOKED");
    expect(data.issuer).toBe("did:web:evil.example");
    expect(new Date(data.expirationDate).getTime()).toBeLessThan(now.getTime());

    const id2 = await createOk();
    const form = await fetch(`${vid.url}/wallet/requests/${id2}/present`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "action=decline",
    });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain("user_canceled");
    expect(received.at(-1)!.body).toMatchObject({
      requestStatus: "presentation_error",
      error: { code: "user_canceled" },
    });
  });

  it("expired request → 410 (page and JSON); unknown → 404", async () => {
    const id = await createOk();
    now = new Date(now.getTime() + 301_000);
    expect((await fetch(`${vid.url}/wallet/requests/${id}`)).status).toBe(410);
    const res = await fetch(`${vid.url}/wallet/requests/${id}/present`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(410);
    await expect(vid.scan("nope")).rejects.toMatchObject({ status: 404 });
    expect(received).toHaveLength(0);
  });

  it("409 when the wallet holds nothing and nothing is given", async () => {
    const empty = await startVerifiedIdSimulator({ acceptedToken: TOKEN, wallet: new Wallet() });
    try {
      const res = await fetch(`${empty.url}/v1.0/verifiableCredentials/createPresentationRequest`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(validBody()),
      });
      const { requestId } = (await res.json()) as { requestId: string };
      await expect(empty.present(requestId)).rejects.toMatchObject({ status: 409 });
    } finally {
      await empty.stop();
    }
  });
});
