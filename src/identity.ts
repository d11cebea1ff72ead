/**
 * The credential every Azure client uses. Production: DefaultAzureCredential (managed
 * identity). Locally: a fixed bearer token the simulators accept — a real TokenCredential,
 * selected only by AZURE_CREDENTIAL=dev-static.
 */
import { type AccessToken, DefaultAzureCredential, type TokenCredential } from "@azure/identity";
import type { AppConfig } from "./config";

class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {}
  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 60 * 60_000 };
  }
}

export function createCredential(config: AppConfig): TokenCredential {
  return config.credential.kind === "dev-static"
    ? new StaticTokenCredential(config.credential.token)
    : new DefaultAzureCredential();
}
