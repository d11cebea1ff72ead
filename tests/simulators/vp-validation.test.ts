/**
 * Self-validation of receipts (src/verified-id/vpValidation.ts) against real signed credentials:
 * the Verified ID simulator issues them with ES256 and ES256K issuer keys, serves the issuers'
 * did:web documents and status lists over http on loopback, and the wallet's did:jwk holder
 * signs the VP. Every rejection reason is produced by the simulator, not by a hand-made token.
 */
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { close, listen, sendJson } from "../../dev/simulators/http";
import {
  type PresentOverrides,
  requestNonce,
  startVerifiedIdSimulator,
  type VerifiedIdSimulator,
} from "../../dev/simulators/verified-id";
import { Wallet } from "../../dev/simulators/wallet";
import { DidResolver, didWebUrl } from "../../src/verified-id/didWeb";
import {
  presentationNonce,
  type VpExpectations,
  validatePresentation,
} from "../../src/verified-id/vpValidation";

const TOKEN = "vid-test-token";
const VERIFIER = "did:web:recovery.contoso.example";

describe("self-validation of a receipt's VP and VC", () => {
  let app: ReturnType<typeof createServer>;
  let appUrl = "";
  let vid: VerifiedIdSimulator;
  let resolver: DidResolver;
  let state = 0;
  const wallet = new Wallet();

  beforeAll(async () => {
    app = createServer((_req, res) => sendJson(res, 200, {}));
    appUrl = await listen(app);
    vid = await startVerifiedIdSimulator({ acceptedToken: TOKEN, wallet });
    resolver = new DidResolver({ allowHttpLoopback: true });
    wallet.issue({
      id: "urn:uuid:1",
      type: "VerifiedIdentity",
      issuer: "did:web:idv.demo.example",
      claims: { firstName: "Ada", lastName: "Lovelace", portrait: "cG9ydHJhaXQ=" },
      issuanceDate: new Date(Date.now() - 86_400_000).toISOString(),
      expirationDate: new Date(Date.now() + 365 * 86_400_000).toISOString(),
    });
  });
  afterAll(async () => {
    await vid.stop();
    await close(app);
  });

  /** A request without Face Check asking for the receipt, as the app makes it. */
  async function newRequest(): Promise<{ requestId: string; state: string }> {
    const s = `state-${++state}-${Date.now()}`;
    const res = await fetch(`${vid.url}/v1.0/verifiableCredentials/createPresentationRequest`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({
        authority: VERIFIER,
        includeQRCode: false,
        includeReceipt: true,
        registration: { clientName: "Contoso" },
        callback: { url: `${appUrl}/cb`, state: s, headers: { "api-key": "k" } },
        requestedCredentials: [
          {
            type: "VerifiedIdentity",
            acceptedIssuers: [vid.issuerDids.es256, vid.issuerDids.es256k],
            configuration: { validation: { allowRevoked: false, validateLinkedDomain: true } },
          },
        ],
      }),
    });
    expect(res.status).toBe(201);
    return { requestId: ((await res.json()) as { requestId: string }).requestId, state: s };
  }

  function expectations(s: string): VpExpectations {
    return {
      verifierDid: VERIFIER,
      nonce: presentationNonce(s),
      acceptedIssuers: [vid.issuerDids.es256, vid.issuerDids.es256k],
      requiredType: "VerifiedIdentity",
      now: new Date(),
    };
  }

  async function presentAndValidate(overrides: PresentOverrides = {}) {
    const { requestId, state: s } = await newRequest();
    const callback = await vid.present(requestId, overrides);
    const vpToken = callback.body.receipt?.vp_token;
    expect(vpToken).toBeTypeOf("string");
    return { verdict: await validatePresentation(vpToken!, expectations(s), resolver), vpToken: vpToken! };
  }

  it("the simulator and the app derive the same request nonce", () => {
    expect(requestNonce("abc")).toBe(presentationNonce("abc"));
    expect(presentationNonce("abc")).not.toBe(presentationNonce("abd"));
  });

  it.each(["es256", "es256k"] as const)(
    "accepts a credential signed with %s, without the portrait",
    async (signer) => {
      const { verdict } = await presentAndValidate({ signer });
      expect(verdict).toMatchObject({
        ok: true,
        issuer: vid.issuerDids[signer],
        holder: vid.holderDid,
        claims: { firstName: "Ada", lastName: "Lovelace" },
      });
      expect(JSON.stringify(verdict)).not.toContain("portrait");
    },
  );

  it("resolves the simulator's issuer DID where did:web says it lives", () => {
    const url = didWebUrl(vid.issuerDids.es256, true);
    expect(url.toString()).toBe(`http://localhost:${new URL(vid.url).port}/issuers/es256/did.json`);
    // Without the loopback opt-in, a did:web naming localhost is refused before any fetch.
    expect(() => didWebUrl(vid.issuerDids.es256, false)).toThrow(
      expect.objectContaining({ reason: "did_web_host_invalid" }),
    );
  });

  // One row per rejection reason: what the simulator does, the code, the stable reason.
  it.each<[string, PresentOverrides, string, string]>([
    [
      "a tampered VP signature",
      { receipt: { tamper: "vp_signature" } },
      "presentation_rejected",
      "vp_signature_invalid",
    ],
    [
      "a swapped VC payload",
      { receipt: { tamper: "vc_payload_swap" } },
      "credential_invalid",
      "vc_signature_invalid",
    ],
    ["alg none", { receipt: { tamper: "alg_none" } }, "presentation_rejected", "vp_algorithm_not_allowed"],
    [
      "an unlisted algorithm",
      { receipt: { tamper: "unlisted_alg" } },
      "presentation_rejected",
      "vp_algorithm_not_allowed",
    ],
    [
      "an embedded jwk header",
      { receipt: { tamper: "embedded_jwk" } },
      "credential_invalid",
      "vc_embedded_key",
    ],
    [
      "a key from another DID",
      { receipt: { tamper: "foreign_kid" } },
      "credential_invalid",
      "vc_kid_foreign",
    ],
    ["a wrong nonce", { receipt: { nonce: "not-our-nonce" } }, "presentation_rejected", "vp_nonce_mismatch"],
    [
      "another audience",
      { receipt: { audience: "did:web:elsewhere.example" } },
      "presentation_rejected",
      "vp_audience_mismatch",
    ],
    ["an issuer not accepted", { signer: "rogue" }, "credential_invalid", "vc_issuer_not_accepted"],
    ["a wrong credential type", { type: "VerifiedEmployee" }, "credential_invalid", "vc_type_missing"],
    ["an expired credential", { expired: true }, "credential_expired", "vc_expired"],
    [
      "a revoked credential (status list bit)",
      { revocationStatus: "REVOKED" },
      "credential_revoked",
      "vc_revoked",
    ],
    ["a status-list-only revocation", { revokedInStatusList: true }, "credential_revoked", "vc_revoked"],
    ["a missing lastName claim", { omitClaims: ["lastName"] }, "credential_invalid", "vc_claims_missing"],
  ])("refuses %s", async (_name, overrides, code, reason) => {
    const { verdict } = await presentAndValidate(overrides);
    expect(verdict).toMatchObject({ ok: false, code, reason });
  });

  it("refuses a VP replayed into another request (its nonce belongs to the first)", async () => {
    const first = await presentAndValidate();
    expect(first.verdict.ok).toBe(true);
    const { verdict } = await presentAndValidate({ receipt: { vpToken: first.vpToken } });
    expect(verdict).toMatchObject({ ok: false, code: "presentation_rejected", reason: "vp_nonce_mismatch" });
  });

  it("refuses a VP that is too old or from the future", async () => {
    const { requestId, state: s } = await newRequest();
    const vpToken = (await vid.present(requestId)).body.receipt!.vp_token;
    const late = { ...expectations(s), now: new Date(Date.now() + 11 * 60_000) };
    expect(await validatePresentation(vpToken, late, resolver)).toMatchObject({
      ok: false,
      reason: "vp_too_old",
    });
    const early = { ...expectations(s), now: new Date(Date.now() - 5 * 60_000) };
    expect(await validatePresentation(vpToken, early, resolver)).toMatchObject({
      ok: false,
      reason: "vp_issued_in_future",
    });
  });

  it("does not resolve the DID of an issuer it would not accept", async () => {
    const counting = new DidResolver({ allowHttpLoopback: true });
    const resolve = counting.resolve.bind(counting);
    const asked: string[] = [];
    counting.resolve = (did: string) => {
      asked.push(did);
      return resolve(did);
    };
    const { requestId, state: s } = await newRequest();
    const vpToken = (await vid.present(requestId, { signer: "rogue" })).body.receipt!.vp_token;
    await validatePresentation(vpToken, expectations(s), counting);
    expect(asked.some((d) => d.startsWith("did:web:"))).toBe(false);
  });

  it("without loopback http allowed, the simulator's did:web (localhost) is refused unresolved", async () => {
    const strict = new DidResolver({ timeoutMs: 2_000 });
    const { requestId, state: s } = await newRequest();
    const vpToken = (await vid.present(requestId)).body.receipt!.vp_token;
    expect(await validatePresentation(vpToken, expectations(s), strict)).toMatchObject({
      ok: false,
      code: "credential_invalid",
      reason: "vc_did_web_host_invalid",
    });
  });
});
