/**
 * DID resolution for self-validating presentations (FACTS §7): did:web documents fetched over
 * https with a short timeout, a response size limit, no redirects and a small cache; did:jwk
 * decoded in place (the holder keys wallets use). A verification key is chosen by `kid` and
 * must belong to the DID asked for: a key from another DID, or a private key, is refused.
 *
 * http is allowed only for loopback hosts and only when the caller opts in (the local
 * simulator; setting DID_WEB_HTTP_LOOPBACK). Production resolution is https only.
 */
import type { JWK } from "jose";

export class DidResolutionError extends Error {
  override readonly name = "DidResolutionError";
  constructor(
    /** Stable reason, recorded in the audit log. */
    readonly reason: "did_unsupported" | "did_unresolvable" | "did_document_invalid" | "key_not_found",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface DidVerificationMethod {
  id: string;
  type?: string;
  controller?: string;
  publicKeyJwk?: JWK;
}

export interface DidDocument {
  id: string;
  verificationMethod?: DidVerificationMethod[];
  assertionMethod?: Array<string | DidVerificationMethod>;
}

export interface DidResolverOptions {
  /** Allow http:// for did:web hosts 127.0.0.1, localhost and [::1] (local simulators only). */
  allowHttpLoopback?: boolean;
  timeoutMs?: number;
  maxResponseBytes?: number;
  cacheTtlMs?: number;
  /** Cached documents at most; the oldest is dropped first. */
  cacheEntries?: number;
  clock?: () => number;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** did:web → the URL of its DID document (FACTS §7); throws for anything that is not a plain did:web. */
export function didWebUrl(did: string, allowHttpLoopback = false): URL {
  const match = /^did:web:([A-Za-z0-9.%\-[\]]+)((?::[A-Za-z0-9._~%-]+)*)$/.exec(did);
  if (!match) throw new DidResolutionError("did_unsupported", `not a did:web: ${did}`);
  const host = decodeURIComponent(match[1]!);
  // After decoding, only a host and an optional port: no userinfo, path or query can sneak in.
  if (!/^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[::1\])(?::\d{1,5})?$/.test(host)) {
    throw new DidResolutionError("did_unsupported", `bad did:web host: ${did}`);
  }
  const segments = match[2] ? match[2].slice(1).split(":").map(decodeURIComponent) : [];
  if (segments.some((s) => s === "" || s === "." || s === ".." || /[/?#\\]/.test(s))) {
    throw new DidResolutionError("did_unsupported", `bad did:web path: ${did}`);
  }
  const hostname = host.replace(/:\d+$/, "");
  const scheme = allowHttpLoopback && LOOPBACK.has(hostname) ? "http" : "https";
  const path = segments.length === 0 ? "/.well-known/did.json" : `/${segments.join("/")}/did.json`;
  return new URL(`${scheme}://${host}${path}`);
}

/**
 * GET a JSON or text document with the limits every outbound fetch of this module needs:
 * timeout, size limit, no redirects (a redirect could lead anywhere).
 */
export async function fetchBounded(
  url: URL,
  options: { timeoutMs: number; maxResponseBytes: number },
): Promise<string> {
  const response = await fetch(url, {
    redirect: "error",
    signal: AbortSignal.timeout(options.timeoutMs),
    headers: { Accept: "application/json, application/jwt, text/plain" },
  });
  if (response.status !== 200) {
    await response.body?.cancel();
    throw new Error(`GET ${url.origin}${url.pathname} answered ${response.status}`);
  }
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > options.maxResponseBytes) {
    await response.body?.cancel();
    throw new Error(`GET ${url.origin}${url.pathname}: ${declared} bytes exceeds the limit`);
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > options.maxResponseBytes) {
      await reader.cancel();
      throw new Error(`GET ${url.origin}${url.pathname}: response exceeds ${options.maxResponseBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** did:jwk: the DID is the base64url of the public JWK itself. */
function resolveDidJwk(did: string): DidDocument {
  let jwk: unknown;
  try {
    jwk = JSON.parse(Buffer.from(did.slice("did:jwk:".length), "base64url").toString("utf8"));
  } catch (err) {
    throw new DidResolutionError("did_document_invalid", "did:jwk is not base64url JSON", { cause: err });
  }
  if (!isObject(jwk)) throw new DidResolutionError("did_document_invalid", "did:jwk is not a JWK");
  const id = `${did}#0`;
  return {
    id: did,
    verificationMethod: [{ id, type: "JsonWebKey2020", controller: did, publicKeyJwk: jwk }],
  };
}

export class DidResolver {
  private readonly cache = new Map<string, { document: DidDocument; until: number }>();
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly cacheTtlMs: number;
  private readonly cacheEntries: number;
  private readonly clock: () => number;

  constructor(private readonly options: DidResolverOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.cacheTtlMs = options.cacheTtlMs ?? 10 * 60_000;
    this.cacheEntries = options.cacheEntries ?? 100;
    this.clock = options.clock ?? Date.now;
  }

  get allowHttpLoopback(): boolean {
    return this.options.allowHttpLoopback === true;
  }

  async resolve(did: string): Promise<DidDocument> {
    if (did.startsWith("did:jwk:")) return resolveDidJwk(did);
    if (!did.startsWith("did:web:"))
      throw new DidResolutionError("did_unsupported", `unsupported DID method: ${did.slice(0, 12)}`);
    const cached = this.cache.get(did);
    if (cached && cached.until > this.clock()) return cached.document;
    const url = didWebUrl(did, this.allowHttpLoopback);
    let text: string;
    try {
      text = await fetchBounded(url, { timeoutMs: this.timeoutMs, maxResponseBytes: this.maxResponseBytes });
    } catch (err) {
      throw new DidResolutionError("did_unresolvable", `cannot resolve ${did}`, { cause: err });
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (err) {
      throw new DidResolutionError("did_document_invalid", `DID document of ${did} is not JSON`, {
        cause: err,
      });
    }
    // The document must describe the DID we asked for, not some other one.
    if (!isObject(document) || document.id !== did) {
      throw new DidResolutionError("did_document_invalid", `DID document id does not match ${did}`);
    }
    const parsed = document as unknown as DidDocument;
    this.cache.delete(did);
    this.cache.set(did, { document: parsed, until: this.clock() + this.cacheTtlMs });
    while (this.cache.size > this.cacheEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return parsed;
  }

  /**
   * The public JWK named by `kid` in `did`'s document. `kid` must be `did#fragment` (or a bare
   * `#fragment`) of that very DID: a key of another DID is refused.
   */
  async keyFor(did: string, kid: string): Promise<JWK> {
    const fragment = kid.startsWith("#")
      ? kid
      : kid.startsWith(`${did}#`)
        ? kid.slice(did.length)
        : undefined;
    if (!fragment || fragment.length < 2) {
      throw new DidResolutionError("key_not_found", "kid does not name a key of the signer's DID");
    }
    const document = await this.resolve(did);
    const methods = [
      ...(document.verificationMethod ?? []),
      ...(document.assertionMethod ?? []).filter((m): m is DidVerificationMethod => isObject(m)),
    ];
    const method = methods.find((m) => m.id === `${did}${fragment}` || m.id === fragment);
    if (!method?.publicKeyJwk || !isObject(method.publicKeyJwk)) {
      throw new DidResolutionError("key_not_found", `no publicKeyJwk ${fragment} in ${did}`);
    }
    if (method.controller !== undefined && method.controller !== did) {
      throw new DidResolutionError("key_not_found", `key ${fragment} is controlled by another DID`);
    }
    if ("d" in method.publicKeyJwk)
      throw new DidResolutionError("did_document_invalid", "DID document publishes a private key");
    return method.publicKeyJwk;
  }
}
