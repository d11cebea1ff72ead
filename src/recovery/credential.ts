/**
 * Credential check: what we believe of a Verified ID presentation. The Request Service has
 * already verified signatures, but callbacks are not signed (FACTS §6), so issuer, type,
 * revocation state, validity window and the Face Check score are re-checked here against
 * our own expectations. Pure: the caller supplies the clock.
 */
import type { FailureCode } from "./status";

export interface PresentedCredential {
  issuer: string;
  type: string[];
  claims: Record<string, unknown>;
  revocationStatus: string | undefined;
  issuanceDate: string | undefined;
  expirationDate: string | undefined;
  faceCheckScore: number | undefined;
}

export interface CredentialExpectations {
  acceptedIssuers: readonly string[];
  requiredType: string;
  faceCheckThreshold: number;
  now: Date;
}

export type CredentialVerdict =
  | { ok: true; firstName: string; lastName: string; faceCheckScore: number }
  | { ok: false; code: FailureCode; explanation: string };

export function checkPresentedCredential(
  credentials: readonly PresentedCredential[],
  expect: CredentialExpectations,
): CredentialVerdict {
  if (credentials.length !== 1) {
    return {
      ok: false,
      code: "credential_invalid",
      explanation: `expected 1 credential, got ${credentials.length}`,
    };
  }
  const vc = credentials[0]!;
  if (!expect.acceptedIssuers.includes(vc.issuer)) {
    return { ok: false, code: "credential_invalid", explanation: "issuer not accepted" };
  }
  if (!vc.type.includes(expect.requiredType)) {
    return { ok: false, code: "credential_invalid", explanation: `type ${expect.requiredType} missing` };
  }
  if (vc.revocationStatus !== "VALID") {
    return {
      ok: false,
      code: "credential_invalid",
      explanation: `revocation status ${vc.revocationStatus ?? "absent"}`,
    };
  }
  const now = expect.now.getTime();
  const expires = vc.expirationDate ? Date.parse(vc.expirationDate) : Number.NaN;
  if (!Number.isFinite(expires) || expires <= now) {
    return { ok: false, code: "credential_invalid", explanation: "credential expired or without expiry" };
  }
  const issued = vc.issuanceDate === undefined ? undefined : Date.parse(vc.issuanceDate);
  if (issued !== undefined && !Number.isFinite(issued)) {
    return { ok: false, code: "credential_invalid", explanation: "unreadable issuance date" };
  }
  if (issued !== undefined && issued > now + 5 * 60_000) {
    return { ok: false, code: "credential_invalid", explanation: "credential issued in the future" };
  }
  if (vc.faceCheckScore === undefined) {
    return { ok: false, code: "face_check_failed", explanation: "no Face Check result" };
  }
  if (vc.faceCheckScore < expect.faceCheckThreshold) {
    return {
      ok: false,
      code: "face_check_failed",
      explanation: `score ${vc.faceCheckScore} below threshold ${expect.faceCheckThreshold}`,
    };
  }
  const firstName = typeof vc.claims.firstName === "string" ? vc.claims.firstName : undefined;
  const lastName = typeof vc.claims.lastName === "string" ? vc.claims.lastName : undefined;
  if (!firstName || !lastName) {
    return { ok: false, code: "credential_invalid", explanation: "firstName or lastName claim missing" };
  }
  return { ok: true, firstName, lastName, faceCheckScore: vc.faceCheckScore };
}
