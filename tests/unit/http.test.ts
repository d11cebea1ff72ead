import { HttpRequest, type HttpResponseInit, InvocationContext } from "@azure/functions";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { bearerToken, clientAddress, json, problem, readJson, respond } from "../../src/http";
import {
  DependencyError,
  InvalidRequestError,
  NotFoundError,
  RecoveryError,
  TapBindingError,
  TooManyRequestsError,
  UnauthorizedError,
} from "../../src/recovery/errors";

function headerOf(response: HttpResponseInit, name: string): string | undefined {
  return new Headers(response.headers as Record<string, string>).get(name) ?? undefined;
}

function bodyOf(response: HttpResponseInit): unknown {
  expect(typeof response.body).toBe("string");
  return JSON.parse(response.body as string);
}

function request(
  init: { headers?: Record<string, string>; body?: string; method?: string } = {},
): HttpRequest {
  return new HttpRequest({
    method: init.method ?? "POST",
    url: "http://localhost:7071/api/recovery",
    headers: init.headers ?? {},
    ...(init.body === undefined ? {} : { body: { string: init.body } }),
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<RecoveryError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RecoveryError);
  return err as RecoveryError;
}

describe("problem", () => {
  it("answers problem+json with type, title, status, code and an exposed detail", () => {
    const response = problem(new InvalidRequestError("invalid_request", "username: required"));
    expect(response.status).toBe(400);
    expect(headerOf(response, "content-type")).toBe("application/problem+json");
    expect(headerOf(response, "cache-control")).toBe("no-store");
    expect(headerOf(response, "x-content-type-options")).toBe("nosniff");
    expect(bodyOf(response)).toEqual({
      type: "https://errors.account-recovery.dev/invalid_request",
      title: "The request is invalid",
      status: 400,
      code: "invalid_request",
      detail: "username: required",
    });
  });

  it("leaves out the detail of an error that must not be exposed", () => {
    const err = new DependencyError("directory_error", "Graph failed", true, {
      detail: "tenant internals",
    });
    const response = problem(err);
    expect(response.status).toBe(503);
    expect(bodyOf(response)).toEqual({
      type: "https://errors.account-recovery.dev/directory_error",
      title: "Graph failed",
      status: 503,
      code: "directory_error",
    });
    expect(response.body).not.toContain("tenant internals");
  });

  it("leaves out an absent detail", () => {
    const response = problem(new RecoveryError("asset_not_found", 404, "Not found", true));
    expect(bodyOf(response)).toEqual({
      type: "https://errors.account-recovery.dev/asset_not_found",
      title: "Not found",
      status: 404,
      code: "asset_not_found",
    });
  });

  it("carries the error's own headers, such as Retry-After", () => {
    const response = problem(new TooManyRequestsError(2.2));
    expect(response.status).toBe(429);
    expect(headerOf(response, "retry-after")).toBe("3");
    expect(headerOf(response, "content-type")).toBe("application/problem+json");
  });

  it("uses the status of each error class", () => {
    expect(problem(new UnauthorizedError("invalid_token", "no")).status).toBe(401);
    expect(problem(new NotFoundError("recovery_not_found", "no")).status).toBe(404);
  });
});

describe("json", () => {
  it("answers JSON with the security headers", () => {
    const response = json(202, { recoveryId: "r1" }, { Location: "/api/recovery/r1" });
    expect(response.status).toBe(202);
    expect(headerOf(response, "content-type")).toBe("application/json");
    expect(headerOf(response, "cache-control")).toBe("no-store");
    expect(headerOf(response, "location")).toBe("/api/recovery/r1");
    expect(bodyOf(response)).toEqual({ recoveryId: "r1" });
  });
});

describe("respond", () => {
  function recordingContext(): { context: InvocationContext; errors: unknown[][] } {
    const errors: unknown[][] = [];
    const context = new InvocationContext({
      logHandler: (level, ...args) => {
        if (level === "error") errors.push(args);
      },
    });
    return { context, errors };
  }

  it("passes the handler's answer through", async () => {
    const { context, errors } = recordingContext();
    const answer = json(200, { ok: true });
    expect(await respond(context, async () => answer)).toBe(answer);
    expect(errors).toEqual([]);
  });

  it("turns a thrown RecoveryError into its problem without logging it as an error", async () => {
    const { context, errors } = recordingContext();
    const response = await respond(context, async () => {
      throw new InvalidRequestError("invalid_request", "username: required");
    });
    expect(response.status).toBe(400);
    expect(bodyOf(response)).toMatchObject({ code: "invalid_request", detail: "username: required" });
    expect(errors).toEqual([]);
  });

  it("turns an unexpected error into an opaque 500 and logs it", async () => {
    const { context, errors } = recordingContext();
    const response = await respond(context, async () => {
      throw new Error("secret stack detail");
    });
    expect(response.status).toBe(500);
    expect(bodyOf(response)).toEqual({
      type: "https://errors.account-recovery.dev/internal_error",
      title: "Internal error",
      status: 500,
      code: "internal_error",
    });
    expect(response.body).not.toContain("secret stack detail");
    expect(errors).toHaveLength(1);
  });

  it("answers an error whose code is not a problem code (a TAP sealed for another recovery) as an opaque 500", async () => {
    const { context, errors } = recordingContext();
    const response = await respond(context, async () => {
      throw new TapBindingError();
    });
    expect(response.status).toBe(500);
    expect(bodyOf(response)).toEqual({
      type: "https://errors.account-recovery.dev/internal_error",
      title: "Internal error",
      status: 500,
      code: "internal_error",
    });
    expect(errors).toHaveLength(1);
  });
});

describe("bearerToken", () => {
  function auth(value: string | undefined): string | undefined {
    return bearerToken(
      request({ method: "GET", headers: value === undefined ? {} : { authorization: value } }),
    );
  }

  it("reads the token of a Bearer header", () => {
    expect(auth("Bearer abc.DEF-ghi_jkl~mno+p/q=")).toBe("abc.DEF-ghi_jkl~mno+p/q=");
  });

  it("accepts the scheme in any case", () => {
    expect(auth("bearer tok")).toBe("tok");
    expect(auth("BEARER tok")).toBe("tok");
    expect(auth("BeArEr tok")).toBe("tok");
  });

  it("tolerates surrounding whitespace and several spaces after the scheme", () => {
    expect(auth("  Bearer   tok  ")).toBe("tok");
  });

  it("is undefined without an Authorization header", () => {
    expect(auth(undefined)).toBeUndefined();
    expect(auth("")).toBeUndefined();
  });

  it("rejects other schemes", () => {
    expect(auth("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(auth("Token tok")).toBeUndefined();
    expect(auth("Bearertok")).toBeUndefined();
  });

  it("rejects a scheme without a token", () => {
    expect(auth("Bearer")).toBeUndefined();
    expect(auth("Bearer ")).toBeUndefined();
  });

  it("rejects a token with spaces or characters outside token68", () => {
    expect(auth("Bearer abc def")).toBeUndefined();
    expect(auth("Bearer abc,def")).toBeUndefined();
    expect(auth('Bearer "abc"')).toBeUndefined();
    expect(auth("Bearer abc;def")).toBeUndefined();
    expect(auth("Bearer tök")).toBeUndefined();
  });
});

describe("clientAddress", () => {
  it("takes the entry the outermost trusted proxy appended, not what the client claims", () => {
    const req = request({ headers: { "x-forwarded-for": "198.51.100.66, 203.0.113.7:50123" } });
    expect(clientAddress(req, 1)).toBe("203.0.113.7");
    expect(clientAddress(req, 2)).toBe("198.51.100.66");
  });

  it("ignores X-Client-IP (any client can send it) and answers unknown without X-Forwarded-For", () => {
    expect(clientAddress(request({ headers: { "x-client-ip": "198.51.100.2" } }), 1)).toBe("unknown");
    expect(clientAddress(request(), 1)).toBe("unknown");
  });
});

describe("readJson", () => {
  const schema = z.object({ username: z.string().min(1), country: z.string().length(2).optional() }).strict();

  it("returns the validated body", async () => {
    const req = request({
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "alice@contoso.example", country: "DE" }),
    });
    expect(await readJson(req, schema)).toEqual({ username: "alice@contoso.example", country: "DE" });
  });

  it("accepts a JSON content type with parameters and structured suffixes", async () => {
    for (const type of [
      "application/json; charset=utf-8",
      "APPLICATION/JSON",
      "application/merge-patch+json",
    ]) {
      const req = request({ headers: { "content-type": type }, body: '{"username":"a"}' });
      expect(await readJson(req, schema)).toEqual({ username: "a" });
    }
  });

  it("answers 415 when the content type is not JSON", async () => {
    const req = request({ headers: { "content-type": "text/plain" }, body: '{"username":"a"}' });
    const err = await rejectionOf(readJson(req, schema));
    expect(err).toMatchObject({ status: 415, code: "unsupported_media_type" });
  });

  it("answers 415 without a content type", async () => {
    const err = await rejectionOf(readJson(request({ body: '{"username":"a"}' }), schema));
    expect(err).toMatchObject({ status: 415, code: "unsupported_media_type" });
  });

  it("answers 415 for a look-alike content type", async () => {
    const req = request({ headers: { "content-type": "application/jsonp" }, body: '{"username":"a"}' });
    expect(await rejectionOf(readJson(req, schema))).toMatchObject({ status: 415 });
  });

  it("answers 400 naming the field that fails the schema", async () => {
    const req = request({
      headers: { "content-type": "application/json" },
      body: '{"username":"a","country":"DEU"}',
    });
    const err = await rejectionOf(readJson(req, schema));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err).toMatchObject({ status: 400, code: "invalid_request" });
    expect(err.detail).toMatch(/^country: /);
  });

  it("answers 400 naming a missing field", async () => {
    const req = request({ headers: { "content-type": "application/json" }, body: "{}" });
    const err = await rejectionOf(readJson(req, schema));
    expect(err).toMatchObject({ status: 400, code: "invalid_request" });
    expect(err.detail).toMatch(/^username: /);
  });

  it("answers 400 for a body that is not JSON", async () => {
    const req = request({ headers: { "content-type": "application/json" }, body: "username=alice" });
    const err = await rejectionOf(readJson(req, schema));
    expect(err).toMatchObject({
      status: 400,
      code: "invalid_request",
      detail: "The body is not valid JSON.",
    });
  });

  it("answers 400 for an empty body", async () => {
    const req = request({ headers: { "content-type": "application/json" } });
    expect(await rejectionOf(readJson(req, schema))).toMatchObject({ status: 400, code: "invalid_request" });
  });

  it("answers 413 for a body above the limit", async () => {
    const body = JSON.stringify({ username: "a".repeat(200) });
    const req = request({ headers: { "content-type": "application/json" }, body });
    const err = await rejectionOf(readJson(req, schema, 100));
    expect(err).toMatchObject({ status: 413, code: "payload_too_large" });
  });

  it("answers 413 when the declared length is above the limit", async () => {
    const req = request({
      headers: { "content-type": "application/json", "content-length": "100000" },
      body: '{"username":"a"}',
    });
    expect(await rejectionOf(readJson(req, schema, 1000))).toMatchObject({ status: 413 });
  });

  it("accepts a body exactly at the limit", async () => {
    const body = '{"username":"abc"}';
    const req = request({ headers: { "content-type": "application/json" }, body });
    expect(await readJson(req, schema, Buffer.byteLength(body))).toEqual({ username: "abc" });
  });

  it("counts the limit in bytes, not characters", async () => {
    const body = '{"username":"ééééé"}';
    expect(body.length).toBeLessThan(Buffer.byteLength(body));
    const req = request({ headers: { "content-type": "application/json" }, body });
    expect(await rejectionOf(readJson(req, schema, body.length))).toMatchObject({ status: 413 });
  });

  it("applies a 16 KiB limit by default", async () => {
    const body = JSON.stringify({ username: "a".repeat(16 * 1024) });
    const req = request({ headers: { "content-type": "application/json" }, body });
    expect(await rejectionOf(readJson(req, schema))).toMatchObject({ status: 413 });
  });
});
