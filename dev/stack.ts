/**
 * The local stack around the app: the simulators (Graph, the IDV providers — the generic
 * Standard Webhooks one plus one per named adapter —, Verified ID and
 * the wallet they share), the app settings that point the app at them, and the local host
 * as a child process. `npm start` and the integration tests both build on this, so what a
 * person walks through by hand is what the tests drive.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import { DEMO_ADMIN_ADDRESS, DEMO_NOTICE_SENDER } from "./seed/demo-tenant";
import { type EntraSimulator, startEntraSimulator } from "./simulators/entra";
import { type GraphSimulator, startGraphSimulator, type TenantSeed } from "./simulators/graph";
import { type IdvSimulator, startIdvSimulator } from "./simulators/idv";
import { startVerifiedIdSimulator, type VerifiedIdSimulator } from "./simulators/verified-id";
import { Wallet } from "./simulators/wallet";

export const DEV_ACCESS_TOKEN = "dev-token-not-a-secret";
export const DEMO_PROVIDER = "demo-idv";
export const DEMO_ISSUER_DID = "did:web:idv.demo.example";
export const VERIFIER_DID = "did:web:recovery.contoso.example";
/** The admin API's client id locally: the audience the Entra simulator's admin tokens carry. */
export const DEV_ADMIN_API_CLIENT_ID = "0d5f1c3e-8a7b-4c2d-9e6f-a0a0a0a0a0a0";
/** Providers simulated with the named adapters' (assumed) schemes; provider name = adapter. */
export const NAMED_IDV_PROVIDERS = ["au10tix", "idemia", "truecredential"] as const;
export type NamedIdvProvider = (typeof NAMED_IDV_PROVIDERS)[number];

/** Issuer DID of the VerifiedIdentity credential a simulated provider issues. */
export function issuerDidOf(provider: string): string {
  return provider === DEMO_PROVIDER ? DEMO_ISSUER_DID : `did:web:${provider}.idv.demo.example`;
}

/** A named provider's webhook secret, derived from the dev webhook secret (no new secret to keep). */
export function providerWebhookSecret(secrets: DevSecrets, provider: string): string {
  if (provider === DEMO_PROVIDER) return secrets.webhookSecret;
  return createHmac("sha256", secrets.webhookSecret).update(provider).digest("base64url");
}

export interface DevSecrets {
  handoffSigningKey: string;
  tapHandoffKey: string;
  webhookSecret: string;
}

/** Fresh secrets for a local run: an RS256 hand-off signing key, the TAP sealing key, a webhook secret. */
export async function generateDevSecrets(): Promise<DevSecrets> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const jwk = {
    ...(await exportJWK(privateKey)),
    kid: `handoff-${randomBytes(4).toString("hex")}`,
    alg: "RS256",
  };
  return {
    handoffSigningKey: JSON.stringify(jwk),
    tapHandoffKey: randomBytes(32).toString("base64url"),
    webhookSecret: `whsec_${randomBytes(24).toString("base64")}`,
  };
}

export interface SimulatorStackOptions {
  host?: string;
  /** The app's port: the simulators call it back (webhooks, JWKS, callbacks). */
  appPort: number;
  ports?: { graph?: number; idv?: number; verifiedId?: number; entra?: number };
  tenant: TenantSeed;
  secrets: DevSecrets;
  /** Verified ID presentation request lifetime (seconds). */
  requestLifetimeSeconds?: number;
  /** Waits before an IDV simulator's webhook retries (default: the simulator's). */
  idvRetryDelaysMs?: number[];
  /**
   * Whether the named providers' simulators post webhooks (then the app runs them with
   * `results: "webhook"`); false: Microsoft's contract, return only (the app's default mode for
   * them). Default true; `npm start` runs them without (DEV_IDV_WEBHOOKS=true brings them back).
   */
  namedProviderWebhooks?: boolean;
}

export interface SimulatorStack {
  graph: GraphSimulator;
  /** The demo-idv provider (standard-webhooks). */
  idv: IdvSimulator;
  /** Every IDV simulator by provider name: demo-idv and the named ones. */
  idvProviders: Record<string, IdvSimulator>;
  /** Whether the named providers' simulators post webhooks (SimulatorStackOptions). */
  namedProviderWebhooks: boolean;
  verifiedId: VerifiedIdSimulator;
  /** The Entra token issuer (authority host): JWKS and admin tokens. */
  entra: EntraSimulator;
  wallet: Wallet;
  stop(): Promise<void>;
}

export async function startSimulators(options: SimulatorStackOptions): Promise<SimulatorStack> {
  const host = options.host ?? "127.0.0.1";
  const appUrl = `http://${host}:${options.appPort}`;
  const wallet = new Wallet();
  const graph = await startGraphSimulator({
    port: options.ports?.graph ?? 0,
    host,
    acceptedToken: DEV_ACCESS_TOKEN,
    tenant: options.tenant,
  });
  const idv = await startIdvSimulator({
    port: options.ports?.idv ?? 0,
    host,
    providerName: DEMO_PROVIDER,
    webhookUrl: `${appUrl}/api/idv/${DEMO_PROVIDER}/webhook`,
    webhookSecret: options.secrets.webhookSecret,
    jwksUrl: `${appUrl}/api/.well-known/jwks.json`,
    wallet,
    issuerDid: DEMO_ISSUER_DID,
    ...(options.idvRetryDelaysMs ? { retryDelaysMs: options.idvRetryDelaysMs } : {}),
  });
  const named = await Promise.all(
    NAMED_IDV_PROVIDERS.map((name) =>
      startIdvSimulator({
        host,
        adapter: name,
        providerName: name,
        webhookUrl: `${appUrl}/api/idv/${name}/webhook`,
        webhookSecret: providerWebhookSecret(options.secrets, name),
        jwksUrl: `${appUrl}/api/.well-known/jwks.json`,
        wallet,
        issuerDid: issuerDidOf(name),
        webhooks: options.namedProviderWebhooks ?? true,
      }),
    ),
  );
  const idvProviders: Record<string, IdvSimulator> = { [DEMO_PROVIDER]: idv };
  NAMED_IDV_PROVIDERS.forEach((name, i) => {
    idvProviders[name] = named[i]!;
  });
  const verifiedId = await startVerifiedIdSimulator({
    port: options.ports?.verifiedId ?? 0,
    host,
    acceptedToken: DEV_ACCESS_TOKEN,
    wallet,
    ...(options.requestLifetimeSeconds ? { requestLifetimeSeconds: options.requestLifetimeSeconds } : {}),
  });
  const entra = await startEntraSimulator({
    port: options.ports?.entra ?? 0,
    host,
    tenantId: options.tenant.tenantId,
    audience: DEV_ADMIN_API_CLIENT_ID,
  });
  return {
    graph,
    idv,
    idvProviders,
    namedProviderWebhooks: options.namedProviderWebhooks ?? true,
    verifiedId,
    entra,
    wallet,
    stop: async () => {
      await Promise.all([
        graph.stop(),
        entra.stop(),
        ...Object.values(idvProviders).map((p) => p.stop()),
        verifiedId.stop(),
      ]);
    },
  };
}

export interface AppSettingsOptions {
  host?: string;
  appPort: number;
  storageConnectionString: string;
  tablePrefix: string;
  tenantId: string;
  simulators: SimulatorStack;
  secrets: DevSecrets;
  /** The policy document, inline. */
  policy: unknown;
}

/** The app settings (environment) that point the app at the simulators. */
export function appSettings(options: AppSettingsOptions): Record<string, string> {
  const host = options.host ?? "127.0.0.1";
  const appUrl = `http://${host === "0.0.0.0" ? "localhost" : host}:${options.appPort}`;
  return {
    AzureWebJobsStorage: options.storageConnectionString,
    RECOVERY_TABLE_PREFIX: options.tablePrefix,
    PUBLIC_BASE_URL: appUrl,
    FRONTEND_RETURN_URL: `${appUrl}/recover`,
    TENANT_ID: options.tenantId,
    AZURE_CREDENTIAL: "dev-static",
    DEV_ACCESS_TOKEN,
    GRAPH_BASE_URL: options.simulators.graph.url,
    VERIFIED_ID_BASE_URL: options.simulators.verifiedId.url,
    VERIFIED_ID_AUTHORITY: VERIFIER_DID,
    VERIFIED_ID_CLIENT_NAME: "Contoso account recovery (demo)",
    // The simulator serves its issuers' did:web documents over http on loopback.
    DID_WEB_HTTP_LOOPBACK: "true",
    IDV_PROVIDERS: JSON.stringify([
      {
        name: DEMO_PROVIDER,
        adapter: "standard-webhooks",
        displayName: "Demo IDV (Standard Webhooks)",
        verificationUrl: `${options.simulators.idv.url}/verify`,
        // The demo provider's DID, plus the Verified ID simulator's signing issuers (ES256, ES256K)
        // whose credentials arrive in receipts when a profile turns Face Check off.
        acceptedIssuers: [
          DEMO_ISSUER_DID,
          options.simulators.verifiedId.issuerDids.es256,
          options.simulators.verifiedId.issuerDids.es256k,
        ],
      },
      ...NAMED_IDV_PROVIDERS.map((name) => ({
        name,
        adapter: name,
        displayName: options.simulators.namedProviderWebhooks
          ? `${name} (simulated, assumed webhook scheme)`
          : `${name} (simulated, Microsoft's return contract)`,
        verificationUrl: `${options.simulators.idvProviders[name]!.url}/verify`,
        acceptedIssuers: [issuerDidOf(name)],
        // Without webhooks the named providers run in their default mode, `return`.
        ...(options.simulators.namedProviderWebhooks ? { results: "webhook" } : {}),
      })),
    ]),
    POLICY_PROFILES: JSON.stringify(options.policy),
    ADMIN_API_CLIENT_ID: DEV_ADMIN_API_CLIENT_ID,
    ENTRA_AUTHORITY_HOST: options.simulators.entra.url,
    NOTIFY_SENDER_MAILBOX: DEMO_NOTICE_SENDER,
    NOTIFY_ADMIN_ADDRESS: DEMO_ADMIN_ADDRESS,
    NOTIFY_MANAGER: "true",
    SECRETS_PROVIDER: "env",
    SECRET_IDV_HANDOFF_SIGNING_KEY: options.secrets.handoffSigningKey,
    SECRET_TAP_HANDOFF_KEY: options.secrets.tapHandoffKey,
    SECRET_IDV_DEMO_IDV_WEBHOOK_SECRET: options.secrets.webhookSecret,
    ...Object.fromEntries(
      NAMED_IDV_PROVIDERS.map((name) => [
        `SECRET_IDV_${name.toUpperCase()}_WEBHOOK_SECRET`,
        providerWebhookSecret(options.secrets, name),
      ]),
    ),
  };
}

export interface HostProcess {
  readonly url: string;
  /** Everything the host printed (stdout + stderr). */
  output(): string;
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** SIGTERM and wait; `kill` is SIGKILL (a crash). */
  stop(): Promise<void>;
  kill(): Promise<void>;
}

export interface HostProcessOptions {
  host?: string;
  port: number;
  taskHub: string;
  clock?: "real" | "controllable";
  settings: Record<string, string>;
  /** Also echo the host's output to this process's stdout. */
  echo?: boolean;
  /** The app the host serves. Default: the tsc output, dist/src/index.js. */
  appEntry?: string;
}

/** The repository root, whether this module runs from source (tests) or from dist/ (npm start). */
export const repoRoot = (() => {
  let dir = __dirname;
  while (!existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

export function spawnHost(options: HostProcessOptions): HostProcess {
  const host = options.host ?? "127.0.0.1";
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${options.port}`;
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(repoRoot, "dist", "dev", "host", "main.js")],
    {
      env: {
        ...process.env,
        ...options.settings,
        FUNCTIONS_HTTP_PORT: String(options.port),
        FUNCTIONS_HOST: host,
        DEV_HOST_TASK_HUB: options.taskHub,
        DEV_HOST_CLOCK: options.clock ?? "real",
        DEV_HOST_APP_ENTRY: options.appEntry ?? path.join(repoRoot, "dist", "src", "index.js"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    if (options.echo) process.stdout.write(text);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    url,
    output: () => output,
    async waitHealthy(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`host exited (${child.exitCode}):\n${output}`);
        try {
          const res = await fetch(`${url}/api/health`);
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`host not healthy within ${timeoutMs} ms:\n${output}`);
    },
    stop: () => signal("SIGTERM"),
    kill: () => signal("SIGKILL"),
  };
}
