/**
 * Policy profiles and the global exclusion list, stored in Table Storage and validated with
 * the one schema of `recovery/policy`. The settings' policy document seeds the table at
 * first use: seeded rows follow the document (added, changed, removed with it); rows an
 * admin wrote (`source: "admin"`, the admin API) are never overwritten by the seed.
 * Reads are cached briefly, since every discovery needs the whole document.
 *
 * Admin writes are conditional on the row's etag (optimistic concurrency). Deleting a profile
 * leaves an admin-owned tombstone row, so the seed (which never overwrites admin rows) cannot
 * bring a seeded profile back at the next start.
 */
import type { z } from "zod";
import { ConfigurationError } from "../recovery/errors";
import {
  type GlobalExclusions,
  globalExclusionsSchema,
  type PolicyDocument,
  type PolicyProfile,
  policyDocumentSchema,
  policyProfileSchema,
} from "../recovery/policy";
import { describeIssue } from "../zodText";
import { getOptional, isConcurrencyConflict, isNotFound, type TableClient, type TableStore } from "./tables";

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
  /** A profile an admin deleted: kept so the seed does not recreate it; read as absent. */
  deleted?: boolean;
}

/** One stored item as the admin API shows it. */
export interface Versioned<T> {
  value: T;
  etag: string;
  source: PolicySource;
  updatedAt: string;
}

/** How a conditional write ended: written, or refused (stale etag, already there, not there). */
export type WriteOutcome<T> =
  | { ok: true; etag: string; before: T | undefined }
  | { ok: false; reason: "stale" | "exists" | "not_found" };

/**
 * The condition of a write: `ifMatch` (an etag, or `*` for any existing row), or `create`
 * (only when there is no row, or only a tombstone).
 */
export type WriteCondition = { ifMatch: string } | { create: true };

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
        if (row.deleted) continue;
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

  /** Every live profile and the exclusion list, each with its etag (for the admin API). */
  async listVersioned(): Promise<{
    profiles: Versioned<PolicyProfile>[];
    globalExclusions: Versioned<GlobalExclusions>;
  }> {
    await this.ensureSeeded();
    const table = await this.table();
    const profiles: Versioned<PolicyProfile>[] = [];
    let exclusions: Versioned<GlobalExclusions> | undefined;
    for await (const row of table.listEntities<PolicyRow>()) {
      if (row.partitionKey === PROFILE_PARTITION && !row.deleted) {
        profiles.push(versioned(row, parseRow(row, policyProfileSchema, `profile ${row.rowKey}`)));
      } else if (row.partitionKey === GLOBAL_PARTITION && row.rowKey === EXCLUSIONS_ROW) {
        exclusions = versioned(row, parseRow(row, globalExclusionsSchema, "global exclusions"));
      }
    }
    profiles.sort((a, b) => a.value.priority - b.value.priority || a.value.id.localeCompare(b.value.id));
    return {
      profiles,
      globalExclusions: exclusions ?? {
        value: { groups: [], users: [] },
        etag: "",
        source: "seed",
        updatedAt: new Date(0).toISOString(),
      },
    };
  }

  async getProfile(id: string): Promise<Versioned<PolicyProfile> | undefined> {
    await this.ensureSeeded();
    const row = await getOptional<PolicyRow>(await this.table(), PROFILE_PARTITION, id);
    if (!row || row.deleted) return undefined;
    return versioned(row, parseRow(row, policyProfileSchema, `profile ${id}`));
  }

  async getExclusions(): Promise<Versioned<GlobalExclusions>> {
    return (await this.listVersioned()).globalExclusions;
  }

  /** Writes one profile (already validated) as an admin row, under `condition`. */
  putProfile(profile: PolicyProfile, condition: WriteCondition): Promise<WriteOutcome<PolicyProfile>> {
    return this.conditionalWrite(PROFILE_PARTITION, profile.id, condition, policyProfileSchema, {
      document: JSON.stringify(profile),
    });
  }

  /** Replaces a profile by its tombstone (the seed then leaves it deleted). */
  deleteProfile(id: string, ifMatch: string): Promise<WriteOutcome<PolicyProfile>> {
    return this.conditionalWrite(PROFILE_PARTITION, id, { ifMatch }, policyProfileSchema, {
      document: "null",
      deleted: true,
    });
  }

  putExclusions(value: GlobalExclusions, condition: WriteCondition): Promise<WriteOutcome<GlobalExclusions>> {
    return this.conditionalWrite(GLOBAL_PARTITION, EXCLUSIONS_ROW, condition, globalExclusionsSchema, {
      document: JSON.stringify(value),
    });
  }

  private async conditionalWrite<T>(
    partitionKey: string,
    rowKey: string,
    condition: WriteCondition,
    schema: z.ZodType<T, unknown>,
    content: { document: string; deleted?: boolean },
  ): Promise<WriteOutcome<T>> {
    await this.ensureSeeded();
    const table = await this.table();
    const current = await getOptional<PolicyRow>(table, partitionKey, rowKey);
    const live = current && !current.deleted ? current : undefined;
    if ("create" in condition) {
      if (live) return { ok: false, reason: "exists" };
    } else {
      if (!live) return { ok: false, reason: "not_found" };
      if (condition.ifMatch !== "*" && condition.ifMatch !== live.etag) return { ok: false, reason: "stale" };
    }
    const entity: PolicyRow = {
      partitionKey,
      rowKey,
      document: content.document,
      source: "admin",
      updatedAt: new Date(this.now()).toISOString(),
      ...(content.deleted ? { deleted: true } : {}),
    };
    try {
      // The etag read above guards the write: a change in between (another admin, another
      // instance's seed) makes it 412 and the caller re-reads.
      const written = current
        ? await table.updateEntity(entity, "Replace", { etag: current.etag })
        : await table.createEntity(entity);
      this.invalidate();
      return {
        ok: true,
        etag: written.etag ?? "",
        before: live ? parseRow(live, schema, `${partitionKey} ${rowKey}`) : undefined,
      };
    } catch (err) {
      if (isConcurrencyConflict(err) || isNotFound(err))
        return { ok: false, reason: "create" in condition ? "exists" : "stale" };
      throw err;
    }
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

function versioned<T>(row: PolicyRow & { etag?: string }, value: T): Versioned<T> {
  return { value, etag: row.etag ?? "", source: row.source, updatedAt: row.updatedAt };
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
