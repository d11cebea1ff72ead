/**
 * DID resolution for self-validating presentations (docs/facts.md §7): did:web documents fetched over
 * https with a short timeout, a response size limit, no redirects and a small cache; did:jwk
 * decoded in place (the holder keys wallets use). A verification key is chosen by `kid`, must
 * belong to the DID asked for (a key from another DID, or a private key, is refused) and must
 * be authorised for the purpose it is used for: a credential or status list is signed by an
 * `assertionMethod` key, a presentation by an `authentication` key.
 *
 * did:web identifiers are parsed strictly before anything is fetched (README, Security):
 * a lowercase DNS name of LDH labels, an optional port (`%3A`, the only percent-encoding
 * allowed), path segments of unreserved characters. The did:web method forbids IP addresses:
 * every notation (dotted, decimal, hex, octal, short forms, IPv6 and IPv4-mapped, bracketed or
 * percent-encoded) is refused without resolution, and so are `localhost`-style names unless the
 * caller opts in to http on loopback (the local simulator; setting DID_WEB_HTTP_LOOPBACK), which
 * allows exactly the name `localhost`. Production resolution is https only. Every refusal is a
 * DidResolutionError with its own reason, never a TypeError or URIError.
 */
import type { JWK } from "jose";
import { readBoundedText } from "../boundedBody";
import { BoundedMap } from "../boundedMap";
import { type DidResolutionCode, DidResolutionError, RemoteDocumentError } from "../recovery/errors";

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
  authentication?: Array<string | DidVerificationMethod>;
}

/** What a key is used for: credentials and status lists by `assertionMethod`, presentations by `authentication`. */
export type KeyPurpose = "assertionMethod" | "authentication";

export interface DidResolverOptions {
  /** Allow http:// for the did:web host `localhost` (local simulators only). */
  allowHttpLoopback?: boolean;
  timeoutMs?: number;
  maxResponseBytes?: number;
  cacheTtlMs?: number;
  /** Cached documents at most; the oldest is dropped first. */
  cacheEntries?: number;
  clock?: () => number;
}

/** Longest DID we look at: far above any real one, small enough to bound every regex and decode. */
export const MAX_DID_LENGTH = 512;
const LOOPBACK_NAME = "localhost";
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A label the WHATWG URL parser reads as a number (decimal, 0x hex, octal): the host is then an IPv4 address. */
const NUMERIC_LABEL = /^(?:0x[0-9a-f]*|[0-9]+)$/i;
const SEGMENT = /^[A-Za-z0-9._-]+$/;

export interface DidWeb {
  did: string;
  /** Lowercase DNS name, without port. */
  hostname: string;
  /** Port as written, or undefined for the default. */
  port: number | undefined;
  /** Decoded path segments (none: the document is at /.well-known/did.json). */
  path: string[];
}

const refuse = (reason: DidResolutionCode, message: string): never => {
  throw new DidResolutionError(reason, message);
};

/**
 * Whether `host` (no port, brackets allowed) is an IP address in any notation a URL parser or
 * resolver accepts: IPv6 has a colon or brackets; every IPv4 form (dotted, 127.1, decimal,
 * 0x hex, octal) ends in a numeric label, which is how the WHATWG URL parser recognises one.
 */
export function looksLikeIpAddress(host: string): boolean {
  const h = host.toLowerCase();
  if (h.startsWith("[") || h.includes(":")) return true;
  const labels = h.split(".");
  const last = labels.at(-1) === "" ? labels.at(-2) : labels.at(-1);
  return last !== undefined && NUMERIC_LABEL.test(last);
}

/**
 * Parses a did:web strictly (see the module header). `allowLoopback` admits the host name
 * `localhost` (and nothing else that is not a public DNS name).
 */
export function parseDidWeb(did: unknown, allowLoopback = false): DidWeb {
  if (typeof did !== "string") return refuse("did_unsupported", "a DID must be a string");
  if (did.length > MAX_DID_LENGTH) return refuse("did_web_invalid", "DID too long");
  if (!did.startsWith("did:web:")) return refuse("did_unsupported", "not a did:web");
  const [rawHost = "", ...rawPath] = did.slice("did:web:".length).split(":");
  // The host: the only percent-encoding allowed is the port separator %3A.
  const hostPort = rawHost.replace(/%3a/gi, ":");
  if (hostPort.includes("%")) {
    let decoded = hostPort;
    try {
      decoded = decodeURIComponent(hostPort);
    } catch {
      return refuse("did_web_invalid", "malformed percent-encoding in the did:web host");
    }
    if (looksLikeIpAddress(decoded.replace(/:\d*$/, "")) || decoded.startsWith("[")) {
      return refuse("did_web_ip_address", "a did:web must not name an IP address");
    }
    return refuse("did_web_invalid", "percent-encoding in the did:web host other than the port");
  }
  if (hostPort.startsWith("[") || (hostPort.match(/:/g)?.length ?? 0) > 1) {
    return refuse("did_web_ip_address", "a did:web must not name an IP address");
  }
  const [hostname = "", portText] = hostPort.split(":") as [string, string | undefined];
  if (hostname === "") return refuse("did_web_host_invalid", "did:web without a host");
  if (looksLikeIpAddress(hostname))
    return refuse("did_web_ip_address", "a did:web must not name an IP address");
  // Lowercase LDH labels only: no uppercase spelling of an accepted DID, no unicode (IDNs are xn--).
  const labels = hostname.split(".");
  if (hostname.length > 253 || !labels.every((l) => LABEL.test(l))) {
    return refuse("did_web_host_invalid", "did:web host is not a DNS name");
  }
  const loopbackName = hostname === LOOPBACK_NAME || hostname.endsWith(`.${LOOPBACK_NAME}`);
  if (loopbackName && !(allowLoopback && hostname === LOOPBACK_NAME)) {
    return refuse("did_web_host_invalid", "did:web host names the local machine");
  }
  if (labels.length < 2 && !loopbackName) {
    return refuse("did_web_host_invalid", "did:web host is a single-label name");
  }
  let port: number | undefined;
  if (portText !== undefined) {
    if (!/^[1-9][0-9]{0,4}$/.test(portText) || Number(portText) > 65_535) {
      return refuse("did_web_port_invalid", "did:web port is not 1–65535");
    }
    port = Number(portText);
  }
  // Path segments: DID idchars only (no percent-encoding, so no encoded slash), no dot segments.
  for (const segment of rawPath) {
    if (!SEGMENT.test(segment) || segment === "." || segment === "..") {
      return refuse("did_web_path_invalid", "bad did:web path segment");
    }
  }
  return { did, hostname, port, path: rawPath };
}

/** did:web → the URL of its DID document (docs/facts.md §7); throws DidResolutionError for anything that is not a plain did:web. */
export function didWebUrl(did: string, allowHttpLoopback = false): URL {
  const parsed = parseDidWeb(did, allowHttpLoopback);
  const scheme = allowHttpLoopback && parsed.hostname === LOOPBACK_NAME ? "http" : "https";
  const host = parsed.port === undefined ? parsed.hostname : `${parsed.hostname}:${parsed.port}`;
  const path = parsed.path.length === 0 ? "/.well-known/did.json" : `/${parsed.path.join("/")}/did.json`;
  return new URL(`${scheme}://${host}${path}`);
}

/**
 * The origin a did:web issuer's linked domain must have (`domainValidation.url`): https, the
 * DID's host and port. Undefined when `did` is not a did:web we would resolve.
 */
export function didWebOrigin(did: string): string | undefined {
  try {
    const parsed = parseDidWeb(did, true);
    return new URL(`https://${parsed.hostname}${parsed.port === undefined ? "" : `:${parsed.port}`}`).origin;
  } catch {
    return undefined;
  }
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
    throw new RemoteDocumentError(`GET ${url.origin}${url.pathname} answered ${response.status}`);
  }
  const text = await readBoundedText(
    response.body,
    response.headers.get("content-length"),
    options.maxResponseBytes,
  );
  if (text === undefined)
    throw new RemoteDocumentError(
      `GET ${url.origin}${url.pathname}: response exceeds ${options.maxResponseBytes} bytes`,
    );
  return text;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Members of a private (or symmetric) JWK: a document that publishes one is broken, whatever else it says. */
const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];

/** did:jwk: the DID is the base64url of the public JWK itself; the key serves both purposes unless `use` says otherwise. */
function resolveDidJwk(did: string): DidDocument {
  if (did.length > 4 * 1024) throw new DidResolutionError("did_document_invalid", "did:jwk too long");
  const encoded = did.slice("did:jwk:".length);
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) {
    throw new DidResolutionError("did_document_invalid", "did:jwk is not base64url");
  }
  let jwk: unknown;
  try {
    jwk = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch (err) {
    throw new DidResolutionError("did_document_invalid", "did:jwk is not base64url JSON", { cause: err });
  }
  if (!isObject(jwk)) throw new DidResolutionError("did_document_invalid", "did:jwk is not a JWK");
  const id = `${did}#0`;
  const use = jwk.use;
  return {
    id: did,
    verificationMethod: [{ id, type: "JsonWebKey2020", controller: did, publicKeyJwk: jwk }],
    ...(use === undefined || use === "sig" ? { assertionMethod: [id], authentication: [id] } : {}),
  };
}

/** The document's shape, checked once: the lists we read must be lists (of references or methods). */
function checkDocumentShape(did: string, document: unknown): DidDocument {
  // The document must describe the DID we asked for, not some other one.
  if (!isObject(document) || document.id !== did) {
    throw new DidResolutionError("did_document_invalid", `DID document id does not match ${did}`);
  }
  for (const list of ["verificationMethod", "assertionMethod", "authentication"] as const) {
    const value = document[list];
    if (value === undefined) continue;
    if (!Array.isArray(value) || value.length > 100) {
      throw new DidResolutionError("did_document_invalid", `${list} is not a list`);
    }
    for (const item of value) {
      if (list !== "verificationMethod" && typeof item === "string") continue;
      if (!isObject(item) || typeof item.id !== "string") {
        throw new DidResolutionError("did_document_invalid", `${list} holds an entry without an id`);
      }
    }
  }
  return document as unknown as DidDocument;
}

export class DidResolver {
  private readonly cache: BoundedMap<string, { document: DidDocument; until: number }>;
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;
  private readonly cacheTtlMs: number;
  private readonly clock: () => number;

  constructor(private readonly options: DidResolverOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 5_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.cacheTtlMs = options.cacheTtlMs ?? 10 * 60_000;
    this.cache = new BoundedMap(options.cacheEntries ?? 100);
    this.clock = options.clock ?? Date.now;
  }

  get allowHttpLoopback(): boolean {
    return this.options.allowHttpLoopback === true;
  }

  async resolve(did: string): Promise<DidDocument> {
    if (typeof did !== "string") throw new DidResolutionError("did_unsupported", "a DID must be a string");
    if (did.startsWith("did:jwk:")) return resolveDidJwk(did);
    if (!did.startsWith("did:web:"))
      throw new DidResolutionError("did_unsupported", `unsupported DID method: ${did.slice(0, 12)}`);
    // Parsed (and an IP address or a bad host refused) before the cache or the network sees it.
    const url = didWebUrl(did, this.allowHttpLoopback);
    const cached = this.cache.get(did);
    if (cached && cached.until > this.clock()) return cached.document;
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
    const parsed = checkDocumentShape(did, document);
    this.cache.set(did, { document: parsed, until: this.clock() + this.cacheTtlMs });
    return parsed;
  }

  /**
   * The public JWK named by `kid` in `did`'s document, authorised for `purpose`. `kid` must be
   * `did#fragment` (or a bare `#fragment`) of that very DID: a key of another DID is refused.
   * Exactly one verification method may carry that id (two are ambiguous: refused), and the
   * purpose's list must name it (by reference or embedded): a key listed only under
   * `authentication` cannot sign a credential.
   */
  async keyFor(did: string, kid: string, purpose: KeyPurpose): Promise<JWK> {
    if (typeof kid !== "string" || kid.length > MAX_DID_LENGTH * 8) {
      throw new DidResolutionError("key_not_found", "kid is not a string of sensible length");
    }
    const fragment = kid.startsWith("#")
      ? kid
      : kid.startsWith(`${did}#`)
        ? kid.slice(did.length)
        : undefined;
    if (!fragment || fragment.length < 2) {
      throw new DidResolutionError("key_not_found", "kid does not name a key of the signer's DID");
    }
    const document = await this.resolve(did);
    const names = (id: unknown) => id === `${did}${fragment}` || id === fragment;
    const embedded = (list: Array<string | DidVerificationMethod> | undefined) =>
      (list ?? []).filter((m): m is DidVerificationMethod => isObject(m));
    const candidates = [
      ...(document.verificationMethod ?? []),
      ...embedded(document.assertionMethod),
      ...embedded(document.authentication),
    ].filter((m) => names(m.id));
    const distinct = [...new Set(candidates)];
    if (distinct.length === 0) {
      throw new DidResolutionError("key_not_found", `no verification method ${fragment} in ${did}`);
    }
    if (distinct.length > 1) {
      throw new DidResolutionError(
        "key_duplicate",
        `${distinct.length} verification methods are ${fragment}`,
      );
    }
    const [method] = distinct;
    if (!method || !isObject(method.publicKeyJwk)) {
      throw new DidResolutionError("key_not_found", `no publicKeyJwk ${fragment} in ${did}`);
    }
    if (method.controller !== undefined && method.controller !== did) {
      throw new DidResolutionError("key_not_found", `key ${fragment} is controlled by another DID`);
    }
    if (PRIVATE_JWK_MEMBERS.some((m) => m in (method.publicKeyJwk as object)))
      throw new DidResolutionError("did_document_invalid", "DID document publishes a private key");
    const authorised = (document[purpose] ?? []).some((m) =>
      typeof m === "string" ? names(m) : m === method,
    );
    if (!authorised) {
      throw new DidResolutionError("key_wrong_purpose", `key ${fragment} is not an ${purpose} key of ${did}`);
    }
    return method.publicKeyJwk;
  }
}
