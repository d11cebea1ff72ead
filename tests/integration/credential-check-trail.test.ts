/**
 * A passing credential check writes nothing: its `credential_checked` entry is recorded by the
 * match in the match's own write (which moves the record to `validating`), or by the finish when
 * the match never returns. The trail must keep it whatever happens after the check — once — and
 * a failing check is recorded as it always was. Real parts: the local host, Azurite, the
 * simulators; the re-run of the match runs the real activity in this process against the same
 * tables and simulators, as the durable runtime runs a step again (at least once).
 */
import { describe, expect, it } from "vitest";
import { matchDirectoryProfile } from "../../src/functions/activities/match";
import { checkPresentedCredential } from "../../src/functions/activities/presentation";
import type { RecoveryStatus } from "../../src/recovery/status";
import { services } from "../../src/services";
import { adeleCopies } from "../support/adeleCopies";
import { type AuditRow, type RecoveryStart, type TestStack, useStack } from "../support/stack";

/** Each test its own user (a recovered one is in cooldown). */
const PEOPLE = ["Mismatch", "Refused", "Cancelled", "Failing", "Rerun", "Sequence"] as const;
type Person = (typeof PEOPLE)[number];
const { person, tenant } = adeleCopies("00000000-0000-4000-8016", PEOPLE);

function entries(audit: AuditRow[], event: string): AuditRow[] {
  return audit.filter((e) => e.event === event);
}

/** The one `credential_checked` entry of a trail, its detail parsed (fails when there is not exactly one). */
function credentialChecked(audit: AuditRow[]) {
  const checked = entries(audit, "credential_checked");
  expect(checked).toHaveLength(1);
  return { ...checked[0]!, detail: JSON.parse(checked[0]!.detail ?? "{}") as Record<string, unknown> };
}

/** The passing check's entry, as the check wrote it before it stopped writing on success. */
function expectPassingEntry(audit: AuditRow[]): void {
  const checked = credentialChecked(audit);
  expect(checked).toMatchObject({ outcome: "success", code: "credential_valid" });
  expect(Object.keys(checked.detail).sort()).toEqual(["faceCheckScore", "issuer", "selfValidated"]);
  expect(typeof checked.detail.faceCheckScore).toBe("number");
  expect(String(checked.detail.issuer)).toMatch(/^did:/);
  expect(typeof checked.detail.selfValidated).toBe("boolean");
  // The user and the client address, as on every entry of the recovery.
  expect(checked.userId).toBeTruthy();
  expect(checked.sourceAddress).toBeTruthy();
}

/** The events in trail order (the table's rows sorted by their time). */
function order(audit: AuditRow[]): string[] {
  return audit.map((e) => e.event);
}

describe("the credential check's entry in the trail", () => {
  const stack = useStack({ mode: "production", tenant: tenant() });

  /** The directory refuses every read of the user (500) until the tenant is reset. */
  function refuseUserReads(userId: string): void {
    stack().sims.graph.failNext({
      method: "GET",
      path: `/users/${userId}`,
      times: 100,
      status: 500,
      code: "generalException",
    });
  }

  async function start(
    who: Person,
    idvLastName?: string,
  ): Promise<{ start: RecoveryStart; requestId: string }> {
    const p = person(who);
    const started = await stack().startRecovery({ username: p.upn });
    expect(started.status).toBe(202);
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "approved", {
      firstName: p.firstName,
      lastName: idvLastName ?? p.lastName,
    });
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    return { start: started.body, requestId: stack().presentationRequestId(awaiting.next!) };
  }

  /** Moves the host's clock on (past the durable retry waits) until the workflow has ended. */
  async function untilWorkflowEnds(s: TestStack, recoveryId: string): Promise<void> {
    const ended = await s.advanceClockUntil(
      () => s.durableStatus(recoveryId),
      (d) => d.status === 200,
      30_000,
    );
    expect(ended.status).toBe(200);
  }

  it("a passing check and a match that finds another name: profile_mismatch, and the check's entry is in the trail once, before the match's", async () => {
    const { start: started, requestId } = await start("Mismatch", "Mismatched");
    await stack().sims.verifiedId.present(requestId, { faceCheckScore: 91.5 });
    const done = await stack().waitForStatus(started, ["failed", "recovered"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "profile_mismatch" } });
    await stack().waitForWorkflowEnd(started.recoveryId);

    const audit = await stack().auditEvents(started.recoveryId);
    expectPassingEntry(audit);
    expect(credentialChecked(audit).detail.faceCheckScore).toBe(91.5);
    expect(entries(audit, "profile_matched")).toMatchObject([
      { outcome: "failure", code: "profile_mismatch" },
    ]);
    const trail = order(audit);
    expect(trail.indexOf("presentation_completed")).toBeLessThan(trail.indexOf("credential_checked"));
    expect(trail.indexOf("credential_checked")).toBeLessThan(trail.indexOf("profile_matched"));
    expect(trail.indexOf("profile_matched")).toBeLessThan(trail.indexOf("recovery_finished"));
    // The admin API reads the score from that entry.
    const detail = (await stack().admin("GET", `/api/admin/recoveries/${started.recoveryId}`)).json() as {
      faceCheck?: { score: number | null };
    };
    expect(detail.faceCheck?.score).toBe(91.5);
  });

  it("a passing check and a directory that keeps refusing the match's read: failed, and the check's entry is still in the trail, once", async () => {
    const p = person("Refused");
    const { start: started, requestId } = await start("Refused");
    // From here on the only directory reads are the match's (and, after the close, the notices').
    refuseUserReads(p.id);
    await stack().sims.verifiedId.present(requestId);
    // The durable retry policy waits 2 s, 4 s, 8 s between the match's attempts: move the clock past each.
    const state = await stack().advanceClockUntil(
      () => stack().readRecovery(started.recoveryId, started.recoveryToken),
      (s) => s.body.status !== "awaiting_presentation",
      30_000,
    );
    expect(state.body).toMatchObject({ status: "failed", failure: { code: "internal_error" } });
    const attempts = stack().sims.graph.requests.filter(
      (r) => r.status === 500 && r.path.startsWith(`/users/${p.id}`),
    );
    expect(attempts.length).toBeGreaterThan(0);
    stack().sims.graph.reset(tenant());
    await untilWorkflowEnds(stack(), started.recoveryId);

    const audit = await stack().auditEvents(started.recoveryId);
    expectPassingEntry(audit);
    expect(entries(audit, "profile_matched")).toHaveLength(0);
    const trail = order(audit);
    expect(trail.indexOf("credential_checked")).toBeLessThan(trail.indexOf("recovery_finished"));
    expect(entries(audit, "recovery_finished")).toMatchObject([
      { outcome: "failure", code: "internal_error" },
    ]);
    // The check's finding crossed the workflow (the finish carried it) without a name or a claim.
    const history = (await stack().durableStatus(started.recoveryId)).text;
    expect(history).toContain("faceCheckScore");
    expect(history).not.toContain(p.upn);
    expect(history).not.toMatch(/"firstName"|"lastName"|Refused/);
  });

  it("a passing check, then a cancel while the match reads a refusing directory: cancelled, and the check's entry is in the trail, once", async () => {
    const p = person("Cancelled");
    const { start: started, requestId } = await start("Cancelled");
    // The match's read takes a while, then fails; the cancel comes meanwhile and stops the
    // workflow, so no finish of the workflow's records anything after the match.
    stack().sims.graph.networkFault({
      method: "POST",
      path: "/$batch",
      times: 1,
      kind: "slow",
      delayMs: 3_000,
    });
    refuseUserReads(p.id);
    await stack().sims.verifiedId.present(requestId);
    const deadline = Date.now() + 20_000;
    while (!(await stack().durableStatus(started.recoveryId)).text.includes("matchDirectoryProfile")) {
      if (Date.now() > deadline) throw new Error("the match was never scheduled");
      await new Promise((r) => setTimeout(r, 50));
    }
    const cancelled = await fetch(`${stack().url}/api/recovery/${started.recoveryId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${started.recoveryToken}` },
    });
    expect(cancelled.status).toBe(202);
    // The match ends after the cancel (its read answers after 3 s): wait for its entry, bounded.
    let audit = await stack().auditEvents(started.recoveryId);
    while (entries(audit, "credential_checked").length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      audit = await stack().auditEvents(started.recoveryId);
    }
    expectPassingEntry(audit);
    expect(entries(audit, "profile_matched")).toHaveLength(0);
    expect(entries(audit, "recovery_cancelled")).toHaveLength(1);
    const state = await stack().readRecovery(started.recoveryId, started.recoveryToken);
    expect(state.body.status).toBe("cancelled");
    stack().sims.graph.reset(tenant());
  });

  it("a failing check is recorded as before: its own write, the reason and the score, and no match", async () => {
    const { start: started, requestId } = await start("Failing");
    await stack().sims.verifiedId.present(requestId, { revocationStatus: "REVOKED", faceCheckScore: 88 });
    const done = await stack().waitForStatus(started, ["failed", "recovered"]);
    expect(done).toMatchObject({ status: "failed", failure: { code: "credential_revoked" } });
    await stack().waitForWorkflowEnd(started.recoveryId);

    const audit = await stack().auditEvents(started.recoveryId);
    const checked = credentialChecked(audit);
    expect(checked).toMatchObject({ outcome: "failure", code: "credential_revoked" });
    expect(checked.detail).toMatchObject({
      reason: "revoked",
      faceCheckScore: 88,
      serviceError: null,
      selfValidated: false,
    });
    expect(String(checked.detail.explanation)).toBeTruthy();
    expect(String(checked.detail.issuer)).toMatch(/^did:/);
    // No match ran.
    expect(entries(audit, "profile_matched")).toHaveLength(0);
  });

  it("a client polling the status sees awaiting_presentation, then validating, then recovered", async () => {
    const { start: started, requestId } = await start("Sequence");
    // The match's read and the recovery step's writes each take a while (the first two $batch
    // requests from now on): long enough for the poll below to see the status of each.
    for (let i = 0; i < 2; i++)
      stack().sims.graph.networkFault({
        method: "POST",
        path: "/$batch",
        times: 1,
        kind: "slow",
        delayMs: 2_500,
      });
    const seen: RecoveryStatus[] = [];
    await stack().sims.verifiedId.present(requestId);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const read = await stack().readRecovery(started.recoveryId, started.recoveryToken);
      const status = read.body.status as RecoveryStatus;
      if (seen.at(-1) !== status) seen.push(status);
      if (status === "recovered" || status === "failed" || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(seen).toEqual(["awaiting_presentation", "validating", "recovered"]);
    await stack().waitForWorkflowEnd(started.recoveryId);
  });

  // Last: the host is down for part of it (a failure there would leave it down for the tests after).
  it("a match run again (at least once) records the check's entry and its own once, and the recovery completes", async () => {
    const p = person("Rerun");
    const { start: started, requestId } = await start("Rerun");
    // The host dies after the callback is stored, before the workflow hears of it: the steps
    // after it can be run here, as a runtime re-running them would.
    const arm = await fetch(`${stack().url}/_host/faults`, {
      method: "POST",
      body: JSON.stringify({ crashOnRaiseEvent: true }),
    });
    expect(arm.status).toBe(200);
    const first = await stack().sims.verifiedId.present(requestId);
    expect(first.status).toBeNull();

    // This process speaks to the same tables and simulators as the host, with the host's settings
    // (read by the first services() call: none before this one in this file).
    Object.assign(process.env, stack().settings);
    const record = await services().recoveries.get(started.recoveryId);
    const state = record?.stage === "discovered" ? record.presentationState : undefined;
    expect(state).toBeTruthy();
    const verdict = await checkPresentedCredential({ recoveryId: started.recoveryId, state: state! });
    if (!verdict.ok) throw new Error(`the check failed: ${verdict.code}`);
    // The passing check wrote nothing: the record still awaits the presentation, no entry yet.
    expect((await services().recoveries.get(started.recoveryId))?.status).toBe("awaiting_presentation");
    expect(entries(await stack().auditEvents(started.recoveryId), "credential_checked")).toHaveLength(0);

    const input = {
      recoveryId: started.recoveryId,
      state: state!,
      etag: verdict.etag,
      checked: verdict.checked,
    };
    const once = await matchDirectoryProfile(input);
    const again = await matchDirectoryProfile(input);
    expect(once.ok && again.ok).toBe(true);
    let audit = await stack().auditEvents(started.recoveryId);
    expectPassingEntry(audit);
    expect(entries(audit, "profile_matched")).toHaveLength(1);
    expect((await services().recoveries.get(started.recoveryId))?.status).toBe("validating");

    // The host comes back; Verified ID's retry of the callback delivers the result: the workflow
    // runs the check and the match a third time, and completes.
    await stack().crashAndRestartHost();
    const index = stack().sims.verifiedId.callbacks.indexOf(first);
    expect((await stack().sims.verifiedId.redeliverCallback(index)).status).toBe(200);
    const done = await stack().waitForStatus(started, ["recovered", "failed", "expired"]);
    expect(done.status).toBe("recovered");
    await stack().waitForWorkflowEnd(started.recoveryId);
    audit = await stack().auditEvents(started.recoveryId);
    expectPassingEntry(audit);
    expect(entries(audit, "profile_matched")).toHaveLength(1);
    expect(stack().sims.graph.temporaryAccessPasses(p.id)).toHaveLength(1);
  });
});
