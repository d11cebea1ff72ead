/**
 * The repositories' request-saving paths against a real Azurite: an update that starts from
 * the record its caller already read, and audit entries written in one table transaction —
 * each still correct when what it assumed no longer holds (a concurrent writer, a re-run).
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/identity";
import { beforeAll, describe, expect, inject, it } from "vitest";
import type { AuditEventType } from "../../src/recovery/auditEvents";
import { AuditRepository } from "../../src/store/audit";
import { RecoveryRepository } from "../../src/store/recoveries";
import { TableStore } from "../../src/store/tables";

const noCredential: TokenCredential = {
  getToken: async () => {
    throw new Error("connection strings need no token");
  },
};

describe("requests saved by the repositories", () => {
  let tables: TableStore;
  beforeAll(() => {
    tables = new TableStore(
      {
        storage: { kind: "connectionString", connectionString: inject("azuriteConnectionString") },
        tablePrefix: `r${randomBytes(4).toString("hex")}`,
      },
      noCredential,
    );
  });

  async function newRecovery(recoveries: RecoveryRepository): Promise<string> {
    const recoveryId = randomUUID();
    const now = new Date().toISOString();
    await recoveries.create({
      stage: "started",
      recoveryId,
      tokenHash: "h",
      status: "pending",
      createdAt: now,
      updatedAt: now,
      expiresAt: now,
      username: "a@b.example",
      clientAddress: "127.0.0.1",
    });
    return recoveryId;
  }

  it("an update from a record read before a concurrent write reads again and loses nothing", async () => {
    const recoveries = new RecoveryRepository(tables);
    const recoveryId = await newRecovery(recoveries);
    const known = (await recoveries.get(recoveryId))!;
    // Someone else writes after our read: our etag is stale.
    await recoveries.update(recoveryId, (r) => ({ ...r, status: "cancelled" }));
    const seen: string[] = [];
    const after = await recoveries.update(
      recoveryId,
      (r) => {
        seen.push(r.status);
        return { ...r, locale: "de" };
      },
      known,
    );
    // First from what we knew, then (412) from what is stored.
    expect(seen).toEqual(["pending", "cancelled"]);
    expect(after).toMatchObject({ status: "cancelled", locale: "de" });
    expect(await recoveries.get(recoveryId)).toMatchObject({ status: "cancelled", locale: "de" });
  });

  it("advance from a known record leaves a recovery closed meanwhile as it is", async () => {
    const recoveries = new RecoveryRepository(tables);
    const recoveryId = await newRecovery(recoveries);
    const known = (await recoveries.get(recoveryId))!;
    await recoveries.update(recoveryId, (r) => ({ ...r, status: "cancelled" }));
    await recoveries.advance(recoveryId, { status: "validating" }, known);
    expect((await recoveries.get(recoveryId))?.status).toBe("cancelled");
  });

  it("a transaction's answer gives the record's new etag, and the version it names is held without a read", async () => {
    const recoveries = new RecoveryRepository(tables);
    const recoveryId = await newRecovery(recoveries);
    const after = await recoveries.advance(recoveryId, { status: "validating" }, undefined, [
      { recoveryId, event: "credential_checked", onceKey: "credential_checked", outcome: "success" },
    ]);
    const stored = (await new RecoveryRepository(tables).get(recoveryId))!;
    // The update's own etag (not the one it was written with): the next step's write can use it.
    expect(after.etag).toBe(stored.etag);
    expect(await recoveries.at(recoveryId, after.etag)).toMatchObject({
      status: "validating",
      etag: stored.etag,
    });
  });

  it("a step given the version the last step left, closed since by another process, changes nothing", async () => {
    const recoveries = new RecoveryRepository(tables);
    const recoveryId = await newRecovery(recoveries);
    const left = await recoveries.advance(recoveryId, { status: "awaiting_presentation" });
    // The cancel, in another process: this one still holds the version the step left.
    await new RecoveryRepository(tables).update(recoveryId, (r) => ({ ...r, status: "cancelled" }));
    const held = (await recoveries.at(recoveryId, left.etag))!;
    expect(held.status).toBe("awaiting_presentation");
    const seen: string[] = [];
    await recoveries.update(
      recoveryId,
      (r) => {
        seen.push(r.status);
        return r.status === "cancelled" ? undefined : { ...r, status: "validating" };
      },
      held,
      (next) =>
        next
          ? [{ recoveryId, event: "credential_checked", onceKey: "credential_checked", outcome: "success" }]
          : [],
    );
    // Its write with the held etag failed; read again, the recovery is closed: no change, no entry.
    expect(seen).toEqual(["awaiting_presentation", "cancelled"]);
    expect((await recoveries.get(recoveryId))?.status).toBe("cancelled");
    const rows: unknown[] = [];
    const table = await tables.table("recoveries");
    for await (const e of table.listEntities({ queryOptions: { filter: `PartitionKey eq '${recoveryId}'` } }))
      rows.push(e.rowKey);
    expect(rows).toEqual(["recovery"]);
  });

  it("a change and its audit entries are one write: a stale etag fails both, the retry writes both once", async () => {
    const recoveries = new RecoveryRepository(tables);
    const audit = new AuditRepository(tables);
    const recoveryId = await newRecovery(recoveries);
    const known = (await recoveries.get(recoveryId))!;
    await recoveries.update(recoveryId, (r) => ({ ...r, locale: "fr" }));
    const checked = {
      recoveryId,
      event: "credential_checked" as const,
      onceKey: "credential_checked",
      outcome: "success" as const,
    };
    // Stale etag: the transaction (record + entry) fails as a whole, then both are written from a fresh read.
    const after = await recoveries.advance(recoveryId, { status: "validating" }, known, [checked]);
    expect(after).toMatchObject({ status: "validating", locale: "fr" });
    // A re-run of the step: the once-only entry is there already; the change is still written, the entry not twice.
    await recoveries.advance(recoveryId, { next: undefined, status: "validating" }, after, [checked]);
    const entries = (await audit.list(recoveryId)).filter((e) => e.event === "credential_checked");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ sourceAddress: "127.0.0.1", outcome: "success" });
    // A closed record is not changed, and an entry given as a function of the change is not written.
    await recoveries.update(recoveryId, (r) => ({ ...r, status: "cancelled" }));
    await recoveries.advance(recoveryId, { status: "validating" }, undefined, (next) =>
      next ? [{ recoveryId, event: "presentation_retrieved", outcome: "info" }] : [],
    );
    expect((await recoveries.get(recoveryId))?.status).toBe("cancelled");
    expect((await audit.list(recoveryId)).some((e) => e.event === "presentation_retrieved")).toBe(false);
  });

  it("records several events in one transaction, and on a re-run records only those not yet there", async () => {
    const audit = new AuditRepository(tables);
    const recoveryId = randomUUID();
    const event = (name: AuditEventType, once = true) => ({
      recoveryId,
      event: name,
      outcome: "success" as const,
      ...(once ? { onceKey: name } : {}),
    });
    await audit.recordAll([event("authentication_methods_reset"), event("sign_in_sessions_revoked", false)]);
    expect((await audit.list(recoveryId)).map((e) => e.event).sort()).toEqual([
      "authentication_methods_reset",
      "sign_in_sessions_revoked",
    ]);
    // A re-run: the first is there already (its onceKey), so the transaction fails as a whole;
    // each event is then recorded on its own, the one already there skipped.
    await audit.recordAll([event("authentication_methods_reset"), event("temporary_access_pass_issued")]);
    expect((await audit.list(recoveryId)).map((e) => e.event).sort()).toEqual([
      "authentication_methods_reset",
      "sign_in_sessions_revoked",
      "temporary_access_pass_issued",
    ]);
  });
});
