/**
 * Helpdesk-assisted verification over HTTP, through the real stack: an agent (role
 * Recovery.Helpdesk) makes a one-time link for an account; the caller opens it and goes
 * through the recovery flow's proofing; the agent reads the verdict. Unhappy paths first:
 * who is refused, which bodies are refused, which links start nothing — and in every case
 * nothing is created. Then a verification that passes and one that fails, each as the agent
 * sees it, with the directory untouched.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import type { VerificationView } from "../../src/admin/verificationSchemas";
import type { RecoveryStart, TestStack } from "../support/stack";
import { useStack } from "../support/stack";

const ADELE = DEMO_USERS.adeleVance;
const AGENT_OID = "00000000-0000-4000-8000-00000000a9e7";
const REASON = "Ticket 4711: caller lost her phone";

function helpdeskToken(stack: TestStack, oid = AGENT_OID): Promise<string> {
  return stack.sims.entra.mint({ roles: ["Recovery.Helpdesk"], oid });
}

async function createVerification(
  stack: TestStack,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown>; text: string; headers: Headers }> {
  const res = await stack.admin("POST", "/api/admin/verifications", {
    token: token ?? (await helpdeskToken(stack)),
    body,
  });
  return {
    status: res.status,
    body: res.text ? (res.json() as Record<string, unknown>) : {},
    text: res.text,
    headers: res.headers,
  };
}

function codeOf(link: string): string {
  const fragment = new URL(link).hash;
  expect(fragment).toMatch(/^#verification=/);
  return fragment.slice("#verification=".length);
}

async function openLink(
  stack: TestStack,
  body: unknown,
): Promise<{ status: number; body: RecoveryStart & Record<string, unknown>; contentType: string | null }> {
  const res = await fetch(`${stack.url}/api/verification`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as RecoveryStart & Record<string, unknown>,
    contentType: res.headers.get("content-type"),
  };
}

async function verdict(stack: TestStack, id: string, token?: string) {
  const res = await stack.admin("GET", `/api/admin/verifications/${id}`, {
    token: token ?? (await helpdeskToken(stack)),
  });
  return {
    status: res.status,
    body: res.json() as Partial<VerificationView> & Record<string, unknown>,
    text: res.text,
  };
}

describe("helpdesk verification", () => {
  const stack = useStack({ mode: "production" });

  async function nothingCreated(): Promise<void> {
    expect(await stack().countRows("Verifications")).toBe(0);
    expect(await stack().countRows("Recoveries")).toBe(0);
  }

  describe("who may ask", () => {
    it("refuses a request without a token (401) and creates nothing", async () => {
      const res = await stack().admin("POST", "/api/admin/verifications", {
        token: null,
        body: { username: ADELE.userPrincipalName, reason: REASON },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.json()).toMatchObject({ code: "missing_token" });
      await nothingCreated();
    });

    for (const roles of [
      ["Recovery.Reader"],
      ["Recovery.Admin"],
      ["Recovery.Admin", "Recovery.Reader"],
      [],
    ]) {
      it(`refuses a token with roles [${roles.join(", ")}] (403 forbidden) on every verification route`, async () => {
        const token = await stack().sims.entra.mint({ roles, oid: randomUUID() });
        const created = await stack().admin("POST", "/api/admin/verifications", {
          token,
          body: { username: ADELE.userPrincipalName, reason: REASON },
        });
        expect(created.status).toBe(403);
        expect(created.json()).toMatchObject({ code: "forbidden", status: 403 });
        const listed = await stack().admin("GET", "/api/admin/verifications", { token });
        expect(listed.status).toBe(403);
        const read = await stack().admin("GET", `/api/admin/verifications/${randomUUID()}`, { token });
        expect(read.status).toBe(403);
        await nothingCreated();
      });
    }

    it("does not let a helpdesk agent into the admin routes", async () => {
      const token = await helpdeskToken(stack());
      expect((await stack().admin("GET", "/api/admin/recoveries", { token })).status).toBe(403);
      expect((await stack().admin("GET", "/api/admin/policies", { token })).status).toBe(403);
    });
  });

  describe("bad bodies", () => {
    const bad: [string, unknown][] = [
      ["no reason", { username: ADELE.userPrincipalName }],
      ["an empty reason", { username: ADELE.userPrincipalName, reason: "   " }],
      ["a reason too long", { username: ADELE.userPrincipalName, reason: "x".repeat(501) }],
      ["a reason with a line break", { username: ADELE.userPrincipalName, reason: "ticket\n4711" }],
      ["a reason with a bidi override", { username: ADELE.userPrincipalName, reason: "ticket \u202e4711" }],
      ["a reason that is not text", { username: ADELE.userPrincipalName, reason: 4711 }],
      ["no username", { reason: REASON }],
      ["a username that is not one", { username: "adele", reason: REASON }],
      ["an unknown field", { username: ADELE.userPrincipalName, reason: REASON, tap: true }],
      ["notify that is not a boolean", { username: ADELE.userPrincipalName, reason: REASON, notify: "yes" }],
      ["an array", [{ username: ADELE.userPrincipalName, reason: REASON }]],
    ];
    for (const [name, body] of bad) {
      it(`answers ${name} with 400 invalid_request and creates nothing`, async () => {
        const res = await createVerification(stack(), body);
        expect(res.status).toBe(400);
        expect(res.headers.get("content-type")).toContain("application/problem+json");
        expect(res.body).toMatchObject({ code: "invalid_request", status: 400 });
        await nothingCreated();
      });
    }

    it("answers a body that is not JSON with 415 and creates nothing", async () => {
      const res = await stack().admin("POST", "/api/admin/verifications", {
        token: await helpdeskToken(stack()),
        headers: { "content-type": "text/plain" },
        body: "x",
      });
      expect(res.status).toBe(415);
      await nothingCreated();
    });

    it("refuses to mail a link to an account without another mail address (409) and creates nothing", async () => {
      for (const username of [DEMO_USERS.disabledUser.userPrincipalName, "nobody@contoso.example"]) {
        const res = await createVerification(stack(), { username, reason: REASON, notify: true });
        expect(res.status).toBe(409);
        expect(res.body).toMatchObject({ code: "verification_not_deliverable" });
      }
      await nothingCreated();
      expect(stack().sims.graph.sentMail).toHaveLength(0);
    });

    it("answers 503 directory_error when the directory cannot be reached to read the account (notify), and creates nothing", async () => {
      stack().sims.graph.networkFault({ method: "POST", path: "/$batch", times: 1, kind: "drop" });
      const res = await createVerification(stack(), {
        username: ADELE.userPrincipalName,
        reason: REASON,
        notify: true,
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body).toMatchObject({ code: "directory_error" });
      await nothingCreated();
    });

    it("answers an unknown verification id with 404 and a malformed one alike", async () => {
      for (const id of [randomUUID(), "not-an-id", "..%2F..%2Fx"]) {
        const res = await verdict(stack(), id);
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ code: "verification_not_found" });
      }
    });

    it("refuses bad list filters with 400", async () => {
      const token = await helpdeskToken(stack());
      for (const q of [
        "top=0",
        "from=yesterday",
        "agentId=x",
        "unknown=1",
        "from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z",
      ]) {
        const res = await stack().admin("GET", `/api/admin/verifications?${q}`, { token });
        expect(res.status, q).toBe(400);
        expect(res.json()).toMatchObject({ code: "invalid_request" });
      }
    });
  });

  describe("links that start nothing", () => {
    let link: string;
    let verificationId: string;
    beforeAll(async () => {
      const res = await createVerification(stack(), { username: ADELE.userPrincipalName, reason: REASON });
      expect(res.status).toBe(201);
      link = res.body.link as string;
      verificationId = res.body.verificationId as string;
    });

    it("answers a forged, malformed or unknown code with one 404 and starts no recovery", async () => {
      const [id] = codeOf(link).split(".");
      const forged = [
        `${id}.${"A".repeat(43)}`,
        `${randomUUID()}.${codeOf(link).split(".")[1]}`,
        `${id}`,
        `${id}.`,
        "x",
        `${id}.${codeOf(link).split(".")[1]}x`,
      ];
      for (const code of forged) {
        const res = await openLink(stack(), { code });
        expect(res.status, code).toBe(404);
        expect(res.contentType).toContain("application/problem+json");
        expect(res.body).toMatchObject({ code: "verification_link_invalid" });
      }
      expect(await stack().countRows("Recoveries")).toBe(0);
      const v = await verdict(stack(), verificationId);
      expect(v.body.state).toBe("link_open");
      expect(v.body.redeemedAt).toBeUndefined();
    });

    it("answers bad start bodies with 400 and spends nothing", async () => {
      for (const body of [
        {},
        { code: 1 },
        { code: codeOf(link), username: ADELE.userPrincipalName },
        { code: "" },
      ]) {
        const res = await openLink(stack(), body);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: "invalid_request" });
      }
      expect((await verdict(stack(), verificationId)).body.state).toBe("link_open");
    });

    it("answers an expired link with the same 404 and starts nothing", async () => {
      const res = await createVerification(stack(), { username: ADELE.userPrincipalName, reason: REASON });
      const id = res.body.verificationId as string;
      // Time has passed: the stored deadline is moved into the past (the app reads the wall clock).
      await stack()
        .tableClient("Verifications")
        .updateEntity(
          { partitionKey: id, rowKey: "verification", expiresAt: new Date(Date.now() - 1000).toISOString() },
          "Merge",
        );
      const opened = await openLink(stack(), { code: codeOf(res.body.link as string) });
      expect(opened.status).toBe(404);
      expect(opened.body).toMatchObject({ code: "verification_link_invalid" });
      expect(await stack().countRows("Recoveries")).toBe(0);
      expect((await verdict(stack(), id)).body.state).toBe("link_expired");
      const audit = await stack().auditEvents(`verification-${id}`);
      expect(audit.map((e) => [e.event, e.code])).toContainEqual(["verification_link_refused", "expired"]);
    });
  });

  describe("a verification", () => {
    async function startFromLink(username: string) {
      const created = await createVerification(stack(), { username, reason: REASON });
      expect(created.status).toBe(201);
      expect(created.headers.get("cache-control")).toBe("no-store");
      const id = created.body.verificationId as string;
      const opened = await openLink(stack(), { code: codeOf(created.body.link as string) });
      expect(opened.status).toBe(202);
      return { id, link: created.body.link as string, started: opened.body };
    }

    it("that passes: the agent sees verified with score, threshold, match and provider; nothing changed", async () => {
      const methods = stack().sims.graph.methods(ADELE.id).length;
      const mailBefore = stack().sims.graph.sentMail.length;
      const { id, link, started } = await startFromLink(ADELE.userPrincipalName);

      // The link works once: a second open is refused like a forged one.
      const again = await openLink(stack(), { code: codeOf(link) });
      expect(again.status).toBe(404);
      expect(again.body).toMatchObject({ code: "verification_link_invalid" });

      const inProgress = await verdict(stack(), id);
      expect(inProgress.body).toMatchObject({ state: "in_progress", recoveryId: started.recoveryId });

      const verifying = await stack().waitForStatus(started, ["verifying_identity", "not_eligible"]);
      expect(verifying.status).toBe("verifying_identity");
      await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
      const awaiting = await stack().waitForStatus(started, ["awaiting_presentation"]);
      const requestId = stack().presentationRequestId(awaiting.next!);
      // A duplicate callback for the same request is harmless.
      await stack().sims.verifiedId.present(requestId, { faceCheckScore: 88 });
      const done = await stack().waitForStatus(started, ["verified", "failed", "recovered"]);
      expect(done.status).toBe("verified");
      expect(done.tap).toBeUndefined();
      expect(done.failure).toBeUndefined();
      expect(done.next).toBeUndefined();
      await stack().waitForWorkflowEnd(started.recoveryId);
      // The profile does not allow a recovery after verification (the default): none is offered.
      const cont = await fetch(`${stack().url}/api/recovery/${started.recoveryId}/continue`, {
        method: "POST",
        headers: { authorization: `Bearer ${started.recoveryToken}` },
      });
      expect(cont.status).toBe(409);
      expect(await cont.json()).toMatchObject({ code: "not_continuable" });

      const seen = await verdict(stack(), id);
      expect(seen.status).toBe(200);
      expect(seen.body).toMatchObject({
        verificationId: id,
        username: ADELE.userPrincipalName,
        reason: REASON,
        agentId: AGENT_OID,
        state: "verified",
        verdict: {
          verified: true,
          status: "verified",
          faceCheck: { score: 88, threshold: 70 },
          match: { matched: true, mode: "exact" },
          provider: "demo-idv",
          userId: ADELE.id,
        },
      });
      expect(seen.body.verdict?.match?.explanation).toContain("firstName=givenName");
      expect(seen.body.verdict?.finishedAt).toBeTypeOf("string");
      expect(seen.text).not.toMatch(/"tap|jwe|recoveryToken|linkHash|tokenHash/i);

      // Nothing in the directory changed: no method deleted, no TAP, no session revoked, no mail.
      expect(stack().sims.graph.methods(ADELE.id)).toHaveLength(methods);
      expect(stack().sims.graph.temporaryAccessPasses(ADELE.id)).toHaveLength(0);
      expect(stack().sims.graph.revocations(ADELE.id).count).toBe(0);
      expect(stack().sims.graph.sentMail.length).toBe(mailBefore);

      // The audit names the agent and the reason, on the flow's start and on the verification.
      const audit = await stack().auditEvents(started.recoveryId);
      const start = audit.find((e) => e.event === "recovery_started");
      expect(JSON.parse(start?.detail ?? "{}")).toMatchObject({
        verificationId: id,
        agentId: AGENT_OID,
        reason: REASON,
      });
      expect(audit.find((e) => e.event === "recovery_finished")).toMatchObject({
        code: "verified",
        outcome: "success",
      });
      const own = await stack().auditEvents(`verification-${id}`);
      expect(JSON.parse(own.find((e) => e.event === "verification_created")?.detail ?? "{}")).toMatchObject({
        agentId: AGENT_OID,
        reason: REASON,
      });
      // The account is free again: the lock of the verification was released without a cooldown.
      const next = await stack().startRecovery({ username: ADELE.userPrincipalName });
      expect(next.status).toBe(202);
      const eligible = await stack().waitForStatus(next.body, ["verifying_identity", "not_eligible"]);
      expect(eligible.status).toBe("verifying_identity");
      await fetch(`${stack().url}/api/recovery/${next.body.recoveryId}/cancel`, {
        method: "POST",
        headers: { authorization: `Bearer ${next.body.recoveryToken}` },
      });
    });

    it("that fails the match: the agent sees not verified, the failure code and the explanation", async () => {
      const methods = stack().sims.graph.methods(ADELE.id).length;
      const { id, started } = await startFromLink(ADELE.userPrincipalName);
      const verifying = await stack().waitForStatus(started, ["verifying_identity", "not_eligible"]);
      expect(verifying.status).toBe("verifying_identity");
      // Someone else's document: the names do not match the account.
      await stack().completeIdv(verifying.next!, "approved", { firstName: "Megan", lastName: "Bowen" });
      const awaiting = await stack().waitForStatus(started, ["awaiting_presentation"]);
      await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!), {
        faceCheckScore: 93,
      });
      const done = await stack().waitForStatus(started, ["verified", "failed"]);
      expect(done.status).toBe("failed");
      expect(done.failure?.code).toBe("profile_mismatch");
      await stack().waitForWorkflowEnd(started.recoveryId);

      const seen = await verdict(stack(), id);
      expect(seen.body).toMatchObject({
        state: "not_verified",
        verdict: {
          verified: false,
          status: "failed",
          failure: { code: "profile_mismatch" },
          faceCheck: { score: 93, threshold: 70 },
          match: { matched: false },
          provider: "demo-idv",
        },
      });
      expect(seen.body.verdict?.match?.explanation).toBeTypeOf("string");
      expect(stack().sims.graph.methods(ADELE.id)).toHaveLength(methods);
      expect(stack().sims.graph.temporaryAccessPasses(ADELE.id)).toHaveLength(0);
    });

    it("that fails Face Check: the agent sees face_check_failed against the threshold", async () => {
      const { id, started } = await startFromLink(ADELE.userPrincipalName);
      const verifying = await stack().waitForStatus(started, ["verifying_identity", "not_eligible"]);
      await stack().completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
      const awaiting = await stack().waitForStatus(started, ["awaiting_presentation"]);
      await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!), {
        faceCheckScore: 41,
      });
      const done = await stack().waitForStatus(started, ["verified", "failed"]);
      expect(done.failure?.code).toBe("face_check_failed");
      await stack().waitForWorkflowEnd(started.recoveryId);
      const seen = await verdict(stack(), id);
      expect(seen.body).toMatchObject({
        state: "not_verified",
        verdict: {
          verified: false,
          failure: { code: "face_check_failed" },
          faceCheck: { threshold: 70 },
        },
      });
      // The Request Service fails a presentation below the threshold without its score (null then).
      const score = seen.body.verdict?.faceCheck?.score;
      expect(score === null || (score ?? 100) < 70).toBe(true);
    });

    it("for an account that is not eligible: the agent sees not_eligible, the caller only not_eligible", async () => {
      const { id, started } = await startFromLink(DEMO_USERS.disabledUser.userPrincipalName);
      const done = await stack().waitForStatus(started, ["not_eligible", "verifying_identity"]);
      expect(done.status).toBe("not_eligible");
      const seen = await verdict(stack(), id);
      expect(seen.body).toMatchObject({
        state: "not_verified",
        verdict: { verified: false, status: "not_eligible" },
      });
    });

    it("is listed and exported as JSON Lines, filtered by agent", async () => {
      const other = randomUUID();
      const mine = await createVerification(
        stack(),
        { username: ADELE.userPrincipalName, reason: "other agent" },
        await helpdeskToken(stack(), other),
      );
      expect(mine.status).toBe(201);
      const token = await helpdeskToken(stack());
      const list = await stack().admin("GET", `/api/admin/verifications?agentId=${other}`, { token });
      expect(list.status).toBe(200);
      const items = (list.json() as { items: { verificationId: string; agentId: string }[] }).items;
      expect(items.map((i) => i.verificationId)).toEqual([mine.body.verificationId]);
      const all = await stack().admin("GET", "/api/admin/verifications?format=jsonl&top=200", { token });
      expect(all.headers.get("content-type")).toContain("application/x-ndjson");
      const lines = all.text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { state: string });
      expect(lines.length).toBeGreaterThanOrEqual(5);
      expect(lines.map((l) => l.state)).toContain("verified");
      expect(all.text).not.toMatch(/"tap|jwe|linkHash|tokenHash/i);
    });

    it("mailed to the account's other address: the link reaches only otherMails", async () => {
      const before = stack().sims.graph.sentMail.length;
      const res = await createVerification(stack(), {
        username: ADELE.userPrincipalName,
        reason: REASON,
        notify: true,
      });
      expect(res.status).toBe(201);
      expect(res.body.linkSent).toBe(true);
      const mails = stack().sims.graph.sentMail.slice(before);
      expect(mails).toHaveLength(1);
      expect(mails[0]?.toRecipients).toEqual(["adele.vance.home@example.net"]);
      expect(mails[0]?.ccRecipients).toEqual([]);
      expect(mails[0]?.content).toContain(res.body.link as string);
      expect((await verdict(stack(), res.body.verificationId as string)).body.linkSentAt).toBeTypeOf(
        "string",
      );
    });
  });

  describe("races and failures", () => {
    /** The recovery records a verification started (the Recoveries table's record rows). */
    async function recoveriesOf(verificationId: string): Promise<string[]> {
      const ids: string[] = [];
      const rows = stack()
        .tableClient("Recoveries")
        .listEntities<{ recoveryId: string }>({
          queryOptions: { filter: `RowKey eq 'recovery' and verificationId eq '${verificationId}'` },
        });
      for await (const row of rows) ids.push(row.recoveryId);
      return ids;
    }

    it("opened several times at once: exactly one open starts a flow, the others get the one 404", async () => {
      // An account whose flow ends at once (not eligible): nothing lingers for the other tests.
      const created = await createVerification(stack(), {
        username: DEMO_USERS.disabledUser.userPrincipalName,
        reason: REASON,
      });
      expect(created.status).toBe(201);
      const id = created.body.verificationId as string;
      const code = codeOf(created.body.link as string);
      const opens = await Promise.all(Array.from({ length: 5 }, () => openLink(stack(), { code })));
      const started = opens.filter((o) => o.status === 202);
      const refused = opens.filter((o) => o.status !== 202);
      expect(started).toHaveLength(1);
      expect(refused).toHaveLength(4);
      for (const r of refused) {
        expect(r.status).toBe(404);
        expect(r.contentType).toContain("application/problem+json");
        expect(r.body).toMatchObject({ code: "verification_link_invalid" });
      }
      const winner = started[0]!.body;
      // One flow, the winner's: the link names it, and no other record was written.
      expect(await recoveriesOf(id)).toEqual([winner.recoveryId]);
      const seen = await verdict(stack(), id);
      expect(seen.body.recoveryId).toBe(winner.recoveryId);
      const audit = await stack().auditEvents(`verification-${id}`);
      expect(audit.filter((e) => e.event === "verification_link_refused").map((e) => e.code)).toEqual([
        "used",
        "used",
        "used",
        "used",
      ]);
      expect(audit.filter((e) => e.event === "verification_created")).toHaveLength(1);
      const trail = await stack().auditEvents(winner.recoveryId);
      expect(trail.filter((e) => e.event === "recovery_started")).toHaveLength(1);
      // Spent: one more open later is refused the same way.
      const late = await openLink(stack(), { code });
      expect(late.status).toBe(404);
      expect(await recoveriesOf(id)).toEqual([winner.recoveryId]);
    });

    /** A verification created with notify whose mail did not go: the link to the agent, the failure audited. */
    async function expectLinkNotSent(mailsBefore: number, code: string): Promise<void> {
      const res = await createVerification(stack(), {
        username: ADELE.userPrincipalName,
        reason: REASON,
        notify: true,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ linkSent: false });
      expect(res.body.link).toBeTypeOf("string");
      expect(stack().sims.graph.sentMail.length).toBe(mailsBefore);
      const id = res.body.verificationId as string;
      const seen = await verdict(stack(), id);
      expect(seen.body.state).toBe("link_open");
      expect(seen.body.linkSentAt).toBeUndefined();
      const audit = await stack().auditEvents(`verification-${id}`);
      expect(audit.map((e) => [e.event, e.outcome, e.code])).toEqual([
        ["verification_created", "info", "verification_created"],
        ["verification_link_sent", "failure", code],
      ]);
    }

    it("whose mail Graph refuses: the agent gets the link and linkSent false, the failure is audited, the link stays open", async () => {
      const before = stack().sims.graph.sentMail.length;
      stack().sims.graph.failNext({
        method: "POST",
        path: "/sendMail",
        times: 1,
        status: 403,
        code: "ErrorAccessDenied",
      });
      await expectLinkNotSent(before, "graph_403");
    });

    it("whose mail's connection drops: the agent still gets the link and linkSent false, the failure is audited", async () => {
      const before = stack().sims.graph.sentMail.length;
      // Rules apply in order: the account lookup's $batch passes (a slow rule of no delay), the
      // sendMail $batch's connection drops without an answer.
      stack().sims.graph.networkFault({
        method: "POST",
        path: "/$batch",
        times: 1,
        kind: "slow",
        delayMs: 0,
      });
      stack().sims.graph.networkFault({ method: "POST", path: "/$batch", times: 1, kind: "drop" });
      await expectLinkNotSent(before, "graph_unreachable");
    });
  });
});
