/**
 * `npm run docs:settings`: writes the settings documentation from the one schema of
 * `src/settings.ts` — the README's settings table, the deploy guide's app-settings table
 * (each between `<!-- settings:begin -->` and `<!-- settings:end -->`) and
 * local.settings.sample.json. tests/unit/settingsDocs.test.ts fails when the committed files
 * differ from what this makes, so a setting changed in the schema alone cannot ship with
 * stale documentation.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SETTINGS, type SettingReference } from "../src/settings";
import { repoRoot } from "./support/repoRoot";

const BEGIN = "<!-- settings:begin -->";
const END = "<!-- settings:end -->";

/** A table cell: one line, no column break. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

function row(cells: readonly string[]): string {
  return `| ${cells.map(cell).join(" | ")} |`;
}

/** The default as the tables show it; `required` is how a required setting without one reads. */
function defaultText(s: SettingReference, required = "(required)"): string {
  if (s.doc.defaultText !== undefined) return s.doc.defaultText;
  if (s.default !== undefined) return `\`${s.default}\``;
  return s.required ? required : "—";
}

const GENERATED =
  "<!-- generated from src/settings.ts by `npm run docs:settings`: edit the schema, not this table -->";

/** The README's table: what each setting does and accepts. */
export function readmeTable(): string {
  return [
    GENERATED,
    row(["setting", "required", "default", "values", "description"]),
    "|---|---|---|---|---|",
    ...SETTINGS.map((s) =>
      row([`\`${s.name}\``, s.required ? "yes" : "no", defaultText(s, "—"), s.values, s.description]),
    ),
  ].join("\n");
}

/** The deploy guide's table: default, whether it is secret, and its value in Azure. */
export function deployTable(): string {
  return [
    GENERATED,
    row(["setting", "default", "secret", "description (value in Azure)"]),
    "|---|---|---|---|",
    ...SETTINGS.map((s) => row([`\`${s.name}\``, defaultText(s), s.doc.secret ?? "no", s.doc.inAzure])),
  ].join("\n");
}

/** What a local run needs besides the app's settings: the Functions host's own, and the secrets. */
const LOCAL_HOST_SETTINGS = { FUNCTIONS_WORKER_RUNTIME: "node", DURABLE_TASK_HUB_NAME: "RecoveryHub" };
const LOCAL_SECRETS = {
  SECRET_IDV_HANDOFF_SIGNING_KEY:
    "<private JWK JSON with kid and alg RS256; npm start generates one into .data/dev-secrets.json>",
  SECRET_TAP_HANDOFF_KEY: "<32 random bytes, base64url>",
  SECRET_IDV_DEMO_IDV_WEBHOOK_SECRET: "<whsec_ + base64 secret shared with the provider>",
};

/** local.settings.sample.json: every setting with a safe sample value, as `func start` reads it. */
export function sampleSettings(): string {
  const sample = {
    IsEncrypted: false,
    Values: {
      ...LOCAL_HOST_SETTINGS,
      ...Object.fromEntries(SETTINGS.map((s) => [s.name, s.sample])),
      ...LOCAL_SECRETS,
    },
    Host: { LocalHttpPort: 7071 },
    _comment:
      "Generated from src/settings.ts by `npm run docs:settings`: edit the schema, not this file. Copy to local.settings.json for `func start`. Every setting is described in README.md (Settings). SECRET_* variables are read only when SECRETS_PROVIDER=env; in Azure they are Key Vault secrets named idv-handoff-signing-key, tap-handoff-key, idv-<provider>-webhook-secret.",
  };
  return `${JSON.stringify(sample, null, 2)}\n`;
}

/** `markdown` with the text between its settings markers replaced by `table`. */
export function withTable(markdown: string, table: string, file: string): string {
  const begin = markdown.indexOf(BEGIN);
  const end = markdown.indexOf(END);
  if (begin < 0 || end < begin || markdown.indexOf(BEGIN, begin + 1) >= 0) {
    throw new Error(`${file}: needs exactly one ${BEGIN} … ${END} region`);
  }
  return `${markdown.slice(0, begin + BEGIN.length)}\n${table}\n${markdown.slice(end)}`;
}

/** Each generated file (path from the repository root) with the content it should have. */
export function generatedFiles(root = repoRoot): { file: string; content: string }[] {
  const read = (file: string) => readFileSync(path.join(root, file), "utf8");
  return [
    { file: "README.md", content: withTable(read("README.md"), readmeTable(), "README.md") },
    { file: "docs/deploy.md", content: withTable(read("docs/deploy.md"), deployTable(), "docs/deploy.md") },
    { file: "local.settings.sample.json", content: sampleSettings() },
  ];
}

if (require.main === module) {
  for (const { file, content } of generatedFiles()) {
    const target = path.join(repoRoot, file);
    const changed = readFileSync(target, "utf8") !== content;
    if (changed) writeFileSync(target, content);
    console.log(`${changed ? "wrote    " : "unchanged"} ${file}`);
  }
}
