/**
 * Freshness in every results mode (issue 17): the presented credential must come from this
 * recovery's verification. Here the providers send webhooks (au10tix in `webhook` mode, the
 * generic provider in `either`); tests/integration/idv-return.test.ts covers `return` mode.
 * A profile's credentialMaxAgeMinutes accepts an older credential up to that age, never one
 * without an issuance date; the receipt we validate ourselves (no Face Check) is held to the
 * same rule with the VC JWT's own dates.
 */
import { describe, expect, it } from "vitest";
import { demoPolicy } from "../../dev/seed/demo-policy";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import type { PresentOverrides } from "../../dev/simulators/verified-id";
import { DEMO_PROVIDER } from "../../dev/stack";
import { type TestStack, useStack } from "../support/stack";

const ADELE = DEMO_USERS.adeleVance;
const HOUR = 3_600_000;

async function recoverWith(stack: TestStack, country: string, overrides: PresentOverrides) {
  const started = await stack.startRecovery({ username: ADELE.userPrincipalName, country });
  expect(started.status).toBe(202);
  const verifying = await stack.waitForStatus(started.body, ["verifying_identity"]);
  const idv = await stack.completeIdv(verifying.next!, "approved", { firstName: "Adele", lastName: "Vance" });
  expect(idv.webhookStatus).toBe(200);
  const awaiting = await stack.waitForStatus(started.body, ["awaiting_presentation"]);
  await stack.sims.verifiedId.present(stack.presentationRequestId(awaiting.next!), overrides);
  const done = await stack.waitForStatus(started.body, ["evaluation_passed", "failed"]);
  const checked = (await stack.auditEvents(started.body.recoveryId)).find(
    (e) => e.event === "credential_checked",
  );
  return { done, reason: (JSON.parse(checked?.detail ?? "{}") as { reason?: string }).reason };
}

function policyWith(change: Record<string, unknown>) {
  const doc = demoPolicy("evaluation");
  doc.profiles[0]!.providers = { default: DEMO_PROVIDER, byCountry: { AU: "au10tix" } };
  return { ...doc, profiles: doc.profiles.map((p) => ({ ...p, ...change })) };
}

describe("freshness with webhooks, a profile accepting credentials up to 60 minutes old", () => {
  const stack = useStack({ mode: "evaluation", policy: policyWith({ credentialMaxAgeMinutes: 60 }) });
  const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

  it.each([
    ["webhook mode (au10tix)", "AU"],
    ["either mode (demo-idv)", "NL"],
  ])("%s: a credential older than the maximum age is refused credential_stale", async (_, country) => {
    const { done, reason } = await recoverWith(stack(), country, { issuanceDate: ago(24 * HOUR) });
    expect(done).toMatchObject({ status: "failed", failure: { code: "credential_stale" } });
    expect(reason).toBe("issued_before_handoff");
  });

  it("webhook mode: a credential from before the hand-off but within the maximum age passes", async () => {
    const { done } = await recoverWith(stack(), "AU", { issuanceDate: ago(HOUR / 2) });
    expect(done.status).toBe("evaluation_passed");
  });

  it("a verdict without an issuance date is refused, whatever the maximum age", async () => {
    const { done, reason } = await recoverWith(stack(), "AU", { issuanceDate: null });
    expect(done).toMatchObject({ status: "failed", failure: { code: "credential_stale" } });
    expect(reason).toBe("issuance_date_missing");
  });
});

describe("freshness of a receipt we validate ourselves (no Face Check)", () => {
  const stack = useStack({ mode: "evaluation", policy: policyWith({ faceCheck: false }) });

  it("a receipt whose VC was issued before the hand-off is refused credential_stale", async () => {
    const old = new Date(Date.now() - 24 * HOUR).toISOString();
    const { done, reason } = await recoverWith(stack(), "NL", { issuanceDate: old });
    expect(done).toMatchObject({ status: "failed", failure: { code: "credential_stale" } });
    expect(reason).toBe("issued_before_handoff");
  });

  it("a fresh receipt passes", async () => {
    const { done } = await recoverWith(stack(), "NL", {});
    expect(done.status).toBe("evaluation_passed");
  });
});
