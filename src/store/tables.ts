/**
 * Table Storage access for the app's own state (separate from the Durable task hub).
 * One client per table, created lazily; 404/409/412 are mapped to named outcomes by the
 * repositories, never swallowed generically.
 */
import type { TableClient, TableServiceClientOptions } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import type { AppConfig } from "../config";
import { isTableKey } from "../recovery/keys";

/** The SDK types the repositories use (type-only: erased at build, so nothing loads early). */
export type { TableClient, TransactionAction } from "@azure/data-tables";

type TablesSdk = typeof import("@azure/data-tables");
let sdk: TablesSdk | undefined;
/** `@azure/data-tables`, loaded on first use rather than when the app loads (cold start). */
function tablesSdk(): TablesSdk {
  sdk ??= require("@azure/data-tables") as TablesSdk;
  return sdk;
}

/** The SDK's `odata` template: every interpolated value escaped as an OData literal. */
export function odata(strings: TemplateStringsArray, ...values: unknown[]): string {
  return tablesSdk().odata(strings, ...values);
}

export const TABLES = {
  recoveries: "Recoveries",
  userLocks: "UserLocks",
  audit: "Audit",
  idvSessions: "IdvSessions",
  webhookInbox: "WebhookInbox",
  policies: "Policies",
  rateLimits: "RateLimits",
  repudiationLinks: "RepudiationLinks",
  recoveryBlocks: "RecoveryBlocks",
  verifications: "Verifications",
} as const;
export type TableName = keyof typeof TABLES;

export class TableStore {
  private readonly clients = new Map<TableName, Promise<TableClient>>();

  constructor(
    private readonly config: Pick<AppConfig, "storage" | "tablePrefix">,
    private readonly credential: TokenCredential,
  ) {}

  tableName(name: TableName): string {
    return `${this.config.tablePrefix}${TABLES[name]}`;
  }

  /** The client of one table, creating the table on first use. */
  table(name: TableName): Promise<TableClient> {
    let client = this.clients.get(name);
    if (!client) {
      client = this.create(name);
      client.catch(() => this.clients.delete(name));
      this.clients.set(name, client);
    }
    return client;
  }

  private async create(name: TableName): Promise<TableClient> {
    const tableName = this.tableName(name);
    const storage = this.config.storage;
    let client: TableClient;
    if (storage.kind === "accountUrl") {
      client = new (tablesSdk().TableClient)(storage.accountUrl, tableName, this.credential);
    } else {
      const insecure = /DefaultEndpointsProtocol=http;|UseDevelopmentStorage=true|=http:\/\//i.test(
        storage.connectionString,
      );
      const options: TableServiceClientOptions = { allowInsecureConnection: insecure };
      client = tablesSdk().TableClient.fromConnectionString(storage.connectionString, tableName, options);
    }
    try {
      await client.createTable();
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
    }
    return client;
  }
}

export function statusOf(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown })?.statusCode;
  return typeof status === "number" ? status : undefined;
}

/** True for the expected outcomes of optimistic concurrency: lost a race (409/412). */
export function isConcurrencyConflict(err: unknown): boolean {
  const s = statusOf(err);
  return s === 409 || s === 412;
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/**
 * Deletes every row matching an OData filter, each with its etag: a row changed or deleted
 * meanwhile (a concurrent reader, another instance purging) is skipped. Returns how many went.
 */
export async function purgeRows(table: TableClient, filter: string): Promise<number> {
  let purged = 0;
  for await (const row of table.listEntities({ queryOptions: { filter } })) {
    if (row.partitionKey === undefined || row.rowKey === undefined) continue; // a listed row has both
    try {
      await table.deleteEntity(row.partitionKey, row.rowKey, { etag: row.etag });
      purged++;
    } catch (err) {
      if (!(isConcurrencyConflict(err) || isNotFound(err))) throw err;
    }
  }
  return purged;
}

/** getEntity that answers undefined instead of throwing 404. */
export async function getOptional<T extends object>(
  table: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<(T & { etag: string }) | undefined> {
  // A key the service would refuse names no row: not found, rather than a retried 400 and a 5xx.
  if (!isTableKey(partitionKey) || !isTableKey(rowKey)) return undefined;
  try {
    return (await table.getEntity<T>(partitionKey, rowKey)) as T & { etag: string };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}
