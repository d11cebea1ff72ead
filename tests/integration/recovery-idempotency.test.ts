/**
 * The recovery step, where the directory changes: exactly right and exactly once. A failure is
 * injected after each Graph write (the write happens, its answer is lost), the durable retry
 * runs the step again, and the outcome is still one reset, one usable TAP — the one handed
 * out — and the notices. Also: the TAP sealed to the client's key, and the TAP found nowhere
 * in plaintext afterwards (tables, orchestration history and status, logs, mail).
 */

import { compactDecrypt, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { describe, expect, it } from "vitest";
import { DEMO_ADMIN_ADDRESS, DEMO_NOTICE_SENDER, DEMO_USERS } from "../../dev/seed/demo-tenant";
import type { FailureRule } from "../../dev/simulators/graph";
import { WELL_KNOWN_METHOD_IDS } from "../../dev/simulators/graph";
import { ecJwkPair } from "../../src/tap/ecKeys";
import { adeleCopies } from "../support/adeleCopies";
import { waitingTaps } from "../support/recoveryRows";
import { type RecoveryStart, type RecoveryState, type TestStack, useStack } from "../support/stack";

/** Copies of Adele (every kind of method, mobile phone as default) under their own names. */
const PEOPLE = ["Jwe", "Batch", "Mobile", "Revoke", "Pass", "Mail", "Mismatch", "Silent"] as const;
type Person = (typeof PEOPLE)[number];
const copies = adeleCopies("00000000-0000-4000-8000", PEOPLE);
const person = copies.person;
const tenant = () => copies.tenant({ managerId: DEMO_USERS.meganBowen.id });

/** Polls `check` until it holds (bounded: never a fixed sleep). */
async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe("the recovery step, with failures injected after each Graph write", () => {
  const stack = useStack({ mode: "production", tenant: tenant() });

  async function recover(
    name: Person,
    options: { before?: (s: TestStack) => void; tapEncryptionKey?: unknown; presentLastName?: string } = {},
  ): Promise<{ start: RecoveryStart; done: RecoveryState }> {
    const p = person(name);
    const started = await stack().startRecovery({
      username: p.upn,
      ...(options.tapEncryptionKey ? { tapEncryptionKey: options.tapEncryptionKey } : {}),
    });
    expect(started.status).toBe(202);
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "approved", { firstName: p.firstName, lastName: p.lastName });
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    options.before?.(stack());
    await stack().sims.verifiedId.present(
      stack().presentationRequestId(awaiting.next!),
      options.presentLastName ? { lastName: options.presentLastName } : {},
    );
    const done = await stack().waitForStatus(started.body, ["recovered", "failed"], 30_000);
    return { start: started.body, done };
  }

  /** One reset, one usable TAP in Graph, and it is the one the client got. */
  function expectRecoveredOnce(name: Person, handedOut: string): void {
    const p = person(name);
    const graph = stack().sims.graph;
    expect(
      graph
        .methods(p.id)
        .map((m) => m["@odata.type"])
        .sort(),
    ).toEqual([
      "#microsoft.graph.passwordAuthenticationMethod",
      "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
    ]);
    const active = graph.temporaryAccessPasses(p.id).filter((t) => t.active);
    expect(active).toHaveLength(1);
    expect(active[0]?.temporaryAccessPass).toBe(handedOut);
    expect(graph.revocations(p.id).count).toBeGreaterThanOrEqual(1);
  }

  function mailTo(address: string) {
    return stack().sims.graph.sentMail.filter((m) =>
      [...m.toRecipients, ...m.ccRecipients].includes(address),
    );
  }

  it("hands the TAP out as a JWE only the client's private key opens, once; the TAP is nowhere in plaintext", async () => {
    // Made in place, not by Node's key-generation job (src/tap/ecKeys.ts says why).
    const pair = ecJwkPair("P-256");
    const privateKey = await importJWK(pair.privateJwk as JWK, "ECDH-ES+A256KW");
    const jwk = { ...pair.publicJwk, kid: "front-end-1" };
    const { start, done } = await recover("Jwe", { tapEncryptionKey: jwk });
    expect(done.status).toBe("recovered");
    expect(done.tap?.value).toBeUndefined();
    const jwe = done.tap!.jwe!;
    expect(decodeProtectedHeader(jwe)).toMatchObject({
      alg: "ECDH-ES+A256KW",
      enc: "A256GCM",
      kid: "front-end-1",
      rid: start.recoveryId,
    });
    const tap = new TextDecoder().decode((await compactDecrypt(jwe, privateKey)).plaintext);
    expectRecoveredOnce("Jwe", tap);
    expect(done.tap).toMatchObject({ isUsableOnce: true, lifetimeInMinutes: 60 });

    const again = await stack().readRecovery(start.recoveryId, start.recoveryToken);
    expect(again.body.tap).toBeUndefined();
    expect(await waitingTaps(stack())).toBe(0);

    // The notices arrive (after the status flipped to recovered, so wait for them).
    const p = person("Jwe");
    await eventually(() => mailTo(DEMO_ADMIN_ADDRESS).length >= 1 && mailTo(p.home).length >= 1, "notices");
    const [toUser] = mailTo(p.home);
    expect(toUser).toMatchObject({
      from: DEMO_NOTICE_SENDER,
      subject: "Your account was recovered",
      toRecipients: [p.home],
      ccRecipients: [DEMO_USERS.meganBowen.userPrincipalName],
      saveToSentItems: false,
    });
    expect(toUser?.toRecipients).not.toContain(p.upn); // not to the mailbox of the account just taken over
    // The manager in copy gets the same message, the "this wasn't me" link included (README, Repudiation).
    expect(toUser?.content).toMatch(/\/repudiate\?t=[A-Za-z0-9_-]{43}/);
    expect(toUser?.content).toContain(p.upn);
    expect(toUser?.content).toContain("If this was not you");
    expect(toUser?.content).toContain(start.recoveryId);
    expect(toUser?.content).toMatch(/from the address \S+/);
    const [toAdmin] = mailTo(DEMO_ADMIN_ADDRESS);
    expect(toAdmin?.subject).toBe(`Account recovered: ${p.upn}`);
    expect(toAdmin?.content).toContain(`object id ${p.id}`);

    // Nowhere in plaintext: tables (app and task hub), durable status and history, logs, mail.
    const tables = await stack().dumpTables();
    expect(tables).toContain(start.recoveryId);
    expect(tables).not.toContain(tap);
    const durable = await stack().durableStatus(start.recoveryId);
    expect(durable.text).toContain("recoverAccount");
    expect(durable.text).not.toContain(tap);
    expect(stack().logs()).not.toContain(tap);
    expect(JSON.stringify(stack().sims.graph.sentMail)).not.toContain(tap);
    expect(tables).not.toContain(start.recoveryToken);

    // The audit trail: Entra's names, and user, source, outcome and reason on every entry.
    // (The notices are audited just after Graph accepts them: wait for both entries.)
    let audit = await stack().auditEvents(start.recoveryId);
    for (let i = 0; i < 100 && audit.filter((e) => e.event === "notification_sent").length < 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      audit = await stack().auditEvents(start.recoveryId);
    }
    expect(audit.map((e) => e.activityDisplayName).filter(Boolean)).toEqual(
      expect.arrayContaining([
        "Started account recovery",
        "Account matched and validated",
        "Completed account recovery",
      ]),
    );
    // From the moment discovery has named the user, every entry names the user and the source.
    const named = audit.slice(audit.findIndex((e) => e.userId !== undefined));
    expect(named.map((e) => e.event)).toEqual(
      expect.arrayContaining(["profile_matched", "recovery_finished"]),
    );
    for (const e of named) expect(e).toMatchObject({ userId: p.id, sourceAddress: expect.any(String) });
    for (const e of audit) expect(e.code).toEqual(expect.any(String));
    expect(
      audit
        .filter((e) => e.event === "notification_sent")
        .map((e) => e.code)
        .sort(),
    ).toEqual(["admin_recovered", "user_recovered"]);
    expect(JSON.stringify(audit)).not.toContain(tap);
  });

  const injections: { name: Person; what: string; rule: FailureRule }[] = [
    {
      name: "Batch",
      what: "the first $batch of deletions",
      rule: { method: "POST", path: "/$batch", times: 1, status: 500, code: "generalException" },
    },
    {
      name: "Mobile",
      what: "deleting the mobile phone (the default, last)",
      rule: {
        method: "DELETE",
        path: `/phoneMethods/${WELL_KNOWN_METHOD_IDS.mobile}`,
        times: 1,
        status: 500,
        code: "generalException",
      },
    },
    {
      name: "Revoke",
      what: "revoking the sessions",
      rule: {
        method: "POST",
        path: "/revokeSignInSessions",
        times: 1,
        status: 500,
        code: "generalException",
      },
    },
    {
      name: "Pass",
      what: "creating the TAP",
      rule: {
        method: "POST",
        path: "/temporaryAccessPassMethods",
        times: 1,
        status: 500,
        code: "generalException",
      },
    },
    {
      name: "Mail",
      what: "sending the notice to the user",
      rule: { method: "POST", path: "/sendMail", times: 1, status: 500, code: "generalException" },
    },
  ];

  for (const { name, what, rule } of injections) {
    it(`an answer lost after ${what}: the step runs again and the recovery ends with one reset and one TAP`, async () => {
      const p = person(name);
      const { start, done } = await recover(name, {
        before: (s) => {
          s.sims.graph.clearRequests();
          s.sims.graph.failNext({ ...rule, afterWrite: true });
        },
      });
      expect(done.status).toBe("recovered");
      expectRecoveredOnce(name, done.tap!.value!);
      await eventually(
        () => mailTo(p.home).length >= 1 && mailTo(DEMO_ADMIN_ADDRESS).some((m) => m.subject.includes(p.upn)),
        "notices",
      );
      // The fault really hit a request of this recovery (the notices come last, so after them).
      const lost = stack().sims.graph.requests.filter(
        (r) => r.status === rule.status && r.path.includes(String(rule.path).split("/").pop()!),
      );
      expect(lost).toHaveLength(1);
      if (name === "Pass") {
        // The first pass was issued but never seen: the second replaced it in Graph.
        const passes = stack().sims.graph.temporaryAccessPasses(p.id);
        expect(passes).toHaveLength(2);
        expect(passes[0]?.active).toBe(false);
      } else {
        expect(stack().sims.graph.temporaryAccessPasses(p.id)).toHaveLength(1);
      }
      if (name === "Revoke") expect(stack().sims.graph.revocations(p.id).count).toBe(2);
      else expect(stack().sims.graph.revocations(p.id).count).toBe(1);
      // A notice whose answer was lost is sent again: at least once, at most twice.
      expect(mailTo(p.home)).toHaveLength(name === "Mail" ? 2 : 1);
      const audit = await stack().auditEvents(start.recoveryId);
      expect(audit.filter((e) => e.event === "temporary_access_pass_issued")).toHaveLength(1);
      expect(audit.filter((e) => e.event === "authentication_methods_reset")).toHaveLength(1);
    });
  }

  it("a failed attempt after identity verification is notified to the user and the admins, and changes nothing", async () => {
    const p = person("Mismatch");
    const methods = stack().sims.graph.methods(p.id).length;
    const { start, done } = await recover("Mismatch", { presentLastName: "Somebody" });
    expect(done).toMatchObject({ status: "failed", failure: { code: "profile_mismatch" } });
    await eventually(() => mailTo(p.home).length >= 1, "the user's notice");
    await eventually(
      () => mailTo(DEMO_ADMIN_ADDRESS).some((m) => m.subject.includes(p.upn)),
      "the admins' notice",
    );
    expect(mailTo(p.home)[0]).toMatchObject({ subject: "An attempt to recover your account failed" });
    const admin = mailTo(DEMO_ADMIN_ADDRESS).find((m) => m.subject.includes(p.upn));
    expect(admin?.content).toContain("profile_mismatch");
    expect(admin?.content).toContain(start.recoveryId);
    expect(stack().sims.graph.methods(p.id)).toHaveLength(methods);
    expect(stack().sims.graph.temporaryAccessPasses(p.id)).toHaveLength(0);
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.find((e) => e.event === "profile_matched")?.activityDisplayName).toBe(
      "Account not matched or validated",
    );
  });

  it("a notice Graph keeps refusing is audited as failed and leaves the recovery as it is", async () => {
    const p = person("Silent");
    const { start, done } = await recover("Silent", {
      // Every attempt the durable retry policy makes (four) is refused.
      before: (s) =>
        s.sims.graph.failNext({
          method: "POST",
          path: "/sendMail",
          times: 4,
          status: 500,
          code: "generalException",
        }),
    });
    expect(done.status).toBe("recovered");
    expectRecoveredOnce("Silent", done.tap!.value!);
    // The retries wait 2 s, 4 s and 8 s on the durable clock: move it past each wait.
    const ended = await stack().advanceClockUntil(
      () => stack().durableStatus(start.recoveryId),
      (s) => s.status === 200,
      30_000,
    );
    if (ended.status !== 200) throw new Error("the workflow did not end");
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.filter((e) => e.event === "notification_attempt_failed").map((e) => e.code)).toEqual([
      "user_recovered",
    ]);
    expect(audit.some((e) => e.event === "notification_sent")).toBe(false);
    expect(mailTo(p.home)).toHaveLength(0);
    expect((await stack().readRecovery(start.recoveryId, start.recoveryToken)).body.status).toBe("recovered");
  });

  it("uses no mail address a recovery did not name", () => {
    const everyone = new Set([
      DEMO_ADMIN_ADDRESS,
      DEMO_USERS.meganBowen.userPrincipalName,
      ...PEOPLE.map((n) => person(n).home),
    ]);
    for (const m of stack().sims.graph.sentMail) {
      for (const r of [...m.toRecipients, ...m.ccRecipients, ...m.bccRecipients])
        expect(everyone).toContain(r);
    }
  });
});
