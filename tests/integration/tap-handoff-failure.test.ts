/**
 * The TAP hand-off cannot fail silently after the directory was changed (issue 23, finding 4):
 *  - a client key sealing would refuse is refused at start (400), by the rules sealing applies;
 *  - a key that cannot seal (one an older version accepted) is caught before the first
 *    directory write: the recovery fails, nothing changed;
 *  - a sealing or storing failure after the writes leaves a record and an audit trail that say
 *    what was changed, and the step's retries issue no second TAP and no second revocation
 *    (the sealed TAP is stored with the record that says it was issued; when that write cannot
 *    store it, the record is written without it and the step fails).
 */
import type { JWK } from "jose";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { keyPair } from "../../dev/support/keyPairs";
import { auditRows, countRecords, recordRows } from "../support/recoveryRows";
import { type RecoveryStart, useStack } from "../support/stack";

/** The key of the probe: RSA-1024 with its modulus left-padded with zero bytes to 2048 bits. */
function paddedRsa1024(): JWK {
  const jwk = keyPair("rsa-1024").publicKey.export({ format: "jwk" }) as JWK;
  const n = Buffer.concat([Buffer.alloc(128), Buffer.from(jwk.n!, "base64url")]).toString("base64url");
  return { kty: "RSA", n, e: jwk.e! };
}

interface AuditRow {
  partitionKey: string;
  event: string;
  outcome: string;
  code?: string;
  detail?: string;
}

describe("the TAP hand-off after the directory was changed", () => {
  const stack = useStack({ mode: "production" });

  async function toPresentation(username: string, names: { firstName: string; lastName: string }) {
    const started = await stack().startRecovery({ username });
    expect(started.status).toBe(202);
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "approved", names);
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    return { start: started.body, requestId: stack().presentationRequestId(awaiting.next!) };
  }

  async function audit(recoveryId: string): Promise<AuditRow[]> {
    return (await auditRows<AuditRow & { partitionKey: string }>(stack())).filter(
      (r) => r.partitionKey === recoveryId,
    );
  }

  async function plantKey(start: RecoveryStart, key: JWK): Promise<void> {
    const row = (
      await recordRows<Record<string, unknown> & { partitionKey: string; rowKey: string }>(stack())
    ).find((r) => r.partitionKey === start.recoveryId)!;
    const { etag: _e, timestamp: _t, ...entity } = row as typeof row & { etag?: string; timestamp?: string };
    await stack().writeRow("Recoveries", { ...entity, tapEncryptionKey: JSON.stringify(key) });
  }

  it("the zero-padded RSA-1024 key is refused at start with 400 and starts nothing", async () => {
    const before = await countRecords(stack());
    const res = await stack().startRecovery({
      username: DEMO_USERS.adeleVance.userPrincipalName,
      tapEncryptionKey: paddedRsa1024(),
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: "invalid_request" });
    expect(await countRecords(stack())).toBe(before);
  });

  it("a stored key that cannot seal fails the step before the first directory write", async () => {
    const adele = DEMO_USERS.adeleVance;
    const methods = stack().sims.graph.methods(adele.id).length;
    const { start, requestId } = await toPresentation(adele.userPrincipalName, {
      firstName: "Adele",
      lastName: "Vance",
    });
    // As a version before the fix accepted it at start.
    await plantKey(start, paddedRsa1024());
    await stack().sims.verifiedId.present(requestId);
    const done = await stack().waitForStatus(start, ["failed", "recovered"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "internal_error" } });
    expect(stack().sims.graph.methods(adele.id)).toHaveLength(methods);
    expect(stack().sims.graph.temporaryAccessPasses(adele.id)).toHaveLength(0);
    expect(stack().sims.graph.revocations(adele.id).count).toBe(0);
    const unavailable = (await audit(start.recoveryId)).find((e) => e.event === "tap_handoff_unavailable");
    expect(JSON.parse(unavailable!.detail!).explanation).toContain("nothing was changed in the directory");
  });

  it("a sealed TAP that cannot be stored: record and audit say what changed; one revocation, one TAP, however often the step is retried", async () => {
    const megan = DEMO_USERS.meganBowen;
    const methodsBefore = stack().sims.graph.methods(megan.id).length;
    const { start, requestId } = await toPresentation(megan.userPrincipalName, {
      firstName: "Megan",
      lastName: "Bowen",
    });
    // The fault is real: the sealed TAP's row in the recovery's partition is taken already (an
    // expired row, so that no status read could ever hand it out), so the write that would store
    // the TAP with the record fails.
    await stack().writeRow("Recoveries", {
      partitionKey: start.recoveryId,
      rowKey: "tap",
      expiresAt: "2000-01-01T00:00:00.000Z",
      takenAt: "2000-01-01T00:00:00.000Z",
    });
    await stack().sims.verifiedId.present(requestId);
    const done = await stack().waitForStatus(start, ["failed", "recovered"], 60_000);
    expect(done).toMatchObject({ status: "failed", failure: { code: "internal_error" } });

    // The directory was changed once: one revocation, one TAP.
    expect(stack().sims.graph.revocations(megan.id).count).toBe(1);
    expect(stack().sims.graph.temporaryAccessPasses(megan.id)).toHaveLength(1);
    const removed = methodsBefore - stack().sims.graph.methods(megan.id).length + 1; // + the new TAP
    expect(removed).toBeGreaterThan(0);

    // The admin record says what was changed.
    const record = await stack().admin("GET", `/api/admin/recoveries/${start.recoveryId}`);
    const detail = record.json() as Record<string, unknown>;
    expect(detail).toMatchObject({ status: "failed", methodsRemoved: removed });
    expect(detail.sessionsRevokedAt).toEqual(expect.any(String));
    expect(detail.tapIssuedAt).toEqual(expect.any(String));
    expect(detail.failureReason).toContain("tap_not_handed_out");
    expect(detail.failureReason).toContain(`${removed} authentication method(s) removed`);
    expect(detail.failureReason).toContain("no second one is issued");
    expect(record.text).not.toMatch(/\n\s+at /);

    // And so does the audit trail.
    const events = (await audit(start.recoveryId)).map((e) => e.event);
    expect(events).toEqual(
      expect.arrayContaining([
        "authentication_methods_reset",
        "sign_in_sessions_revoked",
        "temporary_access_pass_issued",
        "tap_handoff_failed",
      ]),
    );
    const status = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(status.body.tap).toBeUndefined();
  }, 120_000);
});
