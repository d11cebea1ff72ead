/**
 * The key the TAP is sealed to, end to end: an ECDH P-256 key pair made by WebCrypto in this
 * browser. The private key is non-extractable — script can use it, never read it — and is
 * kept in IndexedDB (which stores CryptoKey objects as they are) so it survives the trip to
 * the identity provider and back. Only the public half (kty, crv, x, y) is sent, as
 * `tapEncryptionKey`; the server seals the TAP to it as a JWE (ECDH-ES+A256KW, A256GCM).
 */
import { compactDecrypt } from "jose";

const DB = "account-recovery";
const STORE = "keys";
const RECORD = "tap";

export interface TapKeyPair {
  privateKey: CryptoKey;
  publicJwk: JsonWebKey;
}

export async function createTapKey(): Promise<TapKeyPair> {
  const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y } };
}

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, use: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = use(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Keeps the private key for one recovery (the one this tab started). */
export async function saveTapKey(recoveryId: string, privateKey: CryptoKey): Promise<void> {
  await withStore("readwrite", (s) => s.put({ recoveryId, privateKey }, RECORD));
}

export async function loadTapKey(recoveryId: string): Promise<CryptoKey | undefined> {
  try {
    const stored = (await withStore("readonly", (s) => s.get(RECORD))) as
      | { recoveryId: string; privateKey: CryptoKey }
      | undefined;
    return stored?.recoveryId === recoveryId ? stored.privateKey : undefined;
  } catch {
    return undefined;
  }
}

export async function forgetTapKey(): Promise<void> {
  try {
    await withStore("readwrite", (s) => s.delete(RECORD));
  } catch {
    // Nothing stored, or storage unavailable: nothing to forget.
  }
}

/** Opens the sealed TAP; only the algorithms the server seals with are accepted. */
export async function openTap(jwe: string, privateKey: CryptoKey): Promise<string> {
  const { plaintext } = await compactDecrypt(jwe, privateKey, {
    keyManagementAlgorithms: ["ECDH-ES+A256KW"],
    contentEncryptionAlgorithms: ["A256GCM"],
  });
  return new TextDecoder().decode(plaintext);
}
