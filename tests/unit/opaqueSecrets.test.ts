import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashSecret, newOpaqueSecret, secretMatchesHash } from "../../src/recovery/opaqueSecrets";

describe("opaque secrets", () => {
  it("carry at least 256 bits as 43 base64url characters", () => {
    const secret = newOpaqueSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, "base64url").length).toBe(32);
  });

  it("differ on every call", () => {
    const secrets = new Set(Array.from({ length: 50 }, () => newOpaqueSecret()));
    expect(secrets.size).toBe(50);
  });

  it("are stored as a SHA-256 hash, not as themselves", () => {
    const secret = newOpaqueSecret();
    const hash = hashSecret(secret);
    expect(hash).not.toBe(secret);
    expect(hash).not.toContain(secret);
    expect(hash).toBe(createHash("sha256").update(secret, "utf8").digest("base64url"));
  });

  it("match their own hash", () => {
    const secret = newOpaqueSecret();
    expect(secretMatchesHash(secret, hashSecret(secret))).toBe(true);
  });

  it("do not match another secret's hash", () => {
    expect(secretMatchesHash(newOpaqueSecret(), hashSecret(newOpaqueSecret()))).toBe(false);
  });

  it("do not match when the secret itself is presented as the hash", () => {
    const secret = newOpaqueSecret();
    expect(secretMatchesHash(secret, secret)).toBe(false);
  });

  it("do not match a stored hash of another length, without throwing", () => {
    const secret = newOpaqueSecret();
    expect(secretMatchesHash(secret, "")).toBe(false);
    expect(secretMatchesHash(secret, hashSecret(secret).slice(1))).toBe(false);
  });

  it("an empty presented secret does not match a real hash", () => {
    expect(secretMatchesHash("", hashSecret(newOpaqueSecret()))).toBe(false);
  });
});
