/**
 * Self-validation of a presentation receipt (docs/facts.md §7): the VP JWT the wallet signed and the
 * one VC JWT inside it, checked by us rather than believed from the Request Service. Used when
 * the callback carries a receipt (no Face Check configured), and for the simulator's signed
 * credentials.
 *
 * VP: signed by the holder's key (did:jwk; the holder is the VP's `iss`), `aud` = our verifier
 * DID, `nonce` = the nonce of our request (binds the VP to this request: a VP presented for
 * another request is a replay), `iat`/`nbf`/`exp` within a small clock skew, exactly one
 * credential. VC: `iss` in the accepted set (checked BEFORE its DID is resolved, so a token
 * cannot make us fetch arbitrary URLs), signed by a key of that issuer's did:web document,
 * `sub` = the holder, type, validity window, the revocation bit of its status list, and the
 * name claims. The verdict names a stable reason for the audit log and never carries photos.
 */
import { createHash } from "node:crypto";
import {
  DidResolutionError,
  JwsRejectedError,
  type PresentationFailureCode,
  PresentationRejectedError,
  type PresentationRejectionReason,
  StatusListError,
} from "../recovery/errors";
import type { DidResolver } from "./didWeb";
import { decodeUnverified, verifyJwsByDid } from "./jws";
import { isRevoked, parseStatusEntry } from "./statusList";

export interface VpExpectations {
  verifierDid: string;
  nonce: string;
  acceptedIssuers: readonly string[];
  requiredType: string;
  now: Date;
  /** Default 60 s. */
  clockSkewSeconds?: number;
  /** How old the VP's `iat` may be; default 600 s. */
  maxPresentationAgeSeconds?: number;
}

export type VpVerdict =
  | {
      ok: true;
      holder: string;
      issuer: string;
      type: string[];
      claims: Record<string, unknown>;
      issuanceDate: string | undefined;
      expirationDate: string;
    }
  | { ok: false; code: PresentationFailureCode; reason: PresentationRejectionReason; explanation: string };

const PHOTO_CLAIMS = new Set(["portrait", "photo", "selfie"]);

/**
 * The nonce we expect in the VP of the request with this `state`. The Request Service does not
 * document the nonce of the request object it builds, nor return it (docs/facts.md §6): this
 * derivation is our contract with the local simulator, and a receipt from elsewhere fails
 * closed on it.
 */
export function presentationNonce(state: string): string {
  return createHash("sha256").update(`vp-nonce:${state}`, "utf8").digest("base64url");
}

const reject = (
  code: PresentationFailureCode,
  reason: PresentationRejectionReason,
  message: string,
): never => {
  throw new PresentationRejectedError(code, reason, message);
};

/** Turns a signature/DID error into a verdict reason prefixed by what was being checked. */
function fromCryptoError(err: unknown, prefix: "vp" | "vc", code: PresentationFailureCode): never {
  if (
    err instanceof JwsRejectedError ||
    err instanceof DidResolutionError ||
    err instanceof StatusListError
  ) {
    throw new PresentationRejectedError(code, `${prefix}_${err.code}`, err.message);
  }
  throw err;
}

function numericDate(payload: Record<string, unknown>, claim: string, of: "vp" | "vc"): number | undefined {
  const v = payload[claim];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    const code: PresentationFailureCode = of === "vp" ? "presentation_rejected" : "credential_invalid";
    return reject(code, `${of}_malformed`, `${claim} is not a number`);
  }
  return v;
}

/** Longest VP token we look at (the callback schema's own bound, kept here so the function stands alone). */
export const MAX_VP_TOKEN_LENGTH = 64 * 1024;

export async function validatePresentation(
  vpToken: string,
  expect: VpExpectations,
  resolver: DidResolver,
): Promise<VpVerdict> {
  if (typeof vpToken !== "string" || vpToken.length > MAX_VP_TOKEN_LENGTH) {
    return {
      ok: false,
      code: "presentation_rejected",
      reason: "vp_too_large",
      explanation: `the VP token is not a string of at most ${MAX_VP_TOKEN_LENGTH} characters`,
    };
  }
  if (!(expect.now instanceof Date) || !Number.isFinite(expect.now.getTime())) {
    return { ok: false, code: "credential_invalid", reason: "clock_invalid", explanation: "no valid clock" };
  }
  try {
    return await validate(vpToken, expect, resolver);
  } catch (err) {
    if (err instanceof PresentationRejectedError)
      return { ok: false, code: err.code, reason: err.reason, explanation: err.message };
    throw err;
  }
}

async function validate(vpToken: string, expect: VpExpectations, resolver: DidResolver): Promise<VpVerdict> {
  const skew = expect.clockSkewSeconds ?? 60;
  const now = Math.floor(expect.now.getTime() / 1000);

  // --- the presentation, signed by the holder ---
  let holder: string;
  try {
    const iss = decodeUnverified(vpToken).payload.iss;
    holder = typeof iss === "string" ? iss : "";
  } catch (err) {
    return fromCryptoError(err, "vp", "presentation_rejected");
  }
  if (!holder.startsWith("did:jwk:")) {
    reject("presentation_rejected", "vp_holder_unsupported", "the VP holder must be a did:jwk");
  }
  const vp = await verifyJwsByDid(vpToken, holder, resolver, "authentication").catch((err: unknown) =>
    fromCryptoError(err, "vp", "presentation_rejected"),
  );
  const p = vp.payload;
  const aud = p.aud;
  if (
    !(aud === expect.verifierDid || (Array.isArray(aud) && aud.length === 1 && aud[0] === expect.verifierDid))
  ) {
    reject("presentation_rejected", "vp_audience_mismatch", "VP audience is not our verifier DID");
  }
  if (typeof p.nonce !== "string" || p.nonce !== expect.nonce) {
    reject("presentation_rejected", "vp_nonce_mismatch", "VP nonce is not the nonce of this request");
  }
  const iat = numericDate(p, "iat", "vp");
  if (iat === undefined) return reject("presentation_rejected", "vp_iat_missing", "VP has no iat");
  if (iat > now + skew) reject("presentation_rejected", "vp_issued_in_future", "VP iat is in the future");
  if (iat < now - (expect.maxPresentationAgeSeconds ?? 600)) {
    reject("presentation_rejected", "vp_too_old", "VP was signed too long ago");
  }
  const vpNbf = numericDate(p, "nbf", "vp");
  if (vpNbf !== undefined && vpNbf > now + skew)
    reject("presentation_rejected", "vp_not_yet_valid", "VP nbf in the future");
  const vpExp = numericDate(p, "exp", "vp");
  if (vpExp !== undefined && vpExp <= now - skew)
    reject("presentation_rejected", "vp_expired", "VP has expired");
  const vpClaim = p.vp as { verifiableCredential?: unknown } | undefined;
  const credentials = vpClaim?.verifiableCredential;
  const [vcToken] = Array.isArray(credentials) ? (credentials as unknown[]) : [];
  if (!Array.isArray(credentials) || credentials.length !== 1 || typeof vcToken !== "string") {
    return reject("credential_invalid", "vp_credential_count", "the VP must hold exactly one JWT credential");
  }

  // --- the credential, signed by an accepted issuer ---
  let issuer: string;
  try {
    const iss = decodeUnverified(vcToken).payload.iss;
    issuer = typeof iss === "string" ? iss : "";
  } catch (err) {
    return fromCryptoError(err, "vc", "credential_invalid");
  }
  if (!expect.acceptedIssuers.includes(issuer)) {
    reject("credential_invalid", "vc_issuer_not_accepted", "credential issuer is not accepted");
  }
  const vc = await verifyJwsByDid(vcToken, issuer, resolver, "assertionMethod").catch((err: unknown) =>
    fromCryptoError(err, "vc", "credential_invalid"),
  );
  const c = vc.payload;
  if (c.sub !== holder)
    reject("credential_invalid", "vc_subject_mismatch", "credential subject is not the VP holder");
  const body = c.vc as
    | { type?: unknown; credentialSubject?: Record<string, unknown>; credentialStatus?: unknown }
    | undefined;
  if (Array.isArray(body?.type) && body.type.length > 32) {
    reject("credential_invalid", "vc_type_invalid", "credential type list is implausibly long");
  }
  const type = Array.isArray(body?.type) ? body.type.filter((t): t is string => typeof t === "string") : [];
  if (!type.includes(expect.requiredType)) {
    reject("credential_invalid", "vc_type_missing", `credential type ${expect.requiredType} missing`);
  }
  const nbf = numericDate(c, "nbf", "vc");
  if (nbf !== undefined && nbf > now + skew)
    reject("credential_invalid", "vc_not_yet_valid", "credential not yet valid");
  const exp = numericDate(c, "exp", "vc");
  if (exp === undefined) return reject("credential_invalid", "vc_exp_missing", "credential has no expiry");
  if (exp <= now - skew) reject("credential_expired", "vc_expired", "credential has expired");
  const subject = body?.credentialSubject ?? {};
  const firstName = subject.firstName;
  const lastName = subject.lastName;
  if (
    typeof firstName !== "string" ||
    !firstName.trim() ||
    typeof lastName !== "string" ||
    !lastName.trim()
  ) {
    reject("credential_invalid", "vc_claims_missing", "firstName or lastName claim missing");
  }
  let revoked: boolean;
  try {
    const entry = parseStatusEntry(body?.credentialStatus, resolver.allowHttpLoopback);
    revoked = await isRevoked(entry, issuer, resolver, { now: expect.now, clockSkewSeconds: skew });
  } catch (err) {
    return fromCryptoError(err, "vc", "credential_invalid");
  }
  if (revoked) reject("credential_revoked", "vc_revoked", "credential is revoked");

  const claims = Object.fromEntries(
    Object.entries(subject).filter(([k]) => k !== "id" && !PHOTO_CLAIMS.has(k)),
  );
  return {
    ok: true,
    holder,
    issuer,
    type,
    claims,
    issuanceDate: earliestIssuance(c, body),
    expirationDate: new Date(exp * 1000).toISOString(),
  };
}

/**
 * When the VC says it was issued: the earliest of `iat`, `nbf` and `vc.issuanceDate` (a JWT-VC
 * may carry any of them; the earliest is the one freshness must hold against). Undefined when
 * none is readable.
 */
const MAX_EPOCH_SECONDS = 8.64e12; // the range of a JavaScript Date
function earliestIssuance(payload: Record<string, unknown>, body: unknown): string | undefined {
  const seconds: number[] = [];
  for (const claim of ["iat", "nbf"]) {
    const v = payload[claim];
    if (typeof v === "number" && Math.abs(v) <= MAX_EPOCH_SECONDS) seconds.push(v);
  }
  const stated = (body as { issuanceDate?: unknown } | undefined)?.issuanceDate;
  if (typeof stated === "string" && stated.length <= 64) {
    const ms = Date.parse(stated);
    if (Math.abs(ms) <= MAX_EPOCH_SECONDS * 1000) seconds.push(ms / 1000);
  }
  return seconds.length > 0 ? new Date(Math.min(...seconds) * 1000).toISOString() : undefined;
}
