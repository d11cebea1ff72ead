/**
 * The admin API on this origin, with the signed-in admin's access token. Answers that are not
 * 2xx become an `ApiError` carrying the problem+json `code` (the API's stable codes), the
 * status and the ETag, so views can tell 401 (sign in again), 403 (role), 409 and 412 apart.
 */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail: string | undefined,
  ) {
    super(`${status} ${code}: ${detail ?? title}`);
  }
}

export type TokenSource = () => Promise<string>;

export interface ApiResult<T> {
  body: T;
  etag: string | undefined;
  headers: Headers;
}

let tokenSource: TokenSource | undefined;
let onUnauthorized: ((err: ApiError) => void) | undefined;

export function useToken(source: TokenSource, unauthorized: (err: ApiError) => void): void {
  tokenSource = source;
  onUnauthorized = unauthorized;
}

export async function call<T>(
  method: "GET" | "PUT" | "DELETE" | "POST",
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; text?: boolean } = {},
): Promise<ApiResult<T>> {
  if (!tokenSource) throw new TypeError("not signed in");
  const token = await tokenSource();
  const res = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/json",
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    cache: "no-store",
  });
  const etag = res.headers.get("etag") ?? undefined;
  if (!res.ok) {
    let problem: { code?: string; title?: string; detail?: string } = {};
    try {
      problem = (await res.json()) as typeof problem;
    } catch {
      // not problem+json (a proxy's page): the status says enough
    }
    const err = new ApiError(
      res.status,
      problem.code ?? `http_${res.status}`,
      problem.title ?? res.statusText,
      problem.detail,
    );
    if (res.status === 401) onUnauthorized?.(err);
    throw err;
  }
  if (res.status === 204) return { body: undefined as T, etag, headers: res.headers };
  const body = (options.text ? await res.text() : await res.json()) as T;
  return { body, etag, headers: res.headers };
}

/** What a view says for an API failure an admin can act on. */
export function explain(err: unknown): { title: string; detail: string } {
  if (err instanceof ApiError) {
    if (err.status === 403)
      return {
        title: "Your role does not allow this",
        detail: `${err.detail ?? err.title} Ask an administrator for the app role you need.`,
      };
    if (err.status === 401)
      return { title: "Your sign-in is no longer accepted", detail: "Sign in again to continue." };
    return { title: err.title, detail: `${err.detail ?? ""} (${err.code}, HTTP ${err.status})`.trim() };
  }
  return {
    title: "The admin API could not be reached",
    detail: err instanceof Error ? err.message : String(err),
  };
}
