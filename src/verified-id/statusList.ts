/**
 * Status-list revocation (FACTS §7): a credential's `credentialStatus` points at a status list
 * credential (a JWT VC signed by the same issuer) whose `encodedList` is a GZIP-compressed
 * bitstring; the bit at `statusListIndex` set means revoked. Fetched fresh for every check (a
 * revocation must take effect at once), with the same timeout and size limits as did:web, and
 * a bound on the inflated size.
 */
import { gunzipSync } from "node:zlib";
import { type DidResolver, fetchBounded } from "./didWeb";
import { verifyJwsByDid } from "./jws";

const STATUS_ENTRY_TYPES = new Set(["StatusList2021Entry", "BitstringStatusListEntry"]);
const MAX_LIST_BYTES = 2 * 1024 * 1024;

export class StatusListError extends Error {
  override readonly name = "StatusListError";
  constructor(
    readonly reason: "status_entry_invalid" | "status_list_unavailable" | "status_list_invalid",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface StatusEntry {
  statusListIndex: number;
  statusListCredential: URL;
}

/** Reads a `credentialStatus` entry; only revocation entries of the known types are accepted. */
export function parseStatusEntry(entry: unknown, allowHttpLoopback: boolean): StatusEntry {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw new StatusListError("status_entry_invalid", "credentialStatus is missing");
  }
  const e = entry as Record<string, unknown>;
  if (typeof e.type !== "string" || !STATUS_ENTRY_TYPES.has(e.type)) {
    throw new StatusListError("status_entry_invalid", `unsupported credentialStatus type ${String(e.type)}`);
  }
  if (e.statusPurpose !== undefined && e.statusPurpose !== "revocation") {
    throw new StatusListError("status_entry_invalid", "credentialStatus is not a revocation entry");
  }
  const index = typeof e.statusListIndex === "string" ? Number(e.statusListIndex) : e.statusListIndex;
  if (
    typeof index !== "number" ||
    !Number.isInteger(index) ||
    index < 0 ||
    index >= MAX_LIST_BYTES * 8 * 64
  ) {
    throw new StatusListError("status_entry_invalid", "statusListIndex is not a non-negative integer");
  }
  let url: URL;
  try {
    url = new URL(String(e.statusListCredential));
  } catch {
    throw new StatusListError("status_entry_invalid", "statusListCredential is not a URL");
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(allowHttpLoopback && loopback && url.protocol === "http:")) {
    throw new StatusListError("status_entry_invalid", "statusListCredential must be https");
  }
  if (url.username || url.password) throw new StatusListError("status_entry_invalid", "credentials in URL");
  return { statusListIndex: index, statusListCredential: url };
}

/** The bit at `index` (most significant bit of byte 0 is index 0, as the specs define). */
export function bitAt(list: Uint8Array, index: number): boolean {
  const byte = list[index >> 3];
  if (byte === undefined)
    throw new StatusListError("status_list_invalid", "statusListIndex outside the list");
  return ((byte >> (7 - (index & 7))) & 1) === 1;
}

export function decodeEncodedList(encoded: string): Uint8Array {
  // Bitstring Status List prefixes a multibase 'u' (base64url); StatusList2021 has none.
  const text = encoded.startsWith("u") ? encoded.slice(1) : encoded;
  if (!/^[A-Za-z0-9_+/=-]+$/.test(text))
    throw new StatusListError("status_list_invalid", "encodedList is not base64");
  try {
    return gunzipSync(Buffer.from(text, "base64url"), { maxOutputLength: MAX_LIST_BYTES });
  } catch (err) {
    throw new StatusListError("status_list_invalid", "encodedList does not inflate", { cause: err });
  }
}

/**
 * Whether the credential at `entry` is revoked. The list must be a JWT signed by `issuerDid`
 * (anyone else's list says nothing about this credential).
 */
export async function isRevoked(
  entry: StatusEntry,
  issuerDid: string,
  resolver: DidResolver,
  limits: { timeoutMs: number; maxResponseBytes: number } = {
    timeoutMs: 5_000,
    maxResponseBytes: 256 * 1024,
  },
): Promise<boolean> {
  let token: string;
  try {
    token = (await fetchBounded(entry.statusListCredential, limits)).trim();
  } catch (err) {
    throw new StatusListError("status_list_unavailable", "status list cannot be fetched", { cause: err });
  }
  const { payload } = await verifyJwsByDid(token, issuerDid, resolver).catch((err: unknown) => {
    throw new StatusListError("status_list_invalid", "status list signature invalid", { cause: err });
  });
  if (payload.iss !== issuerDid)
    throw new StatusListError("status_list_invalid", "status list from another issuer");
  const vc = payload.vc as
    | { credentialSubject?: { encodedList?: unknown; statusPurpose?: unknown } }
    | undefined;
  const subject = vc?.credentialSubject;
  if (typeof subject?.encodedList !== "string") {
    throw new StatusListError("status_list_invalid", "status list has no encodedList");
  }
  if (subject.statusPurpose !== undefined && subject.statusPurpose !== "revocation") {
    throw new StatusListError("status_list_invalid", "status list is not a revocation list");
  }
  return bitAt(decodeEncodedList(subject.encodedList), entry.statusListIndex);
}
