/**
 * Every setting the app reads, as one zod schema over the environment: a setting's name, its
 * accepted values and bounds, its default and its documentation are written here once. The
 * configuration (`config.ts`) is parsed through it; the README's settings table, the deploy
 * guide's table and local.settings.sample.json are generated from it (`npm run
 * docs:settings`), and a test fails when the committed files differ from what it makes.
 * Secrets are not settings: see `src/secrets`.
 *
 * Values arrive as text, trimmed; a blank value counts as unset. What one setting cannot
 * decide alone (a default taken from another setting, a setting only some choices need, the
 * development-only switches) is checked by `loadConfig` after this schema.
 */
import { z } from "zod";
import { providersSchema } from "./idv/providerConfig";
import { SUPPORTED_LOCALES } from "./recovery/locale";
import { policyDocumentSchema } from "./recovery/policy";

/** A setting's documentation, required at compile time for every setting of the schema. */
export interface SettingDoc {
  /** What it does (README), without its default or bounds: those come from the schema. */
  description: string;
  /** The deploy guide's "value in Azure": what the templates set, or why it stays unset. */
  inAzure: string;
  /** Its value in local.settings.sample.json; by default its default, else empty. */
  sample?: string;
  /** The deploy guide's secret column when it is not a plain "no". */
  secret?: string;
  /** The default, in words, when it is not a constant of the schema (taken from another setting). */
  defaultText?: string;
  /** Documented as required although the schema lets it be unset (another setting can stand in). */
  required?: true;
}

/** Each setting's documentation (zod 4 registry; typed, unlike the global `.meta()` one). */
export const settingDocs = z.registry<SettingDoc>();
/** The values a kind of setting accepts, in words, registered by the builders below. */
export const settingFormats = z.registry<{ values: string }>();

const IS_REQUIRED = "is required";

/** Any non-blank text. */
function text(values = "text") {
  return z.string({ error: IS_REQUIRED }).register(settingFormats, { values });
}

/** Text matching a pattern; `problem` is the error when it does not. */
function matching(pattern: RegExp, problem: string, values: string) {
  return z.string({ error: IS_REQUIRED }).regex(pattern, problem).register(settingFormats, { values });
}

/** An http(s) URL, trailing slashes removed. */
function url() {
  return z
    .string({ error: IS_REQUIRED })
    .transform((value, ctx) => {
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: `is not a URL: ${value}`, input: value });
        return z.NEVER;
      }
      if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
        ctx.addIssue({ code: "custom", message: "must be http(s)", input: value });
        return z.NEVER;
      }
      return value.replace(/\/+$/, "");
    })
    .register(settingFormats, { values: "http(s) URL" });
}

/** An integer within bounds (read as JavaScript's `Number` reads it). */
function integer(min: number, max: number) {
  const error = `an integer from ${min} to ${max}`;
  return z.coerce
    .number({ error })
    .int({ error })
    .min(min, { error })
    .max(max, { error })
    .register(settingFormats, { values: `integer, ${min}–${max}` });
}

/** Exactly `true` or `false`. */
function flag() {
  return z
    .enum(["true", "false"], { error: "must be `true` or `false`" })
    .transform((v) => v === "true")
    .register(settingFormats, { values: "`true`, `false`" });
}

/** One of a few words. */
function oneOf<const T extends readonly [string, ...string[]]>(choices: T) {
  return z
    .enum(choices, { error: `must be ${choices.map((c) => `\`${c}\``).join(" or ")}` })
    .register(settingFormats, { values: choices.map((c) => `\`${c}\``).join(", ") });
}

/** JSON text, then the schema of the document it holds. */
export function json<T extends z.ZodType>(schema: T) {
  const parsed = z
    .string({ error: IS_REQUIRED })
    .transform((value, ctx): unknown => {
      try {
        return JSON.parse(value);
      } catch (err) {
        ctx.addIssue({
          code: "custom",
          message: `is not valid JSON (${(err as Error).message})`,
          input: value,
        });
        return z.NEVER;
      }
    })
    .pipe(schema);
  settingFormats.add(parsed, { values: "JSON" });
  return parsed;
}

const MAIL_ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** The policy document, inline or from a file: one schema for both. */
export const policyDocumentJson = json(policyDocumentSchema);

/** A setting: its schema, documented. */
function setting<T extends z.ZodType>(schema: T, doc: SettingDoc): T {
  settingDocs.add(schema, doc);
  return schema;
}

export const settingsSchema = z.object({
  AzureWebJobsStorage: setting(text("connection string").optional(), {
    description:
      "Functions host and Durable task hub storage; also the app's tables unless RECOVERY_STORAGE_CONNECTION or RECOVERY_STORAGE_ACCOUNT_URL is set.",
    sample: "UseDevelopmentStorage=true",
    required: true,
    defaultText: "(required locally)",
    secret: "yes, when it is a connection string with a key",
    inAzure: "local runs only; in Azure replaced by the identity-based `AzureWebJobsStorage__*` settings",
  }),
  RECOVERY_STORAGE_CONNECTION: setting(text("connection string").optional(), {
    description:
      "Connection string of the storage account holding the app's tables (recoveries, locks, audit, correlations).",
    secret: "yes, when it carries a key",
    inAzure: "local/alternative table storage; not set in Azure",
  }),
  RECOVERY_STORAGE_ACCOUNT_URL: setting(url().optional(), {
    description:
      "Table endpoint (https://<account>.table.core.windows.net) reached with the managed identity; wins over the connection strings.",
    inAzure: "the storage account's table endpoint, reached with the identity",
  }),
  RECOVERY_TABLE_PREFIX: setting(
    matching(
      /^[A-Za-z][A-Za-z0-9]{0,39}$/,
      "letters and digits, starting with a letter, ≤ 40",
      "letters and digits, starting with a letter, ≤ 40",
    ).default("recovery"),
    {
      description: "Prefix of the app's table names, so several deployments can share an account.",
      inAzure: "`tablePrefix`",
    },
  ),
  PUBLIC_BASE_URL: setting(url(), {
    description: "Public origin of this app; callback, webhook and hand-off return URLs are built from it.",
    sample: "http://localhost:7071",
    inAzure: "`https://<default host name>` or `publicBaseUrl`",
  }),
  FRONTEND_RETURN_URL: setting(url().optional(), {
    description: "Where the browser goes after the IDV provider (gets ?recoveryId=).",
    sample: "http://localhost:7071/recover",
    defaultText: "`PUBLIC_BASE_URL` + `/recover`",
    inAzure: "the templates set `<public origin>/recover` or `frontendReturnUrl`",
  }),
  TENANT_ID: setting(
    matching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, "must be a GUID", "GUID"),
    {
      description: "Entra tenant id; also the OrgId claim of hand-off tokens.",
      sample: "6419b49f-dbea-4de2-b118-b27943f6f106", // the demo tenant of dev/seed/demo-tenant.ts
      inAzure: "the deployment's tenant",
    },
  ),
  AZURE_CREDENTIAL: setting(oneOf(["default", "dev-static"]).default("default"), {
    description:
      "`default` (DefaultAzureCredential / managed identity, production) or `dev-static` (a fixed bearer token, only for the local simulators).",
    sample: "dev-static",
    inAzure: "`default` (managed identity)",
  }),
  DEV_ACCESS_TOKEN: setting(text().optional(), {
    description:
      "The bearer token sent to the simulators; required when `AZURE_CREDENTIAL=dev-static`, read only then.",
    sample: "dev-token-not-a-secret",
    inAzure: "simulators only; never set in Azure",
  }),
  GRAPH_BASE_URL: setting(url().default("https://graph.microsoft.com"), {
    description: "Microsoft Graph origin.",
    sample: "http://127.0.0.1:7081",
    inAzure: "not set",
  }),
  GRAPH_BATCHING: setting(flag().default(true), {
    description:
      "`false` sends every Graph request of a would-be JSON `$batch` on its own (a diagnostic and benchmark switch: same calls, same order, more round trips).",
    inAzure: "not set; `false` only to measure or diagnose (every `$batch` item sent alone)",
  }),
  GRAPH_TIMEOUT_SECONDS: setting(integer(1, 120).default(30), {
    description:
      "How long one Graph request may take before it is abandoned and retried as a transient failure.",
    inAzure: "not set",
  }),
  VERIFIED_ID_BASE_URL: setting(url().default("https://verifiedid.did.msidentity.com"), {
    description: "Verified ID Request Service origin.",
    sample: "http://127.0.0.1:7083",
    inAzure: "not set",
  }),
  VERIFIED_ID_AUTHORITY: setting(matching(/^did:/, "must be a DID", "DID"), {
    description: "Our verifier DID (the `authority` of presentation requests).",
    sample: "did:web:recovery.contoso.example",
    inAzure: "`verifiedIdAuthority`",
  }),
  VERIFIED_ID_CLIENT_NAME: setting(text().default("Account recovery"), {
    description: "Name the wallet shows for presentation requests.",
    sample: "Contoso account recovery",
    inAzure: "`verifiedIdClientName`",
  }),
  VERIFIED_ID_PURPOSE: setting(text().default("Confirm it is you to recover your account"), {
    description: "Purpose the wallet shows for the requested credential.",
    inAzure: "not set",
  }),
  DID_WEB_HTTP_LOOPBACK: setting(flag().default(false), {
    description:
      "Development only: resolve did:web DIDs and status lists on the host `localhost` over http (the local Verified ID simulator; did:web names no IP address). Refused unless `AZURE_CREDENTIAL=dev-static`; production resolution is https only.",
    sample: "true",
    inAzure: "never set in Azure (local simulators only; refused unless `AZURE_CREDENTIAL=dev-static`)",
  }),
  DEV_WORKFLOW_MINUTE_SECONDS: setting(integer(1, 60).default(60), {
    description:
      "Development only: how many seconds a minute of a profile's IDV and presentation timeouts lasts, so the conformance run on Microsoft's Durable engine (`npm run test:durable-engine`), which keeps real time, reaches the timeouts quickly. Refused unless `AZURE_CREDENTIAL=dev-static`.",
    inAzure: "never set in Azure (local conformance runs only; refused unless `AZURE_CREDENTIAL=dev-static`)",
  }),
  IDV_PROVIDERS: setting(json(providersSchema), {
    description:
      'JSON array of identity verification providers: name, adapter (`standard-webhooks`, `au10tix`, `idemia`, `truecredential`), displayName, verificationUrl, acceptedIssuers, linkedDomains? (issuer DID → https origin of its linked domain; required for every accepted issuer that is not a did:web, whose linked domain is its own host), manifestUri? (default: the named provider\'s published one), webhookToleranceSeconds? (30–3600, default 300), webhook? (named adapters: overrides of the assumed signing scheme and field mapping, see "Identity verification providers"), results? (how results arrive: `return` (default for au10tix, idemia, truecredential: Microsoft\'s contract, the browser\'s return then the presentation), `webhook`, or `either` (default for standard-webhooks)), returnErrorParameters? (return query parameters meaning the user did not finish at the provider; default ["error", "cancelled"]).',
    sample:
      '[{"name":"demo-idv","adapter":"standard-webhooks","displayName":"Demo IDV","verificationUrl":"http://127.0.0.1:7082/verify","acceptedIssuers":["did:web:idv.demo.example"]}]',
    inAzure: "`idvProviders`",
  }),
  POLICY_PROFILES_FILE: setting(text("file path").optional(), {
    description:
      "Path of the JSON policy document (profiles + global exclusions). One of POLICY_PROFILES_FILE or POLICY_PROFILES is required.",
    sample: "dev/policy.sample.json",
    inAzure: "not set in Azure",
  }),
  POLICY_PROFILES: setting(policyDocumentJson.optional(), {
    description: "The policy document inline, as JSON (wins over POLICY_PROFILES_FILE).",
    inAzure: "`policyProfiles`, or the generated Evaluation profile",
  }),
  POLICY_CACHE_SECONDS: setting(integer(0, 300).default(30), {
    description:
      "How long one read of the policy table serves discoveries. Policy changes take effect within this time.",
    inAzure: "not set; policy edits take effect within this time",
  }),
  DIAGNOSTICS_MAX_USERS: setting(integer(100, 1_000_000).default(50_000), {
    description:
      "Preflight diagnostics: users read at most per group (and from the tenant, for namesakes); beyond it the report says `truncated` and user checks cannot pass.",
    inAzure:
      "not set; raise it for tenants whose recovery groups hold more users (the diagnostics then read more pages)",
  }),
  RATE_LIMIT_PER_ADDRESS: setting(integer(0, 100_000).default(10), {
    description:
      "Recovery starts allowed per client address (IPv6: per /64) and window; 0 turns the limit off.",
    inAzure: "not set; starts per client address (IPv6 /64) and window",
  }),
  RATE_LIMIT_PER_USERNAME: setting(integer(0, 100_000).default(60), {
    description:
      "Recovery starts allowed per username (counted hashed) and window from all addresses together: a ceiling against a distributed flood on one account, set well above `RATE_LIMIT_PER_USERNAME_AND_ADDRESS` so that one party cannot spend a user's budget; 0 turns the limit off.",
    inAzure: "not set; starts per username (hashed) and window from all addresses together",
  }),
  RATE_LIMIT_PER_USERNAME_AND_ADDRESS: setting(integer(0, 100_000).default(5), {
    description:
      "Recovery starts allowed per username from one client address (IPv6: per /64) and window; 0 turns the limit off.",
    inAzure: "not set; starts per username from one address (IPv6: /64) and window",
  }),
  RATE_LIMIT_WINDOW_SECONDS: setting(integer(60, 86_400).default(900), {
    description: "Length of the rate-limit window in seconds.",
    inAzure: "not set",
  }),
  TRUSTED_PROXY_HOPS: setting(integer(0, 10).default(1), {
    description:
      "Proxies in front of the app that append to X-Forwarded-For: 1 = Azure's front end only, 2 = Front Door or an API gateway before it. The client address is the entry written by the outermost trusted proxy.",
    inAzure: "`1` behind the Functions front end; `2` when Front Door or an API gateway is in front",
  }),
  NOT_ELIGIBLE_MIN_DELAY_MS: setting(integer(0, 30_000).default(4000), {
    description:
      "A recovery that turns out not eligible shows `pending` until this long after its start, whatever the reason, so response timing does not reveal why.",
    inAzure: "not set",
  }),
  SECRETS_PROVIDER: setting(oneOf(["env", "keyvault"]).default("env"), {
    description:
      "`env` (SECRET_<NAME> variables, local runs) or `keyvault` (KEY_VAULT_URL with the managed identity).",
    inAzure: "`keyvault`",
  }),
  KEY_VAULT_URL: setting(url().optional(), {
    description: "Key Vault URI; required when `SECRETS_PROVIDER=keyvault`, read only then.",
    inAzure: "the vault's URI",
  }),
  HANDOFF_TOKEN_LIFETIME_MINUTES: setting(integer(1, 60).default(15), {
    description: "Lifetime of the one-time JWT that sends the user to the IDV provider.",
    inAzure: "not set",
  }),
  HELPDESK_VERIFICATION_LINK_MINUTES: setting(integer(5, 1440).default(30), {
    description:
      "How long a helpdesk verification link (`POST /api/admin/verifications`) can be opened; it works once, and the verification itself then runs on the profile's timeouts.",
    inAzure: "not set",
  }),
  NOTIFY_SENDER_MAILBOX: setting(
    matching(MAIL_ADDRESS, "must be a mail address", "mail address").optional(),
    {
      description:
        "Mailbox (user or shared mailbox; the app needs Mail.Send) that sends recovery notices through Graph sendMail. Unset: no notices are sent, and each recovery's audit trail says so.",
      sample: "recovery-noreply@contoso.example",
      inAzure: "the mailbox recovery notices are sent from (needs Graph `Mail.Send`)",
    },
  ),
  NOTIFY_ADMIN_ADDRESS: setting(matching(MAIL_ADDRESS, "must be a mail address", "mail address").optional(), {
    description:
      "Address told of every recovery and of every failed attempt after identity verification; also named to users as the contact if it was not them.",
    sample: "identity-admins@contoso.example",
    inAzure: "where admins get a copy of every recovery notice",
  }),
  NOTIFY_MANAGER: setting(flag().default(false), {
    description: "`true`: the user's manager is copied on the notice to the user.",
    inAzure: "`true` to copy the user's manager",
  }),
  DEFAULT_LOCALE: setting(oneOf(SUPPORTED_LOCALES).default("en"), {
    description:
      "The tenant's language: the recovery page's when neither the start body's `locale` nor the browser's Accept-Language names a supported one, the user's notices' when neither the directory's `preferredLanguage` nor the recovery's locale does, and always the admin notice's.",
    inAzure: "not set, or your organisation's main language",
  }),
  REPUDIATION_LINK_LIFETIME_HOURS: setting(integer(1, 720).default(168), {
    description:
      'Hours the "this wasn\'t me" link in a recovery notice stays usable. The default (7 days) covers a notice read after a week away; past it, the user calls the help desk. Longer lets a stolen old mail lock the account out of self-service recovery for longer.',
    inAzure: "not set",
  }),
  WEBHOOK_INBOX_RETENTION_DAYS: setting(integer(1, 365).default(7), {
    description:
      "Days a finished IDV webhook inbox entry is kept before housekeeping deletes it; replays older than a provider's timestamp tolerance are refused anyway.",
    inAzure: "not set; keep it above every provider's timestamp tolerance",
  }),
  ADMIN_API_CLIENT_ID: setting(text("client id").optional(), {
    description:
      "Application (client) id of the admin API app registration (infra output ADMIN_API_CLIENT_ID): the audience admin tokens must carry. Unset (with ADMIN_API_IDENTIFIER_URI): every /api/admin route answers 503 admin_api_not_configured.",
    sample: "00000000-0000-4000-8000-00000000a0a0",
    defaultText: "— (admin API off: 503)",
    inAzure:
      "the infra output `ADMIN_API_CLIENT_ID` (the admin API app registration's client id; v2 tokens carry it as `aud`)",
  }),
  ADMIN_API_IDENTIFIER_URI: setting(text("URI").optional(), {
    description:
      "Application ID URI of the admin API (infra output ADMIN_API_IDENTIFIER_URI), also accepted as the audience.",
    inAzure:
      "the infra output `ADMIN_API_IDENTIFIER_URI` (`api://<tenant>/recovery-admin-api-<env>`), also accepted as `aud`",
  }),
  ENTRA_AUTHORITY_HOST: setting(url().default("https://login.microsoftonline.com"), {
    description:
      "Entra authority host: admin tokens must be issued by {host}/{TENANT_ID}/v2.0 and are checked against {host}/{TENANT_ID}/discovery/v2.0/keys (the local token issuer simulator stands in for it).",
    sample: "http://127.0.0.1:7084",
    inAzure: "not set (sovereign clouds: their login host)",
  }),
  IDV_INBOX_SWEEP_MIN_AGE_SECONDS: setting(integer(0, 3600).default(30), {
    description:
      "Age in seconds an undelivered IDV webhook inbox entry must reach before the sweeper (every minute) re-delivers it; younger ones are still being handled by their webhook call.",
    inAzure: "not set; age before the sweeper re-delivers an undelivered webhook",
  }),
});

/** The settings, parsed: what `loadConfig` assembles the configuration from. */
export type Settings = z.output<typeof settingsSchema>;
export type SettingName = keyof typeof settingsSchema.shape;

/** One setting as the documentation shows it. */
export interface SettingReference {
  name: SettingName;
  required: boolean;
  /** The default as a setting would spell it, undefined when there is none. */
  default: string | undefined;
  /** The values it accepts, in words (with bounds). */
  values: string;
  /** Its local.settings.sample.json value ("" = present, left empty). */
  sample: string;
  description: string;
  doc: SettingDoc;
}

/** A setting schema without its `.optional()` / `.default()` wrapper: the builder's schema. */
function unwrapped(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodOptional || schema instanceof z.ZodDefault
    ? unwrapped(schema.unwrap() as z.ZodType)
    : schema;
}

/** Every setting, in the schema's order, read from the schema itself. */
export const SETTINGS: readonly SettingReference[] = Object.entries(settingsSchema.shape).map(
  ([name, schema]): SettingReference => {
    const doc = settingDocs.get(schema);
    const values = settingFormats.get(unwrapped(schema))?.values;
    if (!doc || !values) throw new TypeError(`setting ${name} is not documented`);
    // Read from the schema's shape, not by parsing: this runs at every start.
    const fallback = schema instanceof z.ZodDefault ? String(schema.def.defaultValue) : undefined;
    const optional = schema instanceof z.ZodDefault || schema instanceof z.ZodOptional;
    return {
      name: name as SettingName,
      required: doc.required === true || !optional,
      default: fallback,
      values,
      sample: doc.sample ?? fallback ?? "",
      description: doc.description,
      doc,
    };
  },
);
