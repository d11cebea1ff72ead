/**
 * The deployment bundle is the app: the local host serves `dist/package`'s bundle (built
 * here into a temporary folder, with its own host.json) instead of the tsc output, and a
 * production recovery runs through it to the TAP — orchestrator replay, activities, Graph,
 * the IDV webhook and the Verified ID callback all inside the one bundled file — and a bad
 * request still gets its problem+json answer.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPackage } from "../../dev/build/package";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { useStack } from "../support/stack";

const outDir = mkdtempSync(path.join(os.tmpdir(), "recovery-package-"));
// Registered before useStack's hooks, so the bundle exists when the host starts.
beforeAll(async () => {
  await buildPackage(outDir);
});
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const ADELE = DEMO_USERS.adeleVance;

describe("the bundled app under the local host", () => {
  const stack = useStack({ mode: "production", appEntry: path.join(outDir, "dist", "index.js") });

  it("serves the bundle, not the tsc output", () => {
    expect(stack().logs()).toContain(`app ${path.join(outDir, "dist", "index.js")}`);
  });

  it("recovers an account to a TAP handed out once", async () => {
    const started = await stack().startRecovery({ username: ADELE.userPrincipalName, country: "NL" });
    expect(started.status).toBe(202);
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    const idv = await stack().completeIdv(verifying.next!, "approved", {
      firstName: "Adele",
      lastName: "Vance",
    });
    expect(idv.webhookStatus).toBe(200);
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    const callback = await stack().sims.verifiedId.present(stack().presentationRequestId(awaiting.next!));
    expect(callback.status).toBe(200);
    const done = await stack().waitForStatus(started.body, ["recovered", "failed"]);
    expect(done.status).toBe("recovered");
    expect(stack().sims.graph.temporaryAccessPasses(ADELE.id)[0]?.temporaryAccessPass).toBe(done.tap?.value);
    const again = await stack().readRecovery(started.body.recoveryId, started.body.recoveryToken);
    expect(again.body.tap).toBeUndefined();
  });

  it("answers a bad start with problem+json and its stable code", async () => {
    const res = await stack().startRecovery({ username: 42 });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({ code: "invalid_request", status: 400 });
  });
});
