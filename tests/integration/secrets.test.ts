/**
 * The app's secrets module against the Key Vault simulator, through the real SecretClient
 * (challenge-based auth over http): present, missing, rotated, and the error that names a
 * missing secret without revealing any value.
 */
import type { TokenCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KeyVaultSimulator, startKeyVaultSimulator } from "../../dev/simulators/keyvault";
import { secretsForWebhook } from "../../src/idv/webhookSecrets";
import { EnvSecretProvider, envSecretName, KeyVaultSecretProvider, requireSecret } from "../../src/secrets";

const TOKEN = "kv-test-token";
const credential: TokenCredential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

describe("secrets", () => {
  let vault: KeyVaultSimulator;
  beforeAll(async () => {
    vault = await startKeyVaultSimulator({
      acceptedToken: TOKEN,
      tenantId: "6419b49f-dbea-4de2-b118-b27943f6f106",
      secrets: { "tap-handoff-key": "k1", "idv-demo-idv-webhook-secret": "whsec_current" },
    });
  });
  afterAll(async () => {
    await vault?.stop();
  });

  it("reads Key Vault secrets through the real SecretClient, and answers undefined for a missing one", async () => {
    const provider = new KeyVaultSecretProvider(vault.url, credential, 0);
    expect(await provider.get("tap-handoff-key")).toBe("k1");
    expect(await provider.get("no-such-secret")).toBeUndefined();
  });

  it("sees a rotated value once the cache has expired, not before", async () => {
    const cached = new KeyVaultSecretProvider(vault.url, credential, 60_000);
    const fresh = new KeyVaultSecretProvider(vault.url, credential, 0);
    expect(await cached.get("tap-handoff-key")).toBe("k1");
    vault.setSecret("tap-handoff-key", "k2");
    expect(await cached.get("tap-handoff-key")).toBe("k1");
    expect(await fresh.get("tap-handoff-key")).toBe("k2");
  });

  it("accepts the current and the previous webhook secret during a rotation", async () => {
    const provider = new KeyVaultSecretProvider(vault.url, credential, 0);
    expect(await secretsForWebhook(provider, "demo-idv")).toEqual(["whsec_current"]);
    vault.setSecret("idv-demo-idv-webhook-secret-previous", "whsec_previous");
    expect(await secretsForWebhook(provider, "demo-idv")).toEqual(["whsec_current", "whsec_previous"]);
    await expect(secretsForWebhook(provider, "other-idv")).rejects.toMatchObject({ code: "secret_missing" });
  });

  it("fails on a wrong token with a transient dependency error, not as a missing secret", async () => {
    const wrong: TokenCredential = {
      getToken: async () => ({ token: "nope", expiresOnTimestamp: Date.now() + 60_000 }),
    };
    const provider = new KeyVaultSecretProvider(vault.url, wrong, 0);
    await expect(provider.get("tap-handoff-key")).rejects.toMatchObject({ code: "secrets_unavailable" });
  });

  it("reads SECRET_<NAME> variables locally, and requireSecret names what is missing", async () => {
    expect(envSecretName("idv-demo-idv-webhook-secret")).toBe("SECRET_IDV_DEMO_IDV_WEBHOOK_SECRET");
    const env = new EnvSecretProvider({ SECRET_TAP_HANDOFF_KEY: "local" });
    expect(await requireSecret(env, "tap-handoff-key")).toBe("local");
    const missing = await requireSecret(env, "idv-handoff-signing-key").catch((e: Error) => e);
    expect((missing as Error).message).toContain("idv-handoff-signing-key");
  });
});
