/**
 * HTTP plumbing shared by the thin function adapters: RFC 9457 problem+json answers,
 * bounded body reading, JSON parsing against a schema, and bearer extraction. Every bad
 * input becomes a RecoveryError here, so no handler can turn it into a 5xx.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { z } from "zod";
import { readBoundedText } from "./boundedBody";
import {
  InvalidRequestError,
  PayloadTooLargeError,
  type ProblemError,
  toRecoveryError,
  UnsupportedMediaTypeError,
} from "./recovery/errors";
import { clientAddressFrom } from "./recovery/rateLimit";
import { describeIssue } from "./zodText";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

const SECURITY_HEADERS = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
} as const;

export function problem(err: ProblemError): HttpResponseInit {
  return {
    status: err.status,
    headers: { ...SECURITY_HEADERS, "Content-Type": PROBLEM_CONTENT_TYPE, ...err.headers },
    body: JSON.stringify({
      type: `https://errors.account-recovery.dev/${err.code}`,
      title: err.message,
      status: err.status,
      code: err.code,
      ...(err.expose && err.detail ? { detail: err.detail } : {}),
    }),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseInit {
  return {
    status,
    headers: { ...SECURITY_HEADERS, "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/** One year; the header tells browsers to use https only for this host from now on. */
export const STRICT_TRANSPORT_SECURITY = "max-age=31536000";

/**
 * Adds `Strict-Transport-Security` to an HTTP answer of an https deployment (PUBLIC_BASE_URL
 * is https: that is the address users reach it at). Applied to every HTTP function's result by
 * one post-invocation hook (src/index.ts), so no route can forget it. Over plain http (local
 * runs) the header would be ignored by browsers and is not sent.
 */
export function withStrictTransportSecurity(result: unknown, httpsDeployment: boolean): unknown {
  if (!httpsDeployment || typeof result !== "object" || result === null) return result;
  const response = result as HttpResponseInit;
  if (response.headers instanceof Headers) {
    response.headers.set("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY);
    return response;
  }
  if (Array.isArray(response.headers)) {
    return {
      ...response,
      headers: [...response.headers, ["Strict-Transport-Security", STRICT_TRANSPORT_SECURITY]],
    };
  }
  return {
    ...response,
    headers: { ...(response.headers ?? {}), "Strict-Transport-Security": STRICT_TRANSPORT_SECURITY },
  };
}

/**
 * Runs a handler, turning every thrown error into problem+json: a problem-coded RecoveryError
 * as itself; anything else (an internal code included) logged and answered as a 500.
 */
export async function respond(
  context: InvocationContext,
  handler: () => Promise<HttpResponseInit>,
): Promise<HttpResponseInit> {
  try {
    return await handler();
  } catch (err) {
    const mapped = toRecoveryError(err);
    if (mapped.status >= 500) {
      context.error(`${mapped.code}: ${mapped.message}`, (err as Error)?.stack ?? String(err));
    }
    return problem(mapped);
  }
}

/** Reads the raw body once, refusing more than `limitBytes` (checked while streaming). */
export async function readRawBody(request: HttpRequest, limitBytes: number): Promise<string> {
  const text = await readBoundedText(request.body, request.headers.get("content-length"), limitBytes);
  if (text === undefined) throw new PayloadTooLargeError(limitBytes);
  return text;
}

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequestError("invalid_request", "The body is not valid JSON.");
  }
}

/** A JSON body validated by a schema: 415 when not JSON, 400 naming the first bad field. */
export async function readJson<T extends z.ZodType>(
  request: HttpRequest,
  schema: T,
  limitBytes = 16 * 1024,
): Promise<z.infer<T>> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/([a-z0-9.-]+\+)?json\s*(;|$)/i.test(type))
    throw new UnsupportedMediaTypeError("application/json");
  const parsed = schema.safeParse(parseJsonText(await readRawBody(request, limitBytes)));
  if (!parsed.success) throw new InvalidRequestError("invalid_request", describeIssue(parsed.error));
  return parsed.data;
}

/** The bearer token of the Authorization header, or undefined. */
export function bearerToken(request: HttpRequest): string | undefined {
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)$/i.exec(header.trim());
  return match?.[1];
}

/** The caller's address, trusting `trustedHops` proxies' X-Forwarded-For entries (see rateLimit). */
export function clientAddress(request: HttpRequest, trustedHops: number): string {
  return clientAddressFrom(request.headers.get("x-forwarded-for"), trustedHops);
}
