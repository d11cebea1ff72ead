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
import { IdvSessionRepository, PresentationRepository, WebhookInboxRepository } from "./store/correlations";
import { RecoveryRepository } from "./store/recoveries";
import { TableStore } from "./store/tables";
import { TapHandoffRepository } from "./store/tapHandoff";
import { UserLockRepository } from "./store/userLocks";
import { VerifiedIdClient } from "./verified-id/requestService";

export interface Services {
  config: AppConfig;
  credential: TokenCredential;
  tables: TableStore;
  recoveries: RecoveryRepository;
  locks: UserLockRepository;
  audit: AuditRepository;
  idvSessions: IdvSessionRepository;
  inbox: WebhookInboxRepository;
  presentations: PresentationRepository;
  taps: TapHandoffRepository;
  directory: DirectoryGateway;
  verifiedId: VerifiedIdClient;
  secrets: SecretProvider;
  adapters: ReadonlyMap<string, IdvAdapter>;
}

export function createServices(
  config: AppConfig,
  env: Readonly<Record<string, string | undefined>>,
): Services {
  const credential = createCredential(config);
  const tables = new TableStore(config, credential);
  const adapters = new Map<string, IdvAdapter>();
  for (const provider of config.providers.values()) adapters.set(provider.name, createAdapter(provider));
  return {
    config,
    credential,
    tables,
    recoveries: new RecoveryRepository(tables),
    locks: new UserLockRepository(tables),
    audit: new AuditRepository(tables),
    idvSessions: new IdvSessionRepository(tables),
    inbox: new WebhookInboxRepository(tables),
    presentations: new PresentationRepository(tables),
    taps: new TapHandoffRepository(tables),
    directory: DirectoryGateway.create(config.graphBaseUrl, credential),
    verifiedId: new VerifiedIdClient(config.verifiedId.baseUrl, credential),
    secrets:
      config.secrets.kind === "keyvault"
        ? new KeyVaultSecretProvider(config.secrets.vaultUrl, credential)
        : new EnvSecretProvider(env),
    adapters,
  };
}

let cached: Services | undefined;

export function services(): Services {
  cached ??= createServices(getConfig(), process.env);
  return cached;
}
