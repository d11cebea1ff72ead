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

  it("serves the reference page at / and /recover, and its assets, with a strict CSP and the right caching", async () => {
    const CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    const root = await fetch(`${stack().url}/`);
    expect(root.status).toBe(200);
    expect(root.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(root.headers.get("cache-control")).toBe("no-cache");
    expect(root.headers.get("x-content-type-options")).toBe("nosniff");
    expect(root.headers.get("content-security-policy")).toBe(CSP);
    const html = await root.text();
    const back = await fetch(`${stack().url}/recover?recoveryId=x`);
    expect(back.status).toBe(200);
    expect(await back.text()).toBe(html);

    // Revalidation: the same ETag answers 304 without a body.
    const etag = root.headers.get("etag")!;
    const again = await fetch(`${stack().url}/`, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);

    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets.map((a) => a.split(".").pop()).sort()).toEqual(["css", "js"]);
    for (const asset of assets) {
      const res = await fetch(`${stack().url}${asset}`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe(
        asset.endsWith(".js") ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8",
      );
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(100);
    }

    // Only the built files: no shell under /assets, no path tricks, no page for unknown paths.
    for (const path of ["/assets/index.html", "/assets/manifest.json", "/assets/..%2Fpackage.json"]) {
      const res = await fetch(`${stack().url}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    expect((await fetch(`${stack().url}/anything-else`)).status).toBe(404);
  });

  it("answers a bad start with problem+json and its stable code", async () => {
    const res = await stack().startRecovery({ username: 42 });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.body).toMatchObject({ code: "invalid_request", status: 400 });
  });
});
