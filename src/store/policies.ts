/**
 * Policy profiles and the global exclusion list, stored in Table Storage and validated with
 * the one schema of `recovery/policy`. The settings' policy document seeds the table at
 * first use: seeded rows follow the document (added, changed, removed with it); rows an
 * admin wrote (`source: "admin"`, the admin API) are never overwritten by the seed.
 * Reads are cached briefly, since every discovery needs the whole document.
 */
import type { TableClient } from "@azure/data-tables";
import type { z } from "zod";
import { ConfigurationError } from "../recovery/errors";
import {
  describeIssue,
  type GlobalExclusions,
  globalExclusionsSchema,
  type PolicyDocument,
  type PolicyProfile,
  policyDocumentSchema,
  policyProfileSchema,
} from "../recovery/policy";
import { isConcurrencyConflict, isNotFound, type TableStore } from "./tables";

const PROFILE_PARTITION = "profile";
const GLOBAL_PARTITION = "global";
const EXCLUSIONS_ROW = "exclusions";

export type PolicySource = "seed" | "admin";

interface PolicyRow {
  partitionKey: string;
  rowKey: string;
  etag?: string;
  /** The profile or exclusion list, as JSON. */
  document: string;
  source: PolicySource;
  updatedAt: string;
}

export interface PolicyRepositoryOptions {
  /** How long one read of the table serves discoveries, in milliseconds. */
  cacheMs: number;
  now?: () => number;
}

export class PolicyRepository {
  private seeded: Promise<void> | undefined;
  private cache: { at: number; document: Promise<PolicyDocument> } | undefined;

  constructor(
    private readonly store: TableStore,
    private readonly seed: PolicyDocument,
    private readonly options: PolicyRepositoryOptions,
  ) {}

  private table(): Promise<TableClient> {
    return this.store.table("policies");
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  /** The policy in force: profiles and global exclusions, validated. */
  current(): Promise<PolicyDocument> {
    const now = this.now();
    if (!this.cache || now - this.cache.at >= this.options.cacheMs) {
      const document = this.ensureSeeded().then(() => this.read());
      document.catch(() => {
        if (this.cache?.document === document) this.cache = undefined;
      });
      this.cache = { at: now, document };
    }
    return this.cache.document;
  }

  /** Forget the cached document (after a write through this process). */
  invalidate(): void {
    this.cache = undefined;
  }

  /** Applies the settings' document once per process (concurrent instances may race: harmless). */
  ensureSeeded(): Promise<void> {
    this.seeded ??= this.applySeed().catch((err) => {
      this.seeded = undefined;
      throw err;
    });
    return this.seeded;
  }

  private async read(): Promise<PolicyDocument> {
    const table = await this.table();
    const profiles: PolicyProfile[] = [];
    let exclusions: GlobalExclusions = { groups: [], users: [] };
    for await (const row of table.listEntities<PolicyRow>()) {
      if (row.partitionKey === PROFILE_PARTITION) {
        profiles.push(parseRow(row, policyProfileSchema, `profile ${row.rowKey}`));
      } else if (row.partitionKey === GLOBAL_PARTITION && row.rowKey === EXCLUSIONS_ROW) {
        exclusions = parseRow(row, globalExclusionsSchema, "global exclusions");
      }
    }
    // The whole document is validated again, so a store edited by hand cannot bypass the schema.
    const parsed = policyDocumentSchema.safeParse({ profiles, globalExclusions: exclusions });
    if (!parsed.success) throw new ConfigurationError("policy store", describeIssue(parsed.error));
    return parsed.data;
  }

  private async applySeed(): Promise<void> {
    const table = await this.table();
    const existing = new Map<string, PolicyRow>();
    for await (const row of table.listEntities<PolicyRow>()) {
      existing.set(`${row.partitionKey}/${row.rowKey}`, row as PolicyRow);
    }
    const wanted = new Map<string, { partitionKey: string; rowKey: string; document: string }>();
    for (const profile of this.seed.profiles) {
      wanted.set(`${PROFILE_PARTITION}/${profile.id}`, {
        partitionKey: PROFILE_PARTITION,
        rowKey: profile.id,
        document: JSON.stringify(profile),
      });
    }
    wanted.set(`${GLOBAL_PARTITION}/${EXCLUSIONS_ROW}`, {
      partitionKey: GLOBAL_PARTITION,
      rowKey: EXCLUSIONS_ROW,
      document: JSON.stringify(this.seed.globalExclusions),
    });
    const updatedAt = new Date(this.now()).toISOString();
    for (const [key, row] of wanted) {
      const current = existing.get(key);
      if (current?.source === "admin" || current?.document === row.document) continue;
      const entity: PolicyRow = { ...row, source: "seed", updatedAt };
      await ignoreLostRace(
        current ? table.updateEntity(entity, "Replace", { etag: current.etag }) : table.createEntity(entity),
      );
    }
    for (const [key, row] of existing) {
      if (row.source === "seed" && !wanted.has(key)) {
        await ignoreLostRace(table.deleteEntity(row.partitionKey, row.rowKey, { etag: row.etag }));
      }
    }
  }
}

function parseRow<T>(row: PolicyRow, schema: z.ZodType<T, unknown>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(row.document);
  } catch {
    throw new ConfigurationError("policy store", `${what} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new ConfigurationError("policy store", `${what}: ${describeIssue(parsed.error)}`);
  return parsed.data;
}

/** Another instance seeded the same row first: its write is as good as ours. */
async function ignoreLostRace(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (!isConcurrencyConflict(err) && !isNotFound(err)) throw err;
  }
}
