import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, SETTINGS } from "../../src/config";
import { ConfigurationError } from "../../src/recovery/errors";

const SAMPLE_SETTINGS = resolve(__dirname, "../../local.settings.sample.json");

const providers = [
  {
    name: "demo-idv",
    adapter: "standard-webhooks",
    displayName: "Demo IDV",
    verificationUrl: "http://127.0.0.1:7082/verify",
    acceptedIssuers: ["did:web:idv.demo.example"],
  },
  {
    name: "eu-idv",
    adapter: "standard-webhooks",
    displayName: "EU IDV",
    verificationUrl: "https://eu-idv.example/start",
    acceptedIssuers: ["did:web:eu-idv.example"],
    webhookToleranceSeconds: 120,
  },
];

const policy = {
  profiles: [
    {
      id: "staff",
      displayName: "Staff",
      includeGroups: ["g-staff"],
      providers: { default: "demo-idv", byCountry: { DE: "eu-idv" } },
    },
  ],
};

type Env = Record<string, string | undefined>;

function validEnv(overrides: Env = {}): Env {
  return {
    AzureWebJobsStorage: "UseDevelopmentStorage=true",
    PUBLIC_BASE_URL: "http://localhost:7071/",
    TENANT_ID: "00000000-0000-4000-8000-000000000001",
    AZURE_CREDENTIAL: "dev-static",
    DEV_ACCESS_TOKEN: "dev-token-not-a-secret",
    GRAPH_BASE_URL: "http://127.0.0.1:7081",
    VERIFIED_ID_BASE_URL: "http://127.0.0.1:7083",
    VERIFIED_ID_AUTHORITY: "did:web:recovery.contoso.example",
    IDV_PROVIDERS: JSON.stringify(providers),
    POLICY_PROFILES: JSON.stringify(policy),
    SECRETS_PROVIDER: "env",
    HANDOFF_TOKEN_LIFETIME_MINUTES: "10",
    ...overrides,
  };
}

function configError(env: Env): ConfigurationError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error("expected loadConfig to fail");
}

describe("loadConfig", () => {
  it("parses a complete local environment", () => {
    const config = loadConfig(validEnv());
    expect(config.storage).toEqual({
      kind: "connectionString",
      connectionString: "UseDevelopmentStorage=true",
    });
    expect(config.tablePrefix).toBe("recovery");
    expect(config.publicBaseUrl).toBe("http://localhost:7071");
    expect(config.frontendReturnUrl).toBe("http://localhost:7071/recover");
    expect(config.tenantId).toBe("00000000-0000-4000-8000-000000000001");
    expect(config.credential).toEqual({ kind: "dev-static", token: "dev-token-not-a-secret" });
    expect(config.graphBaseUrl).toBe("http://127.0.0.1:7081");
    expect(config.verifiedId).toEqual({
      baseUrl: "http://127.0.0.1:7083",
      authority: "did:web:recovery.contoso.example",
      clientName: "Account recovery",
      purpose: "Confirm it is you to recover your account",
      didWebHttpLoopback: false,
    });
    expect([...config.providers.keys()]).toEqual(["demo-idv", "eu-idv"]);
    expect(config.providers.get("demo-idv")?.webhookToleranceSeconds).toBe(300);
    expect(config.providers.get("eu-idv")?.webhookToleranceSeconds).toBe(120);
    expect(config.policy.profiles[0]?.mode).toBe("evaluation");
    expect(config.policy.profiles[0]?.providers.byCountry).toEqual({ DE: "eu-idv" });
    expect(config.secrets).toEqual({ kind: "env" });
    expect(config.handoffTokenLifetimeMinutes).toBe(10);
  });

  it("allows did:web over loopback http only for local runs (dev-static credential)", () => {
    expect(loadConfig(validEnv({ DID_WEB_HTTP_LOOPBACK: "true" })).verifiedId.didWebHttpLoopback).toBe(true);
    const production = configError(
      validEnv({ DID_WEB_HTTP_LOOPBACK: "true", AZURE_CREDENTIAL: "default", DEV_ACCESS_TOKEN: undefined }),
    );
    expect(production.message).toContain("DID_WEB_HTTP_LOOPBACK");
    expect(configError(validEnv({ DID_WEB_HTTP_LOOPBACK: "yes" })).message).toContain(
      "DID_WEB_HTTP_LOOPBACK",
    );
  });

  it("shortens the workflow's minutes only for local runs (dev-static credential)", () => {
    expect(loadConfig(validEnv({})).workflowMinuteSeconds).toBe(60);
    expect(loadConfig(validEnv({ DEV_WORKFLOW_MINUTE_SECONDS: "2" })).workflowMinuteSeconds).toBe(2);
    const production = configError(
      validEnv({
        DEV_WORKFLOW_MINUTE_SECONDS: "2",
        AZURE_CREDENTIAL: "default",
        DEV_ACCESS_TOKEN: undefined,
      }),
    );
    expect(production.message).toContain("DEV_WORKFLOW_MINUTE_SECONDS");
    expect(configError(validEnv({ DEV_WORKFLOW_MINUTE_SECONDS: "0" })).message).toContain(
      "DEV_WORKFLOW_MINUTE_SECONDS",
    );
  });

  it("uses the production defaults when optional settings are absent", () => {
    const config = loadConfig(
      validEnv({
        AZURE_CREDENTIAL: undefined,
        DEV_ACCESS_TOKEN: undefined,
        GRAPH_BASE_URL: undefined,
        VERIFIED_ID_BASE_URL: undefined,
        SECRETS_PROVIDER: undefined,
        HANDOFF_TOKEN_LIFETIME_MINUTES: undefined,
      }),
    );
    expect(config.credential).toEqual({ kind: "default" });
    expect(config.graphBaseUrl).toBe("https://graph.microsoft.com");
    expect(config.verifiedId.baseUrl).toBe("https://verifiedid.did.msidentity.com");
    expect(config.secrets).toEqual({ kind: "env" });
    expect(config.handoffTokenLifetimeMinutes).toBe(15);
  });

  it("prefers the table account URL, then the dedicated connection string", () => {
    expect(
      loadConfig(
        validEnv({
          RECOVERY_STORAGE_ACCOUNT_URL: "https://acct.table.core.windows.net/",
          RECOVERY_STORAGE_CONNECTION: "AccountName=x",
        }),
      ).storage,
    ).toEqual({ kind: "accountUrl", accountUrl: "https://acct.table.core.windows.net" });
    expect(loadConfig(validEnv({ RECOVERY_STORAGE_CONNECTION: "AccountName=x" })).storage).toEqual({
      kind: "connectionString",
      connectionString: "AccountName=x",
    });
  });

  it("reads Key Vault settings", () => {
    const config = loadConfig(
      validEnv({ SECRETS_PROVIDER: "keyvault", KEY_VAULT_URL: "https://kv.vault.azure.net/" }),
    );
    expect(config.secrets).toEqual({ kind: "keyvault", vaultUrl: "https://kv.vault.azure.net" });
  });

  it("treats a blank value as absent", () => {
    expect(configError(validEnv({ TENANT_ID: "   " })).message).toBe(
      "Invalid setting TENANT_ID: is required",
    );
  });

  it("names TENANT_ID when it is missing", () => {
    const err = configError(validEnv({ TENANT_ID: undefined }));
    expect(err.message).toBe("Invalid setting TENANT_ID: is required");
    expect(err).toMatchObject({ code: "configuration_error", expose: false });
  });

  it("names TENANT_ID when it is not a GUID", () => {
    expect(configError(validEnv({ TENANT_ID: "contoso.onmicrosoft.com" })).message).toBe(
      "Invalid setting TENANT_ID: must be a GUID",
    );
  });

  it("names DEV_ACCESS_TOKEN when dev-static credentials have no token", () => {
    expect(configError(validEnv({ DEV_ACCESS_TOKEN: undefined })).message).toBe(
      "Invalid setting DEV_ACCESS_TOKEN: is required",
    );
  });

  it("names AZURE_CREDENTIAL when its value is unknown", () => {
    expect(configError(validEnv({ AZURE_CREDENTIAL: "managed" })).message).toMatch(
      /^Invalid setting AZURE_CREDENTIAL: /,
    );
  });

  it("names AzureWebJobsStorage when no storage is configured", () => {
    expect(configError(validEnv({ AzureWebJobsStorage: undefined })).message).toBe(
      "Invalid setting AzureWebJobsStorage: is required",
    );
  });

  it("names PUBLIC_BASE_URL when it is not a URL", () => {
    expect(configError(validEnv({ PUBLIC_BASE_URL: "localhost:7071" })).message).toMatch(
      /^Invalid setting PUBLIC_BASE_URL: /,
    );
  });

  it("names VERIFIED_ID_AUTHORITY when it is not a DID", () => {
    expect(configError(validEnv({ VERIFIED_ID_AUTHORITY: "recovery.contoso.example" })).message).toBe(
      "Invalid setting VERIFIED_ID_AUTHORITY: must be a DID",
    );
  });

  it("names KEY_VAULT_URL when Key Vault is chosen without it", () => {
    expect(configError(validEnv({ SECRETS_PROVIDER: "keyvault" })).message).toBe(
      "Invalid setting KEY_VAULT_URL: is required",
    );
  });

  it("names IDV_PROVIDERS and acceptedIssuers when a provider accepts no issuer", () => {
    const bad = [{ ...providers[0], acceptedIssuers: [] }];
    const message = configError(validEnv({ IDV_PROVIDERS: JSON.stringify(bad) })).message;
    expect(message).toMatch(/^Invalid setting IDV_PROVIDERS: /);
    expect(message).toContain("[0].acceptedIssuers");
  });

  it("requires a configured linked domain for every accepted issuer that is not a did:web", () => {
    const ion = "did:ion:EiAnKD8-jfdd0MDcZUjAbRgaThBrMxPTFOxcnfJhI7Ukaw";
    const without = [{ ...providers[0], acceptedIssuers: ["did:web:idv.demo.example", ion] }, providers[1]];
    expect(configError(validEnv({ IDV_PROVIDERS: JSON.stringify(without) })).message).toContain(
      `${ion} is not a did:web: its linked domain must be configured`,
    );
    const withDomain = [{ ...without[0], linkedDomains: { [ion]: "https://issuer.example" } }, providers[1]];
    const config = loadConfig(validEnv({ IDV_PROVIDERS: JSON.stringify(withDomain) }));
    expect(config.providers.get("demo-idv")?.linkedDomains).toEqual({ [ion]: "https://issuer.example" });
    // A did:web issuer's linked domain is its own host: configuring another is refused.
    const forWeb = [
      {
        ...without[0],
        linkedDomains: {
          [ion]: "https://issuer.example",
          "did:web:idv.demo.example": "https://evil.example",
        },
      },
    ];
    expect(configError(validEnv({ IDV_PROVIDERS: JSON.stringify(forWeb) })).message).toContain(
      "linkedDomains",
    );
    // Only an https origin.
    for (const bad of ["http://issuer.example", "https://issuer.example/path", "issuer.example"]) {
      const p = [{ ...without[0], linkedDomains: { [ion]: bad } }, providers[1]];
      expect(configError(validEnv({ IDV_PROVIDERS: JSON.stringify(p) })).message).toContain("https origin");
    }
  });

  it("names IDV_PROVIDERS when a provider is listed twice", () => {
    const twice = [providers[0], { ...providers[0], displayName: "Again" }];
    expect(configError(validEnv({ IDV_PROVIDERS: JSON.stringify(twice) })).message).toBe(
      "Invalid setting IDV_PROVIDERS: duplicate provider demo-idv",
    );
  });

  it.each(["javascript:alert(1)", "file:///etc/passwd"])(
    "names IDV_PROVIDERS when a verificationUrl is %s, not http(s)",
    (verificationUrl) => {
      const bad = [{ ...providers[0], verificationUrl }];
      expect(configError(validEnv({ IDV_PROVIDERS: JSON.stringify(bad) })).message).toMatch(
        /^Invalid setting IDV_PROVIDERS: \[0\]\.verificationUrl: /,
      );
    },
  );

  it("names IDV_PROVIDERS when it is not JSON", () => {
    expect(configError(validEnv({ IDV_PROVIDERS: "demo-idv" })).message).toMatch(
      /^Invalid setting IDV_PROVIDERS: is not valid JSON/,
    );
  });

  it("names IDV_PROVIDERS when it is an empty list", () => {
    expect(configError(validEnv({ IDV_PROVIDERS: "[]" })).message).toMatch(
      /^Invalid setting IDV_PROVIDERS: /,
    );
  });

  it("names POLICY_PROFILES when its profile routes to an unknown provider", () => {
    const routed = {
      profiles: [{ ...policy.profiles[0], providers: { default: "demo-idv", byCountry: { FR: "fr-idv" } } }],
    };
    expect(configError(validEnv({ POLICY_PROFILES: JSON.stringify(routed) })).message).toBe(
      "Invalid setting POLICY_PROFILES: profile staff routes to unknown provider fr-idv",
    );
  });

  it("allows a claim-validation callout over loopback http only for local runs (dev-static credential)", () => {
    const withCallout = JSON.stringify({
      profiles: [{ ...policy.profiles[0], claimValidation: { url: "http://127.0.0.1:8090/validate" } }],
    });
    expect(
      loadConfig(validEnv({ POLICY_PROFILES: withCallout })).policy.profiles[0]?.claimValidation,
    ).toBeDefined();
    const err = configError(
      validEnv({ POLICY_PROFILES: withCallout, AZURE_CREDENTIAL: "default", DEV_ACCESS_TOKEN: undefined }),
    );
    expect(err.message).toContain("POLICY_PROFILES");
    expect(err.message).toContain("claimValidation.url over http");
  });

  it("names POLICY_PROFILES when it is not JSON", () => {
    expect(configError(validEnv({ POLICY_PROFILES: "{profiles:" })).message).toMatch(
      /^Invalid setting POLICY_PROFILES: is not valid JSON/,
    );
  });

  it("names POLICY_PROFILES and the path when the document is invalid", () => {
    const bad = { profiles: [{ ...policy.profiles[0], faceCheckThreshold: 49 }] };
    expect(configError(validEnv({ POLICY_PROFILES: JSON.stringify(bad) })).message).toMatch(
      /^Invalid setting POLICY_PROFILES: profiles\[0\]\.faceCheckThreshold: /,
    );
  });

  it("names POLICY_PROFILES_FILE when the file does not exist", () => {
    const missing = resolve(__dirname, "no-such-policy.json");
    const message = configError(
      validEnv({ POLICY_PROFILES: undefined, POLICY_PROFILES_FILE: missing }),
    ).message;
    expect(message).toBe(`Invalid setting POLICY_PROFILES_FILE: cannot read ${missing} (ENOENT)`);
  });

  it("names POLICY_PROFILES_FILE when no policy is configured at all", () => {
    expect(configError(validEnv({ POLICY_PROFILES: undefined })).message).toMatch(
      /^Invalid setting POLICY_PROFILES_FILE: is required/,
    );
  });

  it.each(["1recovery", "recovery-prod", "re_covery", "a".repeat(41)])(
    "names RECOVERY_TABLE_PREFIX when it is %s",
    (prefix) => {
      expect(configError(validEnv({ RECOVERY_TABLE_PREFIX: prefix })).message).toMatch(
        /^Invalid setting RECOVERY_TABLE_PREFIX: /,
      );
    },
  );

  it("accepts a table prefix of letters and digits", () => {
    expect(loadConfig(validEnv({ RECOVERY_TABLE_PREFIX: "Prod2" })).tablePrefix).toBe("Prod2");
  });

  it.each(["0", "61", "1.5", "ten", "-5"])("names HANDOFF_TOKEN_LIFETIME_MINUTES when it is %s", (value) => {
    expect(configError(validEnv({ HANDOFF_TOKEN_LIFETIME_MINUTES: value })).message).toBe(
      "Invalid setting HANDOFF_TOKEN_LIFETIME_MINUTES: an integer from 1 to 60",
    );
  });
});

describe("loadConfig: defaults, bounds and spellings (as before the settings schema)", () => {
  // [setting, default, min, max, read from the configuration]
  const integers: [string, number, number, number, (c: ReturnType<typeof loadConfig>) => number][] = [
    ["GRAPH_TIMEOUT_SECONDS", 30, 1, 120, (c) => c.graphTimeoutSeconds],
    ["DEV_WORKFLOW_MINUTE_SECONDS", 60, 1, 60, (c) => c.workflowMinuteSeconds],
    ["POLICY_CACHE_SECONDS", 30, 0, 300, (c) => c.policyCacheSeconds],
    ["DIAGNOSTICS_MAX_USERS", 50_000, 100, 1_000_000, (c) => c.diagnosticsMaxUsers],
    ["RATE_LIMIT_PER_ADDRESS", 10, 0, 100_000, (c) => c.rateLimits.perAddress],
    ["RATE_LIMIT_PER_USERNAME", 60, 0, 100_000, (c) => c.rateLimits.perUsername],
    ["RATE_LIMIT_PER_USERNAME_AND_ADDRESS", 5, 0, 100_000, (c) => c.rateLimits.perUsernameAndAddress],
    ["RATE_LIMIT_WINDOW_SECONDS", 900, 60, 86_400, (c) => c.rateLimits.windowSeconds],
    ["TRUSTED_PROXY_HOPS", 1, 0, 10, (c) => c.trustedProxyHops],
    ["NOT_ELIGIBLE_MIN_DELAY_MS", 4000, 0, 30_000, (c) => c.notEligibleMinDelayMs],
    ["HANDOFF_TOKEN_LIFETIME_MINUTES", 15, 1, 60, (c) => c.handoffTokenLifetimeMinutes],
    ["WEBHOOK_INBOX_RETENTION_DAYS", 7, 1, 365, (c) => c.webhookInboxRetentionDays],
    ["IDV_INBOX_SWEEP_MIN_AGE_SECONDS", 30, 0, 3600, (c) => c.idvInboxSweepMinAgeSeconds],
  ];

  it.each(integers)(
    "%s defaults to %d and accepts exactly the integers %d to %d",
    (name, fallback, min, max, get) => {
      expect(get(loadConfig(validEnv({ [name]: undefined })))).toBe(fallback);
      expect(get(loadConfig(validEnv({ [name]: " " })))).toBe(fallback);
      expect(get(loadConfig(validEnv({ [name]: String(min) })))).toBe(min);
      expect(get(loadConfig(validEnv({ [name]: ` ${max} ` })))).toBe(max);
      for (const bad of [String(min - 1), String(max + 1), `${min}.5`, "ten", "NaN"]) {
        expect(configError(validEnv({ [name]: bad })).message, bad).toBe(
          `Invalid setting ${name}: an integer from ${min} to ${max}`,
        );
      }
    },
  );

  it("reads an integer setting as JavaScript's Number reads it", () => {
    expect(loadConfig(validEnv({ GRAPH_TIMEOUT_SECONDS: "1e1" })).graphTimeoutSeconds).toBe(10);
    expect(loadConfig(validEnv({ GRAPH_TIMEOUT_SECONDS: "0x10" })).graphTimeoutSeconds).toBe(16);
    expect(loadConfig(validEnv({ GRAPH_TIMEOUT_SECONDS: "20.0" })).graphTimeoutSeconds).toBe(20);
  });

  it.each(["GRAPH_BATCHING", "NOTIFY_MANAGER", "DID_WEB_HTTP_LOOPBACK"])(
    "%s is exactly `true` or `false`",
    (name) => {
      for (const bad of ["TRUE", "False", "1", "yes"]) {
        expect(configError(validEnv({ [name]: bad })).message, bad).toBe(
          `Invalid setting ${name}: must be \`true\` or \`false\``,
        );
      }
      expect(loadConfig(validEnv({ GRAPH_BATCHING: "false" })).graphBatching).toBe(false);
    },
  );

  it("keeps the text defaults and trims values", () => {
    const config = loadConfig(
      validEnv({ VERIFIED_ID_CLIENT_NAME: "  Contoso  ", GRAPH_BASE_URL: "http://127.0.0.1:7081///" }),
    );
    expect(config.verifiedId.clientName).toBe("Contoso");
    expect(config.graphBaseUrl).toBe("http://127.0.0.1:7081");
    expect(loadConfig(validEnv()).adminApi).toEqual({
      audiences: [],
      authorityHost: "https://login.microsoftonline.com",
    });
    expect(loadConfig(validEnv({ FRONTEND_RETURN_URL: "https://app.example/back/" })).frontendReturnUrl).toBe(
      "https://app.example/back",
    );
  });

  it("names a mail setting that is not a mail address", () => {
    for (const name of ["NOTIFY_SENDER_MAILBOX", "NOTIFY_ADMIN_ADDRESS"]) {
      expect(configError(validEnv({ [name]: "identity admins@contoso.example" })).message).toBe(
        `Invalid setting ${name}: must be a mail address`,
      );
    }
  });

  it("reads KEY_VAULT_URL and DEV_ACCESS_TOKEN only under the choice that uses them", () => {
    // Unused, a malformed value is not read, so it stops nothing (as before the schema).
    expect(loadConfig(validEnv({ KEY_VAULT_URL: "kv-recovery" })).secrets).toEqual({ kind: "env" });
    expect(
      configError(validEnv({ SECRETS_PROVIDER: "keyvault", KEY_VAULT_URL: "kv-recovery" })).message,
    ).toBe("Invalid setting KEY_VAULT_URL: is not a URL: kv-recovery");
    expect(
      loadConfig(validEnv({ AZURE_CREDENTIAL: "default", DEV_ACCESS_TOKEN: "left-over" })).credential,
    ).toEqual({ kind: "default" });
  });
});

describe("SETTINGS", () => {
  it("documents every setting once, each with a description", () => {
    const names = SETTINGS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const setting of SETTINGS) expect(setting.description.length).toBeGreaterThan(10);
  });

  it("every setting appears in local.settings.sample.json", () => {
    const sample = JSON.parse(readFileSync(SAMPLE_SETTINGS, "utf8")) as { Values?: Record<string, string> };
    const keys = Object.keys(sample.Values ?? {});
    const missing = SETTINGS.map((s) => s.name).filter((name) => !keys.includes(name));
    expect(missing).toEqual([]);
  });

  it("every setting is described in the README's settings table", () => {
    const readme = readFileSync(resolve(__dirname, "../../README.md"), "utf8");
    const missing = SETTINGS.map((s) => s.name).filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(missing).toEqual([]);
  });
});
