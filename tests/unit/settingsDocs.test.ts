import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_ADMIN_ADDRESS, DEMO_NOTICE_SENDER, DEMO_TENANT_ID } from "../../dev/seed/demo-tenant";
import { generatedFiles, withTable } from "../../dev/settingsDocs";
import { repoRoot } from "../../dev/support/repoRoot";
import { loadConfig } from "../../src/config";
import { SETTINGS } from "../../src/settings";

describe("settings documentation generated from the schema (npm run docs:settings)", () => {
  it.each(generatedFiles().map(({ file, content }) => [file, content]))(
    "%s is what the generator makes from src/settings.ts",
    (file, content) => {
      const committed = readFileSync(path.join(repoRoot, file), "utf8");
      expect(committed, `${file} differs from the schema: run npm run docs:settings`).toBe(content);
    },
  );

  it("documents every setting of the schema once, each with a description and its accepted values", () => {
    const names = SETTINGS.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of SETTINGS) {
      expect(s.description.length, s.name).toBeGreaterThan(10);
      expect(s.values, s.name).not.toBe("");
      if (s.required && s.doc.required === undefined)
        expect(s.sample, `${s.name} needs a sample`).not.toBe("");
    }
  });

  it("shows each default and bound as the configuration applies it", () => {
    const defaults = loadConfig({
      AzureWebJobsStorage: "UseDevelopmentStorage=true",
      PUBLIC_BASE_URL: "https://recovery.contoso.example",
      TENANT_ID: DEMO_TENANT_ID,
      VERIFIED_ID_AUTHORITY: "did:web:recovery.contoso.example",
      IDV_PROVIDERS: SETTINGS.find((s) => s.name === "IDV_PROVIDERS")?.sample,
      POLICY_PROFILES_FILE: "dev/policy.sample.json",
    });
    const documented = Object.fromEntries(SETTINGS.map((s) => [s.name, s.default]));
    expect(documented.GRAPH_TIMEOUT_SECONDS).toBe(String(defaults.graphTimeoutSeconds));
    expect(documented.RATE_LIMIT_WINDOW_SECONDS).toBe(String(defaults.rateLimits.windowSeconds));
    expect(documented.GRAPH_BATCHING).toBe(String(defaults.graphBatching));
    expect(documented.VERIFIED_ID_CLIENT_NAME).toBe(defaults.verifiedId.clientName);
    expect(documented.ENTRA_AUTHORITY_HOST).toBe(defaults.adminApi.authorityHost);
    expect(SETTINGS.find((s) => s.name === "DIAGNOSTICS_MAX_USERS")?.values).toBe("integer, 100–1000000");
  });

  it("the sample settings are a configuration the app loads, for the demo tenant the local stack seeds", () => {
    const sample = JSON.parse(readFileSync(path.join(repoRoot, "local.settings.sample.json"), "utf8")) as {
      Values: Record<string, string>;
    };
    const config = loadConfig(sample.Values);
    expect(config.tenantId).toBe(DEMO_TENANT_ID);
    expect(config.notifications).toMatchObject({
      senderMailbox: DEMO_NOTICE_SENDER,
      adminAddress: DEMO_ADMIN_ADDRESS,
    });
    expect(config.frontendReturnUrl).toBe(`${config.publicBaseUrl}/recover`);
  });

  it("refuses a document without exactly one settings region", () => {
    expect(() => withTable("# no markers\n", "| t |", "x.md")).toThrow(/settings:begin/);
    const twice =
      "<!-- settings:begin -->\n<!-- settings:end -->\n<!-- settings:begin -->\n<!-- settings:end -->\n";
    expect(() => withTable(twice, "| t |", "x.md")).toThrow(/exactly one/);
  });
});
