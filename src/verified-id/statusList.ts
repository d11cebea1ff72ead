/**
 * Status-list revocation (docs/facts.md §7): a credential's `credentialStatus` points at a status list
 * credential (a JWT VC signed by the same issuer) whose `encodedList` is a GZIP-compressed
 * bitstring; the bit at `statusListIndex` set means revoked. Fetched fresh for every check (a
 * revocation must take effect at once), with the same timeout and size limits as did:web, and
 * a bound on the inflated size.
 *
 * A list is believed only when it is the one the credential names: signed by an
 * `assertionMethod` key of the credential's issuer and issued by it, of the status-list type
 * that goes with the entry's type, for revocation, within its validity window, and with the
 * `id` the entry's `statusListCredential` names (a list fetched from the right URL but made for
 * another place says nothing about this credential). Each failure has its own reason.
 */
import { isIP } from "node:net";
import { gunzipSync } from "node:zlib";
import { type StatusListCode, StatusListError } from "../recovery/errors";
import { type DidResolver, fetchBounded } from "./didWeb";
import { verifyJwsByDid } from "./jws";

/** Entry type → the credential type and subject type of the list it points at. */
const LIST_TYPE_OF: Readonly<Record<string, { credential: string; subject: string }>> = {
  StatusList2021Entry: { credential: "StatusList2021Credential", subject: "StatusList2021" },
  BitstringStatusListEntry: { credential: "BitstringStatusListCredential", subject: "BitstringStatusList" },
};
const MAX_LIST_BYTES = 2 * 1024 * 1024;

export interface StatusEntry {
  /** The entry's type (StatusList2021Entry or BitstringStatusListEntry). */
  type: string;
  statusListIndex: number;
  statusListCredential: URL;
}

/** Reads a `credentialStatus` entry; only revocation entries of the known types are accepted. */
export function parseStatusEntry(entry: unknown, allowHttpLoopback: boolean): StatusEntry {
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw new StatusListError("status_entry_invalid", "credentialStatus is missing");
  }
  const e = entry as Record<string, unknown>;
  if (typeof e.type !== "string" || !Object.hasOwn(LIST_TYPE_OF, e.type)) {
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
  if (typeof e.statusListCredential !== "string" || e.statusListCredential.length > 2048) {
    throw new StatusListError("status_entry_invalid", "statusListCredential is not a URL");
  }
  let url: URL;
  try {
    url = new URL(e.statusListCredential);
  } catch {
    throw new StatusListError("status_entry_invalid", "statusListCredential is not a URL");
  }
  // The URL parser has already turned every IPv4 notation (0x7f.1, 2130706433, 127.1) into dotted form.
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) !== 0) {
    throw new StatusListError("status_entry_invalid", "statusListCredential names an IP address");
  }
  const loopbackName = host === "localhost" || host.endsWith(".localhost");
  if (loopbackName && !(allowHttpLoopback && host === "localhost")) {
    throw new StatusListError("status_entry_invalid", "statusListCredential names the local machine");
  }
  if (url.protocol !== "https:" && !(allowHttpLoopback && host === "localhost" && url.protocol === "http:")) {
    throw new StatusListError("status_entry_invalid", "statusListCredential must be https");
  }
  if (url.username || url.password) throw new StatusListError("status_entry_invalid", "credentials in URL");
  return { type: e.type, statusListIndex: index, statusListCredential: url };
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

/** The list's own URL without its fragment, for comparing an `id` with the entry's `statusListCredential`. */
function listUrl(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > 2048) return undefined;
  try {
    const url = new URL(value);
    url.hash = "";
    return url.href;
  } catch {
    return undefined;
  }
}

const fail = (reason: StatusListCode, message: string): never => {
  throw new StatusListError(reason, message);
};

/**
 * Whether the credential at `entry` is revoked. The list must be a JWT VC signed by an
 * assertion key of `issuerDid` and be the very list the entry names (see the module header);
 * `now` and `clockSkewSeconds` judge its validity window.
 */
export async function isRevoked(
  entry: StatusEntry,
  issuerDid: string,
  resolver: DidResolver,
  clock: { now: Date; clockSkewSeconds?: number },
  limits: { timeoutMs: number; maxResponseBytes: number } = {
    timeoutMs: 5_000,
    maxResponseBytes: 256 * 1024,
  },
): Promise<boolean> {
  const expected = LIST_TYPE_OF[entry.type];
  if (!expected) return fail("status_entry_invalid", `unsupported credentialStatus type ${entry.type}`);
  let token: string;
  try {
    token = (await fetchBounded(entry.statusListCredential, limits)).trim();
  } catch (err) {
    throw new StatusListError("status_list_unavailable", "status list cannot be fetched", { cause: err });
  }
  const { payload } = await verifyJwsByDid(token, issuerDid, resolver, "assertionMethod").catch(
    (err: unknown) => {
      throw new StatusListError("status_list_signature_invalid", "status list signature invalid", {
        cause: err,
      });
    },
  );
  if (payload.iss !== issuerDid) fail("status_list_foreign_issuer", "status list from another issuer");
  const vc = payload.vc;
  if (vc === null || typeof vc !== "object" || Array.isArray(vc)) {
    return fail("status_list_invalid", "status list has no vc claim");
  }
  const body = vc as { id?: unknown; type?: unknown; credentialSubject?: unknown };
  if (!Array.isArray(body.type) || body.type.length > 16 || !body.type.includes(expected.credential)) {
    fail("status_list_wrong_type", `status list is not a ${expected.credential}`);
  }
  const subject = body.credentialSubject;
  if (subject === null || typeof subject !== "object" || Array.isArray(subject)) {
    return fail("status_list_invalid", "status list has no credentialSubject");
  }
  const s = subject as { type?: unknown; encodedList?: unknown; statusPurpose?: unknown };
  if (s.type !== expected.subject)
    fail("status_list_wrong_type", `status list subject is not a ${expected.subject}`);
  if (s.statusPurpose !== "revocation")
    fail("status_list_wrong_purpose", "status list is not a revocation list");
  const named = listUrl(entry.statusListCredential.href);
  if (named === undefined || listUrl(body.id) !== named) {
    fail("status_list_not_named", "status list is not the one the credential names");
  }
  const now = Math.floor(clock.now.getTime() / 1000);
  const skew = clock.clockSkewSeconds ?? 60;
  for (const claim of ["nbf", "exp", "iat"] as const) {
    const v = payload[claim];
    if (v !== undefined && (typeof v !== "number" || !Number.isFinite(v))) {
      fail("status_list_invalid", `status list ${claim} is not a number`);
    }
  }
  const nbf = payload.nbf as number | undefined;
  const iat = payload.iat as number | undefined;
  const exp = payload.exp as number | undefined;
  if (!Number.isFinite(now)) fail("status_list_invalid", "no clock to judge the status list by");
  if ((nbf !== undefined && nbf > now + skew) || (iat !== undefined && iat > now + skew)) {
    fail("status_list_not_yet_valid", "status list is not valid yet");
  }
  if (exp !== undefined && exp <= now - skew) fail("status_list_expired", "status list has expired");
  if (typeof s.encodedList !== "string") return fail("status_list_invalid", "status list has no encodedList");
  return bitAt(decodeEncodedList(s.encodedList), entry.statusListIndex);
}
