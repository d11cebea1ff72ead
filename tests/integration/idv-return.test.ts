/**
 * Identity verification as Microsoft integrates providers (issue 17): the named providers run
 * without webhooks (`results: "return"`, their default) and the browser's return to the
 * hand-off's redirectUrl moves the recovery to the presentation. The return carries a one-time
 * value bound to the recovery's IDV session: a wrong, reused or foreign value, or a return
 * naming another session, answers exactly like a valid one and changes nothing. The generic
 * provider runs `either`: whichever of return and webhook comes first, and a webhook decline
 * ends the recovery before or after the return. Freshness backs it all: a user who comes back
 * without a new credential (skipping the provider, or stripping the decline from the return)
 * cannot present an old one.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { demoPolicy } from "../../dev/seed/demo-policy";
import { newCredentialId } from "../../dev/simulators/wallet";
import { DEMO_PROVIDER } from "../../dev/stack";
import { ADELE, follow, handoffOf, MEGAN, type Person } from "../support/handoff";
import { type RecoveryStart, useStack } from "../support/stack";

const RETURN_PROVIDER = "au10tix";

function policy() {
  const doc = demoPolicy("production");
  doc.profiles[0]!.providers = { default: DEMO_PROVIDER, byCountry: { AU: RETURN_PROVIDER } };
  doc.profiles[0]!.cooldownMinutes = 0;
  return doc;
}

describe("IDV results by the browser's return", { timeout: 120_000 }, () => {
  const stack = useStack({ mode: "production", policy: policy(), namedProviderWebhooks: false });

  interface Started {
    start: RecoveryStart;
    /** The provider page with our hand-off token. */
    url: string;
    /** The redirectUrl inside the hand-off token: the return with its one-time value. */
    returnUrl: string;
    sessionId: string;
  }

  /** Last year's credential in the wallet (an earlier onboarding): what Authenticator offers first. */
  function holdOldCredential(who: Person, issuer: string): void {
    const day = 86_400_000;
    stack().sims.wallet.issue({
      id: newCredentialId(),
      type: "VerifiedIdentity",
      issuer,
      claims: { ...who.names },
      issuanceDate: new Date(Date.now() - 300 * day).toISOString(),
      expirationDate: new Date(Date.now() + 60 * day).toISOString(),
    });
  }

  async function startAt(who: Person, country: "AU" | "NL"): Promise<Started> {
    const started = await stack().startRecovery({ username: who.user.userPrincipalName, country });
    expect(started.status).toBe(202);
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    const { url, returnUrl, sessionId } = handoffOf(verifying.next!.url);
    return { start: started.body, url, returnUrl, sessionId };
  }

  function withParam(url: string, name: string, value: string | null): string {
    const u = new URL(url);
    if (value === null) u.searchParams.delete(name);
    else u.searchParams.set(name, value);
    return u.toString();
  }

  async function sessionRow(provider: string, sessionId: string) {
    const rows = await stack().rows<{ partitionKey: string; rowKey: string; returnedAt?: string }>(
      "IdvSessions",
    );
    return rows.find((r) => r.partitionKey === provider && r.rowKey === sessionId);
  }

  async function events(recoveryId: string): Promise<string[]> {
    return (await stack().auditEvents(recoveryId)).map((e) => e.event);
  }

  async function present(start: RecoveryStart, overrides: Record<string, unknown> = {}) {
    const awaiting = await stack().waitForStatus(start, ["awaiting_presentation"]);
    const requestId = stack().presentationRequestId(awaiting.next!);
    await stack().sims.verifiedId.present(requestId, { faceCheckScore: 91, ...overrides });
    return stack().waitForStatus(start, ["recovered", "failed", "expired"]);
  }

  async function cancel(start: RecoveryStart): Promise<void> {
    await fetch(`${stack().url}/api/recovery/${start.recoveryId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${start.recoveryToken}` },
    });
    await stack().waitForStatus(start, ["cancelled"]);
  }

  it("return mode end to end: no webhook, the return moves the recovery on, the fresh credential recovers it", async () => {
    const adele = await startAt(ADELE, "AU");
    expect(new URL(adele.returnUrl).searchParams.get("returnValue")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const done = await stack().completeIdv({ url: adele.url }, "approved", ADELE.names);
    expect(done.webhookStatus).toBeNull();
    expect(stack().sims.idvProviders[RETURN_PROVIDER]!.deliveries).toHaveLength(0);
    expect(done.redirectUrl).toBe(adele.returnUrl);

    const back = await follow(done.redirectUrl);
    expect(back.status).toBe(302);
    expect(back.location).toBe(`${stack().url}/recover?recoveryId=${adele.start.recoveryId}`);
    expect((await sessionRow(RETURN_PROVIDER, adele.sessionId))?.returnedAt).toBeTypeOf("string");
    // The user's lock is marked advanced by the return: a newer start can no longer supersede it.
    const locks = await stack().rows<{ recoveryId: string; advancedAt?: string }>("UserLocks");
    expect(locks.find((l) => l.recoveryId === adele.start.recoveryId)?.advancedAt).toBeTypeOf("string");
    const recovered = await present(adele.start);
    expect(recovered.status).toBe("recovered");
    const trail = await events(adele.start.recoveryId);
    expect(trail).toContain("identity_verification_returned");
    expect(trail).not.toContain("identity_verification_completed");
  });

  it("a forged, foreign or reused return answers like a valid one and changes nothing", async () => {
    const adele = await startAt(ADELE, "AU");
    const megan = await startAt(MEGAN, "AU");
    const valid = await follow(withParam(adele.returnUrl, "recoveryId", adele.start.recoveryId));
    // (the valid answer is read from a copy that is only compared, never a second request for adele)
    const expected = { status: 302, location: `${stack().url}/recover?recoveryId=${adele.start.recoveryId}` };
    expect({ status: valid.status, location: valid.location }).toEqual(expected);
    await stack().waitForStatus(adele.start, ["awaiting_presentation"]);

    const meganValue = new URL(megan.returnUrl).searchParams.get("returnValue")!;
    const forged = [
      withParam(megan.returnUrl, "returnValue", randomBytes(32).toString("base64url")), // guessed
      withParam(megan.returnUrl, "returnValue", null), // none
      withParam(megan.returnUrl, "returnValue", `${meganValue}x`), // malformed
      withParam(megan.returnUrl, "session", adele.sessionId), // another recovery's session
      withParam(adele.returnUrl, "recoveryId", megan.start.recoveryId), // another recovery's value
      withParam(withParam(megan.returnUrl, "session", adele.sessionId), "returnValue", null),
      adele.returnUrl.replace(`/${RETURN_PROVIDER}/`, `/${DEMO_PROVIDER}/`), // another provider
    ];
    for (const url of forged) {
      const answer = await follow(url);
      const id = new URL(url).searchParams.get("recoveryId");
      expect(answer).toMatchObject({ status: 302, location: `${stack().url}/recover?recoveryId=${id}` });
    }
    // Nothing moved: megan's session is unconsumed, nothing audited, still verifying.
    expect((await sessionRow(RETURN_PROVIDER, megan.sessionId))?.returnedAt).toBeUndefined();
    expect(await events(megan.start.recoveryId)).not.toContain("identity_verification_returned");
    expect((await stack().readRecovery(megan.start.recoveryId, megan.start.recoveryToken)).body.status).toBe(
      "verifying_identity",
    );

    // Reused: adele's value again (twice) — the same answer, one return in the audit.
    const consumedAt = (await sessionRow(RETURN_PROVIDER, adele.sessionId))?.returnedAt;
    for (let i = 0; i < 2; i++) expect(await follow(adele.returnUrl)).toMatchObject(expected);
    expect((await sessionRow(RETURN_PROVIDER, adele.sessionId))?.returnedAt).toBe(consumedAt);
    expect(
      (await events(adele.start.recoveryId)).filter((e) => e === "identity_verification_returned"),
    ).toHaveLength(1);

    // Megan's own value still works, once.
    expect((await follow(megan.returnUrl)).status).toBe(302);
    await stack().waitForStatus(megan.start, ["awaiting_presentation"]);
    await cancel(adele.start);
    await cancel(megan.start);
  });

  it("a return with the provider's decline indication ends nothing; stripping it gets no fresh credential", async () => {
    const megan = await startAt(MEGAN, "AU");
    const issuedBefore = stack().sims.wallet.latest()?.issuanceDate;
    const declined = await stack().completeIdv({ url: megan.url }, "declined", MEGAN.names);
    expect(new URL(declined.redirectUrl).searchParams.get("error")).toBe("verification_declined");
    expect(stack().sims.wallet.latest()?.issuanceDate).toBe(issuedBefore); // nothing issued
    // Whatever the indication's value carries (characters no storage key may hold), the same answer.
    const odd = await follow(withParam(megan.returnUrl, "error", "a/b\\c#d?e\u0000f"));
    expect(odd).toMatchObject({
      status: 302,
      location: `${stack().url}/recover?recoveryId=${megan.start.recoveryId}`,
    });
    expect((await follow(declined.redirectUrl)).status).toBe(302);
    expect((await sessionRow(RETURN_PROVIDER, megan.sessionId))?.returnedAt).toBeUndefined();
    expect(await events(megan.start.recoveryId)).toContain("identity_verification_return_unfinished");
    // The page offers the way back to the provider while the deadline lasts.
    const still = await stack().readRecovery(megan.start.recoveryId, megan.start.recoveryToken);
    expect(still.body).toMatchObject({
      status: "verifying_identity",
      next: { type: "redirect", url: megan.url },
    });

    // The user strips the indication: the return is valid, but the wallet holds only an old credential.
    holdOldCredential(MEGAN, "did:web:au10tix.idv.demo.example");
    expect((await follow(megan.returnUrl)).status).toBe(302);
    const done = await present(megan.start);
    expect(done).toMatchObject({ status: "failed", failure: { code: "credential_stale" } });
    const checked = (await stack().auditEvents(megan.start.recoveryId)).find(
      (e) => e.event === "credential_checked",
    );
    expect(checked?.code).toBe("credential_stale");
    expect(JSON.parse(String(checked?.detail))).toMatchObject({ reason: "issued_before_handoff" });
  });

  it("return mode: a signed webhook approval moves nothing, a decline after the return ends the recovery", async () => {
    const adele = await startAt(ADELE, "AU");
    const sim = stack().sims.idvProviders[RETURN_PROVIDER]!;
    const approval = await sim.sendWebhook({ result: { sessionId: adele.sessionId, status: "approved" } });
    expect(approval.status).toBe(200);
    expect((await stack().readRecovery(adele.start.recoveryId, adele.start.recoveryToken)).body.status).toBe(
      "verifying_identity",
    );
    expect((await follow(adele.returnUrl)).status).toBe(302);
    await stack().waitForStatus(adele.start, ["awaiting_presentation"]);
    const decline = await sim.sendWebhook({ result: { sessionId: adele.sessionId, status: "declined" } });
    expect(decline.status).toBe(200);
    // The session already has its (approved) result: the later decline is a duplicate, kept out.
    expect((await stack().readRecovery(adele.start.recoveryId, adele.start.recoveryToken)).body.status).toBe(
      "awaiting_presentation",
    );
    await cancel(adele.start);
  });

  it("either mode: a return then a webhook decline ends the recovery idv_declined", async () => {
    const adele = await startAt(ADELE, "NL");
    expect((await follow(adele.returnUrl)).status).toBe(302);
    await stack().waitForStatus(adele.start, ["awaiting_presentation"]);
    const decline = await stack().sims.idv.sendWebhook({
      result: { sessionId: adele.sessionId, status: "declined" },
    });
    expect(decline.status).toBe(200);
    const done = await stack().waitForStatus(adele.start, ["failed"]);
    expect(done.failure?.code).toBe("idv_declined");
    expect(await events(adele.start.recoveryId)).not.toContain("presentation_completed");
  });

  it("either mode: a webhook decline then a return: the return changes nothing", async () => {
    const megan = await startAt(MEGAN, "NL");
    await stack().sims.idv.sendWebhook({ result: { sessionId: megan.sessionId, status: "declined" } });
    expect((await stack().waitForStatus(megan.start, ["failed"])).failure?.code).toBe("idv_declined");
    expect((await follow(megan.returnUrl)).status).toBe(302);
    expect((await sessionRow(DEMO_PROVIDER, megan.sessionId))?.returnedAt).toBeUndefined();
    expect(await events(megan.start.recoveryId)).not.toContain("identity_verification_returned");
    expect((await stack().readRecovery(megan.start.recoveryId, megan.start.recoveryToken)).body.status).toBe(
      "failed",
    );
  });

  it("either mode: coming back without verifying (the return URL read from the hand-off token) fails credential_stale", async () => {
    const adele = await startAt(ADELE, "NL");
    holdOldCredential(ADELE, "did:web:idv.demo.example");
    expect((await follow(adele.returnUrl)).status).toBe(302);
    const done = await present(adele.start);
    expect(done).toMatchObject({ status: "failed", failure: { code: "credential_stale" } });
  });

  it("either mode end to end: approval at the provider, the webhook or the return, recovered", async () => {
    const megan = await startAt(MEGAN, "NL");
    const done = await stack().completeIdv({ url: megan.url }, "approved", MEGAN.names);
    expect(done.webhookStatus).toBe(200);
    expect((await follow(done.redirectUrl)).status).toBe(302);
    expect((await present(megan.start)).status).toBe("recovered");
  });
});
