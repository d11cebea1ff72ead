/**
 * Secrets we hand out (recovery tokens, callback api-keys) are stored only as SHA-256
 * hashes and compared in constant time. 32 random bytes = 256 bits (DESIGN.md §3).
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

export function newOpaqueSecret(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("base64url");
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatchesHash(presented: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(presented), "utf8");
  const b = Buffer.from(storedHash, "utf8");
  return a.length === b.length && timingSafeEqual(a, b);
}
