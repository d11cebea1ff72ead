/**
 * The provider adapters against independently written provider sides: the official
 * `standardwebhooks` library for the generic adapter, and the IDV simulator's own
 * implementation of the assumed AU10TIX / IDEMIA / TrueCredential schemes
 * (dev/simulators/idv/schemes.ts). Per adapter: a valid webhook is accepted and normalized; a
 * forged, stale, tampered or unsigned one is refused; both secrets work during a rotation;
 * every provider status maps to our decision. Also: the configuration that resolves each
 * adapter's defaults and overrides.
 */
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  providerBody,
  type SimulatedAdapter,
  type SimulatedResult,
  type SimulatedStatus,
  signedHeaders,
} from "../../dev/simulators/idv/schemes";
import { loadConfig } from "../../src/config";
import type { IdvAdapter } from "../../src/idv/adapter";
import { signedDeliveryId } from "../../src/idv/hmacWebhooks";
import { createAdapter } from "../../src/idv/registry";
import { type ConfigurationError, InvalidRequestError, UnauthorizedError } from "../../src/recovery/errors";
import { idvFailureCode } from "../../src/recovery/idvOutcome";

const NOW = new Date("2025-06-01T12:00:00.000Z");
const T = Math.floor(NOW.getTime() / 1000);
const ADAPTERS: SimulatedAdapter[] = ["standard-webhooks", "au10tix", "idemia", "truecredential"];
const STATUSES: SimulatedStatus[] = ["approved", "declined", "review", "resubmit", "expired", "error"];

function secretFor(adapter: SimulatedAdapter): string {
  const random = randomBytes(32);
  return adapter === "standard-webhooks"
    ? `whsec_${random.toString("base64")}`
    : random.toString("base64url");
}

function env(providers: unknown[]): Record<string, string> {
  return {
    AzureWebJobsStorage: "UseDevelopmentStorage=true",
    PUBLIC_BASE_URL: "http://localhost:7071",
    TENANT_ID: "00000000-0000-4000-8000-000000000001",
    AZURE_CREDENTIAL: "dev-static",
    DEV_ACCESS_TOKEN: "t",
    VERIFIED_ID_AUTHORITY: "did:web:recovery.contoso.example",
    IDV_PROVIDERS: JSON.stringify(providers),
    POLICY_PROFILES: JSON.stringify({
      profiles: [{ id: "p", displayName: "P", includeGroups: ["g"], providers: { default: "p0" } }],
    }),
  };
}

function provider(adapter: string, extra: Record<string, unknown> = {}) {
  return {
    name: "p0",
    adapter,
    displayName: adapter,
    verificationUrl: "https://idv.example/start",
    acceptedIssuers: ["did:web:idv.example"],
    ...extra,
  };
}

function adapterFor(kind: SimulatedAdapter, extra: Record<string, unknown> = {}): IdvAdapter {
  return createAdapter(loadConfig(env([provider(kind, extra)])).providers.get("p0")!);
}

function result(status: SimulatedStatus, sessionId = "sess-42"): SimulatedResult {
  return {
    sessionId,
    status,
    reasons: status === "approved" ? [] : ["document_expired"],
    person: { firstName: "Ada", lastName: "Lovelace", dateOfBirth: "1815-12-10" },
    document: { type: "passport", issuingCountry: "GB" },
    checks: { liveness: "passed", faceMatch: status === "approved" ? "passed" : "failed" },
  };
}

function thrown(fn: () => unknown): { code?: string; detail?: string } {
  try {
    fn();
  } catch (err) {
    return err as { code?: string; detail?: string };
  }
  throw new Error("did not throw");
}

function signed(
  kind: SimulatedAdapter,
  secret: string,
  status: SimulatedStatus,
  timestamp = T,
  id = "evt_1",
) {
  const body = providerBody(kind, result(status), id, NOW);
  return { body, headers: new Headers(signedHeaders(kind, secret, id, timestamp, body)) };
}

describe.each(ADAPTERS)("the %s adapter", (kind) => {
  const secret = secretFor(kind);
  const adapter = adapterFor(kind);

  it("accepts a correctly signed webhook and normalizes its result", () => {
    const { body, headers } = signed(kind, secret, "approved");
    expect(() => adapter.authenticateWebhook(headers, body, [secret], NOW)).not.toThrow();
    expect(adapter.parseWebhook(headers, body)).toEqual({
      // IDEMIA's assumed event id travels in a header the signature does not cover: the key is the body's digest.
      eventId: kind === "idemia" ? signedDeliveryId(body) : "evt_1",
      result: {
        sessionId: "sess-42",
        decision: "approved",
        reasons: [],
        person: { firstName: "Ada", lastName: "Lovelace", dateOfBirth: "1815-12-10" },
        document: { type: "passport", issuingCountry: "GB" },
        checks: { liveness: "passed", faceMatch: "passed" },
      },
    });
  });

  it.each(STATUSES)("maps the provider's word for %s to that decision", (status) => {
    const { body, headers } = signed(kind, secret, status);
    adapter.authenticateWebhook(headers, body, [secret], NOW);
    expect(adapter.parseWebhook(headers, body).result.decision).toBe(status);
  });

  it("keys a delivery by what its signature covers: the same signed delivery under a new id is the same event", () => {
    const first = signed(kind, secret, "approved", T, "evt_1");
    const again = new Headers(first.headers);
    for (const name of ["x-idemia-event-id", "webhook-id"])
      if (again.has(name)) again.set(name, "evt_forged_2");
    if (kind === "standard-webhooks") {
      // Its id is signed: a new id breaks the signature.
      expect(() => adapter.authenticateWebhook(again, first.body, [secret], NOW)).toThrow(UnauthorizedError);
      return;
    }
    adapter.authenticateWebhook(again, first.body, [secret], NOW);
    expect(adapter.parseWebhook(again, first.body).eventId).toBe(
      adapter.parseWebhook(first.headers, first.body).eventId,
    );
  });

  it("refuses a webhook signed with another secret (forged)", () => {
    const { body, headers } = signed(kind, secretFor(kind), "approved");
    expect(() => adapter.authenticateWebhook(headers, body, [secret], NOW)).toThrow(UnauthorizedError);
  });

  it("refuses a webhook whose body was changed after signing", () => {
    const { body, headers } = signed(kind, secret, "declined");
    const tampered = body.replace(
      /declined|Declined|NOT_VERIFIED|FAIL/,
      (w) => ({ declined: "approved", Declined: "Approved", NOT_VERIFIED: "VERIFIED", FAIL: "PASS" })[w]!,
    );
    expect(tampered).not.toBe(body);
    expect(() => adapter.authenticateWebhook(headers, tampered, [secret], NOW)).toThrow(UnauthorizedError);
  });

  it("refuses a stale or future timestamp, even correctly signed", () => {
    for (const timestamp of [T - 301, T + 301]) {
      const { body, headers } = signed(kind, secret, "approved", timestamp);
      expect(thrown(() => adapter.authenticateWebhook(headers, body, [secret], NOW))).toMatchObject({
        code: "invalid_signature",
        detail: expect.stringMatching(/tolerance/),
      });
    }
    const edge = signed(kind, secret, "approved", T - 300);
    expect(() => adapter.authenticateWebhook(edge.headers, edge.body, [secret], NOW)).not.toThrow();
  });

  it("refuses a webhook without its signature headers", () => {
    const { body } = signed(kind, secret, "approved");
    const bare = new Headers({ "content-type": "application/json" });
    expect(() => adapter.authenticateWebhook(bare, body, [secret], NOW)).toThrow(UnauthorizedError);
  });

  it("accepts the current and the previous secret during a rotation, and only those", () => {
    const previous = secretFor(kind);
    const current = secretFor(kind);
    const old = signed(kind, previous, "approved");
    const fresh = signed(kind, current, "approved");
    expect(() => adapter.authenticateWebhook(old.headers, old.body, [current, previous], NOW)).not.toThrow();
    expect(() =>
      adapter.authenticateWebhook(fresh.headers, fresh.body, [current, previous], NOW),
    ).not.toThrow();
    // After the rotation only the new secret is configured.
    expect(() => adapter.authenticateWebhook(old.headers, old.body, [current], NOW)).toThrow(
      UnauthorizedError,
    );
    expect(() => adapter.authenticateWebhook(fresh.headers, fresh.body, [current], NOW)).not.toThrow();
  });

  it("refuses an authentic body it cannot read as a result, with invalid_payload", () => {
    const cases = ["not json", "{}", JSON.stringify({ data: { status: "approved" } }), "[]", "null"];
    for (const body of cases) {
      const headers = new Headers(signedHeaders(kind, secret, "evt_2", T, body));
      adapter.authenticateWebhook(headers, body, [secret], NOW);
      expect(() => adapter.parseWebhook(headers, body)).toThrow(InvalidRequestError);
    }
  });

  it("refuses a session or event id that could not be a storage key", () => {
    const body = providerBody(kind, result("approved", "a/b#c"), "evt_3", NOW);
    const headers = new Headers(signedHeaders(kind, secret, "evt_3", T, body));
    expect(thrown(() => adapter.parseWebhook(headers, body))).toMatchObject({
      code: "invalid_payload",
      detail: expect.stringMatching(/malformed/),
    });
  });

  it("hands the user off with our token and uses our RequestId as the session id", async () => {
    const started = await adapter.startVerification({
      requestId: "req-1",
      handoffToken: "eyJ.a.b",
      expiresAt: NOW,
    });
    expect(started).toEqual({
      sessionId: "req-1",
      url: "https://idv.example/start?token=eyJ.a.b",
      expiresAt: NOW.toISOString(),
    });
  });
});

describe("the standard-webhooks adapter and the official library", () => {
  it("verifies what the standardwebhooks library signs, and the library verifies the simulator's signature", () => {
    const secret = `whsec_${randomBytes(24).toString("base64")}`;
    const adapter = adapterFor("standard-webhooks");
    const body = providerBody("standard-webhooks", result("approved"), "msg_abc", NOW);
    const signature = new Webhook(secret).sign("msg_abc", NOW, body);
    const headers = new Headers({
      "webhook-id": "msg_abc",
      "webhook-timestamp": String(T),
      "webhook-signature": signature,
    });
    expect(() => adapter.authenticateWebhook(headers, body, [secret], NOW)).not.toThrow();
    // Several signatures (the provider's rotation): any valid one suffices.
    headers.set("webhook-signature", `v1,${Buffer.alloc(32).toString("base64")} ${signature}`);
    expect(() => adapter.authenticateWebhook(headers, body, [secret], NOW)).not.toThrow();
  });
});

describe("IDV_PROVIDERS for the named adapters", () => {
  it("resolves each named provider's published manifest URI and its webhook defaults", () => {
    const config = loadConfig(
      env([
        provider("au10tix", { name: "p0" }),
        provider("idemia", { name: "p1" }),
        provider("truecredential", { name: "p2" }),
        provider("standard-webhooks", { name: "p3" }),
      ]),
    );
    const uri = (n: string) => config.providers.get(n)!.manifestUri;
    expect(uri("p0")).toMatch(
      /7e3c5dae-db64-4f71-8eed-e9608f62da12\/.+\/370f04a8-c259-5ef7-b61a-a4302ddb2a78\/manifest$/,
    );
    expect(uri("p1")).toMatch(
      /927eef35-435d-482f-be37-477c1a5164d4\/.+\/07b489b6-b20d-55af-2b38-62a7562ccde9\/manifest$/,
    );
    expect(uri("p2")).toMatch(
      /1dd3b364-3147-4083-96ac-e66b1e1f7b5f\/.+\/ac0bf718-61fe-2d72-f7ef-3131699bc9ed\/manifest$/,
    );
    expect(uri("p3")).toBeUndefined();
    expect(config.providers.get("p0")!.webhook?.signatureHeader).toBe("x-au10tix-signature");
    expect(config.providers.get("p3")!.webhook).toBeUndefined();
  });

  it("lets a deployment override the assumed scheme and mapping, merged over the defaults", () => {
    const secret = "s3cret";
    const adapter = adapterFor("idemia", {
      manifestUri: "https://verifiedid.example/manifest",
      webhook: {
        signatureHeader: "X-Signature",
        encoding: "hex",
        fields: { status: "result.outcome" },
        statuses: { OK: "approved", KO: "declined" },
      },
    });
    expect(adapter.manifestUri).toBe("https://verifiedid.example/manifest");
    const body = JSON.stringify({ sessionId: "s-1", result: { outcome: "ok" } });
    const headers = new Headers({
      // The simulator's idemia scheme, with the header renamed and hex encoding.
      "x-signature": signedHeaders("truecredential", secret, "e", T, body)[
        "x-truecredential-signature"
      ]!.slice(7),
      "x-idemia-timestamp": String(T),
      "x-idemia-event-id": "evt-9",
    });
    adapter.authenticateWebhook(headers, body, [secret], NOW);
    expect(adapter.parseWebhook(headers, body)).toMatchObject({
      eventId: signedDeliveryId(body),
      result: { sessionId: "s-1", decision: "approved" },
    });
  });

  it("names the bad part of an override, and refuses one on the standard-webhooks adapter", () => {
    const bad = (extra: Record<string, unknown>, kind = "au10tix") => {
      try {
        loadConfig(env([provider(kind, extra)]));
      } catch (err) {
        return err as ConfigurationError;
      }
      throw new Error("no error");
    };
    expect(bad({ webhook: { encoding: "rot13" } }).message).toMatch(
      /IDV_PROVIDERS.*\[0\]\.webhook\.encoding/,
    );
    expect(bad({ webhook: { statuses: { OK: "maybe" } } }).message).toMatch(/webhook\.statuses\.OK/);
    expect(bad({ webhook: { signatureFormat: "plain" } }).message).toMatch(/timestampHeader/);
    expect(bad({ webhook: { fields: { status: "a..b" } } }).message).toMatch(/fields\.status/);
    expect(bad({ webhook: { encoding: "hex" } }, "standard-webhooks").message).toMatch(/\[0\]\.webhook/);
  });
});

describe("how a settled verification ends a recovery", () => {
  it("gives each non-approving decision its own stable failure code", () => {
    expect(idvFailureCode("declined")).toBe("idv_declined");
    expect(idvFailureCode("expired")).toBe("idv_expired");
    expect(idvFailureCode("error")).toBe("idv_provider_error");
  });
});
