/**
 * Every IDV adapter end to end: the recovery is routed by country to the provider, the user
 * goes through that provider's simulator (which signs as that provider is assumed to), and
 * the webhook drives the recovery. A forged, stale or replayed webhook changes nothing;
 * `review` and `resubmit` keep the recovery waiting; a final non-approval ends it with its
 * own code. Then a webhook secret rotation: both secrets during the overlap, only the new one
 * after.
 */
import { randomBytes } from "node:crypto";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { demoPolicy } from "../../dev/seed/demo-policy";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import type { SimulatedStatus } from "../../dev/simulators/idv";
import { DEMO_PROVIDER, generateDevSecrets, providerWebhookSecret } from "../../dev/stack";
import { type RecoveryStart, useStack } from "../support/stack";

const COUNTRY: Record<string, string> = {
  [DEMO_PROVIDER]: "NL",
  au10tix: "AU",
  idemia: "FR",
  truecredential: "US",
};
/** Each provider also ends one recovery with a final non-approval; together they cover all three. */
const FINAL: Record<string, { status: SimulatedStatus; code: string }> = {
  [DEMO_PROVIDER]: { status: "declined", code: "idv_declined" },
  au10tix: { status: "expired", code: "idv_expired" },
  idemia: { status: "error", code: "idv_provider_error" },
  truecredential: { status: "declined", code: "idv_declined" },
};
const PROVIDERS = Object.keys(COUNTRY);
const USERS = [DEMO_USERS.adeleVance, DEMO_USERS.meganBowen];

function policy() {
  const doc = demoPolicy("production");
  doc.profiles[0]!.providers = {
    default: DEMO_PROVIDER,
    byCountry: Object.fromEntries(Object.entries(COUNTRY).map(([p, c]) => [c, p])),
  };
  return doc;
}

describe("identity verification providers", { timeout: 120_000 }, () => {
  const stack = useStack({ mode: "production", policy: policy() });
  let turn = 0;

  /** Starts a recovery routed to `provider` and waits for the hand-off; alternates the user. */
  async function startAt(
    provider: string,
  ): Promise<{ start: RecoveryStart; url: string; sessionId: string }> {
    const user = USERS[turn++ % USERS.length]!;
    const started = await stack().startRecovery({
      username: user.userPrincipalName,
      country: COUNTRY[provider],
    });
    expect(started.status).toBe(202);
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    const url = verifying.next!.url;
    expect(new URL(url).origin).toBe(new URL(stack().sims.idvProviders[provider]!.url).origin);
    const sessionId = decodeJwt(new URL(url).searchParams.get("token")!).RequestId as string;
    return { start: started.body, url, sessionId };
  }

  async function cancel(start: RecoveryStart): Promise<void> {
    await fetch(`${stack().url}/api/recovery/${start.recoveryId}/cancel`, {
      method: "POST",
      headers: { authorization: `Bearer ${start.recoveryToken}` },
    });
    await stack().waitForStatus(start, ["cancelled"]);
  }

  async function statusOf(start: RecoveryStart): Promise<string> {
    return (await stack().readRecovery(start.recoveryId, start.recoveryToken)).body.status;
  }

  async function inboxFor(sessionId: string) {
    const rows = await stack().rows<{ sessionId: string; delivered: boolean }>("WebhookInbox");
    return rows.filter((r) => r.sessionId === sessionId);
  }

  /** The bodies this provider's simulator sent, as a JSON array (to show the names were there). */
  function idvBodies(provider: string): string {
    const bodies = stack().sims.idvProviders[provider]!.deliveries.map((d) => d.body);
    return JSON.stringify(bodies.filter((b) => b.includes("Vance")));
  }

  describe.each(PROVIDERS)("%s", (provider) => {
    const sim = () => stack().sims.idvProviders[provider]!;

    it("a valid webhook advances the recovery; a forged, stale or replayed one changes nothing", async () => {
      const { start, url, sessionId } = await startAt(provider);

      const forged = await sim().sendWebhook({
        result: { sessionId, status: "approved" },
        secret: provider === DEMO_PROVIDER ? `whsec_${randomBytes(24).toString("base64")}` : "not-the-secret",
      });
      expect(forged.status).toBe(401);
      const stale = await sim().sendWebhook({
        result: { sessionId, status: "approved" },
        timestamp: Math.floor(Date.now() / 1000) - 3600,
      });
      expect(stale.status).toBe(401);
      expect(await inboxFor(sessionId)).toEqual([]);
      expect(await statusOf(start)).toBe("verifying_identity");

      const before = sim().deliveries.length;
      const idv = await stack().completeIdv({ url }, "approved", { firstName: "Adele", lastName: "Vance" });
      expect(idv.webhookStatus).toBe(200);
      await stack().waitForStatus(start, ["awaiting_presentation"]);

      // Back from the provider: to the front end with the recovery id only, whatever else the URL carries.
      const back = await fetch(`${idv.redirectUrl}&token=leak&code=x`, { redirect: "manual" });
      expect(back.status).toBe(302);
      expect(back.headers.get("location")).toBe(
        `${stack().settings.FRONTEND_RETURN_URL}?recoveryId=${start.recoveryId}`,
      );

      const replay = await sim().redeliver(before);
      expect(replay.status).toBe(200);
      const audit = await stack().auditEvents(start.recoveryId);
      expect(audit.filter((e) => e.event === "identity_verification_completed")).toEqual([
        expect.objectContaining({ outcome: "success", code: "approved" }),
      ]);
      expect(audit.filter((e) => e.event === "presentation_requested")).toHaveLength(1);
      const stored = await inboxFor(sessionId);
      expect(stored).toEqual([expect.objectContaining({ delivered: true })]);
      // The provider sent names; storage keeps the decision, not the person.
      expect(JSON.parse(idvBodies(provider)).length).toBeGreaterThan(0);
      expect(JSON.stringify(stored)).not.toMatch(/Vance|firstName/);
      const own = (await stack().rows<{ rowKey: string; result?: string }>("IdvSessions")).filter(
        (r) => r.rowKey === sessionId,
      );
      expect(own).toEqual([
        expect.objectContaining({ result: expect.stringContaining('"decision":"approved"') }),
      ]);
      expect(JSON.stringify(own)).not.toMatch(/Vance|firstName/);
      expect(await statusOf(start)).toBe("awaiting_presentation");
      await cancel(start);
    });

    it(`review and resubmit keep the recovery waiting; ${FINAL[provider]!.status} ends it with ${FINAL[provider]!.code}`, async () => {
      const { start, sessionId } = await startAt(provider);
      for (const status of ["review", "resubmit"] as const) {
        const update = await sim().sendWebhook({ result: { sessionId, status } });
        expect(update.status).toBe(200);
      }
      const audit = await stack().auditEvents(start.recoveryId);
      const updates = audit.filter((e) => e.event === "identity_verification_update").map((e) => e.code);
      expect(updates.sort()).toEqual(["resubmit", "review"]);
      expect(await statusOf(start)).toBe("verifying_identity");

      const final = await sim().sendWebhook({ result: { sessionId, status: FINAL[provider]!.status } });
      expect(final.status).toBe(200);
      const done = await stack().waitForStatus(start, ["failed", "expired", "awaiting_presentation"]);
      expect(done).toMatchObject({ status: "failed", failure: { code: FINAL[provider]!.code } });

      // A later approval for the finished recovery is acknowledged and has no effect.
      const late = await sim().sendWebhook({ result: { sessionId, status: "approved" } });
      expect(late.status).toBe(200);
      expect(await statusOf(start)).toBe("failed");
    });
  });

  it("idemia: one signed delivery replayed under new event ids (a header the signature does not cover) creates no new inbox rows", async () => {
    const sim = stack().sims.idvProviders.idemia!;
    const { start, url, sessionId } = await startAt("idemia");
    const before = sim.deliveries.length;
    await stack().completeIdv({ url }, "approved", { firstName: "Adele", lastName: "Vance" });
    await stack().waitForStatus(start, ["awaiting_presentation"]);
    const original = sim.deliveries[before]!;
    const rowsBefore = await stack().countRows("WebhookInbox");
    for (const forgedId of ["evt-replay-1", "evt-replay-2", "evt-replay-3"]) {
      const res = await fetch(`${stack().url}/api/idv/idemia/webhook`, {
        method: "POST",
        headers: { ...original.headers, "x-idemia-event-id": forgedId },
        body: original.body,
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { status: string }).status).toBe("duplicate");
    }
    expect(await stack().countRows("WebhookInbox")).toBe(rowsBefore);
    expect(await inboxFor(sessionId)).toHaveLength(1);
    const audit = await stack().auditEvents(start.recoveryId);
    expect(audit.filter((e) => e.event === "identity_verification_completed")).toHaveLength(1);
    await cancel(start);
  });

  it("a hand-off signing key rotation: the new key signs, the retired one stays published for its tokens", async () => {
    const oldKey = JSON.parse(stack().secrets.handoffSigningKey) as { kid: string };
    const { start, url } = await startAt(DEMO_PROVIDER);
    expect(decodeProtectedHeader(new URL(url).searchParams.get("token")!).kid).toBe(oldKey.kid);
    const newKey = JSON.parse((await generateDevSecrets()).handoffSigningKey) as { kid: string };
    stack().settings.SECRET_IDV_HANDOFF_SIGNING_KEY = JSON.stringify([
      newKey,
      { ...oldKey, retiredAt: new Date().toISOString() },
    ]);
    try {
      await stack().crashAndRestartHost();
      const jwks = (await (await fetch(`${stack().url}/api/.well-known/jwks.json`)).json()) as {
        keys: Array<{ kid: string; d?: string; retiredAt?: string }>;
      };
      expect(jwks.keys.map((k) => k.kid)).toEqual([newKey.kid, oldKey.kid]);
      expect(jwks.keys.some((k) => k.d !== undefined || k.retiredAt !== undefined)).toBe(false);
      // The link handed out before the rotation still opens at the provider.
      expect((await fetch(url)).status).toBe(200);
      await cancel(start);
      const next = await startAt(DEMO_PROVIDER);
      expect(decodeProtectedHeader(new URL(next.url).searchParams.get("token")!).kid).toBe(newKey.kid);
      await cancel(next.start);
    } finally {
      stack().settings.SECRET_IDV_HANDOFF_SIGNING_KEY = stack().secrets.handoffSigningKey;
    }
  });

  it("a webhook secret rotation: both secrets during the overlap, only the new one after", async () => {
    const provider = "au10tix";
    const sim = stack().sims.idvProviders[provider]!;
    const name = "SECRET_IDV_AU10TIX_WEBHOOK_SECRET";
    const old = providerWebhookSecret(stack().secrets, provider);
    const fresh = randomBytes(32).toString("base64url");
    const { start, sessionId } = await startAt(provider);
    const send = (secret: string) => sim.sendWebhook({ result: { sessionId, status: "review" }, secret });

    // Overlap: the new secret is current, the old one previous.
    stack().settings[name] = fresh;
    stack().settings[`${name}_PREVIOUS`] = old;
    await stack().crashAndRestartHost();
    expect((await send(old)).status).toBe(200);
    expect((await send(fresh)).status).toBe(200);

    // After the rotation: the previous secret is gone.
    delete stack().settings[`${name}_PREVIOUS`];
    await stack().crashAndRestartHost();
    expect((await send(old)).status).toBe(401);
    expect((await send(fresh)).status).toBe(200);

    const updates = (await stack().auditEvents(start.recoveryId)).filter(
      (e) => e.event === "identity_verification_update",
    );
    expect(updates).toHaveLength(3);
    expect(await statusOf(start)).toBe("verifying_identity");
    await cancel(start);
  });
});
