/**
 * "This wasn't me" (issue 21 §2) over HTTP through the real stack: the link of a recovered
 * notice undoes the recovery in Graph (no TAP, no method registered since, sessions revoked),
 * blocks self-service recovery of the account until an admin clears it, and alerts the admin
 * address. Every link that must not act — forged, malformed, of another account, expired, of a
 * failed recovery (which has none), sent cross-site — changes nothing and answers alike.
 */
import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ADMIN_ADDRESS, DEMO_USERS } from "../../dev/seed/demo-tenant";
import { REPUDIATION_TEXT } from "../../src/functions/repudiationText";
import { hashSecret } from "../../src/recovery/opaqueSecrets";
import { waitingTaps } from "../support/recoveryRows";
import {
  confirmLink,
  linkSecretOf,
  mailTo,
  openLink,
  type Person,
  recoverToTheEnd,
  tenantWithCopiesOfAdele,
} from "../support/repudiation";
import { useStack } from "../support/stack";
import { waitFor } from "../support/waitFor";

const ADELE: Person = { ...DEMO_USERS.adeleVance, firstName: "Adele", lastName: "Vance" };
const MEGAN: Person = { ...DEMO_USERS.meganBowen, firstName: "Megan", lastName: "Bowen" };
const { seed, people } = tenantWithCopiesOfAdele([
  "Expired",
  "Twice",
  "Race",
  "Retried",
  "Halfway",
  "Lifted",
  "Unalerted",
]);
const LATE = people.Expired as Person;
const TWICE = people.Twice as Person;
const RACE = people.Race as Person;
const RETRIED = people.Retried as Person;
const HALFWAY = people.Halfway as Person;
const LIFTED = people.Lifted as Person;
const UNALERTED = people.Unalerted as Person;
const TAP = "#microsoft.graph.temporaryAccessPassAuthenticationMethod";
const PASSWORD = "#microsoft.graph.passwordAuthenticationMethod";

describe("repudiation of a recovery through the notice's link", () => {
  const stack = useStack({ mode: "production", tenant: seed });
  let adele: { recoveryId: string; secret: string };
  /** The page every link that must not act gets. */
  let invalidPage: string;

  const types = (id: string) =>
    stack()
      .sims.graph.methods(id)
      .map((m) => String(m["@odata.type"]))
      .sort();
  const blockRows = () => stack().rows<{ partitionKey: string; state: string }>("RecoveryBlocks");

  beforeAll(async () => {
    const { recoveryId, done } = await recoverToTheEnd(stack(), ADELE);
    expect(done.status).toBe("recovered");
    const secret = linkSecretOf(stack(), recoveryId);
    expect(secret).toBeDefined();
    adele = { recoveryId, secret: secret ?? "" };
    invalidPage = (await openLink(stack(), randomBytes(32).toString("base64url"))).text;
  });

  it("the notice to the user's other address carries the link; only its hash is stored", async () => {
    const notice = mailTo(stack(), "adele.vance.home@example.net").at(-1);
    expect(notice?.subject).toBe("Your account was recovered");
    expect(notice?.content).toContain(`/repudiate?t=${adele.secret}`);
    const rows = await stack().rows<{ partitionKey: string; recoveryId: string; userId: string }>(
      "RepudiationLinks",
    );
    expect(rows).toEqual([
      expect.objectContaining({
        partitionKey: hashSecret(adele.secret),
        recoveryId: adele.recoveryId,
        userId: ADELE.id,
      }),
    ]);
    expect(JSON.stringify(await stack().dumpTables())).not.toContain(adele.secret);
  });

  it("the link names the notice's language and the page speaks it; else the browser's; a bad lang is ignored", async () => {
    const notice = mailTo(stack(), "adele.vance.home@example.net").at(-1);
    expect(notice?.content).toMatch(new RegExp(`/repudiate\\?t=${adele.secret}&lang=en\\b`));
    const at = (query: string, headers: Record<string, string> = {}) =>
      fetch(`${stack().url}/repudiate?t=${adele.secret}${query}`, { headers }).then((r) => r.text());
    const german = await at("&lang=de");
    expect(german).toContain('<html lang="de" dir="ltr">');
    expect(german).toContain(REPUDIATION_TEXT.de.title);
    expect(german).toContain('action="repudiate?lang=de"');
    const arabic = await at("", { "accept-language": "ar;q=0.9, en;q=0.1" });
    expect(arabic).toContain('<html lang="ar" dir="rtl">');
    expect(arabic).toContain(REPUDIATION_TEXT.ar.confirm);
    for (const bad of ["&lang=%3Cscript%3E", "&lang=xx-!!", "&lang=tlh"]) {
      expect(await at(bad, { "accept-language": "fr" })).toContain('<html lang="fr" dir="ltr">');
    }
    // Opening in any language changes nothing.
    expect(await blockRows()).toEqual([]);
  });

  it("a forged, malformed or missing secret answers the same page as any unusable link, and changes nothing", async () => {
    const before = types(ADELE.id);
    const forged = await openLink(stack(), randomBytes(32).toString("base64url"));
    expect(forged.status).toBe(404);
    for (const secret of ["", "abc", `${adele.secret}x`, adele.secret.slice(0, 42), "%00".repeat(20)]) {
      const opened = await openLink(stack(), secret);
      expect([opened.status, opened.text]).toEqual([404, invalidPage]);
      const confirmed = await confirmLink(stack(), secret);
      expect([confirmed.status, confirmed.text]).toEqual([404, invalidPage]);
    }
    expect(invalidPage).not.toContain(ADELE.userPrincipalName);
    expect(types(ADELE.id)).toEqual(before);
    expect(await blockRows()).toEqual([]);
  });

  it("a link bound to another account than its recovery's does nothing and says the same", async () => {
    // A link row naming Adele's recovery for Megan's account (what a mix-up or a tampered table would hold).
    const secret = randomBytes(32).toString("base64url");
    await stack().writeRow("RepudiationLinks", {
      partitionKey: hashSecret(secret),
      rowKey: "link",
      recoveryId: adele.recoveryId,
      userId: MEGAN.id,
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(await openLink(stack(), secret)).toMatchObject({ status: 404, text: invalidPage });
    expect(await confirmLink(stack(), secret)).toMatchObject({ status: 404, text: invalidPage });
    expect(await blockRows()).toEqual([]);
    expect(types(ADELE.id)).toEqual([PASSWORD, TAP]);
  });

  it("a failed recovery's notice carries no link, and none is stored for it", async () => {
    const { recoveryId, done } = await recoverToTheEnd(stack(), MEGAN, 40);
    expect(done).toMatchObject({ status: "failed", failure: { code: "face_check_failed" } });
    const notice = mailTo(stack(), "megan.b@example.org").at(-1);
    expect(notice?.subject).toBe("An attempt to recover your account failed");
    expect(notice?.content).not.toContain("/repudiate");
    const rows = await stack().rows<{ recoveryId: string }>("RepudiationLinks");
    expect(rows.filter((r) => r.recoveryId === recoveryId)).toEqual([]);
    // Even a link row naming it (a tampered table) does nothing: only a recovered recovery can be undone.
    const secret = randomBytes(32).toString("base64url");
    await stack().writeRow("RepudiationLinks", {
      partitionKey: hashSecret(secret),
      rowKey: "link",
      recoveryId,
      userId: MEGAN.id,
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(await confirmLink(stack(), secret)).toMatchObject({ status: 404, text: invalidPage });
    expect(await blockRows()).toEqual([]);
  });

  it("a cross-site confirmation is refused before the secret is read, and changes nothing", async () => {
    const revoked = stack().sims.graph.revocations(ADELE.id).count;
    const crossSite: Record<string, string | null>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { "sec-fetch-site": "none" },
      // A client without Sec-Fetch-Site (an older browser): judged by Origin.
      { origin: "https://attacker.example", "sec-fetch-site": null },
      { origin: "null", "sec-fetch-site": null },
    ];
    for (const headers of crossSite) {
      const answer = await confirmLink(stack(), adele.secret, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.text).not.toContain(ADELE.userPrincipalName);
    }
    // A form post of another content type is not the page's form either.
    const res = await fetch(`${stack().url}/repudiate`, {
      method: "POST",
      headers: { "content-type": "text/plain", origin: stack().url },
      body: `t=${adele.secret}`,
    });
    expect(res.status).toBe(404);
    expect(types(ADELE.id)).toEqual([PASSWORD, TAP]);
    expect(stack().sims.graph.revocations(ADELE.id).count).toBe(revoked);
    expect(await blockRows()).toEqual([]);
  });

  it("opening the link shows which account and when, under a CSP without script or style, and changes nothing", async () => {
    const page = await openLink(stack(), adele.secret);
    expect(page.status).toBe(200);
    expect(page.text).toContain(ADELE.userPrincipalName);
    expect(page.text).toContain('<form method="post" action="repudiate?lang=en">');
    expect(page.text).not.toMatch(/<script|<style|style=/i);
    expect(page.headers.get("content-security-policy")).toBe(
      "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    expect(page.headers.get("cache-control")).toBe("no-store");
    expect(page.headers.get("referrer-policy")).toBe("no-referrer");
    expect(types(ADELE.id)).toEqual([PASSWORD, TAP]);
    expect(await blockRows()).toEqual([]);
  });

  it("confirming deletes the TAP and every method registered since, revokes the sessions, blocks, marks and alerts", async () => {
    const graph = stack().sims.graph;
    // The intruder registered an authenticator (with a creation time) and a phone (without one).
    graph.registerMethod(ADELE.id, {
      type: "microsoftAuthenticator",
      id: "b1a1c0de-0000-4000-8000-000000000001",
      displayName: "Intruder's phone",
      deviceTag: "SoftwareTokenActivated",
      phoneAppVersion: "6.2401.0119",
    } as never);
    graph.registerMethod(ADELE.id, {
      type: "phone",
      id: "3179e48a-750b-4051-897c-87b9720928f7",
      phoneNumber: "+1 5550100",
      phoneType: "mobile",
    } as never);
    expect(types(ADELE.id)).toHaveLength(4);
    const revoked = graph.revocations(ADELE.id).count;
    const alertsBefore = mailTo(stack(), DEMO_ADMIN_ADDRESS).length;

    const answer = await confirmLink(stack(), adele.secret);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("The recovery was undone");

    expect(types(ADELE.id)).toEqual([PASSWORD]);
    expect(graph.temporaryAccessPasses(ADELE.id).filter((p) => p.active)).toEqual([]);
    expect(graph.revocations(ADELE.id).count).toBe(revoked + 1);
    expect(await blockRows()).toEqual([
      expect.objectContaining({ partitionKey: ADELE.id, state: "blocked" }),
    ]);

    const detail = await stack().admin("GET", `/api/admin/recoveries/${adele.recoveryId}`);
    const record = detail.json() as {
      status: string;
      repudiatedAt?: string;
      audit: { event: string; detail?: Record<string, unknown> }[];
    };
    expect(record.status).toBe("recovered");
    expect(record.repudiatedAt).toBeTypeOf("string");
    expect(record.audit.find((e) => e.event === "recovery_repudiated")?.detail).toMatchObject({
      methodsRemoved: 3,
      sessionsRevoked: true,
      blocked: true,
    });
    const alerts = mailTo(stack(), DEMO_ADMIN_ADDRESS).slice(alertsBefore);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.subject).toBe(`Account recovery repudiated by the user: ${ADELE.userPrincipalName}`);
    expect(alerts[0]?.content).toContain(adele.recoveryId);
    // What was undone, as the audit entry says it.
    expect(alerts[0]?.content).toContain("registered since the recovery were deleted (3 in all)");
    expect(alerts[0]?.content).toContain("Left in place: passwordAuthenticationMethod.");
  });

  it("a second confirmation says it is done and changes nothing more", async () => {
    const graph = stack().sims.graph;
    const revoked = graph.revocations(ADELE.id).count;
    const mails = graph.sentMail.length;
    const again = await confirmLink(stack(), adele.secret);
    expect(again.status).toBe(200);
    expect(again.text).toContain("This was already done");
    expect((await openLink(stack(), adele.secret)).text).toContain("This was already done");
    expect(graph.revocations(ADELE.id).count).toBe(revoked);
    expect(graph.sentMail.length).toBe(mails);
  });

  it("a new self-service start for the blocked account is not_eligible, with recovery_blocked in the audit", async () => {
    const started = await stack().startRecovery({ username: ADELE.userPrincipalName });
    expect(started.status).toBe(202);
    const done = await stack().waitForStatus(started.body, ["not_eligible", "verifying_identity"]);
    expect(done.status).toBe("not_eligible");
    const audit = await stack().auditEvents(started.body.recoveryId);
    expect(audit.find((e) => e.event === "eligibility_checked")).toMatchObject({
      outcome: "failure",
      code: "recovery_blocked",
    });
  });

  it("an expired link does nothing and says the same as a forged one", async () => {
    const { recoveryId, done } = await recoverToTheEnd(stack(), LATE);
    expect(done.status).toBe("recovered");
    const secret = linkSecretOf(stack(), recoveryId) ?? "";
    expect((await openLink(stack(), secret)).status).toBe(200);
    // Issued with REPUDIATION_LINK_LIFETIME_HOURS (default 168: 7 days) from now; the app reads
    // its own clock, so the stored expiry is moved to a minute ago instead of the clock forward.
    const rows = await stack().rows<{
      partitionKey: string;
      rowKey: string;
      recoveryId: string;
      expiresAt: string;
    }>("RepudiationLinks");
    const row = rows.find((r) => r.recoveryId === recoveryId);
    expect(Date.parse(row?.expiresAt ?? "") - Date.now()).toBeGreaterThan(167 * 3_600_000);
    const { partitionKey, rowKey, userId, createdAt } = row as typeof row & {
      userId: string;
      createdAt: string;
    };
    await stack().writeRow("RepudiationLinks", {
      partitionKey,
      rowKey,
      recoveryId,
      userId,
      createdAt,
      expiresAt: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(await openLink(stack(), secret)).toMatchObject({ status: 404, text: invalidPage });
    expect(await confirmLink(stack(), secret)).toMatchObject({ status: 404, text: invalidPage });
    expect(types(LATE.id)).toEqual([PASSWORD, TAP]);
    expect((await blockRows()).map((r) => r.partitionKey)).toEqual([ADELE.id]);
  });

  it("a Reader cannot lift the block; an admin can, audited with their object id; then a start goes ahead", async () => {
    const path = `/api/admin/accounts/${ADELE.id}/recovery-block`;
    const reader = await stack().adminToken({ roles: ["Recovery.Reader"] });
    const body = { action: "clear", reason: "INC-4711: seen in person" };
    expect((await stack().admin("POST", path, { token: reader, body })).status).toBe(403);
    expect((await stack().admin("GET", path, { token: reader })).json()).toMatchObject({
      state: "blocked",
      recoveryId: adele.recoveryId,
    });
    expect((await stack().admin("POST", path, { body: { action: "clear" } })).status).toBe(400);
    expect((await stack().admin("POST", path, { body: { action: "drop", reason: "why not" } })).status).toBe(
      400,
    );
    const other = await stack().admin("POST", `/api/admin/accounts/${MEGAN.id}/recovery-block`, { body });
    expect([other.status, (other.json() as { code: string }).code]).toEqual([
      404,
      "recovery_block_not_found",
    ]);
    expect(
      (await stack().admin("POST", "/api/admin/accounts/not-an-id/recovery-block", { body })).status,
    ).toBe(404);
    expect((await blockRows())[0]?.state).toBe("blocked");

    const oid = "0f0e0d0c-0b0a-4909-8807-060504030201";
    const admin = await stack().adminToken({ oid });
    const cleared = await stack().admin("POST", path, { token: admin, body });
    expect(cleared.status).toBe(200);
    expect(cleared.json()).toMatchObject({ state: "cleared", clearedBy: oid, clearReason: body.reason });
    const audit = await stack().auditEvents(adele.recoveryId);
    expect(audit.find((e) => e.event === "recovery_block_cleared")).toMatchObject({
      code: "recovery_block_cleared",
    });
    expect(JSON.stringify(audit.find((e) => e.event === "recovery_block_cleared"))).toContain(oid);
    expect((await stack().admin("POST", path, { body })).status).toBe(404);
    // The old link (done) does not set the block again.
    expect((await confirmLink(stack(), adele.secret)).text).toContain("This was already done");
    expect((await blockRows())[0]?.state).toBe("cleared");

    // Past the cooldown of Adele's recovery (written as if it had run out a minute ago).
    const [lock] = (await stack().rows<Record<string, unknown>>("UserLocks")).filter(
      (r) => r.partitionKey === ADELE.id,
    );
    const { etag: _etag, timestamp: _ts, ...lockRow } = lock as Record<string, unknown>;
    await stack().writeRow("UserLocks", {
      ...(lockRow as { partitionKey: string; rowKey: string }),
      cooldownUntil: new Date(Date.now() - 60_000).toISOString(),
    });
    const started = await stack().startRecovery({ username: ADELE.userPrincipalName });
    const next = await stack().waitForStatus(started.body, ["not_eligible", "verifying_identity"]);
    expect(next.status).toBe("verifying_identity");
  });

  it("five confirmations at once undo the recovery once: one mark, one block, every answer says done", async () => {
    const { recoveryId, done } = await recoverToTheEnd(stack(), TWICE);
    expect(done.status).toBe("recovered");
    const secret = linkSecretOf(stack(), recoveryId) ?? "";
    const alertsBefore = mailTo(stack(), DEMO_ADMIN_ADDRESS).length;
    const answers = await Promise.all(Array.from({ length: 5 }, () => confirmLink(stack(), secret)));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.text).toMatch(/The recovery was undone|This was already done/);
    }
    expect(types(TWICE.id)).toEqual([PASSWORD]);
    const audit = await stack().auditEvents(recoveryId);
    expect(audit.filter((e) => e.event === "recovery_repudiated")).toHaveLength(1);
    expect((await blockRows()).filter((r) => r.partitionKey === TWICE.id)).toEqual([
      expect.objectContaining({ state: "blocked" }),
    ]);
    // At least once; a duplicate that ran its own writes before the mark may send a second.
    const alerts = mailTo(stack(), DEMO_ADMIN_ADDRESS).length - alertsBefore;
    expect(alerts).toBeGreaterThanOrEqual(1);
    expect(alerts).toBeLessThanOrEqual(answers.length);
  });

  it("a recovery already verifying when the account is blocked is refused before its directory writes", async () => {
    const first = await recoverToTheEnd(stack(), RACE);
    expect(first.done.status).toBe("recovered");
    const secret = linkSecretOf(stack(), first.recoveryId) ?? "";
    // A second recovery past the first one's cooldown, started (and eligible) before the repudiation.
    const [lock] = (await stack().rows<Record<string, unknown>>("UserLocks")).filter(
      (r) => r.partitionKey === RACE.id,
    );
    const { etag: _etag, timestamp: _ts, ...lockRow } = lock as Record<string, unknown>;
    await stack().writeRow("UserLocks", {
      ...(lockRow as { partitionKey: string; rowKey: string }),
      cooldownUntil: new Date(Date.now() - 60_000).toISOString(),
    });
    const second = await stack().startRecovery({ username: RACE.userPrincipalName });
    const verifying = await stack().waitForStatus(second.body, ["verifying_identity"]);
    expect((await confirmLink(stack(), secret)).status).toBe(200);
    const passesBefore = stack().sims.graph.temporaryAccessPasses(RACE.id).length;

    await stack().completeIdv(verifying.next!, "approved", {
      firstName: RACE.firstName,
      lastName: RACE.lastName,
    });
    const awaiting = await stack().waitForStatus(second.body, ["awaiting_presentation"]);
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!), {
      faceCheckScore: 91,
    });
    const ended = await stack().waitForStatus(second.body, ["recovered", "failed"]);
    expect(ended).toMatchObject({ status: "failed", failure: { code: "not_eligible" } });
    expect(ended.tap).toBeUndefined();
    expect(stack().sims.graph.temporaryAccessPasses(RACE.id)).toHaveLength(passesBefore);
    expect(types(RACE.id)).toEqual([PASSWORD]);
    const audit = await stack().auditEvents(second.body.recoveryId);
    expect(audit.find((e) => e.code === "recovery_blocked")).toMatchObject({ outcome: "failure" });
  });

  it("a block set while the recovery step writes ends it refused, even when undoing its writes fails at first: the step's retry hands out no TAP", async () => {
    const graph = stack().sims.graph;
    const started = await stack().startRecovery({ username: RETRIED.userPrincipalName });
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "approved", {
      firstName: RETRIED.firstName,
      lastName: RETRIED.lastName,
    });
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    // The TAP's creation is throttled once: the step waits inside its writes (5 s, real time)...
    const tapPath = "/authentication/temporaryAccessPassMethods";
    graph.throttle({ method: "POST", path: tapPath, times: 1, retryAfterSeconds: 5 });
    await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!), {
      faceCheckScore: 91,
    });
    await waitFor(
      () => graph.requests.some((r) => r.path.endsWith(tapPath) && r.status === 429),
      "the step's throttled TAP creation",
    );
    // ...meanwhile a repudiation blocks the account, and the directory will refuse the step's
    // first attempt to undo its writes (the method list answers 503 on every try of that run).
    await stack().writeRow("RecoveryBlocks", {
      partitionKey: RETRIED.id,
      rowKey: "block",
      state: "blocked",
      recoveryId: "00000000-0000-4000-8000-00000000dead",
      blockedAt: new Date().toISOString(),
    });
    methodListUnavailable();
    // The durable retry policy waits 2 s, 4 s, ... before running the step again: move the clock.
    const state = await stack().advanceClockUntil(
      () => stack().readRecovery(started.body.recoveryId, started.body.recoveryToken),
      (s) => ["recovered", "failed"].includes(s.body.status),
      60_000,
    );
    expect(state.body).toMatchObject({ status: "failed", failure: { code: "not_eligible" } });
    expect(state.body.tap).toBeUndefined();
    expect(graph.temporaryAccessPasses(RETRIED.id).filter((p) => p.active)).toEqual([]);
    expect(types(RETRIED.id)).toEqual([PASSWORD]);
    const audit = await stack().auditEvents(started.body.recoveryId);
    expect(audit.find((e) => e.code === "recovery_blocked")).toMatchObject({ outcome: "failure" });
    expect(await waitingTaps(stack())).toBe(0);
  });

  /** The directory refuses the next four reads of a user's method list (every try of one run). */
  function methodListUnavailable(): void {
    stack().sims.graph.failNext({
      method: "GET",
      path: /\/authentication\/methods$/,
      times: 4,
      status: 503,
      code: "serviceUnavailable",
      retryAfterSeconds: 0.1,
    });
  }

  /** A recovered person's link, confirmed while the directory refuses the undo's method list. */
  async function confirmHalfway(person: Person): Promise<{ recoveryId: string; secret: string }> {
    const { recoveryId, done } = await recoverToTheEnd(stack(), person);
    expect(done.status).toBe("recovered");
    const secret = linkSecretOf(stack(), recoveryId) ?? "";
    methodListUnavailable();
    const first = await confirmLink(stack(), secret);
    expect(first.status).toBe(503);
    expect(first.text).toContain(REPUDIATION_TEXT.en.unavailableTitle);
    return { recoveryId, secret };
  }

  it("a confirmation the directory stops half-way leaves the block in force and said in the trail; the next click does the rest", async () => {
    const { recoveryId, secret } = await confirmHalfway(HALFWAY);
    const block = await stack().admin("GET", `/api/admin/accounts/${HALFWAY.id}/recovery-block`);
    expect(block.json()).toMatchObject({ state: "blocked", recoveryId });
    let events = (await stack().auditEvents(recoveryId)).map((e) => e.event);
    expect(events).toContain("recovery_block_set");
    expect(events).not.toContain("recovery_repudiated");
    expect(types(HALFWAY.id)).toContain(TAP);

    const second = await confirmLink(stack(), secret);
    expect(second.status).toBe(200);
    expect(second.text).toContain(REPUDIATION_TEXT.en.doneTitle);
    expect(types(HALFWAY.id)).toEqual([PASSWORD]);
    events = (await stack().auditEvents(recoveryId)).map((e) => e.event);
    expect(events.filter((e) => e === "recovery_block_set")).toHaveLength(1);
    expect(events).toContain("recovery_repudiated");
  });

  it("after an admin lifted the block a half-way confirmation set, the old link undoes nothing and sets no block again", async () => {
    const { secret } = await confirmHalfway(LIFTED);
    const path = `/api/admin/accounts/${LIFTED.id}/recovery-block`;
    const lift = await stack().admin("POST", path, {
      body: { action: "clear", reason: "INC-4712: owner verified at the desk" },
    });
    expect(lift.status).toBe(200);
    // The owner registers a method with the help desk's help.
    stack().sims.graph.registerMethod(LIFTED.id, {
      type: "microsoftAuthenticator",
      id: "b1a1c0de-0000-4000-8000-0000000000f1",
      displayName: "Owner's new phone",
      deviceTag: "SoftwareTokenActivated",
      phoneAppVersion: "6.2401.0119",
    } as never);
    const before = types(LIFTED.id);
    const again = await confirmLink(stack(), secret);
    expect(again.status).toBe(200);
    expect(again.text).toContain(REPUDIATION_TEXT.en.alreadyTitle);
    expect(types(LIFTED.id)).toEqual(before);
    expect((await stack().admin("GET", path)).json()).toMatchObject({ state: "cleared" });
  });

  it("a confirmation whose admin alert Graph refused says to try again; the next click sends it, with what was undone", async () => {
    const { recoveryId, done } = await recoverToTheEnd(stack(), UNALERTED);
    expect(done.status).toBe("recovered");
    const secret = linkSecretOf(stack(), recoveryId) ?? "";
    const graph = stack().sims.graph;
    graph.registerMethod(UNALERTED.id, {
      type: "microsoftAuthenticator",
      id: "b1a1c0de-0000-4000-8000-0000000000a1",
      displayName: "Intruder's phone",
      deviceTag: "SoftwareTokenActivated",
      phoneAppVersion: "6.2401.0119",
    } as never);
    const alertsBefore = mailTo(stack(), DEMO_ADMIN_ADDRESS).length;
    graph.failNext({ method: "POST", path: "/sendMail", times: 1, status: 500, code: "generalException" });
    const first = await confirmLink(stack(), secret);
    expect(first.status).toBe(503);
    expect(types(UNALERTED.id)).toEqual([PASSWORD]);
    expect(mailTo(stack(), DEMO_ADMIN_ADDRESS)).toHaveLength(alertsBefore);

    const second = await confirmLink(stack(), secret);
    expect(second.status).toBe(200);
    expect(second.text).toContain(REPUDIATION_TEXT.en.alreadyTitle);
    const alerts = mailTo(stack(), DEMO_ADMIN_ADDRESS).slice(alertsBefore);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.content).toContain(recoveryId);
    expect(alerts[0]?.content).toContain("registered since the recovery were deleted (2 in all)");
    expect(alerts[0]?.content).toContain("Left in place: passwordAuthenticationMethod.");
    const audit = await stack().auditEvents(recoveryId);
    expect(
      audit.filter((e) => e.event === "notification_sent" && e.code === "admin_repudiated"),
    ).toHaveLength(1);
    // A third click sends nothing more.
    await confirmLink(stack(), secret);
    expect(mailTo(stack(), DEMO_ADMIN_ADDRESS).slice(alertsBefore)).toHaveLength(1);
  });
});
