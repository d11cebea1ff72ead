/**
 * In-memory stand-in for the user's Microsoft Authenticator. The IDV simulator issues the
 * VerifiedIdentity credential into it and the Verified ID simulator presents from it, so
 * both must share one instance in the same process (as the real wallet links the two steps).
 */
import { randomUUID } from "node:crypto";

export interface WalletCredentialClaims {
  firstName: string;
  lastName: string;
  dateOfBirth?: string;
  documentType?: string;
  portrait?: string;
}

export interface WalletCredential {
  id: string;
  type: "VerifiedIdentity";
  /** DID of the issuing IDV provider. */
  issuer: string;
  claims: WalletCredentialClaims;
  issuanceDate: string;
  expirationDate: string;
  revoked?: boolean;
}

export class Wallet {
  private readonly credentials: WalletCredential[] = [];

  issue(credential: WalletCredential): void {
    // Copy so later mutation by a caller cannot change what the wallet "holds".
    this.credentials.push({ ...credential, claims: { ...credential.claims } });
  }

  /** The most recently issued credential: what Authenticator would offer first. */
  latest(): WalletCredential | undefined {
    return this.credentials[this.credentials.length - 1];
  }

  all(): WalletCredential[] {
    return [...this.credentials];
  }
}

/** A fresh credential id in the urn:uuid form wallets show. */
export function newCredentialId(): string {
  return `urn:uuid:${randomUUID()}`;
}
