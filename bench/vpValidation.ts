/**
 * What our own VP/VC validation costs per callback (figures, not assertions): the Verified ID
 * simulator issues real receipts (ES256 and ES256K issuers, EdDSA holder) and we time
 * `validatePresentation` with a warm DID cache — two signature checks, one status-list fetch
 * and its signature check — plus one cold run (both DID documents fetched).
 *
 * Run: `npx tsc -p . && node dist/bench/vpValidation.js` (BENCH_ITERATIONS, default 200).
 * Results: bench/results/vp-validation.json.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { close, listen, sendJson } from "../dev/simulators/http";
import { startVerifiedIdSimulator } from "../dev/simulators/verified-id";
import { Wallet } from "../dev/simulators/wallet";
import { DidResolver } from "../src/verified-id/didWeb";
import { presentationNonce, validatePresentation } from "../src/verified-id/vpValidation";

const TOKEN = "bench-token";
const VERIFIER = "did:web:recovery.contoso.example";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function main(): Promise<void> {
  const iterations = Number(process.env.BENCH_ITERATIONS ?? "200");
  const app = createServer((_req, res) => sendJson(res, 200, {}));
  const appUrl = await listen(app);
  const wallet = new Wallet();
  wallet.issue({
    id: "urn:uuid:bench",
    type: "VerifiedIdentity",
    issuer: "did:web:idv.demo.example",
    claims: { firstName: "Ada", lastName: "Lovelace" },
    issuanceDate: new Date(Date.now() - 86_400_000).toISOString(),
    expirationDate: new Date(Date.now() + 365 * 86_400_000).toISOString(),
  });
  const vid = await startVerifiedIdSimulator({ acceptedToken: TOKEN, wallet });
  const results: Record<string, unknown> = {
    iterations,
    node: process.version,
    at: new Date().toISOString(),
  };
  try {
    for (const signer of ["es256", "es256k"] as const) {
      const resolver = new DidResolver({ allowHttpLoopback: true });
      const samples: number[] = [];
      let cold = Number.NaN;
      for (let i = 0; i <= iterations; i++) {
        const state = `bench-${signer}-${i}`;
        const created = await fetch(`${vid.url}/v1.0/verifiableCredentials/createPresentationRequest`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({
            authority: VERIFIER,
            includeReceipt: true,
            registration: { clientName: "bench" },
            callback: { url: `${appUrl}/cb`, state, headers: { "api-key": "k" } },
            requestedCredentials: [{ type: "VerifiedIdentity", acceptedIssuers: [vid.issuerDids[signer]] }],
          }),
        });
        const { requestId } = (await created.json()) as { requestId: string };
        const vpToken = (await vid.present(requestId, { signer })).body.receipt!.vp_token;
        const started = performance.now();
        const verdict = await validatePresentation(
          vpToken,
          {
            verifierDid: VERIFIER,
            nonce: presentationNonce(state),
            acceptedIssuers: [vid.issuerDids[signer]],
            requiredType: "VerifiedIdentity",
            now: new Date(),
          },
          resolver,
        );
        const elapsed = performance.now() - started;
        if (!verdict.ok) throw new Error(`unexpected rejection: ${verdict.reason}`);
        if (i === 0) cold = elapsed;
        else samples.push(elapsed);
      }
      samples.sort((a, b) => a - b);
      results[signer] = {
        coldMs: Number(cold.toFixed(2)),
        warmP50Ms: Number(percentile(samples, 50).toFixed(2)),
        warmP95Ms: Number(percentile(samples, 95).toFixed(2)),
      };
    }
  } finally {
    await vid.stop();
    await close(app);
  }
  const out = path.resolve(__dirname, "../../bench/results/vp-validation.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
