/**
 * The infrastructure templates, checked as text and structure (no Bicep compiler can run
 * on the build machines): every resource the deployment guide promises exists; roles are
 * granted on single resources, exactly the ones the app needs; no setting holds a secret or
 * a keyed connection string; HTTPS, TLS, FTP, shared-key and local-auth settings are locked
 * down; every parameter and every setting is described. The last block proves the checks
 * themselves catch bad templates.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GRAPH_PERMISSIONS } from "../../src/admin/diagnostics/permissions";
import { loadConfig, SETTINGS } from "../../src/config";
import {
  type BicepFile,
  blockAfter,
  evaluate,
  missingProperties,
  parseBicep,
  propertyValues,
  resources,
  resourceType,
  roleAssignmentsAboveResourceScope,
  secretsIn,
  topLevelKeys,
  undescribedParams,
} from "./bicep";

const ROOT = path.resolve(__dirname, "..", "..");
const INFRA = path.join(ROOT, "infra");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

const files: BicepFile[] = [
  "infra/main.bicep",
  ...readdirSync(path.join(INFRA, "modules"))
    .filter((f) => f.endsWith(".bicep"))
    .map((f) => `infra/modules/${f}`),
].map((file) => parseBicep(file, read(file)));

function file(name: string): BicepFile {
  const found = files.find((f) => f.path === `infra/${name}`);
  if (!found) throw new Error(`infra/${name} is missing`);
  return found;
}

function resource(f: BicepFile, type: string) {
  const found = resources(f, type).filter((r) => !r.existing);
  expect(found, `${f.path} declares one ${type}`).toHaveLength(1);
  return found[0]!;
}

const guide = read("docs/deploy.md");

/** The rows (first cell + the others) of the markdown table under `heading`. */
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
  return rows.slice(1); // header
}

const codeName = (cell: string) => /^`([^`]+)`/.exec(cell)?.[1];

/** Every app setting the templates set: host/SDK settings, the Durable switch, the app's own. */
function appSettings(): Array<{ key: string; value: string; from: string }> {
  const fa = file("modules/functionApp.bicep").code;
  const main = file("main.bicep").code;
  const blocks: Array<[string, string | undefined]> = [
    ["platformSettings", blockAfter(fa, /var platformSettings\s*=/)],
    ["durableSettings", blockAfter(fa, /var durableSettings\s*=[^?]*\?/)],
    ["urlSettings", blockAfter(fa, /var urlSettings\s*=/)],
    ["recoverySettings", blockAfter(main, /recoverySettings:/)],
  ];
  return blocks.flatMap(([from, block]) => {
    if (block === undefined) throw new Error(`no ${from} block`);
    return topLevelKeys(block).map((e) => ({ ...e, from }));
  });
}

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

/** Broad roles that must never appear. */
const FORBIDDEN_ROLES = {
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  "User Access Administrator": "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  "Key Vault Administrator": "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  "Key Vault Crypto User": "12338af0-0e69-4776-bea7-57ae8d297424",
  "Storage Account Contributor": "17d1049b-9a84-46fb-8f53-869881c3d3ab",
  "Storage Blob Data Contributor": "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
};

describe("infra templates", () => {
  it("declare every resource the deployment guide promises, and the guide lists every one they declare", () => {
    const promised = tableRows(guide, "## What gets deployed")
      .map((row) => codeName(row[0] ?? ""))
      .filter((t): t is string => t !== undefined);
    const declared = new Set(
      files.flatMap((f) => resources(f).filter((r) => !r.existing)).map((r) => resourceType(r.target)),
    );
    expect(promised.length).toBeGreaterThan(8);
    expect(promised.filter((t) => !declared.has(t))).toEqual([]);
    expect([...declared].filter((t) => !promised.includes(t))).toEqual([]);
  });

  it("run the app on the Flex Consumption plan with Node.js 22", () => {
    const fa = file("modules/functionApp.bicep");
    const plan = resource(fa, "Microsoft.Web/serverfarms");
    expect(missingProperties("plan", plan.text, { tier: "'FlexConsumption'", name: "'FC1'" })).toEqual([]);
    const site = resource(fa, "Microsoft.Web/sites");
    const runtime = blockAfter(site.text, /runtime:/);
    expect(runtime).toBeDefined();
    expect(missingProperties("runtime", runtime!, { name: "'node'", version: "'22'" })).toEqual([]);
  });

  it("serve HTTPS only with TLS 1.2, FTP and basic-auth publishing off, CORS only for configured origins", () => {
    const site = resource(file("modules/functionApp.bicep"), "Microsoft.Web/sites");
    expect(
      missingProperties("site", site.text, {
        httpsOnly: "true",
        minTlsVersion: "'1.2'",
        scmMinTlsVersion: "'1.2'",
        ftpsState: "'Disabled'",
        allowedOrigins: "corsAllowedOrigins",
      }),
    ).toEqual([]);
    for (const policy of ["ftp", "scm"]) {
      const declared = site.text.match(
        new RegExp(
          `'basicPublishingCredentialsPolicies'\\s*=\\s*\\{\\s*name:\\s*'${policy}'\\s*properties:\\s*\\{\\s*allow:\\s*false`,
        ),
      );
      expect(declared, `${policy} publishing credentials disabled`).not.toBeNull();
    }
    expect(files.some((f) => /allowedOrigins[^\n]*'\*'/.test(f.code))).toBe(false);
    expect(propertyValues(file("main.bicep").code, "corsAllowedOrigins")[0]).toContain(
      "split(corsAllowedOrigins",
    );
  });

  it("disable shared-key access on storage, with TLS 1.2, HTTPS only and no public blobs", () => {
    const storage = resource(file("modules/storage.bicep"), "Microsoft.Storage/storageAccounts");
    expect(
      missingProperties("storage", storage.text, {
        allowSharedKeyAccess: "false",
        defaultToOAuthAuthentication: "true",
        minimumTlsVersion: "'TLS1_2'",
        supportsHttpsTrafficOnly: "true",
        allowBlobPublicAccess: "false",
      }),
    ).toEqual([]);
  });

  it("keep Key Vault in RBAC mode with soft delete and purge protection", () => {
    const vault = resource(file("modules/keyvault.bicep"), "Microsoft.KeyVault/vaults");
    expect(
      missingProperties("vault", vault.text, {
        enableRbacAuthorization: "true",
        enableSoftDelete: "true",
        enablePurgeProtection: "true",
      }),
    ).toEqual([]);
    expect(propertyValues(vault.text, "accessPolicies")).toEqual([]);
  });

  it("disable local auth on Application Insights and its Log Analytics workspace", () => {
    const monitoring = file("modules/monitoring.bicep");
    const appi = resource(monitoring, "Microsoft.Insights/components");
    const workspace = resource(monitoring, "Microsoft.OperationalInsights/workspaces");
    expect(missingProperties("appi", appi.text, { DisableLocalAuth: "true" })).toEqual([]);
    expect(propertyValues(appi.text, "WorkspaceResourceId")).toEqual(["logAnalytics.id"]);
    expect(missingProperties("workspace", workspace.text, { disableLocalAuth: "true" })).toEqual([]);
  });

  it("assign roles on single resources, never on a resource group, subscription or above", () => {
    expect(roleAssignmentsAboveResourceScope(files)).toEqual([]);
    expect(resources(file("main.bicep"), "Microsoft.Authorization/roleAssignments")).toEqual([]);
  });

  it("grant the app's identity exactly the data roles it needs, each on its resource", () => {
    const grants: Record<string, string[]> = {};
    for (const f of files) {
      for (const a of resources(f, "Microsoft.Authorization/roleAssignments")) {
        const scope = propertyValues(a.text, "scope")[0]!;
        const scopeType = resourceType(resources(f).find((r) => r.name === scope)?.target);
        const principal = propertyValues(a.text, "principalId")[0]!;
        // The role ids the assignment can take: a var it names, or the storage role map.
        const ids = [...f.code.matchAll(/'([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})'/g)]
          .map((m) => m[1]!)
          .filter((id) => {
            const varName = new RegExp(`(\\w+)\\s*[:=]\\s*'${id}'`).exec(f.code)?.[1];
            return varName !== undefined && (a.text.includes(varName) || a.text.includes("role.value"));
          });
        for (const id of ids) {
          const name = Object.entries(ROLE).find(([, v]) => v === id)?.[0] ?? `unknown role ${id}`;
          const key = `${principal} on ${scopeType}`;
          grants[key] = [...(grants[key] ?? []), name];
        }
      }
    }
    for (const list of Object.values(grants)) list.sort();
    expect(grants).toEqual({
      "appPrincipalId on Microsoft.Storage/storageAccounts": [
        "Storage Blob Data Owner",
        "Storage Queue Data Contributor",
        "Storage Table Data Contributor",
      ],
      "appPrincipalId on Microsoft.KeyVault/vaults": ["Key Vault Secrets User"],
      "secretsOfficerPrincipalId on Microsoft.KeyVault/vaults": ["Key Vault Secrets Officer"],
      "appPrincipalId on Microsoft.Insights/components": ["Monitoring Metrics Publisher"],
      "appPrincipalId on Microsoft.DurableTask/schedulers": ["Durable Task Data Contributor"],
    });
    const all = files.map((f) => f.code).join("\n");
    for (const [name, id] of Object.entries(FORBIDDEN_ROLES)) expect(all, name).not.toContain(id);
    // The queue role only where the Azure Storage backend needs it; the officer only when asked.
    expect(file("main.bicep").code).toMatch(/grantQueueAccess:\s*!useScheduler/);
    expect(file("modules/keyvault.bicep").code).toMatch(
      /resource adminManagesSecrets [^=]+= if \(!empty\(secretsOfficerPrincipalId\)\)/,
    );
  });

  it("hold no secret, key or keyed connection string in any setting or template", () => {
    const settings = appSettings();
    expect(settings.length).toBeGreaterThan(15);
    expect(settings.flatMap((s) => secretsIn(s.key, s.value))).toEqual([]);
    expect(files.flatMap((f) => secretsIn(f.path, f.code))).toEqual([]);
    expect(secretsIn("main.parameters.json", read("infra/main.parameters.json"))).toEqual([]);
    expect(files.flatMap((f) => f.declarations.filter((d) => d.decorators.includes("@secure()")))).toEqual(
      [],
    );
    const keys = settings.map((s) => s.key);
    expect(keys).not.toContain("AzureWebJobsStorage"); // a connection string: identity-based instead
    expect(keys.filter((k) => k.startsWith("SECRET_"))).toEqual([]); // secrets live in Key Vault
    const value = (key: string) => settings.find((s) => s.key === key)?.value;
    expect(value("AzureWebJobsStorage__credential")).toBe("'managedidentity'");
    expect(value("SECRETS_PROVIDER")).toBe("'keyvault'");
    expect(value("AZURE_CREDENTIAL")).toBe("'default'");
    expect(value("APPLICATIONINSIGHTS_AUTHENTICATION_STRING")).toContain("Authorization=AAD");
    expect(value("DURABLE_TASK_SCHEDULER_CONNECTION_STRING")).toContain("Authentication=ManagedIdentity");
  });

  it("set every required app setting, and document every setting they set", () => {
    const keys = new Set(appSettings().map((s) => s.key));
    const platform = tableRows(guide, "### Platform settings (set by the templates)").map((r) =>
      codeName(r[0] ?? ""),
    );
    const known = new Set([...SETTINGS.map((s) => s.name), ...platform]);
    expect([...keys].filter((k) => !known.has(k))).toEqual([]);
    // AzureWebJobsStorage is replaced by its identity-based AzureWebJobsStorage__* form.
    const required = SETTINGS.filter((s) => s.required && s.name !== "AzureWebJobsStorage").map(
      (s) => s.name,
    );
    expect(required.filter((name) => !keys.has(name))).toEqual([]);
    expect(keys.has("AzureWebJobsStorage__accountName")).toBe(true);
  });

  it("write settings the app's own configuration accepts, in production shape", () => {
    // What only Azure knows, by the exact expression the templates use.
    const idvProviders = JSON.stringify([
      {
        name: "acme-idv",
        adapter: "standard-webhooks",
        displayName: "Acme",
        verificationUrl: "https://verify.acme.example/start",
        acceptedIssuers: ["did:web:issuer.acme.example"],
      },
    ]);
    const firstPolicy = evaluate(`{${blockAfter(file("main.bicep").code, /var firstPolicy\s*=/)}}`, {
      "[recoveryGroupObjectId]": ["11111111-2222-3333-4444-555555555555"],
      "json(idvProviders)[0].name": "acme-idv",
    });
    const origin = "https://func-recovery-abc.azurewebsites.net";
    const expressions: Record<string, unknown> = {
      "storage.outputs.tableEndpoint": "https://stabc.table.core.windows.net/",
      tablePrefix: "recovery",
      "tenant().tenantId": "00000000-0000-4000-8000-000000000001",
      verifiedIdAuthority: "did:web:recovery.contoso.example",
      verifiedIdClientName: "Account recovery",
      idvProviders,
      "empty(policyProfiles) ? string(firstPolicy) : policyProfiles": JSON.stringify(firstPolicy),
      "keyVault.outputs.uri": "https://kv-abc.vault.azure.net/",
      "deployEntra ? entra.outputs.adminApiClientId : ''": "00000000-0000-4000-8000-00000000a0a0",
      "deployEntra ? entra.outputs.adminApiIdentifierUri : ''": "api://tenant/recovery-admin-api-test",
      publicOrigin: origin,
      "empty(frontendReturnUrl) ? '${publicOrigin}/recover' : frontendReturnUrl": `${origin}/recover`,
    };
    const env = Object.fromEntries(
      appSettings()
        .filter((s) => s.from === "recoverySettings" || s.from === "urlSettings")
        .map((s) => [s.key, String(evaluate(s.value, expressions))]),
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
        includeGroups: ["11111111-2222-3333-4444-555555555555"],
        providers: { default: "acme-idv", byCountry: {} },
      }),
    ]);
  });

  it("describe every parameter, in the templates and in the guide", () => {
    expect(undescribedParams(files)).toEqual([]);
    const main = file("main.bicep");
    const params = main.declarations.filter((d) => d.keyword === "param");
    const inFile = Object.keys(
      (JSON.parse(read("infra/main.parameters.json")) as { parameters: Record<string, unknown> }).parameters,
    );
    expect(inFile.filter((p) => !params.some((d) => d.name === p))).toEqual([]);
    const requiredParams = params.filter((d) => !/^\w+\s+\w+\s+\w+\s*=/.test(d.text)).map((d) => d.name);
    expect(requiredParams.filter((p) => !inFile.includes(p))).toEqual([]);
    const rows = tableRows(guide, "### Parameters");
    const documented = rows.map((r) => codeName(r[0] ?? ""));
    // The guide's azd variable for each parameter is the one main.parameters.json reads.
    const mapping = (
      JSON.parse(read("infra/main.parameters.json")) as {
        parameters: Record<string, { value: string }>;
      }
    ).parameters;
    for (const row of rows) {
      const variable = codeName(row[1] ?? "");
      const param = codeName(row[0] ?? "")!;
      if (variable) expect(mapping[param]?.value, param).toMatch(new RegExp(`^\\$\\{${variable}(=|\\})`));
      else expect(mapping[param], `${param} has no azd variable in the guide`).toBeUndefined();
    }
    expect(params.map((d) => d.name).filter((p) => !documented.includes(p))).toEqual([]);
    expect(documented.filter((p) => !params.some((d) => d.name === p))).toEqual([]);
  });

  it("let the admin choose the Durable backend: Azure Storage by default, or the Durable Task Scheduler", () => {
    const main = file("main.bicep");
    const backend = main.declarations.find((d) => d.keyword === "param" && d.name === "durableBackend")!;
    expect(backend.decorators).toContain("@allowed(['AzureStorage', 'DurableTaskScheduler'])");
    expect(backend.text).toMatch(/=\s*'AzureStorage'\s*$/);
    expect(main.code).toMatch(
      /module scheduler 'modules\/durableTaskScheduler\.bicep' = if \(useScheduler\)/,
    );
    const durable = blockAfter(file("modules/functionApp.bicep").code, /var durableSettings\s*=[^?]*\?/)!;
    expect(
      topLevelKeys(durable).find(
        (e) => e.key === "AzureFunctionsJobHost__extensions__durableTask__storageProvider__type",
      )?.value,
    ).toBe("'azureManaged'");
  });

  it("create the admin API with its two app roles and grant the identity exactly the Graph permissions of FACTS §8 and the diagnostics", () => {
    const entra = file("modules/entra.bicep");
    expect(entra.code).toMatch(
      /^extension 'br:mcr\.microsoft\.com\/bicep\/extensions\/microsoftgraph\/v1\.0:/m,
    );
    const roles = blockAfter(entra.code, /var adminRoles\s*=/)!;
    expect(propertyValues(roles, "value")).toEqual(["'Recovery.Admin'", "'Recovery.Reader'"]);
    const permissions = [...blockAfter(entra.code, /var graphPermissions\s*=/)!.matchAll(/'([^']+)'/g)].map(
      (m) => m[1],
    );
    expect(permissions.sort()).toEqual(
      [
        "UserAuthenticationMethod.ReadWrite.All",
        "User.Read.All",
        "GroupMember.Read.All",
        "AuditLog.Read.All",
        "User.RevokeSessions.All",
        "Policy.Read.All",
        "Mail.Send",
        "RoleManagement.Read.Directory",
      ].sort(),
    );
    // The graph_permissions diagnostic expects exactly what the template grants, and the guide lists it.
    expect(GRAPH_PERMISSIONS.map((p) => p.name).sort()).toEqual([...permissions].sort());
    for (const p of GRAPH_PERMISSIONS) expect(guide).toContain(p.name);
    for (const grant of resources(entra, "Microsoft.Graph/appRoleAssignedTo")) {
      expect(propertyValues(grant.text, "principalId")).toEqual(["appPrincipalId"]);
    }
    const principal = resource(entra, "Microsoft.Graph/servicePrincipals");
    expect(propertyValues(principal.text, "appRoleAssignmentRequired")).toEqual(["true"]);
  });

  it("are what azure.yaml provisions, and azd deploys the built package", () => {
    const azure = read("azure.yaml");
    expect(azure).toMatch(/^\s+dist: dist\/package$/m);
    expect(azure).toMatch(/^\s+host: function$/m);
    expect(azure).toMatch(/^\s+remoteBuild: false$/m);
    expect(azure).toMatch(/^\s+provider: bicep\n\s+path: infra\n\s+module: main$/m);
  });
});

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

  it("is linked from the README", () => {
    expect(read("README.md")).toContain("](docs/deploy.md)");
  });
});

describe("the template checks catch bad templates", () => {
  const bad = (source: string) => [parseBicep("bad.bicep", source)];

  it("a role assignment without a scope, or scoped to the resource group", () => {
    const noScope = `resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = { name: 'x' }
resource ra 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid('x')
  properties: { principalId: p }
}`;
    expect(roleAssignmentsAboveResourceScope(bad(noScope))).toEqual([
      "bad.bicep: ra has no scope (it would apply to the resource group)",
    ]);
    const rgScope = noScope.replace("name: guid('x')", "name: guid('x')\n  scope: resourceGroup()");
    expect(roleAssignmentsAboveResourceScope(bad(rgScope))).toHaveLength(1);
    const subscription = `targetScope = 'subscription'\n${noScope.replace("name: guid('x')", "name: guid('x')\n  scope: st")}`;
    expect(roleAssignmentsAboveResourceScope(bad(subscription))).toEqual([
      "bad.bicep: assigns roles at subscription scope",
    ]);
  });

  it("a parameter without a description", () => {
    expect(
      undescribedParams(bad("@minLength(1)\nparam name string\n@description('ok')\nparam ok string")),
    ).toEqual(["bad.bicep: param name has no @description"]);
  });

  it("a keyed connection string, listKeys or a secret literal in a setting", () => {
    expect(
      secretsIn(
        "S",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a Bicep interpolation, not JavaScript
        "'DefaultEndpointsProtocol=https;AccountName=${st.name};AccountKey=${st.listKeys().keys[0].value}'",
      ),
    ).toEqual(["S: holds an account key", "S: holds listKeys()"]);
    expect(secretsIn("S", "'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'")).toEqual([
      "S: holds a webhook secret",
      "S: holds a key-like literal",
    ]);
    expect(secretsIn("S", "'9vX2kQ7LmN3pR8sT1uW4yZ6aB0cD5eFgH'")).toEqual(["S: holds a key-like literal"]);
    expect(secretsIn("S", "'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'")).toEqual([]);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a Bicep interpolation, not JavaScript
    expect(secretsIn("S", "'ClientId=${id};Authorization=AAD'")).toEqual([]);
  });

  it("a lock-down property with the wrong value, and comments do not count", () => {
    const storage = `resource st 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  properties: {
    // allowSharedKeyAccess: false
    allowSharedKeyAccess: true
    note: 'a // not a comment'
  }
}`;
    const [f] = bad(storage);
    expect(missingProperties("st", f!.declarations[0]!.text, { allowSharedKeyAccess: "false" })).toEqual([
      "st: allowSharedKeyAccess is not false (found true)",
    ]);
    expect(f!.code).toContain("'a // not a comment'");
  });
});
