/**
 * The infrastructure as Azure will receive it: infra/main.bicep compiled by the pinned Bicep
 * CLI (dev/infra/toolchain.ts) and infra/main.bicepparam compiled for each Durable backend
 * with a first deployment's azd environment. The checks read that ARM JSON — resource types
 * and API versions, role assignments (role, scope, principal), app settings evaluated per
 * backend and loaded by the app's own configuration, Graph permissions, the identity wiring,
 * storage without shared keys, Key Vault in RBAC mode — never the Bicep text.
 *
 * Without a .NET SDK the compiled part is skipped with one line saying why; under CI=true a
 * missing toolchain fails the run.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Compiled, compileInfra, configuredRules, sampleEnvironment } from "../../dev/infra/check";
import { type Bicep, findBicep, formatDiagnostic } from "../../dev/infra/toolchain";
import { GRAPH_PERMISSIONS } from "../../src/admin/diagnostics/permissions";
import { loadConfig, SETTINGS } from "../../src/config";
import {
  allResources,
  evaluate,
  moduleDeployment,
  moduleScope,
  type Resource,
  type Template,
  Unknown,
  withDefaults,
} from "./arm";

const ROOT = path.resolve(__dirname, "..", "..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const guide = read("docs/deploy.md");

/** The rows (cells) of the markdown table under `heading`, header row dropped. */
function tableRows(markdown: string, heading: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((l) => l.trim() === heading);
  if (start < 0) throw new Error(`docs/deploy.md has no "${heading}"`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("#")) break;
    if (!line.startsWith("|") || /^\|\s*-/.test(line)) continue;
    rows.push(
      line
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim()),
    );
  }
  return rows.slice(1);
}

/** The text of a `## heading` section, up to the next heading of that level. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`docs/deploy.md has no "${heading}"`);
  const end = markdown.indexOf("\n## ", start + heading.length + 2);
  return markdown.slice(start, end < 0 ? undefined : end);
}

const codeName = (cell: string) => /^`([^`]+)`/.exec(cell)?.[1];

/** Role definition ids by the names Azure gives them. */
const ROLE = {
  "Storage Blob Data Owner": "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  "Storage Queue Data Contributor": "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  "Storage Table Data Contributor": "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  "Key Vault Secrets User": "4633458b-17de-408a-b874-0445c86b69e6",
  "Key Vault Secrets Officer": "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  "Monitoring Metrics Publisher": "3913510d-42f4-4e42-8a64-420c390055eb",
  "Durable Task Data Contributor": "0ad04412-c4d5-4796-b79c-f76d14c8d402",
} as const;

/** Every resource type with the API version the templates use: the newest stable one in Bicep 0.49.2's types. */
const API_VERSIONS = {
  "Microsoft.Resources/resourceGroups": "2025-04-01",
  "Microsoft.Resources/deployments": "2025-04-01",
  "Microsoft.ManagedIdentity/userAssignedIdentities": "2024-11-30",
  "Microsoft.OperationalInsights/workspaces": "2026-03-01",
  "Microsoft.Insights/components": "2020-02-02",
  "Microsoft.Storage/storageAccounts": "2026-09-01",
  "Microsoft.Storage/storageAccounts/blobServices": "2026-09-01",
  "Microsoft.Storage/storageAccounts/blobServices/containers": "2026-09-01",
  "Microsoft.KeyVault/vaults": "2026-05-15",
  "Microsoft.DurableTask/schedulers": "2026-02-01",
  "Microsoft.DurableTask/schedulers/taskHubs": "2026-02-01",
  "Microsoft.Web/serverfarms": "2025-03-01",
  "Microsoft.Web/sites": "2025-03-01",
  "Microsoft.Web/sites/basicPublishingCredentialsPolicies": "2025-03-01",
  "Microsoft.Web/sites/config": "2025-03-01",
  "Microsoft.Authorization/roleAssignments": "2022-04-01",
  "Microsoft.Graph/applications": "v1.0",
  "Microsoft.Graph/servicePrincipals": "v1.0",
  "Microsoft.Graph/appRoleAssignedTo": "v1.0",
} as const;

const found = findBicep();
const inCi = process.env.CI === "true";
if (!found.ok && !inCi) console.log(`tests/infra: Bicep compile skipped: ${found.reason}`);

type Backend = "AzureStorage" | "DurableTaskScheduler";
let bicep: Bicep;
let compiled: Compiled;
let main: Template;
let resources: Resource[];

/** main.bicep's parameter values as azd would deploy them for `backend`. */
function mainParameters(backend: Backend): Record<string, unknown> {
  return Object.fromEntries(Object.entries(compiled.parameters[backend]).map(([k, v]) => [k, v.value]));
}

/** A module's resource by symbol, with its properties evaluated for `backend`. */
function evaluated(moduleName: string, symbol: string, backend: Backend = "AzureStorage") {
  const scope = moduleScope(main, mainParameters(backend), moduleName);
  const raw = (scope.template.resources as Record<string, Record<string, unknown>>)[symbol];
  if (!raw) throw new Error(`module ${moduleName} has no resource ${symbol}`);
  return {
    scope,
    raw,
    value: (key: string, copyIndex?: number) => evaluate(raw[key], { ...scope, copyIndex }),
  };
}

function appSettings(backend: Backend): Record<string, unknown> {
  return evaluated("function-app", "functionApp::appSettings", backend).value("properties") as Record<
    string,
    unknown
  >;
}

describe.skipIf(!found.ok && !inCi)("infra templates, compiled by Bicep", () => {
  beforeAll(async () => {
    if (!found.ok) throw new Error(`CI=true and the Bicep toolchain is missing: ${found.reason}`);
    bicep = found.tool;
    compiled = await compileInfra(bicep);
    main = compiled.template as Template;
    resources = allResources(main);
  }, 300_000);

  it("compile and lint with 0 errors and 0 warnings under infra/bicepconfig.json, both Durable backends included", () => {
    expect(compiled.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(compiled.problems).toEqual([]);
    // The rules we rely on are errors; those switched off are the two the config explains.
    const rules = configuredRules();
    expect(rules.error).toEqual(
      expect.arrayContaining([
        "secure-secrets-in-params",
        "outputs-should-not-contain-secrets",
        "no-hardcoded-env-urls",
        "no-unused-params",
        "use-safe-access",
        "use-resource-symbol-reference",
      ]),
    );
    expect(rules.off?.sort()).toEqual(["use-recent-api-versions", "what-if-short-circuiting"]);
    expect(Object.keys(rules).sort()).toEqual(["error", "off"]);
    expect(mainParameters("AzureStorage").durableBackend).toBe("AzureStorage");
    expect(mainParameters("DurableTaskScheduler").durableBackend).toBe("DurableTaskScheduler");
  });

  it("declare each resource type at its pinned API version, and the guide lists exactly the types deployed", () => {
    const declared = resources.filter((r) => !r.existing);
    const versions: Record<string, string[]> = {};
    for (const r of resources) versions[r.type] = [...new Set([...(versions[r.type] ?? []), r.apiVersion])];
    expect(versions).toEqual(Object.fromEntries(Object.entries(API_VERSIONS).map(([t, v]) => [t, [v]])));
    const promised = tableRows(guide, "## What gets deployed")
      .map((row) => codeName(row[0] ?? ""))
      .filter((t): t is string => t !== undefined);
    const types = new Set(declared.map((r) => r.type).filter((t) => t !== "Microsoft.Resources/deployments"));
    expect([...types].sort()).toEqual([...new Set(promised)].sort());
  });

  it("run the app on the Flex Consumption plan with Node.js 22, as the user-assigned identity only", () => {
    const plan = evaluated("function-app", "plan");
    expect(plan.value("sku")).toEqual({ tier: "FlexConsumption", name: "FC1" });
    const site = evaluated("function-app", "functionApp");
    const props = site.value("properties") as {
      functionAppConfig: { runtime: unknown; deployment: { storage: { authentication: unknown } } };
    };
    expect(props.functionAppConfig.runtime).toEqual({ name: "node", version: "22" });
    const identity = site.value("identity") as {
      type: string;
      userAssignedIdentities: Record<string, unknown>;
    };
    expect(identity.type).toBe("UserAssigned");
    const identityIds = Object.keys(identity.userAssignedIdentities);
    expect(identityIds).toEqual([String(new Unknown(identityOutput("id")))]);
    expect(props.functionAppConfig.deployment.storage.authentication).toEqual({
      type: "UserAssignedIdentity",
      userAssignedIdentityResourceId: new Unknown(identityOutput("id")),
    });
  });

  it("serve HTTPS only with TLS 1.2, FTP and basic-auth publishing off, CORS only for configured origins", () => {
    const site = evaluated("function-app", "functionApp");
    expect(site.value("properties")).toMatchObject({
      httpsOnly: true,
      siteConfig: {
        minTlsVersion: "1.2",
        scmMinTlsVersion: "1.2",
        ftpsState: "Disabled",
        cors: { allowedOrigins: ["https://signin.contoso.example"], supportCredentials: false },
      },
    });
    for (const policy of ["functionApp::ftp", "functionApp::scm"])
      expect(evaluated("function-app", policy).value("properties")).toEqual({ allow: false });
  });

  it("disable shared-key access on storage, with TLS 1.2, HTTPS only and no public blobs", () => {
    expect(evaluated("storage", "storage").value("properties")).toMatchObject({
      allowSharedKeyAccess: false,
      defaultToOAuthAuthentication: true,
      minimumTlsVersion: "TLS1_2",
      supportsHttpsTrafficOnly: true,
      allowBlobPublicAccess: false,
    });
    expect(evaluated("storage", "storage::blobService::deploymentContainer").value("properties")).toEqual({
      publicAccess: "None",
    });
  });

  it("keep Key Vault in RBAC mode with soft delete and purge protection, and no access policy", () => {
    const vault = evaluated("keyvault", "vault").value("properties") as Record<string, unknown>;
    expect(vault).toMatchObject({
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      enablePurgeProtection: true,
    });
    expect(vault).not.toHaveProperty("accessPolicies");
  });

  it("disable local auth on Application Insights and its Log Analytics workspace", () => {
    expect(evaluated("monitoring", "applicationInsights").value("properties")).toMatchObject({
      DisableLocalAuth: true,
    });
    expect(evaluated("monitoring", "logAnalytics").value("properties")).toMatchObject({
      features: { disableLocalAuth: true },
    });
  });

  it("grant exactly the data roles the app needs, each on its one resource, to the app's identity (per backend)", () => {
    for (const backend of ["AzureStorage", "DurableTaskScheduler"] as const) {
      const grants: string[] = [];
      for (const r of resources.filter((x) => x.type === "Microsoft.Authorization/roleAssignments")) {
        expect(r.module, "no role assignment in main.bicep (subscription scope)").not.toBe("");
        const module = moduleDeployment(main, r.module);
        const scope = moduleScope(main, mainParameters(backend), r.module);
        const deployed = (c: unknown) => evaluate(c ?? true, scope) !== false;
        const mainScope = {
          parameters: withDefaults(main, mainParameters(backend)),
          variables: main.variables ?? {},
        };
        if (evaluate(module.condition ?? true, mainScope) === false || !deployed(r.raw.condition)) continue;
        const copies = r.raw.copy ? (evaluate((r.raw.copy as { count: unknown }).count, scope) as number) : 1;
        for (let i = 0; i < copies; i++) {
          const at = { ...scope, copyIndex: i };
          const props = evaluate(r.raw.properties, at) as { roleDefinitionId: Unknown; principalId: unknown };
          const role = /'([0-9a-f-]{36})'\)$/.exec(props.roleDefinitionId.expression)?.[1];
          const name = Object.entries(ROLE).find(([, id]) => id === role)?.[0] ?? `unknown role ${role}`;
          // The scope: one resource of this module, by type and name, never a group or subscription.
          const target = (evaluate(r.raw.scope, at) as Unknown).expression;
          const ownResources = resources
            .filter((x) => x.module === r.module && !x.existing && x.type !== r.type)
            .map((x) => `resourceid('${x.type}', '${String(evaluate(x.raw.name, at))}')`);
          expect(ownResources, `${r.symbol} is scoped to a resource of its module`).toContain(target);
          const principal =
            props.principalId instanceof Unknown ? "app identity" : `deployer ${String(props.principalId)}`;
          grants.push(`${name} on ${target.split("'")[1]} to ${principal}`);
        }
      }
      const expected = [
        "Storage Blob Data Owner on Microsoft.Storage/storageAccounts to app identity",
        "Storage Table Data Contributor on Microsoft.Storage/storageAccounts to app identity",
        "Key Vault Secrets User on Microsoft.KeyVault/vaults to app identity",
        `Key Vault Secrets Officer on Microsoft.KeyVault/vaults to deployer ${sampleEnvironment(backend).AZURE_PRINCIPAL_ID}`,
        "Monitoring Metrics Publisher on Microsoft.Insights/components to app identity",
        ...(backend === "AzureStorage"
          ? ["Storage Queue Data Contributor on Microsoft.Storage/storageAccounts to app identity"]
          : ["Durable Task Data Contributor on Microsoft.DurableTask/schedulers to app identity"]),
      ];
      expect(grants.sort(), backend).toEqual(expected.sort());
    }
    // The app's identity is the identity module's principal, in every module that grants to it.
    for (const module of ["storage", "keyvault", "monitoring", "durable-task-scheduler"])
      expect(
        moduleScope(main, mainParameters("DurableTaskScheduler"), module).parameters.appPrincipalId,
      ).toEqual(new Unknown(identityOutput("principalId")));
  });

  it("hold no secret, key or keyed connection string anywhere in the compiled template or parameters", () => {
    const text = JSON.stringify(compiled);
    for (const pattern of [
      /AccountKey=/i,
      /SharedAccessKey/i,
      /SharedAccessSignature|[?&]sig=/i,
      /listKeys\(/i,
      /listSecrets?\(/i,
      /whsec_/,
    ])
      expect(text).not.toMatch(pattern);
    expect(Object.values(main.parameters ?? {}).filter((p) => /^secure/i.test(p.type))).toEqual([]);
    for (const backend of ["AzureStorage", "DurableTaskScheduler"] as const) {
      const settings = appSettings(backend);
      expect(settings).not.toHaveProperty("AzureWebJobsStorage"); // a connection string: identity-based instead
      expect(Object.keys(settings).filter((k) => k.startsWith("SECRET_"))).toEqual([]);
      expect(settings).toMatchObject({
        AzureWebJobsStorage__credential: "managedidentity",
        AzureWebJobsStorage__clientId: new Unknown(identityOutput("clientId")),
        AZURE_CLIENT_ID: new Unknown(identityOutput("clientId")),
        SECRETS_PROVIDER: "keyvault",
        AZURE_CREDENTIAL: "default",
      });
      expect(String(settings.APPLICATIONINSIGHTS_AUTHENTICATION_STRING)).toMatch(
        /^ClientId=<.+>;Authorization=AAD$/,
      );
    }
    expect(String(appSettings("DurableTaskScheduler").DURABLE_TASK_SCHEDULER_CONNECTION_STRING)).toMatch(
      /^Endpoint=<.+>;Authentication=ManagedIdentity;ClientID=<.+>$/,
    );
  });

  it("select the Durable backend: Azure Storage by default, the Durable Task Scheduler with its own settings", () => {
    const storage = appSettings("AzureStorage");
    const scheduler = appSettings("DurableTaskScheduler");
    expect(storage).not.toHaveProperty(
      "AzureFunctionsJobHost__extensions__durableTask__storageProvider__type",
    );
    expect(scheduler).toMatchObject({
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: "azureManaged",
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName:
        "DURABLE_TASK_SCHEDULER_CONNECTION_STRING",
    });
    const deployed = (backend: Backend) =>
      evaluate(moduleDeployment(main, "durable-task-scheduler").condition, {
        parameters: withDefaults(main, mainParameters(backend)),
        variables: main.variables ?? {},
      });
    expect(deployed("AzureStorage")).toBe(false);
    expect(deployed("DurableTaskScheduler")).toBe(true);
    // The template's own default, when azd passes nothing.
    expect(main.parameters?.durableBackend?.defaultValue).toBe("AzureStorage");
    expect(storage.DURABLE_TASK_HUB_NAME).toBe("RecoveryHub");
  });

  it("set every required setting of the app's configuration, or the guide makes it a post-deployment step", () => {
    const afterDeployment = section(guide, "## After deployment");
    const platform = tableRows(guide, "### Platform settings (set by the templates)").map((r) =>
      codeName(r[0] ?? ""),
    );
    for (const backend of ["AzureStorage", "DurableTaskScheduler"] as const) {
      const keys = Object.keys(appSettings(backend));
      const required = SETTINGS.filter((s) => s.required).map((s) => s.name);
      // AzureWebJobsStorage is set in its identity-based form, AzureWebJobsStorage__*.
      const set = (name: string) =>
        keys.includes(name) ||
        (name === "AzureWebJobsStorage" && keys.includes("AzureWebJobsStorage__accountName"));
      expect(
        required.filter((name) => !set(name) && !afterDeployment.includes(`\`${name}\``)),
        backend,
      ).toEqual([]);
      // And everything the templates set is a documented setting.
      const known = new Set([...SETTINGS.map((s) => s.name), ...platform]);
      expect(
        keys.filter((k) => !known.has(k)),
        backend,
      ).toEqual([]);
    }
  });

  it("write settings the app's own configuration accepts, in production shape", () => {
    const origin = "https://func-recovery.azurewebsites.net";
    const env = Object.fromEntries(
      Object.entries(appSettings("AzureStorage")).map(([key, value]) => {
        const host = new URL(origin).host;
        if (!(value instanceof Unknown))
          return [key, String(value).replace("<reference('functionApp').defaultHostName>", host)];
        // What only Azure knows, by the output it comes from.
        if (value.expression.includes("outputs.tableEndpoint"))
          return [key, "https://stabc.table.core.windows.net/"];
        if (value.expression.includes("outputs.uri")) return [key, "https://kv-abc.vault.azure.net/"];
        if (value.expression.includes("outputs.adminApiClientId"))
          return [key, "00000000-0000-4000-8000-00000000a0a0"];
        if (value.expression.includes("outputs.adminApiIdentifierUri"))
          return [key, "api://tenant/recovery-admin-api"];
        if (value.expression.startsWith("tenant()")) return [key, "00000000-0000-4000-8000-000000000001"];
        return [
          key,
          String(value).replace(/<reference\('functionApp'\)\.defaultHostName>/, new URL(origin).host),
        ];
      }),
    );
    const config = loadConfig(env);
    expect(config.storage).toEqual({
      kind: "accountUrl",
      accountUrl: "https://stabc.table.core.windows.net",
    });
    expect(config.credential).toEqual({ kind: "default" });
    expect(config.secrets).toEqual({ kind: "keyvault", vaultUrl: "https://kv-abc.vault.azure.net" });
    expect(config.publicBaseUrl).toBe(origin);
    expect(config.policy.profiles).toEqual([
      expect.objectContaining({
        id: "default",
        mode: "evaluation",
        includeGroups: [sampleEnvironment("AzureStorage").RECOVERY_GROUP_OBJECT_ID],
        providers: { default: "acme-idv", byCountry: {} },
      }),
    ]);
  });

  it("create the admin API with its three app roles and grant the identity exactly the Graph permissions the diagnostics expect", () => {
    const entra = moduleDeployment(main, "entra");
    const imports = (entra.template.imports ?? entra.template.extensions) as Record<string, unknown>;
    expect(Object.values(imports)).toEqual([expect.objectContaining({ version: "1.0.0" })]);
    const scope = moduleScope(main, mainParameters("AzureStorage"), "entra");
    const permissions = evaluate(scope.variables.graphPermissions, scope) as string[];
    expect([...permissions].sort()).toEqual(GRAPH_PERMISSIONS.map((p) => p.name).sort());
    for (const p of GRAPH_PERMISSIONS) expect(guide).toContain(p.name);
    const grants = evaluated("entra", "graphGrants");
    expect(evaluate(grants.raw.copy, grants.scope)).toEqual({
      name: "graphGrants",
      count: permissions.length,
    });
    for (let i = 0; i < permissions.length; i++) {
      const props = grants.value("properties", i) as Record<string, Unknown>;
      expect(props.principalId).toEqual(new Unknown(identityOutput("principalId")));
      expect(props.appRoleId!.expression).toContain(`variables('graphPermissions')[copyindex()]`);
      expect(props.resourceId!.expression).toBe("reference('microsoftGraph').id");
    }
    const graph = evaluated("entra", "microsoftGraph").value("properties");
    expect(graph).toEqual({ appId: "00000003-0000-0000-c000-000000000000" });
    expect(evaluated("entra", "adminApiPrincipal").value("properties")).toMatchObject({
      appRoleAssignmentRequired: true,
    });
    const app = evaluated("entra", "adminApi").value("properties") as {
      appRoles: Array<{ value: string; id: string; allowedMemberTypes: string[] }>;
      api: unknown;
      spa: { redirectUris: unknown[] };
    };
    expect(app.appRoles.map((r) => r.value)).toEqual([
      "Recovery.Admin",
      "Recovery.Reader",
      "Recovery.Helpdesk",
    ]);
    // Each role its own id (an id shared by two roles would grant both), and for users.
    expect(new Set(app.appRoles.map((r) => r.id)).size).toBe(3);
    for (const role of app.appRoles) expect(role.allowedMemberTypes).toContain("User");
    expect(app.api).toEqual({ requestedAccessTokenVersion: 2 });
    // The admin console signs in as this registration: SPA platform, redirect URI {origin}/admin.
    expect(app.spa.redirectUris).toHaveLength(1);
    // (publicBaseUrl is empty in the sample: the Function App's default host name.)
    expect(String(app.spa.redirectUris[0])).toBe(
      "https://func-recovery-<uniquestring(subscription().id, 'recovery-check', 'swedencentral')>.azurewebsites.net/admin",
    );
  });

  it("take every parameter from the azd variable the guide names, and describe each one", () => {
    const rows = tableRows(guide, "### Parameters");
    const documented = rows.map((r) => codeName(r[0] ?? ""));
    const params = Object.keys(main.parameters ?? {});
    expect([...documented].sort()).toEqual([...params].sort());
    const env = sampleEnvironment("AzureStorage");
    const given = mainParameters("AzureStorage");
    for (const row of rows) {
      const param = codeName(row[0] ?? "")!;
      const variable = codeName(row[1] ?? "");
      if (variable && Object.hasOwn(env, variable)) expect(String(given[param]), param).toBe(env[variable]);
      if (!variable) expect(given, `${param} has no azd variable in the guide`).not.toHaveProperty(param);
    }
    for (const [name, spec] of Object.entries(main.parameters ?? {}))
      expect((spec as { metadata?: { description?: string } }).metadata?.description, name).toBeTruthy();
  });
});

function identityOutput(name: string): string {
  return `reference(extensionresourceid('/subscriptions/<subscription().subscriptionId>/resourceGroups/rg-recovery-check', 'Microsoft.Resources/deployments', 'identity'), '2025-04-01').outputs.${name}.value`;
}

describe("host.json", () => {
  const host = JSON.parse(read("host.json")) as {
    extensions: { durableTask: Record<string, unknown> & { storageProvider: Record<string, unknown> } };
  };
  it("takes the task hub from a setting and keeps Durable behaviour explicit", () => {
    const durable = host.extensions.durableTask;
    expect(durable.hubName).toBe("%DURABLE_TASK_HUB_NAME%");
    expect(durable.extendedSessionsEnabled).toBe(false);
    expect(durable.maxConcurrentActivityFunctions).toEqual(expect.any(Number));
    expect(durable.maxConcurrentOrchestratorFunctions).toEqual(expect.any(Number));
    expect(durable.storageProvider.maxQueuePollingInterval).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(durable.tracing).toEqual({ traceInputsAndOutputs: false, traceReplayEvents: false });
    expect(guide).toContain("maxQueuePollingInterval");
    expect(guide).toContain("maxConcurrentActivityFunctions");
  });
});

describe("deployment guide", () => {
  it("has a settings reference with a default and a secret column for every setting", () => {
    const rows = tableRows(guide, "### App settings (read by src/config.ts)");
    const names = rows.map((r) => codeName(r[0] ?? ""));
    expect(SETTINGS.map((s) => s.name).filter((n) => !names.includes(n))).toEqual([]);
    for (const row of [...rows, ...tableRows(guide, "### Platform settings (set by the templates)")]) {
      expect(row, `${row[0]} has default, secret and description`).toHaveLength(4);
      expect(row[2], `${row[0]} says whether it is secret`).toMatch(/^(no|yes)\b/);
    }
    const secrets = tableRows(guide, "### Secrets (Key Vault)").map((r) => codeName(r[0] ?? ""));
    expect(secrets).toEqual(
      expect.arrayContaining(["idv-handoff-signing-key", "tap-handoff-key", "idv-<provider>-webhook-secret"]),
    );
  });

  it("is linked from the README, and names the Bicep version the templates are checked with", () => {
    expect(read("README.md")).toContain("](docs/deploy.md)");
    expect(read("README.md")).toContain("npm run infra:check");
    const version = /Version="\[([^\]]+)\]"/.exec(read("dev/infra/bicep.csproj"))![1]!;
    for (const doc of ["docs/deploy.md", "infra/README.md"]) {
      expect(read(doc), doc).toContain(`Bicep ${version}`);
      expect(read(doc), doc).toContain("npm run infra:check");
    }
  });

  it("azure.yaml provisions infra/ and deploys the built package", () => {
    const azure = read("azure.yaml");
    expect(azure).toMatch(/^\s+dist: dist\/package$/m);
    expect(azure).toMatch(/^\s+host: function$/m);
    expect(azure).toMatch(/^\s+remoteBuild: false$/m);
    expect(azure).toMatch(/^\s+provider: bicep\n\s+path: infra\n\s+module: main$/m);
  });
});
