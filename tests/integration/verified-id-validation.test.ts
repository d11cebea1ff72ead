/**
 * Verified ID presentations end to end: every rejection reason is produced by the Verified ID
 * simulator, travels through the real callback, the orchestration and the credential check,
 * and ends the recovery with its stable failure code and an audit entry naming the reason.
 * Two stacks: the default profile with Face Check (the service's verdict), and a profile
 * without Face Check whose receipts (real signed VP/VC JWTs) we validate ourselves.
 * Evaluation mode: nothing in the directory changes and no cooldown is left behind.
 */
import { describe, expect, it } from "vitest";
import { demoPolicy } from "../../dev/seed/demo-policy";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import type { PresentOverrides } from "../../dev/simulators/verified-id";
import { type RecoveryStart, type RecoveryState, type TestStack, useStack } from "../support/stack";

const ADELE = DEMO_USERS.adeleVance;

async function startAdele(stack: TestStack): Promise<RecoveryStart> {
  const started = await stack.startRecovery({ username: ADELE.userPrincipalName });
  expect(started.status).toBe(202);
  return started.body;
}

async function throughIdv(stack: TestStack, start: RecoveryStart): Promise<string> {
  const verifying = await stack.waitForStatus(start, ["verifying_identity"]);
  await stack.completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
  const awaiting = await stack.waitForStatus(start, ["awaiting_presentation"]);
  return stack.presentationRequestId(awaiting.next!);
}

async function credentialChecked(stack: TestStack, recoveryId: string) {
  const audit = await stack.auditEvents(recoveryId);
  const checked = audit.filter((e) => e.event === "credential_checked");
  expect(checked).toHaveLength(1);
  return { ...checked[0]!, detail: JSON.parse(checked[0]!.detail ?? "{}") as Record<string, unknown> };
}

type Row = [name: string, overrides: PresentOverrides, code: string, reason: string];

describe("Verified ID with Face Check: the service's verdict, re-checked", () => {
  const stack = useStack({ mode: "evaluation" });

  it("a verified presentation passes, and the audit records the score but never the portrait", async () => {
    const start = await startAdele(stack());
    const requestId = await throughIdv(stack(), start);
    await stack().sims.verifiedId.present(requestId, { faceCheckScore: 88.5 });
    const done = await stack().waitForStatus(start, ["evaluation_passed", "failed"]);
    expect(done.status).toBe("evaluation_passed");
    const checked = await credentialChecked(stack(), start.recoveryId);
    expect(checked).toMatchObject({ outcome: "success", code: "credential_valid" });
    expect(checked.detail.faceCheckScore).toBe(88.5);
    expect(await stack().dumpTables()).not.toContain("portrait");
  });

  it.each<Row>([
    [
      "a Face Check below the threshold",
      { faceCheckScore: 55 },
      "face_check_failed",
      "face_check_below_threshold",
    ],
    ["a revoked credential", { revocationStatus: "REVOKED" }, "credential_revoked", "revoked"],
    ["an expired credential", { expired: true }, "credential_expired", "expired"],
    [
      "an issuer we do not accept",
      { issuer: "did:web:evil.example" },
      "credential_invalid",
      "issuer_not_accepted",
    ],
    ["a credential of another type", { type: "VerifiedEmployee" }, "credential_invalid", "type_missing"],
    ["a credential without lastName", { omitClaims: ["lastName"] }, "credential_invalid", "claims_missing"],
    [
      "a verdict without domainValidation",
      { noDomainValidation: true },
      "credential_invalid",
      "linked_domain_unverified",
    ],
    ["a declined presentation", { decline: true }, "presentation_rejected", "presentation_error"],
  ])("%s fails the recovery with its code and an audit entry", async (_name, overrides, code, reason) => {
    const start = await startAdele(stack());
    const requestId = await throughIdv(stack(), start);
    await stack().sims.verifiedId.present(requestId, overrides);
    const done = await stack().waitForStatus(start, ["failed", "evaluation_passed"]);
    expect(done).toMatchObject({ status: "failed", failure: { code } });
    const checked = await credentialChecked(stack(), start.recoveryId);
    expect(checked).toMatchObject({ outcome: "failure", code });
    expect(checked.detail.reason).toBe(reason);
    const finished = (await stack().auditEvents(start.recoveryId)).find(
      (e) => e.event === "recovery_finished",
    );
    expect(finished).toMatchObject({ outcome: "failure", code });
  });

  it("unknown and repeated callbacks are harmless", async () => {
    const start = await startAdele(stack());
    const requestId = await throughIdv(stack(), start);
    const scanned = await stack().sims.verifiedId.scan(requestId);
    expect(scanned.status).toBe(200);
    const post = (body: unknown, apiKey: string) =>
      fetch(scanned.url, {
        method: "POST",
        headers: { "content-type": "application/json", "api-key": apiKey },
        body: JSON.stringify(body),
      });
    const apiKey = scanned.headers["api-key"] ?? "";
    // A state we never issued, a wrong key, and a requestId that is not ours: all refused alike.
    expect((await post({ ...scanned.body, state: "not-a-state" }, apiKey)).status).toBe(401);
    expect((await post(scanned.body, "wrong-key")).status).toBe(401);
    expect(
      (await post({ ...scanned.body, requestId: "00000000-0000-4000-8000-000000000000" }, apiKey)).status,
    ).toBe(401);
    // The scan repeated: acknowledged, recorded once.
    expect((await post(scanned.body, apiKey)).status).toBe(200);
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.filter((e) => e.event === "presentation_retrieved")).toHaveLength(1);
    const state = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(state.body.status).toBe("awaiting_presentation");
    // The real presentation still goes through.
    await stack().sims.verifiedId.present(requestId);
    const done = await stack().waitForStatus(start, ["evaluation_passed", "failed"]);
    expect(done.status).toBe("evaluation_passed");
  });
});

describe("Verified ID without Face Check: receipts validated by us", () => {
  const policy = demoPolicy("evaluation");
  const stack = useStack({
    mode: "evaluation",
    policy: { ...policy, profiles: policy.profiles.map((p) => ({ ...p, faceCheck: false })) },
  });

  it.each(["es256", "es256k"] as const)(
    "a receipt signed with %s is validated and the recovery passes",
    async (signer) => {
      const start = await startAdele(stack());
      const requestId = await throughIdv(stack(), start);
      const request = stack().sims.verifiedId.requests.find((r) => r.requestId === requestId)!;
      expect(request.body).toMatchObject({ includeReceipt: true });
      expect(request.faceCheck).toBeUndefined();
      const callback = await stack().sims.verifiedId.present(requestId, { signer });
      expect(callback.body.receipt?.vp_token).toBeTypeOf("string");
      const done = await stack().waitForStatus(start, ["evaluation_passed", "failed"]);
      expect(done.status).toBe("evaluation_passed");
      const checked = await credentialChecked(stack(), start.recoveryId);
      expect(checked.detail).toMatchObject({
        selfValidated: true,
        issuer: stack().sims.verifiedId.issuerDids[signer],
      });
      expect(await stack().dumpTables()).not.toContain(callback.body.receipt!.vp_token.split(".")[1]!);
    },
  );

  it.each<Row>([
    [
      "a tampered VP signature",
      { receipt: { tamper: "vp_signature" } },
      "presentation_rejected",
      "vp_signature_invalid",
    ],
    [
      "a swapped VC payload",
      { receipt: { tamper: "vc_payload_swap" } },
      "credential_invalid",
      "vc_signature_invalid",
    ],
    [
      "a VP with alg none",
      { receipt: { tamper: "alg_none" } },
      "presentation_rejected",
      "vp_algorithm_not_allowed",
    ],
    [
      "a VC with an embedded jwk",
      { receipt: { tamper: "embedded_jwk" } },
      "credential_invalid",
      "vc_embedded_key",
    ],
    [
      "a VC signed with another DID's key",
      { receipt: { tamper: "foreign_kid" } },
      "credential_invalid",
      "vc_kid_foreign",
    ],
    [
      "a wrong nonce",
      { receipt: { nonce: "someone-elses-nonce" } },
      "presentation_rejected",
      "vp_nonce_mismatch",
    ],
    [
      "a credential the service calls revoked",
      { revocationStatus: "REVOKED" },
      "credential_revoked",
      "revoked",
    ],
    [
      "a credential revoked in its status list",
      { revokedInStatusList: true },
      "credential_revoked",
      "vc_revoked",
    ],
    ["an expired credential", { expired: true }, "credential_expired", "expired"],
    ["an issuer we do not accept", { signer: "rogue" }, "credential_invalid", "issuer_not_accepted"],
  ])("%s fails the recovery with its code and an audit entry", async (_name, overrides, code, reason) => {
    const start = await startAdele(stack());
    const requestId = await throughIdv(stack(), start);
    await stack().sims.verifiedId.present(requestId, overrides);
    const done = await stack().waitForStatus(start, ["failed", "evaluation_passed"]);
    expect(done).toMatchObject({ status: "failed", failure: { code } });
    const checked = await credentialChecked(stack(), start.recoveryId);
    expect(checked).toMatchObject({ outcome: "failure", code });
    expect(checked.detail.reason).toBe(reason);
  });

  it("a VP replayed from an earlier recovery is refused", async () => {
    const first = await startAdele(stack());
    const firstRequest = await throughIdv(stack(), first);
    const original = await stack().sims.verifiedId.present(firstRequest);
    await stack().waitForStatus(first, ["evaluation_passed"]);
    const start = await startAdele(stack());
    const requestId = await throughIdv(stack(), start);
    await stack().sims.verifiedId.present(requestId, {
      receipt: { vpToken: original.body.receipt!.vp_token },
    });
    const done = await stack().waitForStatus(start, ["failed", "evaluation_passed"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "presentation_rejected" } });
    expect((await credentialChecked(stack(), start.recoveryId)).detail.reason).toBe("vp_nonce_mismatch");
  });
});

describe("an expired presentation request", () => {
  const stack = useStack({ mode: "evaluation", requestLifetimeSeconds: 2 });

  it("is replaced by a new one while the presentation deadline lasts, and the new one completes the recovery", async () => {
    const start = await startAdele(stack());
    const firstRequest = await throughIdv(stack(), start);
    const first = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    // Poll as a front end would until the status shows another request (bounded, not a sleep).
    const until = Date.now() + 15_000;
    let renewed = first;
    while (renewed.body.next?.url === first.body.next?.url && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 200));
      renewed = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    }
    expect(renewed.body.status).toBe("awaiting_presentation");
    expect(renewed.body.next?.type).toBe("present_credential");
    expect(renewed.body.next?.url).not.toBe(first.body.next?.url);
    const expiry = (next: RecoveryState["next"]) =>
      next?.type === "present_credential" ? Date.parse(next.expiresAt) : Number.NaN;
    expect(expiry(renewed.body.next)).toBeGreaterThan(expiry(first.body.next));
    expect(renewed.body.expiresAt).toBe(first.body.expiresAt); // the step's deadline does not move
    await expect(stack().sims.verifiedId.present(firstRequest)).rejects.toMatchObject({ status: 410 });
    await stack().sims.verifiedId.present(stack().presentationRequestId(renewed.body.next!));
    const done = await stack().waitForStatus(start, ["evaluation_passed", "failed"]);
    expect(done.status).toBe("evaluation_passed");
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.filter((e) => e.event === "presentation_renewed").length).toBeGreaterThanOrEqual(1);
  });

  it("is not replaced once the presentation deadline has passed", async () => {
    const start = await startAdele(stack());
    await throughIdv(stack(), start);
    await stack().advanceClock(11 * 60_000);
    const done = await stack().waitForStatus(start, ["expired", "failed"]);
    expect(done).toMatchObject({ status: "expired", failure: { code: "presentation_timeout" } });
    const before = stack().sims.verifiedId.requests.length;
    const after = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(after.body.next).toBeUndefined();
    expect(stack().sims.verifiedId.requests.length).toBe(before);
  });
});
