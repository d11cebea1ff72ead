/**
 * Composition root: builds every gateway and repository once per process from the config.
 * Functions ask for `services()`; nothing else constructs SDK clients.
 */
import type { TokenCredential } from "@azure/identity";
import { type AppConfig, getConfig } from "./config";
import { DirectoryGateway } from "./directory/graph";
import { createCredential } from "./identity";
import type { IdvAdapter } from "./idv/adapter";
import { createAdapter } from "./idv/registry";
import { EnvSecretProvider, KeyVaultSecretProvider, type SecretProvider } from "./secrets";
import { AuditRepository } from "./store/audit";
import { IdvSessionRepository, WebhookInboxRepository } from "./store/correlations";
import { PolicyRepository } from "./store/policies";
import { PresentationRepository } from "./store/presentations";
import { RateLimitRepository } from "./store/rateLimits";
import { RecoveryRepository } from "./store/recoveries";
import { RecoveryBlockRepository, RepudiationLinkRepository } from "./store/repudiations";
import { TableStore } from "./store/tables";
import { TapHandoffRepository } from "./store/tapHandoff";
import { UserLockRepository } from "./store/userLocks";
import { VerificationRepository } from "./store/verifications";
import { DidResolver } from "./verified-id/didWeb";
import { VerifiedIdClient } from "./verified-id/requestService";

export interface Services {
  config: AppConfig;
  credential: TokenCredential;
  tables: TableStore;
  recoveries: RecoveryRepository;
  policies: PolicyRepository;
  rateLimits: RateLimitRepository;
  locks: UserLockRepository;
  audit: AuditRepository;
  idvSessions: IdvSessionRepository;
  inbox: WebhookInboxRepository;
  presentations: PresentationRepository;
  taps: TapHandoffRepository;
  repudiationLinks: RepudiationLinkRepository;
  recoveryBlocks: RecoveryBlockRepository;
  directory: DirectoryGateway;
  verifiedId: VerifiedIdClient;
  didResolver: DidResolver;
  secrets: SecretProvider;
  adapters: ReadonlyMap<string, IdvAdapter>;
  verifications: VerificationRepository;
}

export function createServices(
  config: AppConfig,
  env: Readonly<Record<string, string | undefined>>,
): Services {
  const credential = createCredential(config);
  const tables = new TableStore(config, credential);
  const adapters = new Map<string, IdvAdapter>();
  for (const provider of config.providers.values()) adapters.set(provider.name, createAdapter(provider));
  const recoveries = new RecoveryRepository(tables);
  return {
    config,
    credential,
    tables,
    recoveries,
    policies: new PolicyRepository(tables, config.policy, { cacheMs: config.policyCacheSeconds * 1000 }),
    rateLimits: new RateLimitRepository(tables),
    locks: new UserLockRepository(tables, recoveries),
    // Every audit entry names the user and the client address, read from the recovery.
    audit: new AuditRepository(tables, (id) => recoveries.get(id)),
    idvSessions: new IdvSessionRepository(tables),
    inbox: new WebhookInboxRepository(tables),
    presentations: new PresentationRepository(tables),
    taps: new TapHandoffRepository(tables),
    repudiationLinks: new RepudiationLinkRepository(tables),
    recoveryBlocks: new RecoveryBlockRepository(tables),
    directory: DirectoryGateway.create(config.graphBaseUrl, credential, {
      batching: config.graphBatching,
      timeoutMs: config.graphTimeoutSeconds * 1000,
    }),
    verifiedId: new VerifiedIdClient(config.verifiedId.baseUrl, credential),
    didResolver: new DidResolver({ allowHttpLoopback: config.verifiedId.didWebHttpLoopback }),
    secrets:
      config.secrets.kind === "keyvault"
        ? new KeyVaultSecretProvider(config.secrets.vaultUrl, credential)
        : new EnvSecretProvider(env),
    adapters,
    verifications: new VerificationRepository(tables),
  };
}

let cached: Services | undefined;

export function services(): Services {
  cached ??= createServices(getConfig(), process.env);
  return cached;
}
