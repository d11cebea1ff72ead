/**
 * Configuration, parsed once from the environment into one typed object. Every setting is
 * declared, bounded and documented once, in the schema of `settings.ts` (the README table,
 * the deploy guide's table and local.settings.sample.json are generated from it); this
 * module parses the environment through that schema, applies the rules that span settings,
 * and shapes the result for the rest of the app. A bad value fails fast naming the setting.
 * No `process.env` below this module.
 */
import { readFileSync } from "node:fs";
import type { z } from "zod";
import type { ProviderConfig } from "./idv/providerConfig";
import { ConfigurationError } from "./recovery/errors";
import { calloutOverHttp, type PolicyDocument, unknownProviders } from "./recovery/policy";
import { policyDocumentJson, type SettingName, type Settings, settingsSchema } from "./settings";
import { issuePath } from "./zodText";

export type { ProviderConfig } from "./idv/providerConfig";
export { SETTINGS } from "./settings";

export interface AppConfig {
  storage:
    | { kind: "connectionString"; connectionString: string }
    | { kind: "accountUrl"; accountUrl: string };
  tablePrefix: Settings["RECOVERY_TABLE_PREFIX"];
  publicBaseUrl: Settings["PUBLIC_BASE_URL"];
  frontendReturnUrl: string;
  tenantId: Settings["TENANT_ID"];
  credential: { kind: "default" } | { kind: "dev-static"; token: string };
  graphBaseUrl: Settings["GRAPH_BASE_URL"];
  /** JSON `$batch` on (default) or off (GRAPH_BATCHING=false: a diagnostic and benchmark switch). */
  graphBatching: Settings["GRAPH_BATCHING"];
  /** Per-request Graph timeout: a hung call fails as transient instead of holding an activity forever. */
  graphTimeoutSeconds: Settings["GRAPH_TIMEOUT_SECONDS"];
  verifiedId: {
    baseUrl: Settings["VERIFIED_ID_BASE_URL"];
    authority: Settings["VERIFIED_ID_AUTHORITY"];
    clientName: Settings["VERIFIED_ID_CLIENT_NAME"];
    purpose: Settings["VERIFIED_ID_PURPOSE"];
    /** did:web over http on loopback hosts (local simulator only). */
    didWebHttpLoopback: Settings["DID_WEB_HTTP_LOOPBACK"];
  };
  providers: ReadonlyMap<string, ProviderConfig>;
  policy: PolicyDocument;
  secrets: { kind: "env" } | { kind: "keyvault"; vaultUrl: string };
  handoffTokenLifetimeMinutes: Settings["HANDOFF_TOKEN_LIFETIME_MINUTES"];
  helpdeskVerificationLinkMinutes: Settings["HELPDESK_VERIFICATION_LINK_MINUTES"];
  /** Seconds per minute of the workflow's human waits: 60, except in local conformance runs. */
  workflowMinuteSeconds: Settings["DEV_WORKFLOW_MINUTE_SECONDS"];
  policyCacheSeconds: Settings["POLICY_CACHE_SECONDS"];
  rateLimits: {
    perAddress: Settings["RATE_LIMIT_PER_ADDRESS"];
    perUsername: Settings["RATE_LIMIT_PER_USERNAME"];
    perUsernameAndAddress: Settings["RATE_LIMIT_PER_USERNAME_AND_ADDRESS"];
    windowSeconds: Settings["RATE_LIMIT_WINDOW_SECONDS"];
  };
  trustedProxyHops: Settings["TRUSTED_PROXY_HOPS"];
  notEligibleMinDelayMs: Settings["NOT_ELIGIBLE_MIN_DELAY_MS"];
  notifications: { senderMailbox?: string; adminAddress?: string; notifyManager: Settings["NOTIFY_MANAGER"] };
  /** The tenant's language (page, notices; the admin notice always). */
  defaultLocale: Settings["DEFAULT_LOCALE"];
  /** Lifetime of the repudiation ("this wasn't me") link of a recovery notice. */
  repudiationLinkLifetimeHours: Settings["REPUDIATION_LINK_LIFETIME_HOURS"];
  idvInboxSweepMinAgeSeconds: Settings["IDV_INBOX_SWEEP_MIN_AGE_SECONDS"];
  webhookInboxRetentionDays: Settings["WEBHOOK_INBOX_RETENTION_DAYS"];
  /** Preflight diagnostics: rows read at most per enumeration (a group's members, the tenant's users). */
  diagnosticsMaxUsers: Settings["DIAGNOSTICS_MAX_USERS"];
  /** Admin API token validation: accepted audiences (none: the admin API is off) and the authority host. */
  adminApi: { audiences: string[]; authorityHost: Settings["ENTRA_AUTHORITY_HOST"] };
}

type Env = Readonly<Record<string, string | undefined>>;

/** The first problem of a parse as the error naming `setting` (and the path inside its value). */
function configurationError(setting: string, error: z.ZodError): ConfigurationError {
  const [issue] = error.issues;
  const where = issuePath(issue?.path ?? []);
  const problem = issue?.message ?? "invalid";
  return new ConfigurationError(setting, where ? `${where}: ${problem}` : problem);
}

/** Settings read only under one choice of another: otherwise unread, so not checked either. */
const READ_ONLY_WITH: Partial<Record<SettingName, readonly [SettingName, string]>> = {
  DEV_ACCESS_TOKEN: ["AZURE_CREDENTIAL", "dev-static"],
  KEY_VAULT_URL: ["SECRETS_PROVIDER", "keyvault"],
};

/** The environment through the settings schema: each setting trimmed, a blank one unset; the first bad one named. */
function parseSettings(env: Env): Settings {
  const value = (name: string) => env[name]?.trim() || undefined;
  const parsed: Record<string, unknown> = {};
  // Setting by setting, in the schema's order: the first bad one is named, as a person reads them.
  for (const [name, schema] of Object.entries(settingsSchema.shape)) {
    const [other, choice] = READ_ONLY_WITH[name as SettingName] ?? [];
    const result = schema.safeParse(other === undefined || value(other) === choice ? value(name) : undefined);
    if (!result.success) throw configurationError(name, result.error);
    parsed[name] = result.data;
  }
  return parsed as Settings; // every key of the shape, each parsed by its own schema
}

/** The policy document: inline (POLICY_PROFILES) or from POLICY_PROFILES_FILE. */
function loadPolicy(settings: Settings): { policy: PolicyDocument; setting: string } {
  if (settings.POLICY_PROFILES) return { policy: settings.POLICY_PROFILES, setting: "POLICY_PROFILES" };
  const file = settings.POLICY_PROFILES_FILE;
  const setting = "POLICY_PROFILES_FILE";
  if (!file) throw new ConfigurationError(setting, "is required (or POLICY_PROFILES)");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigurationError(setting, `cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
  }
  const parsed = policyDocumentJson.safeParse(text);
  if (!parsed.success) throw configurationError(setting, parsed.error);
  return { policy: parsed.data, setting };
}

/** A setting only local runs (AZURE_CREDENTIAL=dev-static) may turn on. */
function developmentOnly(setting: string): ConfigurationError {
  return new ConfigurationError(setting, "is for local runs only (AZURE_CREDENTIAL=dev-static)");
}

export function loadConfig(env: Env): AppConfig {
  const s = parseSettings(env);

  const connectionString = s.RECOVERY_STORAGE_CONNECTION ?? s.AzureWebJobsStorage;
  let storage: AppConfig["storage"];
  if (s.RECOVERY_STORAGE_ACCOUNT_URL)
    storage = { kind: "accountUrl", accountUrl: s.RECOVERY_STORAGE_ACCOUNT_URL };
  else if (connectionString) storage = { kind: "connectionString", connectionString };
  else throw new ConfigurationError("AzureWebJobsStorage", "is required");

  let credential: AppConfig["credential"];
  if (s.AZURE_CREDENTIAL === "default") credential = { kind: "default" };
  else if (s.DEV_ACCESS_TOKEN) credential = { kind: "dev-static", token: s.DEV_ACCESS_TOKEN };
  else throw new ConfigurationError("DEV_ACCESS_TOKEN", "is required");

  let secrets: AppConfig["secrets"];
  if (s.SECRETS_PROVIDER === "env") secrets = { kind: "env" };
  else if (s.KEY_VAULT_URL) secrets = { kind: "keyvault", vaultUrl: s.KEY_VAULT_URL };
  else throw new ConfigurationError("KEY_VAULT_URL", "is required");

  const local = credential.kind === "dev-static";
  if (s.DID_WEB_HTTP_LOOPBACK && !local) throw developmentOnly("DID_WEB_HTTP_LOOPBACK");
  if (s.DEV_WORKFLOW_MINUTE_SECONDS !== 60 && !local) throw developmentOnly("DEV_WORKFLOW_MINUTE_SECONDS");

  const providers = s.IDV_PROVIDERS;
  const { policy, setting: policySetting } = loadPolicy(s);
  for (const profile of policy.profiles) {
    const [unknown] = unknownProviders(profile, providers);
    if (unknown) {
      throw new ConfigurationError(
        policySetting,
        `profile ${profile.id} routes to unknown provider ${unknown}`,
      );
    }
    if (calloutOverHttp(profile) && !local) {
      throw new ConfigurationError(
        policySetting,
        `profile ${profile.id}: claimValidation.url over http is for local runs only (AZURE_CREDENTIAL=dev-static)`,
      );
    }
  }

  const notifications: AppConfig["notifications"] = { notifyManager: s.NOTIFY_MANAGER };
  if (s.NOTIFY_SENDER_MAILBOX) notifications.senderMailbox = s.NOTIFY_SENDER_MAILBOX;
  if (s.NOTIFY_ADMIN_ADDRESS) notifications.adminAddress = s.NOTIFY_ADMIN_ADDRESS;

  return {
    storage,
    tablePrefix: s.RECOVERY_TABLE_PREFIX,
    publicBaseUrl: s.PUBLIC_BASE_URL,
    frontendReturnUrl: s.FRONTEND_RETURN_URL ?? `${s.PUBLIC_BASE_URL}/recover`,
    tenantId: s.TENANT_ID,
    credential,
    graphBaseUrl: s.GRAPH_BASE_URL,
    graphBatching: s.GRAPH_BATCHING,
    graphTimeoutSeconds: s.GRAPH_TIMEOUT_SECONDS,
    verifiedId: {
      baseUrl: s.VERIFIED_ID_BASE_URL,
      authority: s.VERIFIED_ID_AUTHORITY,
      clientName: s.VERIFIED_ID_CLIENT_NAME,
      purpose: s.VERIFIED_ID_PURPOSE,
      didWebHttpLoopback: s.DID_WEB_HTTP_LOOPBACK,
    },
    providers,
    policy,
    secrets,
    handoffTokenLifetimeMinutes: s.HANDOFF_TOKEN_LIFETIME_MINUTES,
    helpdeskVerificationLinkMinutes: s.HELPDESK_VERIFICATION_LINK_MINUTES,
    workflowMinuteSeconds: s.DEV_WORKFLOW_MINUTE_SECONDS,
    policyCacheSeconds: s.POLICY_CACHE_SECONDS,
    rateLimits: {
      perAddress: s.RATE_LIMIT_PER_ADDRESS,
      perUsername: s.RATE_LIMIT_PER_USERNAME,
      perUsernameAndAddress: s.RATE_LIMIT_PER_USERNAME_AND_ADDRESS,
      windowSeconds: s.RATE_LIMIT_WINDOW_SECONDS,
    },
    trustedProxyHops: s.TRUSTED_PROXY_HOPS,
    notEligibleMinDelayMs: s.NOT_ELIGIBLE_MIN_DELAY_MS,
    notifications,
    defaultLocale: s.DEFAULT_LOCALE,
    repudiationLinkLifetimeHours: s.REPUDIATION_LINK_LIFETIME_HOURS,
    idvInboxSweepMinAgeSeconds: s.IDV_INBOX_SWEEP_MIN_AGE_SECONDS,
    webhookInboxRetentionDays: s.WEBHOOK_INBOX_RETENTION_DAYS,
    diagnosticsMaxUsers: s.DIAGNOSTICS_MAX_USERS,
    adminApi: {
      audiences: [s.ADMIN_API_CLIENT_ID, s.ADMIN_API_IDENTIFIER_URI].filter(
        (a): a is string => a !== undefined,
      ),
      authorityHost: s.ENTRA_AUTHORITY_HOST,
    },
  };
}

/**
 * A development deployment: the one that talks to the local simulators with a fixed token
 * (AZURE_CREDENTIAL=dev-static). Only there may plain http reach loopback services
 * (did:web resolution, the claim-validation callout); anything else fails closed to https.
 */
export function isDevelopment(config: Pick<AppConfig, "credential">): boolean {
  return config.credential.kind === "dev-static";
}

let cached: AppConfig | undefined;

/** The process-wide configuration, parsed on first use. */
export function getConfig(): AppConfig {
  cached ??= loadConfig(process.env);
  return cached;
}
