/**
 * The one way the app reads secrets. Production: Key Vault through the managed identity.
 * Local runs: environment variables `SECRET_<NAME>` (name upper-cased, non-alphanumerics
 * as `_`), e.g. `idv-demo-idv-webhook-secret` → `SECRET_IDV_DEMO_IDV_WEBHOOK_SECRET`.
 * Values are cached briefly so rotation in Key Vault is picked up without a restart.
 */
import type { TokenCredential } from "@azure/identity";
import type { SecretClient } from "@azure/keyvault-secrets";
import { DependencyError } from "../recovery/errors";

export interface SecretProvider {
  /** The secret's current value, or undefined when it does not exist. */
  get(name: string): Promise<string | undefined>;
}

export function envSecretName(name: string): string {
  return `SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

export class EnvSecretProvider implements SecretProvider {
  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}
  async get(name: string): Promise<string | undefined> {
    const value = this.env[envSecretName(name)];
    return value ? value : undefined;
  }
}

export class KeyVaultSecretProvider implements SecretProvider {
  private client: SecretClient | undefined;
  private readonly cache = new Map<string, { value: string | undefined; at: number }>();

  constructor(
    private readonly vaultUrl: string,
    private readonly credential: TokenCredential,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** The SDK is loaded on the first read, not when the app loads (cold start). */
  private secretClient(): SecretClient {
    if (!this.client) {
      const { SecretClient } = require("@azure/keyvault-secrets") as typeof import("@azure/keyvault-secrets");
      this.client = new SecretClient(this.vaultUrl, this.credential, {
        allowInsecureConnection: this.vaultUrl.startsWith("http:"),
        disableChallengeResourceVerification: this.vaultUrl.startsWith("http:"),
      });
    }
    return this.client;
  }

  async get(name: string): Promise<string | undefined> {
    const hit = this.cache.get(name);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    let value: string | undefined;
    try {
      value = (await this.secretClient().getSecret(name)).value;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) {
        throw new DependencyError("secrets_unavailable", `Key Vault read of ${name} failed`, true, {
          cause: err,
        });
      }
    }
    this.cache.set(name, { value, at: Date.now() });
    return value;
  }
}

/** Reads a secret that must exist; the error names it (never its value). */
export async function requireSecret(provider: SecretProvider, name: string): Promise<string> {
  const value = await provider.get(name);
  if (!value) throw new DependencyError("secret_missing", `Secret ${name} is not configured`, false);
  return value;
}
