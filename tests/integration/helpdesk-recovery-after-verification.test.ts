/**
 * A profile with `helpdesk.allowRecoveryAfterVerification`: a caller the helpdesk verification
 * found verified may go on to recover from the same page. Only the caller's recovery token can
 * choose it, the TAP comes sealed to the key the caller's page sent when it opened the link, and
 * no admin answer (the agent's verdict, the list, the export, the recovery detail) ever holds it.
 * Unhappy paths first: a continue out of turn, without the token, or after the offer ran out.
 */
import { compactDecrypt, importJWK, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { newCredentialId } from "../../dev/simulators/wallet";
import { DEMO_ISSUER_DID } from "../../dev/stack";
import { ecJwkPair } from "../../src/tap/ecKeys";
import { follow, handoffOf } from "../support/handoff";
import { policyAllowingRecoveryAfterVerification } from "../support/helpdesk";
import type { RecoveryStart, TestStack } from "../support/stack";
import { useStack } from "../support/stack";

const ADELE = DEMO_USERS.adeleVance;
const AGENT_OID = "00000000-0000-4000-8000-00000000a9e8";

async function continueRecovery(
  stack: TestStack,
  start: RecoveryStart,
  token: string | null = start.recoveryToken,
) {
  const res = await fetch(`${stack.url}/api/recovery/${start.recoveryId}/continue`, {
    method: "POST",
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("recovery after a helpdesk verification", () => {
  const stack = useStack({ policy: policyAllowingRecoveryAfterVerification() });

  /** An agent's link, opened by the caller's page with its TAP key, through to the verdict. */
  async function verify(tapEncryptionKey?: object, options: { returnOnly?: boolean } = {}) {
    const token = await stack().sims.entra.mint({ roles: ["Recovery.Helpdesk"], oid: AGENT_OID });
    const created = await stack().admin("POST", "/api/admin/verifications", {
      token,
      body: { username: ADELE.userPrincipalName, reason: "Ticket 815: lost phone and key" },
    });
    expect(created.status).toBe(201);
    const { verificationId, link } = created.json() as { verificationId: string; link: string };
    const code = new URL(link).hash.slice("#verification=".length);
    const res = await fetch(`${stack().url}/api/verification`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ code, ...(tapEncryptionKey ? { tapEncryptionKey } : {}) }),
    });
    expect(res.status).toBe(202);
    const start = (await res.json()) as RecoveryStart;
    const verifying = await stack().waitForStatus(start, ["verifying_identity", "not_eligible"]);
    expect(verifying.status).toBe("verifying_identity");

    // Out of turn: nothing is offered before the verdict.
    const early = await continueRecovery(stack(), start);
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ code: "not_continuable" });

    let sessionId: string | undefined;
    if (options.returnOnly) {
      // The browser comes back with the hand-off's one-time value and no webhook has reported:
      // the provider's decision is still to come (an `either` provider).
      const handoff = handoffOf(verifying.next!.url);
      sessionId = handoff.sessionId;
      expect((await follow(handoff.returnUrl)).status).toBe(302);
      stack().sims.wallet.issue({
        id: newCredentialId(),
        type: "VerifiedIdentity",
        issuer: DEMO_ISSUER_DID,
        claims: { firstName: "Adele", lastName: "Vance" },
        issuanceDate: new Date().toISOString(),
        expirationDate: new Date(Date.now() + 86_400_000).toISOString(),
      });
    } else {
      await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    }
    const awaiting = await stack().waitForStatus(start, ["awaiting_presentation"]);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!), {
      faceCheckScore: 90,
    });
    // Polled (with a deadline) until the verdict is in: the offer, or an end.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { body: offered } = await stack().readRecovery(start.recoveryId, start.recoveryToken);
      if (
        offered.next?.type === "continue_recovery" ||
        ["verified", "failed", "recovered"].includes(offered.status)
      )
        return { verificationId, start, offered, token, sessionId };
      if (Date.now() > deadline) throw new Error(`no verdict: ${JSON.stringify(offered)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("refuses a continue without the caller's token, and lets the offer run out into verified with nothing changed", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const { verificationId, start, offered, token } = await verify();
    expect(offered.status).toBe("validating");
    // The offer may still be polled while it waits for the caller.
    const waiting = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(waiting.body.next).toMatchObject({
      type: "continue_recovery",
      url: `/api/recovery/${start.recoveryId}/continue`,
    });

    expect((await continueRecovery(stack(), start, null)).status).toBe(401);
    const wrong = await continueRecovery(stack(), start, "A".repeat(43));
    expect(wrong.status).toBe(404);
    expect(wrong.body).toMatchObject({ code: "recovery_not_found" });

    // The agent sees the verdict already: verified.
    const seen = await stack().admin("GET", `/api/admin/verifications/${verificationId}`, { token });
    expect(seen.json()).toMatchObject({ state: "verified", verdict: { verified: true } });

    // The caller does not choose in time (10 minutes).
    await stack().advanceClock(11 * 60_000);
    const done = await stack().waitForStatus(start, ["verified", "recovered", "failed"]);
    expect(done.status).toBe("verified");
    expect(done.tap).toBeUndefined();
    const late = await continueRecovery(stack(), start);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: "not_continuable" });
    await stack().waitForWorkflowEnd(start.recoveryId);
    expect(stack().sims.graph.methods(ADELE.id)).toHaveLength(methods);
    expect(stack().sims.graph.temporaryAccessPasses(ADELE.id)).toHaveLength(0);
  });

  /** A verification verified through the return alone, offered recovery, then declined by the provider's webhook. */
  async function offeredThenDeclined() {
    const verified = await verify(undefined, { returnOnly: true });
    expect(verified.offered.next?.type).toBe("continue_recovery");
    const decline = await stack().sims.idv.sendWebhook({
      result: { sessionId: verified.sessionId!, status: "declined" },
    });
    expect(decline.status).toBe(200);
    return verified;
  }

  it("a provider's decline reported during the offer ends the flow when the caller chooses to recover: nothing changes", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const { verificationId, start, token } = await offeredThenDeclined();

    expect((await continueRecovery(stack(), start)).status).toBe(202);
    const done = await stack().waitForStatus(start, ["recovered", "failed", "verified"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "idv_declined" } });
    expect(done.tap).toBeUndefined();
    expect(stack().sims.graph.methods(ADELE.id)).toHaveLength(methods);
    expect(
      stack()
        .sims.graph.temporaryAccessPasses(ADELE.id)
        .filter((p) => p.active),
    ).toEqual([]);
    const events = (await stack().auditEvents(start.recoveryId)).map((e) => e.event);
    expect(events).toContain("identity_verification_withdrawn");
    expect(events).not.toContain("temporary_access_pass_issued");
    await stack().waitForWorkflowEnd(start.recoveryId);
    // The agent is not told "verified" for a verification the provider withdrew.
    const seen = await stack().admin("GET", `/api/admin/verifications/${verificationId}`, { token });
    expect(seen.json()).toMatchObject({
      state: "not_verified",
      verdict: { verified: false, status: "failed", failure: { code: "idv_declined" } },
    });
  });

  it("a provider's decline reported during an offer that runs out ends the flow failed, not verified", async () => {
    const methods = stack().sims.graph.methods(ADELE.id).length;
    const { verificationId, start, token } = await offeredThenDeclined();

    // The caller does not choose in time (10 minutes).
    await stack().advanceClock(11 * 60_000);
    const done = await stack().waitForStatus(start, ["verified", "recovered", "failed"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "idv_declined" } });
    await stack().waitForWorkflowEnd(start.recoveryId);
    expect(stack().sims.graph.methods(ADELE.id)).toHaveLength(methods);
    const seen = await stack().admin("GET", `/api/admin/verifications/${verificationId}`, { token });
    expect(seen.json()).toMatchObject({ state: "not_verified", verdict: { verified: false } });
  });

  it("recovers when the caller chooses to: the TAP only in the caller's answer, sealed to the caller's key", async () => {
    const pair = ecJwkPair("P-256");
    const privateKey = await importJWK(pair.privateJwk as JWK, "ECDH-ES+A256KW");
    const { verificationId, start, offered, token } = await verify({ ...pair.publicJwk, kid: "caller-page" });
    expect(offered.status).toBe("validating");

    const chosen = await continueRecovery(stack(), start);
    expect(chosen.status).toBe(202);
    // A second click while it runs changes nothing.
    const twice = await continueRecovery(stack(), start);
    expect([202, 409]).toContain(twice.status);

    // Read through the agent's eyes while it runs and after: never a TAP.
    const during = await stack().admin("GET", `/api/admin/verifications/${verificationId}`, { token });
    expect(during.text).not.toMatch(/"tap|jwe/i);

    const done = await stack().waitForStatus(start, ["recovered", "failed", "verified"]);
    expect(done.status).toBe("recovered");
    expect(done.tap?.value).toBeUndefined();
    const tap = new TextDecoder().decode((await compactDecrypt(done.tap!.jwe!, privateKey)).plaintext);
    const issued = stack()
      .sims.graph.temporaryAccessPasses(ADELE.id)
      .filter((p) => p.active);
    expect(issued.map((p) => p.temporaryAccessPass)).toEqual([tap]);
    await stack().waitForWorkflowEnd(start.recoveryId);

    const after = await stack().admin("GET", `/api/admin/verifications/${verificationId}`, { token });
    expect(after.json()).toMatchObject({
      state: "verified",
      verdict: { verified: true, status: "recovered" },
    });
    const list = await stack().admin("GET", "/api/admin/verifications?format=jsonl", { token });
    const adminDetail = await stack().admin("GET", `/api/admin/recoveries/${start.recoveryId}`);
    const adminExport = await stack().admin("GET", "/api/admin/recoveries?format=jsonl");
    for (const answer of [after.text, list.text, adminDetail.text, adminExport.text]) {
      expect(answer).not.toContain(tap);
      expect(answer).not.toMatch(/"jwe"|"tap"/);
    }
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.map((e) => e.event)).toEqual(
      expect.arrayContaining(["verification_passed", "recovery_continued", "temporary_access_pass_issued"]),
    );
  });
});
