import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { ProviderConfig } from "../../src/config";
import { StandardWebhooksAdapter } from "../../src/idv/standardWebhooks";
import { InvalidRequestError, UnauthorizedError } from "../../src/recovery/errors";

const config: ProviderConfig = {
  name: "demo-idv",
  adapter: "standard-webhooks",
  displayName: "x",
  verificationUrl: "http://127.0.0.1:1/verify",
  acceptedIssuers: ["did:web:a"],
  webhookToleranceSeconds: 300,
};
const adapter = new StandardWebhooksAdapter(config);

const CURRENT = `whsec_${Buffer.from("current-secret-32-bytes-long-xxxx").toString("base64")}`;
const PREVIOUS = `whsec_${Buffer.from("previous-secret-32-bytes-long-yy").toString("base64")}`;
const OTHER = `whsec_${Buffer.from("some-other-secret-not-configured").toString("base64")}`;

const NOW = new Date("2025-06-01T12:00:00.000Z");
const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
const MESSAGE_ID = "msg_2Lh9KjE5pXz";
const BODY = JSON.stringify({
  type: "verification.completed",
  data: { sessionId: "sess-123", status: "approved", reasons: [] },
});

/** Standard Webhooks signature computed here, independently of the adapter. */
function sign(secret: string, id: string, timestamp: number | string, body: string): string {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
}

function headers(signature: string, timestamp: number | string = NOW_SECONDS, id = MESSAGE_ID): Headers {
  return new Headers({
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature,
    "content-type": "application/json",
  });
}

function authenticate(h: Headers, body = BODY, secrets: readonly string[] = [CURRENT], now = NOW): void {
  adapter.authenticateWebhook(h, body, secrets, now);
}

function rejection(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

function expectUnauthorized(fn: () => unknown): void {
  const err = rejection(fn);
  expect(err).toBeInstanceOf(UnauthorizedError);
  expect(err).toMatchObject({ code: "invalid_signature", status: 401 });
}

function expectInvalidPayload(fn: () => unknown): InvalidRequestError {
  const err = rejection(fn);
  expect(err).toBeInstanceOf(InvalidRequestError);
  expect(err).toMatchObject({ code: "invalid_payload", status: 400 });
  return err as InvalidRequestError;
}

describe("Standard Webhooks authentication", () => {
  it("accepts a body signed with the current secret", () => {
    expect(() => authenticate(headers(`v1,${sign(CURRENT, MESSAGE_ID, NOW_SECONDS, BODY)}`))).not.toThrow();
  });

  it("accepts a body signed with the previous secret during a rotation", () => {
    const h = headers(`v1,${sign(PREVIOUS, MESSAGE_ID, NOW_SECONDS, BODY)}`);
    expect(() => authenticate(h, BODY, [CURRENT, PREVIOUS])).not.toThrow();
  });

  it("rejects the previous secret once it is no longer configured", () => {
    expectUnauthorized(() => authenticate(headers(`v1,${sign(PREVIOUS, MESSAGE_ID, NOW_SECONDS, BODY)}`)));
  });

  it("rejects a signature made with a wrong secret", () => {
    expectUnauthorized(() => authenticate(headers(`v1,${sign(OTHER, MESSAGE_ID, NOW_SECONDS, BODY)}`)));
  });

  it("rejects when no secret is configured", () => {
    const h = headers(`v1,${sign(CURRENT, MESSAGE_ID, NOW_SECONDS, BODY)}`);
    expectUnauthorized(() => authenticate(h, BODY, []));
  });

  it("rejects a tampered body", () => {
    const h = headers(`v1,${sign(CURRENT, MESSAGE_ID, NOW_SECONDS, BODY)}`);
    expectUnauthorized(() => authenticate(h, BODY.replace("approved", "declined")));
  });

  it("rejects a signature replayed under another message id", () => {
    const h = headers(`v1,${sign(CURRENT, MESSAGE_ID, NOW_SECONDS, BODY)}`, NOW_SECONDS, "msg_other");
    expectUnauthorized(() => authenticate(h));
  });

  it("rejects a signature replayed with another timestamp", () => {
    const h = headers(`v1,${sign(CURRENT, MESSAGE_ID, NOW_SECONDS, BODY)}`, NOW_SECONDS + 1);
    expectUnauthorized(() => authenticate(h));
  });

  it("accepts a timestamp exactly at the tolerance, in both directions", () => {
    for (const ts of [NOW_SECONDS - 300, NOW_SECONDS + 300]) {
      expect(() => authenticate(headers(`v1,${sign(CURRENT, MESSAGE_ID, ts, BODY)}`, ts))).not.toThrow();
    }
  });

  it("rejects a correctly signed timestamp too far in the past", () => {
    const ts = NOW_SECONDS - 301;
    expectUnauthorized(() => authenticate(headers(`v1,${sign(CURRENT, MESSAGE_ID, ts, BODY)}`, ts)));
  });

  it("rejects a correctly signed timestamp too far in the future", () => {
    const ts = NOW_SECONDS + 301;
    expectUnauthorized(() => authenticate(headers(`v1,${sign(CURRENT, MESSAGE_ID, ts, BODY)}`, ts)));
  });

  it("rejects a timestamp that is not whole seconds", () => {
    for (const ts of [`${NOW_SECONDS}.5`, `${NOW_SECONDS * 1000}000`, "abc", `-${NOW_SECONDS}`]) {
      expectUnauthorized(() => authenticate(headers(`v1,${sign(CURRENT, MESSAGE_ID, ts, BODY)}`, ts)));
    }
  });

  it.each(["webhook-id", "webhook-timestamp", "webhook-signature"])(
    "rejects a request without %s",
    (name) => {
      const h = headers(`v1,${sign(CURRENT, MESSAGE_ID, NOW_SECONDS, BODY)}`);
      h.delete(name);
      expectUnauthorized(() => authenticate(h));
    },
  );

  it("accepts several space-separated signatures when the second one is valid", () => {
    const wrong = sign(OTHER, MESSAGE_ID, NOW_SECONDS, BODY);
    const right = sign(CURRENT, MESSAGE_ID, NOW_SECONDS, BODY);
    expect(() => authenticate(headers(`v1,${wrong} v1,${right}`))).not.toThrow();
  });

  it("rejects several signatures when none is valid", () => {
    const wrong1 = sign(OTHER, MESSAGE_ID, NOW_SECONDS, BODY);
    const wrong2 = sign(PREVIOUS, MESSAGE_ID, NOW_SECONDS, BODY);
    expectUnauthorized(() => authenticate(headers(`v1,${wrong1} v1,${wrong2}`)));
  });

  it("ignores a valid signature under a version other than v1", () => {
    const right = sign(CURRENT, MESSAGE_ID, NOW_SECONDS, BODY);
    expectUnauthorized(() => authenticate(headers(`v2,${right}`)));
    expectUnauthorized(() => authenticate(headers(`v1a,${right}`)));
    expectUnauthorized(() => authenticate(headers(right)));
  });

  it("accepts the v1 signature next to signatures of other versions", () => {
    const right = sign(CURRENT, MESSAGE_ID, NOW_SECONDS, BODY);
    expect(() => authenticate(headers(`v1a,abc v2,${right} v1,${right}`))).not.toThrow();
  });

  it("rejects an empty v1 signature", () => {
    expectUnauthorized(() => authenticate(headers("v1,")));
  });
});

function payload(data: Record<string, unknown>): string {
  return JSON.stringify({ type: "verification.completed", data });
}

function parse(body: string, id = MESSAGE_ID) {
  return adapter.parseWebhook(new Headers({ "webhook-id": id }), body);
}

describe("Standard Webhooks payload", () => {
  it("reads a complete result and takes the event id from webhook-id", () => {
    const body = payload({
      sessionId: "sess-1",
      status: "approved",
      reasons: ["document_ok"],
      person: { firstName: "Alice", lastName: "Smith", dateOfBirth: "1990-01-01" },
      document: { type: "passport", issuingCountry: "DE" },
      checks: { liveness: "passed", faceMatch: "passed" },
    });
    expect(parse(body, "msg_42")).toEqual({
      eventId: "msg_42",
      result: {
        sessionId: "sess-1",
        decision: "approved",
        reasons: ["document_ok"],
        person: { firstName: "Alice", lastName: "Smith", dateOfBirth: "1990-01-01" },
        document: { type: "passport", issuingCountry: "DE" },
        checks: { liveness: "passed", faceMatch: "passed" },
      },
    });
  });

  it("defaults reasons to an empty list", () => {
    expect(parse(payload({ sessionId: "s", status: "declined" })).result.reasons).toEqual([]);
  });

  it.each([
    ["approved", "approved"],
    ["declined", "declined"],
    ["resubmission_requested", "resubmit"],
    ["resubmit", "resubmit"],
    ["abandoned", "expired"],
    ["expired", "expired"],
    ["review", "review"],
    ["error", "error"],
    ["APPROVED", "approved"],
  ])("maps status %s to decision %s", (status, decision) => {
    expect(parse(payload({ sessionId: "s", status })).result.decision).toBe(decision);
  });

  it("rejects an unknown status", () => {
    const err = expectInvalidPayload(() => parse(payload({ sessionId: "s", status: "maybe" })));
    expect(err.detail).toBe("Unknown status maybe.");
  });

  it.each(["constructor", "__proto__"])(
    "rejects the status %s, which is not a decision but an Object.prototype member",
    (status) => {
      expectInvalidPayload(() => parse(payload({ sessionId: "s", status })));
    },
  );

  it("rejects a body that is not JSON", () => {
    const err = expectInvalidPayload(() => parse("status=approved"));
    expect(err.detail).toBe("The webhook body is not JSON.");
  });

  it("rejects a result without a session id, naming the field", () => {
    const err = expectInvalidPayload(() => parse(payload({ status: "approved" })));
    expect(err.detail).toMatch(/^data\.sessionId: /);
  });

  it("rejects an empty session id", () => {
    expectInvalidPayload(() => parse(payload({ sessionId: "", status: "approved" })));
  });

  it("rejects a body without data", () => {
    expectInvalidPayload(() => parse(JSON.stringify({ type: "verification.completed" })));
  });

  it("rejects a JSON value that is not an object", () => {
    expectInvalidPayload(() => parse("null"));
    expectInvalidPayload(() => parse("[]"));
  });
});

describe("Standard Webhooks verification URL", () => {
  it("appends the hand-off token as ?token=", () => {
    expect(adapter.verificationUrl("eyJ.abc.def")).toBe("http://127.0.0.1:1/verify?token=eyJ.abc.def");
  });

  it("keeps an existing query and escapes the token", () => {
    const withQuery = new StandardWebhooksAdapter({
      ...config,
      verificationUrl: "https://idv.example/start?flow=recovery&lang=de",
    });
    const url = new URL(withQuery.verificationUrl("a+b/c="));
    expect(url.origin + url.pathname).toBe("https://idv.example/start");
    expect(url.searchParams.get("flow")).toBe("recovery");
    expect(url.searchParams.get("lang")).toBe("de");
    expect(url.searchParams.get("token")).toBe("a+b/c=");
  });

  it("replaces a token already present in the configured URL", () => {
    const withToken = new StandardWebhooksAdapter({
      ...config,
      verificationUrl: "https://idv.example/v?token=old",
    });
    expect(new URL(withToken.verificationUrl("new")).searchParams.getAll("token")).toEqual(["new"]);
  });

  it("takes its name from the provider configuration", () => {
    expect(adapter.name).toBe("demo-idv");
  });
});
