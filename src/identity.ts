/**
 * The credential every Azure client uses. Production: DefaultAzureCredential (managed
 * identity). Locally: a fixed bearer token the simulators accept — a real TokenCredential,
 * selected only by AZURE_CREDENTIAL=dev-static.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import type { AppConfig } from "./config";

/**
 * DefaultAzureCredential, loaded on the first token request: `@azure/identity` (with MSAL) is
 * the heaviest module the app has, and loading the app must only register functions (cold start).
 */
class LazyDefaultCredential implements TokenCredential {
  private credential: TokenCredential | undefined;
  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    if (!this.credential) {
      const identity = require("@azure/identity") as typeof import("@azure/identity");
      this.credential = new identity.DefaultAzureCredential();
    }
    return this.credential.getToken(scopes, options);
  }
}

class StaticTokenCredential implements TokenCredential {
  constructor(private readonly token: string) {}
  async getToken(): Promise<AccessToken> {
    return { token: this.token, expiresOnTimestamp: Date.now() + 60 * 60_000 };
  }
}

export function createCredential(config: AppConfig): TokenCredential {
  return config.credential.kind === "dev-static"
    ? new StaticTokenCredential(config.credential.token)
    : new LazyDefaultCredential();
}
