/**
 * Key Vault simulator against the real SecretClient: proves the challenge flow and the
 * REST shapes are close enough for the SDK the app uses.
 */
import type { AccessToken, TokenCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KeyVaultSimulator, startKeyVaultSimulator } from "../../dev/simulators/keyvault";

const TOKEN = "kv-test-token";
const TENANT = "11111111-2222-3333-4444-555555555555";

/** Records what the SDK asked for, so the test can check the challenge reached it. */
class StaticCredential implements TokenCredential {
  readonly calls: Array<{ scopes: string[]; tenantId?: string }> = [];
  constructor(private readonly token: string) {}
  async getToken(scopes: string | string[], options?: { tenantId?: string }): Promise<AccessToken> {
    this.calls.push({
      scopes: [scopes].flat(),
      ...(options?.tenantId ? { tenantId: options.tenantId } : {}),
    });
    return { token: this.token, expiresOnTimestamp: Date.now() + 3_600_000 };
  }
}

const clientFor = (url: string, credential: TokenCredential) =>
  new SecretClient(url, credential, {
    allowInsecureConnection: true,
    disableChallengeResourceVerification: true,
  });

describe("Key Vault simulator", () => {
  let kv: KeyVaultSimulator;
  beforeAll(async () => {
    kv = await startKeyVaultSimulator({
      acceptedToken: TOKEN,
      tenantId: TENANT,
      secrets: { "idv-secret": "v1" },
    });
  });
  afterAll(() => kv.stop());

  it("answers an unauthenticated call with the Key Vault challenge", async () => {
    const res = await fetch(`${kv.url}/secrets/idv-secret?api-version=7.6`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(
      `Bearer authorization="https://login.microsoftonline.com/${TENANT}", resource="https://vault.azure.net"`,
    );
  });

  it("serves latest, a given version and the version list to SecretClient", async () => {
    const credential = new StaticCredential(TOKEN);
    const client = clientFor(kv.url, credential);

    const first = await client.getSecret("idv-secret");
    expect(first.value).toBe("v1");
    expect(first.name).toBe("idv-secret");
    expect(credential.calls[0]).toEqual({ scopes: ["https://vault.azure.net/.default"], tenantId: TENANT });

    const v2 = kv.setSecret("idv-secret", "v2");
    const written = await client.setSecret("idv-secret", "v3", { contentType: "text/plain" });
    expect(written.properties.version).toMatch(/^[0-9a-f]{32}$/);

    expect((await client.getSecret("idv-secret")).value).toBe("v3");
    expect((await client.getSecret("idv-secret", { version: v2 })).value).toBe("v2");
    expect((await client.getSecret("idv-secret", { version: first.properties.version! })).value).toBe("v1");

    const versions: string[] = [];
    for await (const props of client.listPropertiesOfSecretVersions("idv-secret"))
      versions.push(props.version!);
    expect(versions).toEqual([first.properties.version, v2, written.properties.version]);
  });

  it("reports a missing secret as SecretNotFound (404)", async () => {
    const client = clientFor(kv.url, new StaticCredential(TOKEN));
    await expect(client.getSecret("nope")).rejects.toMatchObject({ statusCode: 404, code: "SecretNotFound" });
  });

  it("rejects a wrong token", async () => {
    const client = clientFor(kv.url, new StaticCredential("wrong"));
    await expect(client.getSecret("idv-secret")).rejects.toMatchObject({ statusCode: 401 });
  });
});
