/**
 * IDV simulator: a tiny in-test server plays "our app" (publishes a JWKS, receives
 * webhooks); hand-off JWTs are signed here with jose; webhook signatures are checked with
 * node:crypto independently of the simulator's own signing code.
 */
import { createHmac, type KeyObject, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import { exportJWK, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { close, listen, readBody, sendJson } from "../../dev/simulators/http";
import { type IdvSimulator, type IdvWebhookBody, startIdvSimulator } from "../../dev/simulators/idv";
import { Wallet } from "../../dev/simulators/wallet";
import { keyPair } from "../../dev/support/keyPairs";

const SECRET = `whsec_${randomBytes(24).toString("base64")}`;
const ISSUER_DID = "did:web:demo-idv.example.com";
const AUDIENCE = "demo-idv";

type PrivateKey = KeyObject;

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

/** Independent Standard Webhooks check (docs/facts.md §9). */
function validSignature(r: Received): boolean {
  const id = String(r.headers["webhook-id"]);
  const ts = String(r.headers["webhook-timestamp"]);
  const key = Buffer.from(SECRET.slice("whsec_".length), "base64");
  const expected = Buffer.from(createHmac("sha256", key).update(`${id}.${ts}.${r.body}`).digest("base64"));
  return String(r.headers["webhook-signature"])
    .split(" ")
    .some((sig) => {
      const [version, value] = sig.split(",");
      const given = Buffer.from(value ?? "");
      return version === "v1" && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

describe("IDV simulator", () => {
  const received: Received[] = [];
  let failNextWebhooks = 0;
  let appUrl = "";
  let app: ReturnType<typeof createServer>;
  let key: PrivateKey;
  let otherKey: PrivateKey;
  let jwk: JWK;
  let idv: IdvSimulator;
  const wallet = new Wallet();

  beforeAll(async () => {
    const pair = keyPair("P-256");
    key = pair.privateKey;
    jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "ES256", use: "sig" };
    otherKey = keyPair("P-256").privateKey;
    app = createServer((req, res) => {
      void (async () => {
        if (req.url === "/.well-known/jwks.json") return sendJson(res, 200, { keys: [jwk] });
        const body = await readBody(req);
        received.push({ headers: req.headers, body });
        if (failNextWebhooks > 0) {
          failNextWebhooks--;
          return sendJson(res, 503, { error: "busy" });
        }
        sendJson(res, 202, { accepted: true });
      })();
    });
    appUrl = await listen(app);
    idv = await startIdvSimulator({
      providerName: "demo-idv",
      webhookUrl: `${appUrl}/api/idv/demo-idv/webhook`,
      webhookSecret: SECRET,
      jwksUrl: `${appUrl}/.well-known/jwks.json`,
      expectedAudience: AUDIENCE,
      wallet,
      issuerDid: ISSUER_DID,
      retryDelaysMs: [20, 20, 20],
    });
  });
  afterAll(async () => {
    await idv.stop();
    await close(app);
  });
  beforeEach(() => {
    received.length = 0;
    failNextWebhooks = 0;
  });

  const handOff = (
    requestId: string,
    opts: { exp?: number | string; signWith?: PrivateKey; aud?: string; kid?: string } = {},
  ) =>
    new SignJWT({
      OrgId: "contoso-tenant",
      RequestId: requestId,
      redirectUrl: `${appUrl}/return?r=${requestId}`,
    })
      .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: opts.kid ?? "k1" })
      .setIssuer("https://recovery.contoso.example")
      .setAudience(opts.aud ?? AUDIENCE)
      .setJti(randomBytes(8).toString("hex"))
      .setExpirationTime(opts.exp ?? "10m")
      .sign(opts.signWith ?? key);

  const complete = (body: Record<string, unknown>, json = true) =>
    fetch(`${idv.url}/verify/complete`, {
      method: "POST",
      redirect: "manual",
      headers: json
        ? { "content-type": "application/json", accept: "application/json" }
        : { "content-type": "application/x-www-form-urlencoded" },
      body: json ? JSON.stringify(body) : new URLSearchParams(body as Record<string, string>).toString(),
    });

  it("renders the verification page for a valid token, escaping prefilled values", async () => {
    const token = await handOff("req-page");
    const res = await fetch(`${idv.url}/verify?token=${token}&firstName=${encodeURIComponent("<b>Ada</b>")}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("Demo ID verification");
    expect(html).toContain("req-page");
    expect(html).toContain('value="&lt;b&gt;Ada&lt;/b&gt;"');
    expect(html).not.toContain("<b>Ada</b>");
    expect(html).toContain('action="/verify/complete"');
    expect(html).toMatch(/name="decision" value="approved"/);
    expect(idv.sessions).toContain("req-page");
  });

  it("rejects expired, wrongly signed and wrong-audience tokens with a reason, never a stack", async () => {
    const expired = await handOff("req-expired", { exp: Math.floor(Date.now() / 1000) - 60 });
    const res1 = await fetch(`${idv.url}/verify?token=${expired}`);
    expect(res1.status).toBe(410);
    expect(await res1.text()).toContain("expired");

    const forged = await handOff("req-forged", { signWith: otherKey });
    const res2 = await fetch(`${idv.url}/verify?token=${forged}`);
    expect(res2.status).toBe(400);
    const html = await res2.text();
    expect(html).toContain("not valid");
    expect(html).not.toMatch(/at .+\.(ts|js):\d+/);

    const wrongAud = await handOff("req-aud", { aud: "someone-else" });
    expect((await fetch(`${idv.url}/verify?token=${wrongAud}`)).status).toBe(400);
    expect((await fetch(`${idv.url}/verify?token=garbage`)).status).toBe(400);
    expect((await fetch(`${idv.url}/verify`)).status).toBe(400);
    expect(idv.sessions).not.toContain("req-forged");
  });

  it("approve: credential in the wallet, signed webhook, 303 to redirectUrl; second completion 409", async () => {
    const token = await handOff("req-approve");
    const res = await complete(
      { token, decision: "approved", firstName: "Ada", lastName: "Lovelace", dateOfBirth: "1815-12-10" },
      false,
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`${appUrl}/return?r=req-approve`);

    expect(received).toHaveLength(1);
    const hook = received[0]!;
    expect(hook.headers["content-type"]).toBe("application/json");
    expect(String(hook.headers["webhook-id"])).toMatch(/^msg_/);
    expect(String(hook.headers["webhook-timestamp"])).toMatch(/^\d+$/);
    expect(validSignature(hook)).toBe(true);
    const body = JSON.parse(hook.body) as IdvWebhookBody;
    expect(body).toEqual({
      type: "verification.completed",
      timestamp: expect.any(String),
      data: {
        sessionId: "req-approve",
        status: "approved",
        reasons: [],
        person: { firstName: "Ada", lastName: "Lovelace", dateOfBirth: "1815-12-10" },
        document: { type: "passport", issuingCountry: "NL" },
        checks: { liveness: "passed", faceMatch: "passed" },
      },
    });

    const credential = wallet.latest();
    expect(credential).toMatchObject({
      type: "VerifiedIdentity",
      issuer: ISSUER_DID,
      claims: { firstName: "Ada", lastName: "Lovelace", dateOfBirth: "1815-12-10", documentType: "passport" },
    });
    const years =
      new Date(credential!.expirationDate).getUTCFullYear() -
      new Date(credential!.issuanceDate).getUTCFullYear();
    expect(years).toBe(1);

    const again = await complete({ token, decision: "approved", firstName: "Ada", lastName: "Lovelace" });
    expect(again.status).toBe(409);
    expect((await fetch(`${idv.url}/verify?token=${token}`)).status).toBe(410);
    expect(received).toHaveLength(1);
  });

  it("decline: webhook says declined with a reason, no credential issued", async () => {
    const before = wallet.all().length;
    const token = await handOff("req-decline");
    const res = await complete({ token, decision: "declined", declineReason: "liveness_failed" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ redirectUrl: `${appUrl}/return?r=req-decline`, webhookStatus: 202 });
    const body = JSON.parse(received[0]!.body) as IdvWebhookBody;
    expect(body.data).toMatchObject({
      sessionId: "req-decline",
      status: "declined",
      reasons: ["liveness_failed"],
      checks: { liveness: "failed", faceMatch: "passed" },
    });
    expect(wallet.all()).toHaveLength(before);
  });

  it("retries a failed delivery with the same webhook-id, and redeliver duplicates it", async () => {
    failNextWebhooks = 2;
    const token = await handOff("req-retry");
    const res = await complete({ token, decision: "approved", firstName: "Grace", lastName: "Hopper" });
    expect(await res.json()).toMatchObject({ webhookStatus: 503 });
    await idv.settled();
    expect(received.map((r) => r.headers["webhook-id"])).toEqual(
      Array(3).fill(received[0]!.headers["webhook-id"]),
    );
    const attempts = idv.deliveries.filter((d) => d.id === received[0]!.headers["webhook-id"]);
    expect(attempts.map((d) => [d.kind, d.status])).toEqual([
      ["initial", 503],
      ["retry", 503],
      ["retry", 202],
    ]);
    expect(received.every(validSignature)).toBe(true);

    const index = idv.deliveries.indexOf(attempts[0]!);
    const dup = await idv.redeliver(index);
    expect(dup).toMatchObject({
      id: attempts[0]!.id,
      body: attempts[0]!.body,
      kind: "redelivery",
      status: 202,
    });
    const last = received.at(-1)!;
    expect(last.headers["webhook-id"]).toBe(attempts[0]!.id);
    expect(last.body).toBe(attempts[0]!.body);
    expect(validSignature(last)).toBe(true);
  });

  it("sendWebhook can forge a wrongly signed or stale message", async () => {
    const stale = Math.floor(Date.now() / 1000) - 3600;
    await idv.sendWebhook({ body: '{"type":"verification.completed"}', timestamp: stale });
    await idv.sendWebhook({ body: "{}", secret: `whsec_${randomBytes(24).toString("base64")}` });
    expect(received[0]!.headers["webhook-timestamp"]).toBe(String(stale));
    expect(validSignature(received[0]!)).toBe(true);
    expect(validSignature(received[1]!)).toBe(false);
  });
});
