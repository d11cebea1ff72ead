/**
 * The local stack around the app: the simulators (Graph, the IDV providers — the generic
 * Standard Webhooks one plus one per named adapter —, Verified ID and
 * the wallet they share), the app settings that point the app at them, and the local host
 * as a child process. `npm start` and the integration tests both build on this, so what a
 * person walks through by hand is what the tests drive.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { exportJWK } from "jose";
import { DEMO_ADMIN_ADDRESS, DEMO_NOTICE_SENDER } from "./seed/demo-tenant";
import { type EntraSimulator, startEntraSimulator } from "./simulators/entra";
import { type GraphSimulator, startGraphSimulator, type TenantSeed } from "./simulators/graph";
import { type IdvSimulator, startIdvSimulator } from "./simulators/idv";
import { startVerifiedIdSimulator, type VerifiedIdSimulator } from "./simulators/verified-id";
import { Wallet } from "./simulators/wallet";
import type { DevCertificate } from "./support/devCertificate";
import { keyPair } from "./support/keyPairs";
import { repoRoot } from "./support/repoRoot";

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
  const { privateKey } = keyPair("rsa");
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
  ports?: { graph?: number; idv?: number; verifiedId?: number; entra?: number; entraTls?: number };
  tenant: TenantSeed;
  secrets: DevSecrets;
  /** Verified ID presentation request lifetime (seconds). */
  requestLifetimeSeconds?: number;
  /** Waits before an IDV simulator's webhook retries (default: the simulator's). */
  idvRetryDelaysMs?: number[];
  /**
   * Serve the Entra simulator over https with this certificate (the admin console's sign-in
   * needs an https authority); the app then trusts it through NODE_EXTRA_CA_CERTS.
   */
  entraTls?: DevCertificate;
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
  /** The Entra simulator's TLS certificate, when it serves https. */
  entraCertificate?: DevCertificate;
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
    // The admin console at /admin, however the browser names this machine.
    signIn: {
      redirectUris: [
        ...new Set([appUrl, `http://localhost:${options.appPort}`, `http://127.0.0.1:${options.appPort}`]),
      ].map((origin) => `${origin}/admin`),
    },
    ...(options.entraTls
      ? {
          tls: { key: options.entraTls.key, cert: options.entraTls.cert },
          ...(options.ports?.entraTls ? { tlsPort: options.ports.entraTls } : {}),
        }
      : {}),
  });
  return {
    graph,
    idv,
    idvProviders,
    namedProviderWebhooks: options.namedProviderWebhooks ?? true,
    verifiedId,
    entra,
    ...(options.entraTls ? { entraCertificate: options.entraTls } : {}),
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
    // The app reads the simulator's keys over https when it serves https (its own certificate).
    ...(options.simulators.entraCertificate
      ? { NODE_EXTRA_CA_CERTS: options.simulators.entraCertificate.certFile }
      : {}),
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
  /**
   * The port to bind; 0: any free port, learned from the host's "listening on" line. Ignored
   * with `listener`.
   */
  port: number;
  /**
   * A socket bound here (`bindListener`) that the host serves: the caller knows the port before
   * the host starts (to put it in settings) and no other process can take it in between. The
   * host takes it over; this process closes its copy once it is sent.
   */
  listener?: Server;
  taskHub: string;
  clock?: "real" | "controllable";
  settings: Record<string, string>;
  /** Also echo the host's output to this process's stdout. */
  echo?: boolean;
  /** The app the host serves. Default: the tsc output, dist/src/index.js. */
  appEntry?: string;
}

export { repoRoot };

/**
 * A listening socket on a port the kernel picks (0) or on `port`, for `spawnHost({ listener })`:
 * binding first and handing the bound socket over leaves no window for another process.
 */
export function bindListener(host = "127.0.0.1", port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

/** The port a listening server is bound to. */
export function listenerPort(server: Server): number {
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("not a listening TCP server");
  return address.port;
}

export function spawnHost(options: HostProcessOptions): HostProcess {
  const host = options.host ?? "127.0.0.1";
  const origin = (port: number) => `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  const known = options.listener ? listenerPort(options.listener) : options.port;
  let url: string | undefined = known ? origin(known) : undefined;
  /** The URL the host says it serves, once it has said so. */
  let listening: string | undefined;
  let output = "";
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(repoRoot, "dist", "dev", "host", "main.js")],
    {
      env: {
        ...process.env,
        ...options.settings,
        FUNCTIONS_HTTP_PORT: String(known),
        FUNCTIONS_HOST: host,
        DEV_HOST_TASK_HUB: options.taskHub,
        DEV_HOST_CLOCK: options.clock ?? "real",
        DEV_HOST_APP_ENTRY: options.appEntry ?? path.join(repoRoot, "dist", "src", "index.js"),
        ...(options.listener ? { DEV_HOST_LISTENER: "ipc" } : {}),
      },
      stdio: ["ignore", "pipe", "pipe", ...(options.listener ? (["ipc"] as const) : [])],
    },
  );
  if (options.listener) {
    const listener = options.listener;
    // Once sent, the child holds its own copy of the socket; ours must not accept anything.
    child.send("listener", listener, () => listener.close());
    child.once("exit", () => listener.close());
  }
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    if (options.echo) process.stdout.write(text);
    listening ??= /local host listening on (\S+)/.exec(output)?.[1];
    url ??= listening;
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return {
    get url(): string {
      if (!url) throw new Error("the host has not said which port it listens on yet (await waitHealthy)");
      return url;
    },
    output: () => output,
    async waitHealthy(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`host exited (${child.exitCode}):\n${output}`);
        try {
          // Not before the host says it listens: until then a connection to a handed-over
          // listener could still be accepted by this process, which serves nothing.
          if (listening && (await fetch(`${url}/api/health`)).ok) return;
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
