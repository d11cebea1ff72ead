/**
 * The public HTTP contract (DESIGN §4), as the reference page uses it: start, read, cancel,
 * and a fresh hand-off to the provider.
 * Every answer is sorted into what the page must do — a value, a refusal with its stable
 * code, or "unreachable" (network loss, 5xx, a proxy's HTML), which the page retries.
 */
import type { z } from "zod";
import type { startResponseSchema, statusResponseSchema } from "../openapi/schemas";

// The contract's own response schemas, as types (nothing of zod reaches the page's bundle).
export type StartAnswer = z.infer<typeof startResponseSchema>;
export type RecoveryView = z.infer<typeof statusResponseSchema>;
export type NextStep = NonNullable<RecoveryView["next"]>;
export type TapHandOff = NonNullable<RecoveryView["tap"]>;

export type ApiResult<T> =
  | { kind: "ok"; value: T }
  | { kind: "refused"; status: number; code: string; retryAfterSeconds?: number }
  | { kind: "unreachable" };

async function call<T>(url: string, init: RequestInit): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await fetch(url, { ...init, cache: "no-store", credentials: "omit" });
  } catch {
    return { kind: "unreachable" };
  }
  if (res.status >= 500 || res.status === 408) return { kind: "unreachable" };
  const type = res.headers.get("content-type") ?? "";
  if (!type.includes("json")) return { kind: "unreachable" };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { kind: "unreachable" };
  }
  if (res.ok) return { kind: "ok", value: body as T };
  const code = typeof (body as { code?: unknown }).code === "string" ? (body as { code: string }).code : "";
  const retryAfter = Number(res.headers.get("retry-after"));
  return {
    kind: "refused",
    status: res.status,
    code,
    ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
  };
}

export function startRecovery(body: {
  username: string;
  locale?: string;
  tapEncryptionKey?: JsonWebKey;
}): Promise<ApiResult<StartAnswer>> {
  return call("/api/recovery", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

export function readRecovery(recoveryId: string, token: string): Promise<ApiResult<RecoveryView>> {
  return call(`/api/recovery/${encodeURIComponent(recoveryId)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
}

/** "Go back to the provider": a fresh hand-off (POST /api/recovery/{id}/idv-handoff). */
export function renewHandoff(
  recoveryId: string,
  token: string,
): Promise<ApiResult<{ next: { type: "redirect"; url: string }; renewed: boolean }>> {
  return call(`/api/recovery/${encodeURIComponent(recoveryId)}/idv-handoff`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
}

export function cancelRecovery(recoveryId: string, token: string): Promise<ApiResult<unknown>> {
  return call(`/api/recovery/${encodeURIComponent(recoveryId)}/cancel`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
}

/** A helpdesk verification from the code of its one-time link (answered like a start). */
export function startVerification(body: {
  code: string;
  locale?: string;
  tapEncryptionKey?: JsonWebKey;
}): Promise<ApiResult<StartAnswer>> {
  return call("/api/verification", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** A verified helpdesk verification's caller chooses to recover (`next: continue_recovery`). */
export function continueRecovery(recoveryId: string, token: string): Promise<ApiResult<unknown>> {
  return call(`/api/recovery/${encodeURIComponent(recoveryId)}/continue`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
  });
}
