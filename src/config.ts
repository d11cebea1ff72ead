/**
 * Configuration, parsed once from the environment into one typed object. Every setting is
 * documented in SETTINGS below (the README table and local.settings.sample.json are made
 * from the same list); a bad value fails fast naming the setting. No `process.env` below
 * this module.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import {
  mergeProfile,
  type WebhookProfile,
  webhookProfileOverrideSchema,
  webhookProfileSchema,
} from "./idv/hmacWebhooks";
import { ADAPTER_KINDS, NAMED_PROVIDERS } from "./idv/registry";
import { RESULTS_MODES } from "./idv/resultsMode";
import { linkedDomainOrigin } from "./recovery/credential";
import { ConfigurationError } from "./recovery/errors";
import {
  calloutOverHttp,
  describeIssue,
  type PolicyDocument,
  policyDocumentSchema,
  unknownProviders,
} from "./recovery/policy";

export interface SettingDoc {
  name: string;
  required: boolean;
  sample: string;
  description: string;
}

/** Every setting the app reads. Secrets are not here: see `src/secrets`. */
export const SETTINGS: readonly SettingDoc[] = [
  {
    name: "AzureWebJobsStorage",
    required: true,
    sample: "UseDevelopmentStorage=true",
    description:
      "Functions host and Durable task hub storage; also the app's tables unless RECOVERY_STORAGE_CONNECTION or RECOVERY_STORAGE_ACCOUNT_URL is set.",
  },
  {
    name: "RECOVERY_STORAGE_CONNECTION",
    required: false,
    sample: "",
    description:
      "Connection string of the storage account holding the app's tables (recoveries, locks, audit, correlations).",
  },
  {
    name: "RECOVERY_STORAGE_ACCOUNT_URL",
    required: false,
    sample: "",
    description:
      "Table endpoint (https://<account>.table.core.windows.net) reached with the managed identity; wins over the connection strings.",
  },
  {
    name: "RECOVERY_TABLE_PREFIX",
    required: false,
    sample: "recovery",
    description:
      "Prefix of the app's table names (letters and digits), so several deployments can share an account.",
  },
  {
    name: "PUBLIC_BASE_URL",
    required: true,
    sample: "http://localhost:7071",
    description: "Public origin of this app; callback, webhook and hand-off return URLs are built from it.",
  },
  {
    name: "FRONTEND_RETURN_URL",
    required: false,
    sample: "http://localhost:7071/recover",
    description:
      "Where the browser goes after the IDV provider (gets ?recoveryId=). Default: PUBLIC_BASE_URL + /recover.",
  },
  {
    name: "TENANT_ID",
    required: true,
    sample: "00000000-0000-4000-8000-000000000001",
    description: "Entra tenant id; also the OrgId claim of hand-off tokens.",
  },
  {
    name: "AZURE_CREDENTIAL",
    required: false,
    sample: "dev-static",
    description:
      "`default` (DefaultAzureCredential / managed identity, production) or `dev-static` (a fixed bearer token, only for the local simulators).",
  },
  {
    name: "DEV_ACCESS_TOKEN",
    required: false,
    sample: "dev-token-not-a-secret",
    description: "The bearer token sent to the simulators when AZURE_CREDENTIAL=dev-static.",
  },
  {
    name: "GRAPH_BASE_URL",
    required: false,
    sample: "http://127.0.0.1:7081",
    description: "Microsoft Graph origin. Default https://graph.microsoft.com.",
  },
  {
    name: "GRAPH_BATCHING",
    required: false,
    sample: "true",
    description:
      "`false` sends every Graph request of a would-be JSON `$batch` on its own (a diagnostic and benchmark switch: same calls, same order, more round trips). Default true.",
  },
  {
    name: "GRAPH_TIMEOUT_SECONDS",
    required: false,
    sample: "30",
    description:
      "How long one Graph request may take before it is abandoned and retried as a transient failure (1–120).",
  },
  {
    name: "VERIFIED_ID_BASE_URL",
    required: false,
    sample: "http://127.0.0.1:7083",
    description: "Verified ID Request Service origin. Default https://verifiedid.did.msidentity.com.",
  },
  {
    name: "VERIFIED_ID_AUTHORITY",
    required: true,
    sample: "did:web:recovery.contoso.example",
    description: "Our verifier DID (the `authority` of presentation requests).",
  },
  {
    name: "VERIFIED_ID_CLIENT_NAME",
    required: false,
    sample: "Contoso account recovery",
    description: "Name the wallet shows for presentation requests.",
  },
  {
    name: "VERIFIED_ID_PURPOSE",
    required: false,
    sample: "Confirm it is you to recover your account",
    description: "Purpose the wallet shows for the requested credential.",
  },
  {
    name: "DID_WEB_HTTP_LOOPBACK",
    required: false,
    sample: "true",
    description:
      "Development only: resolve did:web DIDs and status lists on the host `localhost` over http (the local Verified ID simulator; did:web names no IP address). Refused unless AZURE_CREDENTIAL=dev-static; production resolution is https only.",
  },
  {
    name: "DEV_WORKFLOW_MINUTE_SECONDS",
    required: false,
    sample: "60",
    description:
      "Development only: how many seconds a minute of a profile's IDV and presentation timeouts lasts (1–60, default 60), so the conformance run on Microsoft's Durable engine, which keeps real time, can reach the timeouts quickly. Refused unless AZURE_CREDENTIAL=dev-static.",
  },
  {
    name: "IDV_PROVIDERS",
    required: true,
    sample:
      '[{"name":"demo-idv","adapter":"standard-webhooks","displayName":"Demo IDV","verificationUrl":"http://127.0.0.1:7082/verify","acceptedIssuers":["did:web:idv.demo.example"]}]',
    description:
      'JSON array of identity verification providers: name, adapter (`standard-webhooks`, `au10tix`, `idemia`, `truecredential`), displayName, verificationUrl, acceptedIssuers, linkedDomains? (issuer DID → https origin of its linked domain; required for every accepted issuer that is not a did:web, whose linked domain is its own host), manifestUri? (default: the named provider\'s published one), webhookToleranceSeconds? (300), webhook? (named adapters: overrides of the assumed signing scheme and field mapping, see README), results? (how results arrive: `return` (default for au10tix, idemia, truecredential: Microsoft\'s contract, the browser\'s return then the presentation), `webhook`, or `either` (default for standard-webhooks)), returnErrorParameters? (return query parameters meaning the user did not finish at the provider; default ["error", "cancelled"]).',
  },
  {
    name: "POLICY_PROFILES_FILE",
    required: false,
    sample: "dev/policy.sample.json",
    description:
      "Path of the JSON policy document (profiles + global exclusions). One of POLICY_PROFILES_FILE or POLICY_PROFILES is required.",
  },
  {
    name: "POLICY_PROFILES",
    required: false,
    sample: "",
    description: "The policy document inline, as JSON (wins over POLICY_PROFILES_FILE).",
  },
  {
    name: "POLICY_CACHE_SECONDS",
    required: false,
    sample: "30",
    description:
      "How long one read of the policy table serves discoveries (0–300). Policy changes take effect within this time.",
  },
  {
    name: "DIAGNOSTICS_MAX_USERS",
    required: false,
    sample: "50000",
    description:
      "Preflight diagnostics: users read at most per group (and from the tenant, for namesakes), 100–1000000; beyond it the report says `truncated` and user checks cannot pass.",
  },
  {
    name: "RATE_LIMIT_PER_ADDRESS",
    required: false,
    sample: "10",
    description:
      "Recovery starts allowed per client address (IPv6: per /64) and window; 0 turns the limit off.",
  },
  {
    name: "RATE_LIMIT_PER_USERNAME",
    required: false,
    sample: "60",
    description:
      "Recovery starts allowed per username (counted hashed) and window from all addresses together: a ceiling against a distributed flood on one account, set well above `RATE_LIMIT_PER_USERNAME_AND_ADDRESS` so that one party cannot spend a user's budget; 0 turns the limit off.",
  },
  {
    name: "RATE_LIMIT_PER_USERNAME_AND_ADDRESS",
    required: false,
    sample: "5",
    description:
      "Recovery starts allowed per username from one client address (IPv6: per /64) and window; 0 turns the limit off.",
  },
  {
    name: "RATE_LIMIT_WINDOW_SECONDS",
    required: false,
    sample: "900",
    description: "Length of the rate-limit window in seconds (60–86400).",
  },
  {
    name: "TRUSTED_PROXY_HOPS",
    required: false,
    sample: "1",
    description:
      "Proxies in front of the app that append to X-Forwarded-For: 1 = Azure's front end only, 2 = Front Door or an API gateway before it. The client address is the entry written by the outermost trusted proxy.",
  },
  {
    name: "NOT_ELIGIBLE_MIN_DELAY_MS",
    required: false,
    sample: "4000",
    description:
      "A recovery that turns out not eligible shows `pending` until this long after its start, whatever the reason, so response timing does not reveal why (0–30000).",
  },
  {
    name: "SECRETS_PROVIDER",
    required: false,
    sample: "env",
    description:
      "`env` (SECRET_<NAME> variables, local runs) or `keyvault` (KEY_VAULT_URL with the managed identity).",
  },
  {
    name: "KEY_VAULT_URL",
    required: false,
    sample: "",
    description: "Key Vault URI when SECRETS_PROVIDER=keyvault.",
  },
  {
    name: "HANDOFF_TOKEN_LIFETIME_MINUTES",
    required: false,
    sample: "15",
    description: "Lifetime of the one-time JWT that sends the user to the IDV provider.",
  },
  {
    name: "NOTIFY_SENDER_MAILBOX",
    required: false,
    sample: "recovery-noreply@contoso.example",
    description:
      "Mailbox (user or shared mailbox; the app needs Mail.Send) that sends recovery notices through Graph sendMail. Unset: no notices are sent, and each recovery's audit trail says so.",
  },
  {
    name: "NOTIFY_ADMIN_ADDRESS",
    required: false,
    sample: "identity-admins@contoso.example",
    description:
      "Address told of every recovery and of every failed attempt after identity verification; also named to users as the contact if it was not them.",
  },
  {
    name: "NOTIFY_MANAGER",
    required: false,
    sample: "false",
    description: "`true`: the user's manager is copied on the notice to the user. Default `false`.",
  },
  {
    name: "WEBHOOK_INBOX_RETENTION_DAYS",
    required: false,
    sample: "7",
    description:
      "Days a finished IDV webhook inbox entry is kept (1–365) before housekeeping deletes it; replays older than a provider's timestamp tolerance are refused anyway.",
  },
  {
    name: "ADMIN_API_CLIENT_ID",
    required: false,
    sample: "00000000-0000-4000-8000-00000000a0a0",
    description:
      "Application (client) id of the admin API app registration (infra output ADMIN_API_CLIENT_ID): the audience admin tokens must carry. Unset (with ADMIN_API_IDENTIFIER_URI): every /api/admin route answers 503 admin_api_not_configured.",
  },
  {
    name: "ADMIN_API_IDENTIFIER_URI",
    required: false,
    sample: "",
    description:
      "Application ID URI of the admin API (infra output ADMIN_API_IDENTIFIER_URI), also accepted as the audience.",
  },
  {
    name: "ENTRA_AUTHORITY_HOST",
    required: false,
    sample: "http://127.0.0.1:7084",
    description:
      "Entra authority host: admin tokens must be issued by {host}/{TENANT_ID}/v2.0 and are checked against {host}/{TENANT_ID}/discovery/v2.0/keys. Default https://login.microsoftonline.com (the local token issuer simulator stands in for it).",
  },
  {
    name: "IDV_INBOX_SWEEP_MIN_AGE_SECONDS",
    required: false,
    sample: "30",
    description:
      "Age (seconds, 0–3600) an undelivered IDV webhook inbox entry must reach before the sweeper (every minute) re-delivers it; younger ones are still being handled by their webhook call.",
  },
];

const providerSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/),
    adapter: z.enum(ADAPTER_KINDS),
    displayName: z.string().min(1),
    verificationUrl: z.url({ protocol: /^https?$/ }),
    acceptedIssuers: z.array(z.string().startsWith("did:")).min(1, "an empty list would accept any issuer"),
    /** Non-did:web issuer DID → its linked domain (https origin); a did:web issuer's is its own host. */
    linkedDomains: z.record(z.string().startsWith("did:"), z.string()).optional(),
    manifestUri: z.url({ protocol: /^https?$/ }).optional(),
    webhookToleranceSeconds: z.number().int().min(30).max(3600).default(300),
    webhook: webhookProfileOverrideSchema.optional(),
    /** How results arrive (src/idv/resultsMode.ts); default `return` for the named providers, `either` for standard-webhooks. */
    results: z.enum(RESULTS_MODES).optional(),
    /** Return query parameters meaning "not finished at the provider"; default ["error", "cancelled"]. */
    returnErrorParameters: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/))
      .max(10)
      .optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const configured = p.linkedDomains ?? {};
    for (const [issuer, domain] of Object.entries(configured)) {
      if (issuer.startsWith("did:web:") || !p.acceptedIssuers.includes(issuer)) {
        ctx.addIssue({
          code: "custom",
          path: ["linkedDomains", issuer],
          message:
            "only for accepted issuers that are not did:web (a did:web issuer's linked domain is its host)",
        });
      } else if (linkedDomainOrigin(domain) === undefined) {
        ctx.addIssue({ code: "custom", path: ["linkedDomains", issuer], message: "must be an https origin" });
      }
    }
    for (const issuer of p.acceptedIssuers) {
      if (!issuer.startsWith("did:web:") && !Object.hasOwn(configured, issuer)) {
        ctx.addIssue({
          code: "custom",
          path: ["linkedDomains"],
          message: `${issuer} is not a did:web: its linked domain must be configured`,
        });
      }
    }
  })
  .refine((p) => p.adapter !== "standard-webhooks" || p.webhook === undefined, {
    message: "the standard-webhooks scheme is fixed; webhook applies to au10tix, idemia, truecredential",
    path: ["webhook"],
  });
/**
 * One provider, resolved: for the named adapters `manifestUri` defaults to the published one
 * and `webhook` is the full profile (defaults merged with the configured overrides).
 */
export type ProviderConfig = Omit<z.infer<typeof providerSchema>, "webhook"> & {
  webhook?: WebhookProfile | undefined;
};

export interface AppConfig {
  storage:
    | { kind: "connectionString"; connectionString: string }
    | { kind: "accountUrl"; accountUrl: string };
  tablePrefix: string;
  publicBaseUrl: string;
  frontendReturnUrl: string;
  tenantId: string;
  credential: { kind: "default" } | { kind: "dev-static"; token: string };
  graphBaseUrl: string;
  /** JSON `$batch` on (default) or off (GRAPH_BATCHING=false: a diagnostic and benchmark switch). */
  graphBatching: boolean;
  /** Per-request Graph timeout: a hung call fails as transient instead of holding an activity forever. */
  graphTimeoutSeconds: number;
  verifiedId: {
    baseUrl: string;
    authority: string;
    clientName: string;
    purpose: string;
    /** did:web over http on loopback hosts (local simulator only). */
    didWebHttpLoopback: boolean;
  };
  providers: ReadonlyMap<string, ProviderConfig>;
  policy: PolicyDocument;
  secrets: { kind: "env" } | { kind: "keyvault"; vaultUrl: string };
  handoffTokenLifetimeMinutes: number;
  /** Seconds per minute of the workflow's human waits: 60, except in local conformance runs. */
  workflowMinuteSeconds: number;
  policyCacheSeconds: number;
  rateLimits: {
    perAddress: number;
    perUsername: number;
    perUsernameAndAddress: number;
    windowSeconds: number;
  };
  trustedProxyHops: number;
  notEligibleMinDelayMs: number;
  notifications: { senderMailbox?: string; adminAddress?: string; notifyManager: boolean };
  idvInboxSweepMinAgeSeconds: number;
  webhookInboxRetentionDays: number;
  /** Preflight diagnostics: rows read at most per enumeration (a group's members, the tenant's users). */
  diagnosticsMaxUsers: number;
  /** Admin API token validation: accepted audiences (none: the admin API is off) and the authority host. */
  adminApi: { audiences: string[]; authorityHost: string };
}

type Env = Readonly<Record<string, string | undefined>>;

function read(env: Env, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function required(env: Env, name: string): string {
  const v = read(env, name);
  if (!v) throw new ConfigurationError(name, "is required");
  return v;
}

function url(env: Env, name: string, fallback?: string): string {
  const v = read(env, name) ?? fallback;
  if (!v) throw new ConfigurationError(name, "is required");
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigurationError(name, `is not a URL: ${v}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ConfigurationError(name, "must be http(s)");
  }
  return v.replace(/\/+$/, "");
}

/** An integer setting within bounds, or its default when unset. */
function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigurationError(name, `an integer from ${min} to ${max}`);
  }
  return value;
}

/** A `true`/`false` setting, or its default when unset. */
function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (raw !== "true" && raw !== "false") throw new ConfigurationError(name, "must be `true` or `false`");
  return raw === "true";
}

function parseJson(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigurationError(name, `is not valid JSON (${(err as Error).message})`);
  }
}

function loadPolicy(env: Env): { policy: PolicyDocument; setting: string } {
  const inline = read(env, "POLICY_PROFILES");
  const file = read(env, "POLICY_PROFILES_FILE");
  const setting = inline ? "POLICY_PROFILES" : "POLICY_PROFILES_FILE";
  let text: string;
  if (inline) text = inline;
  else if (file) {
    try {
      text = readFileSync(file, "utf8");
    } catch (err) {
      throw new ConfigurationError(setting, `cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
    }
  } else throw new ConfigurationError("POLICY_PROFILES_FILE", "is required (or POLICY_PROFILES)");
  const parsed = policyDocumentSchema.safeParse(parseJson(setting, text));
  if (!parsed.success) throw new ConfigurationError(setting, describeIssue(parsed.error));
  return { policy: parsed.data, setting };
}

function loadProviders(env: Env): Map<string, ProviderConfig> {
  const parsed = z
    .array(providerSchema)
    .min(1)
    .safeParse(parseJson("IDV_PROVIDERS", required(env, "IDV_PROVIDERS")));
  if (!parsed.success) throw new ConfigurationError("IDV_PROVIDERS", describeIssue(parsed.error));
  const map = new Map<string, ProviderConfig>();
  for (const [i, p] of parsed.data.entries()) {
    if (map.has(p.name)) throw new ConfigurationError("IDV_PROVIDERS", `duplicate provider ${p.name}`);
    const named = NAMED_PROVIDERS.get(p.adapter);
    if (!named) {
      map.set(p.name, { ...p, webhook: undefined });
      continue;
    }
    const profile = webhookProfileSchema.safeParse(mergeProfile(named.webhook, p.webhook));
    if (!profile.success) {
      throw new ConfigurationError("IDV_PROVIDERS", `[${i}].webhook.${describeIssue(profile.error)}`);
    }
    map.set(p.name, { ...p, manifestUri: p.manifestUri ?? named.manifestUri, webhook: profile.data });
  }
  return map;
}

export function loadConfig(env: Env): AppConfig {
  const accountUrl = read(env, "RECOVERY_STORAGE_ACCOUNT_URL");
  const connectionString = read(env, "RECOVERY_STORAGE_CONNECTION") ?? read(env, "AzureWebJobsStorage");
  const storage: AppConfig["storage"] = accountUrl
    ? { kind: "accountUrl", accountUrl: url(env, "RECOVERY_STORAGE_ACCOUNT_URL") }
    : connectionString
      ? { kind: "connectionString", connectionString }
      : (() => {
          throw new ConfigurationError("AzureWebJobsStorage", "is required");
        })();

  const tablePrefix = read(env, "RECOVERY_TABLE_PREFIX") ?? "recovery";
  if (!/^[A-Za-z][A-Za-z0-9]{0,39}$/.test(tablePrefix)) {
    throw new ConfigurationError("RECOVERY_TABLE_PREFIX", "letters and digits, starting with a letter, ≤ 40");
  }

  const tenantId = required(env, "TENANT_ID");
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(tenantId)) {
    throw new ConfigurationError("TENANT_ID", "must be a GUID");
  }

  const credentialKind = read(env, "AZURE_CREDENTIAL") ?? "default";
  let credential: AppConfig["credential"];
  if (credentialKind === "default") credential = { kind: "default" };
  else if (credentialKind === "dev-static")
    credential = { kind: "dev-static", token: required(env, "DEV_ACCESS_TOKEN") };
  else throw new ConfigurationError("AZURE_CREDENTIAL", "must be `default` or `dev-static`");

  const secretsKind = read(env, "SECRETS_PROVIDER") ?? "env";
  let secrets: AppConfig["secrets"];
  if (secretsKind === "env") secrets = { kind: "env" };
  else if (secretsKind === "keyvault") secrets = { kind: "keyvault", vaultUrl: url(env, "KEY_VAULT_URL") };
  else throw new ConfigurationError("SECRETS_PROVIDER", "must be `env` or `keyvault`");

  const authority = required(env, "VERIFIED_ID_AUTHORITY");
  if (!authority.startsWith("did:")) throw new ConfigurationError("VERIFIED_ID_AUTHORITY", "must be a DID");

  const didWebLoopback = boolean(env, "DID_WEB_HTTP_LOOPBACK", false);
  if (didWebLoopback && credential.kind !== "dev-static") {
    throw new ConfigurationError(
      "DID_WEB_HTTP_LOOPBACK",
      "is for local runs only (AZURE_CREDENTIAL=dev-static)",
    );
  }

  const workflowMinuteSeconds = integer(env, "DEV_WORKFLOW_MINUTE_SECONDS", 60, 1, 60);
  if (workflowMinuteSeconds !== 60 && credential.kind !== "dev-static") {
    throw new ConfigurationError(
      "DEV_WORKFLOW_MINUTE_SECONDS",
      "is for local runs only (AZURE_CREDENTIAL=dev-static)",
    );
  }

  const lifetime = integer(env, "HANDOFF_TOKEN_LIFETIME_MINUTES", 15, 1, 60);

  const notifications: AppConfig["notifications"] = { notifyManager: false };
  const senderMailbox = read(env, "NOTIFY_SENDER_MAILBOX");
  const adminAddress = read(env, "NOTIFY_ADMIN_ADDRESS");
  for (const [name, value] of [
    ["NOTIFY_SENDER_MAILBOX", senderMailbox],
    ["NOTIFY_ADMIN_ADDRESS", adminAddress],
  ] as const) {
    if (value !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) {
      throw new ConfigurationError(name, "must be a mail address");
    }
  }
  if (senderMailbox) notifications.senderMailbox = senderMailbox;
  if (adminAddress) notifications.adminAddress = adminAddress;
  notifications.notifyManager = boolean(env, "NOTIFY_MANAGER", false);

  const publicBaseUrl = url(env, "PUBLIC_BASE_URL");
  const providers = loadProviders(env);
  const { policy, setting: policySetting } = loadPolicy(env);
  for (const profile of policy.profiles) {
    const [unknown] = unknownProviders(profile, providers);
    if (unknown) {
      throw new ConfigurationError(
        policySetting,
        `profile ${profile.id} routes to unknown provider ${unknown}`,
      );
    }
    if (calloutOverHttp(profile) && credential.kind !== "dev-static") {
      throw new ConfigurationError(
        policySetting,
        `profile ${profile.id}: claimValidation.url over http is for local runs only (AZURE_CREDENTIAL=dev-static)`,
      );
    }
  }

  return {
    storage,
    tablePrefix,
    publicBaseUrl,
    frontendReturnUrl: url(env, "FRONTEND_RETURN_URL", `${publicBaseUrl}/recover`),
    tenantId,
    credential,
    graphBaseUrl: url(env, "GRAPH_BASE_URL", "https://graph.microsoft.com"),
    graphBatching: boolean(env, "GRAPH_BATCHING", true),
    graphTimeoutSeconds: integer(env, "GRAPH_TIMEOUT_SECONDS", 30, 1, 120),
    verifiedId: {
      baseUrl: url(env, "VERIFIED_ID_BASE_URL", "https://verifiedid.did.msidentity.com"),
      authority,
      clientName: read(env, "VERIFIED_ID_CLIENT_NAME") ?? "Account recovery",
      purpose: read(env, "VERIFIED_ID_PURPOSE") ?? "Confirm it is you to recover your account",
      didWebHttpLoopback: didWebLoopback,
    },
    providers,
    policy,
    secrets,
    handoffTokenLifetimeMinutes: lifetime,
    workflowMinuteSeconds,
    policyCacheSeconds: integer(env, "POLICY_CACHE_SECONDS", 30, 0, 300),
    rateLimits: {
      perAddress: integer(env, "RATE_LIMIT_PER_ADDRESS", 10, 0, 100_000),
      perUsername: integer(env, "RATE_LIMIT_PER_USERNAME", 60, 0, 100_000),
      perUsernameAndAddress: integer(env, "RATE_LIMIT_PER_USERNAME_AND_ADDRESS", 5, 0, 100_000),
      windowSeconds: integer(env, "RATE_LIMIT_WINDOW_SECONDS", 900, 60, 86_400),
    },
    trustedProxyHops: integer(env, "TRUSTED_PROXY_HOPS", 1, 0, 10),
    notEligibleMinDelayMs: integer(env, "NOT_ELIGIBLE_MIN_DELAY_MS", 4000, 0, 30_000),
    notifications,
    idvInboxSweepMinAgeSeconds: integer(env, "IDV_INBOX_SWEEP_MIN_AGE_SECONDS", 30, 0, 3600),
    webhookInboxRetentionDays: integer(env, "WEBHOOK_INBOX_RETENTION_DAYS", 7, 1, 365),
    diagnosticsMaxUsers: integer(env, "DIAGNOSTICS_MAX_USERS", 50_000, 100, 1_000_000),
    adminApi: {
      audiences: [read(env, "ADMIN_API_CLIENT_ID"), read(env, "ADMIN_API_IDENTIFIER_URI")].filter(
        (a): a is string => a !== undefined,
      ),
      authorityHost: url(env, "ENTRA_AUTHORITY_HOST", "https://login.microsoftonline.com"),
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
