/**
 * The helpdesk verification repository against a real Azurite: a link is redeemed from the row
 * its opener read (no second read), once, and a concurrent open of the same link loses on the
 * row's etag — whatever version each opener read.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/identity";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { hashSecret, newOpaqueSecret } from "../../src/recovery/opaqueSecrets";
import { TableStore } from "../../src/store/tables";
import { VerificationRepository } from "../../src/store/verifications";

const noCredential: TokenCredential = {
  getToken: async () => {
    throw new Error("connection strings need no token");
  },
};

describe("the verification repository", () => {
  let tables: TableStore;
  /** Requests sent to the Verifications table, counted in the SDK client's own pipeline. */
  const requests: string[] = [];
  beforeAll(async () => {
    tables = new TableStore(
      {
        storage: { kind: "connectionString", connectionString: inject("azuriteConnectionString") },
        tablePrefix: `v${randomBytes(4).toString("hex")}`,
      },
      noCredential,
    );
    const table = await tables.table("verifications");
    table.pipeline.addPolicy({
      name: "countRequests",
      sendRequest: (request, next) => {
        requests.push(request.method);
        return next(request);
      },
    });
  });

  async function newVerification(verifications: VerificationRepository) {
    const secret = newOpaqueSecret();
    const verificationId = randomUUID();
    const now = new Date();
    await verifications.create({
      verificationId,
      username: "adele@contoso.example",
      reason: "Ticket 1",
      agentId: randomUUID(),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 60_000).toISOString(),
      linkHash: hashSecret(secret),
    });
    return { verificationId, secret, now };
  }

  it("an open reads the row once and writes it once", async () => {
    const verifications = new VerificationRepository(tables);
    const { verificationId, secret, now } = await newVerification(verifications);
    requests.length = 0;
    const stored = (await verifications.get(verificationId))!;
    const recoveryId = randomUUID();
    const redeemed = await verifications.redeem(stored, secret, recoveryId, now);
    expect(redeemed).toMatchObject({ ok: true, record: { verificationId, recoveryId } });
    expect(requests).toEqual(["GET", "PATCH"]);
    expect(await verifications.get(verificationId)).toMatchObject({ recoveryId });
  });

  it("two opens of one link from the same version: one redeems it, the other is refused as used", async () => {
    const verifications = new VerificationRepository(tables);
    const { verificationId, secret, now } = await newVerification(verifications);
    const stored = (await verifications.get(verificationId))!;
    const [a, b] = await Promise.all([
      verifications.redeem(stored, secret, randomUUID(), now),
      verifications.redeem(stored, secret, randomUUID(), now),
    ]);
    expect([a.ok, b.ok].sort()).toEqual([false, true]);
    const lost = a.ok ? b : a;
    expect(lost).toEqual({ ok: false, reason: "used" });
    const won = a.ok ? a : b;
    expect((await verifications.get(verificationId))?.recoveryId).toBe(won.ok ? won.record.recoveryId : "");
  });

  it("a row read before another open redeemed it is refused as used, and the first recovery stays", async () => {
    const verifications = new VerificationRepository(tables);
    const { verificationId, secret, now } = await newVerification(verifications);
    const stale = (await verifications.get(verificationId))!;
    const first = await verifications.redeem(
      (await verifications.get(verificationId))!,
      secret,
      randomUUID(),
      now,
    );
    expect(first.ok).toBe(true);
    expect(await verifications.redeem(stale, secret, randomUUID(), now)).toEqual({
      ok: false,
      reason: "used",
    });
    expect((await verifications.get(verificationId))?.recoveryId).toBe(
      first.ok ? first.record.recoveryId : "",
    );
  });

  it("a wrong secret or a deadline passed redeems nothing", async () => {
    const verifications = new VerificationRepository(tables);
    const { verificationId, secret, now } = await newVerification(verifications);
    const stored = (await verifications.get(verificationId))!;
    expect(await verifications.redeem(stored, newOpaqueSecret(), randomUUID(), now)).toEqual({
      ok: false,
      reason: "secret_mismatch",
    });
    expect(
      await verifications.redeem(stored, secret, randomUUID(), new Date(Date.parse(stored.expiresAt))),
    ).toEqual({ ok: false, reason: "expired" });
    expect((await verifications.get(verificationId))?.redeemedAt).toBeUndefined();
  });
});
