/**
 * `npm run infra:check`: the templates through the pinned Bicep CLI, as azd will compile them.
 *  - `bicep build infra/main.bicep` (to a temporary folder);
 *  - `bicep build-params infra/main.bicepparam` for each Durable backend, with the azd
 *    environment a first deployment sets (compiles the template with its parameters);
 *  - `bicep lint`: `build` lints main.bicep and its modules, and the parameters file is linted too;
 *  all under infra/bicepconfig.json.
 * Passes only with 0 errors and 0 warnings. tests/infra reads the same compiled output.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../support/repoRoot";
import {
  type Bicep,
  type BicepRun,
  type Diagnostic,
  findBicep,
  formatDiagnostic,
  runBicep,
} from "./toolchain";

/** The azd environment of a first deployment (docs/deploy.md), for build-params. */
export function sampleEnvironment(
  durableBackend: "AzureStorage" | "DurableTaskScheduler",
): Record<string, string> {
  return {
    AZURE_ENV_NAME: "recovery-check",
    AZURE_LOCATION: "swedencentral",
    AZURE_PRINCIPAL_ID: "11111111-1111-4111-8111-111111111111",
    RECOVERY_DURABLE_BACKEND: durableBackend,
    RECOVERY_VERIFIED_ID_AUTHORITY: "did:web:recovery.contoso.example",
    RECOVERY_IDV_PROVIDERS: JSON.stringify([
      {
        name: "acme-idv",
        adapter: "standard-webhooks",
        displayName: "Acme ID check",
        verificationUrl: "https://verify.acme-idv.example/start",
        acceptedIssuers: ["did:web:issuer.acme-idv.example"],
      },
    ]),
    RECOVERY_GROUP_OBJECT_ID: "22222222-2222-4222-8222-222222222222",
    RECOVERY_CORS_ALLOWED_ORIGINS: "https://signin.contoso.example",
    RECOVERY_VERIFIED_ID_CLIENT_NAME: "Contoso account recovery",
    RECOVERY_DEPLOY_ENTRA: "true",
    RECOVERY_GRANT_VERIFIED_ID: "true",
  };
}

export interface ArmTemplate {
  $schema: string;
  parameters?: Record<string, { type: string; defaultValue?: unknown; allowedValues?: unknown[] }>;
  variables?: Record<string, unknown>;
  resources: unknown[] | Record<string, unknown>;
  outputs?: Record<string, { type: string; value: unknown }>;
  [key: string]: unknown;
}

export interface Compiled {
  /** `bicep build infra/main.bicep`. */
  template: ArmTemplate;
  /** `bicep build-params infra/main.bicepparam` per backend: the parameters azd would deploy with. */
  parameters: Record<"AzureStorage" | "DurableTaskScheduler", Record<string, { value: unknown }>>;
  /** Every diagnostic of every step (build, build-params, lint). */
  diagnostics: Diagnostic[];
  /** Output that is neither a diagnostic nor expected (a crash, a restore failure). */
  problems: string[];
}

function failed(step: string, run: BicepRun): string[] {
  if (run.status === 0 && run.other.length === 0) return [];
  return [`${step}: exit ${run.status}${run.other.length ? `\n${run.other.join("\n")}` : ""}`];
}

/** Runs the four Bicep steps side by side (each is mostly the CLI starting up). */
export async function compileInfra(bicep: Bicep): Promise<Compiled> {
  const out = mkdtempSync(path.join(os.tmpdir(), "infra-check-"));
  try {
    const backends = ["AzureStorage", "DurableTaskScheduler"] as const;
    const [build, lint, ...params] = await Promise.all([
      runBicep(bicep, ["build", "infra/main.bicep", "--outdir", out]),
      runBicep(bicep, ["lint", "infra/main.bicepparam"], sampleEnvironment("AzureStorage")),
      ...backends.map((backend) =>
        runBicep(bicep, ["build-params", "infra/main.bicepparam", "--stdout"], sampleEnvironment(backend)),
      ),
    ]);
    const template =
      build!.status === 0
        ? (JSON.parse(readFileSync(path.join(out, "main.json"), "utf8")) as ArmTemplate)
        : ({ $schema: "", resources: [] } as ArmTemplate);
    const parameters = {} as Compiled["parameters"];
    const problems = [
      ...failed("bicep build infra/main.bicep", build!),
      ...failed("bicep lint infra/main.bicepparam", lint!),
    ];
    for (const [i, backend] of backends.entries()) {
      const run = params[i]!;
      problems.push(...failed(`bicep build-params (${backend})`, run));
      parameters[backend] =
        run.status === 0
          ? (
              JSON.parse((JSON.parse(run.stdout) as { parametersJson: string }).parametersJson) as {
                parameters: Record<string, { value: unknown }>;
              }
            ).parameters
          : {};
    }
    // build (which lints main.bicep and its modules) and the param-file lint may report one finding twice.
    const all = [build!, lint!, ...params].flatMap((run) => run.diagnostics);
    const diagnostics = [...new Map(all.map((d) => [formatDiagnostic(d), d])).values()];
    return { template, parameters, diagnostics, problems };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** The linter rules infra/bicepconfig.json sets, by level. */
export function configuredRules(): Record<string, string[]> {
  const text = readFileSync(path.join(repoRoot, "infra", "bicepconfig.json"), "utf8");
  const json = JSON.parse(text.replace(/^\s*\/\/.*$/gm, "")) as {
    analyzers: { core: { rules: Record<string, { level: string }> } };
  };
  const byLevel: Record<string, string[]> = {};
  for (const [rule, { level }] of Object.entries(json.analyzers.core.rules)) {
    byLevel[level] = [...(byLevel[level] ?? []), rule];
  }
  return byLevel;
}

if (require.main === module) {
  const found = findBicep();
  if (!found.ok) {
    process.stderr.write(`infra:check cannot run: ${found.reason}\n`);
    process.exit(1);
  }
  void main(found.tool);
}

async function main(bicep: Bicep): Promise<void> {
  const started = Date.now();
  const result = await compileInfra(bicep);
  for (const d of result.diagnostics) process.stdout.write(`${formatDiagnostic(d)}\n`);
  for (const p of result.problems) process.stdout.write(`${p}\n`);
  const errors = result.diagnostics.filter((d) => d.level === "Error").length;
  const warnings = result.diagnostics.length - errors;
  const rules = configuredRules();
  process.stdout.write(
    `Bicep ${bicep.version} (Microsoft Graph types: ${bicep.graphTypes}): build main.bicep, build-params main.bicepparam ` +
      `(AzureStorage, DurableTaskScheduler), lint: ${errors} errors, ${warnings} warnings, ` +
      `${result.problems.length} other failures in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `linter rules as errors: ${(rules.error ?? []).length}, off: ${(rules.off ?? []).join(", ") || "none"}\n`,
  );
  if (result.diagnostics.length > 0 || result.problems.length > 0) process.exitCode = 1;
}
