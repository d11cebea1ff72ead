/**
 * The IDV webhook endpoint on the local host (`node dist/bench/webhook.js`, part of `npm run
 * bench`): throughput, and latency at `BENCH_CONCURRENCY` (default 100) requests in flight.
 * Figures, never assertions.
 *
 * Every request is a real Standard Webhooks delivery: a fresh `webhook-id`, a fresh timestamp,
 * an HMAC-SHA256 signature the handler verifies (constant-time) against the provider secret,
 * then the correlation read and the inbox write in Azurite (a session we never started: the
 * entry is recorded, and nothing more happens). Three runs of `BENCH_WEBHOOKS` requests each:
 *  - signed: the full path (verify, read, write);
 *  - badSignature: the same requests with a wrong signature: verification and the 401, no storage;
 *  - azuriteOnly: the storage the signed path does (one point read, one insert), straight
 *    from this process to Azurite, without the app: what the storage alone costs.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { TableClient } from "@azure/data-tables";
import { demoPolicy } from "../dev/seed/demo-policy";
import { DEMO_TENANT_ID, demoTenant } from "../dev/seed/demo-tenant";
import { signStandardWebhook } from "../dev/simulators/idv";
import {
  appSettings,
  bindListener,
  DEMO_PROVIDER,
  generateDevSecrets,
  listenerPort,
  spawnHost,
  startSimulators,
} from "../dev/stack";
import { startAzurite } from "../dev/support/azurite";
import { type Distribution, distribution } from "./recovery";

export interface LoadResult {
  requests: number;
  /** The host's own Duration= of each handler invocation (no HTTP, no client). */
  handlerMs?: Distribution;
  concurrency: number;
  statuses: Record<string, number>;
  perSecond: number;
  latencyMs: Distribution;
}

/** Runs `count` calls of `one`, `concurrency` at a time; latency per call, throughput overall. */
async function load(
  count: number,
  concurrency: number,
  one: (i: number) => Promise<number>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t0 = performance.now();
      const status = await one(i);
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  return {
    requests: count,
    concurrency,
    statuses,
    perSecond: Math.round(count / seconds),
    latencyMs: distribution(latencies),
  };
}

function webhookBody(sessionId: string): string {
  return JSON.stringify({
    type: "verification.completed",
    timestamp: new Date().toISOString(),
    data: {
      sessionId,
      status: "approved",
      reasons: [],
      person: { firstName: "Ida", lastName: "Bench" },
      document: { type: "passport", issuingCountry: "NL" },
      checks: { liveness: "passed", faceMatch: "passed" },
    },
  });
}

export async function benchWebhook(options: { requests: number; concurrency: number }) {
  const azurite = await startAzurite();
  const listener = await bindListener();
  const port = listenerPort(listener);
  const secrets = await generateDevSecrets();
  const sims = await startSimulators({ appPort: port, tenant: demoTenant(), secrets });
  const prefix = `wh${randomBytes(3).toString("hex")}`;
  const settings = appSettings({
    appPort: port,
    storageConnectionString: azurite.connectionString,
    tablePrefix: prefix,
    tenantId: DEMO_TENANT_ID,
    simulators: sims,
    secrets,
    policy: demoPolicy("production"),
  });
  const host = spawnHost({ port, listener, taskHub: `${prefix}hub`, settings });
  try {
    await host.waitHealthy(60_000);
    const url = `${host.url}/api/idv/${DEMO_PROVIDER}/webhook`;
    const send = async (signed: boolean) => {
      const id = `msg_${randomUUID()}`;
      const timestamp = Math.floor(Date.now() / 1000);
      const body = webhookBody(randomUUID());
      const signature = signed
        ? signStandardWebhook(secrets.webhookSecret, id, timestamp, body)
        : signStandardWebhook(`whsec_${randomBytes(24).toString("base64")}`, id, timestamp, body);
      const res = await fetch(url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "webhook-id": id,
          "webhook-timestamp": String(timestamp),
          "webhook-signature": signature,
        },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    };
    // Warm-up: tables created, secrets read, code paths compiled.
    await load(200, 20, () => send(true));
    const handlerTimes = (from: number) =>
      distribution(
        [
          ...host
            .output()
            .slice(from)
            .matchAll(/Executed 'Functions\.idvWebhook' \([^)]*Duration=(\d+)ms/g),
        ].map((m) => Number(m[1])),
      );
    let mark = host.output().length;
    const signed = { ...(await load(options.requests, options.concurrency, () => send(true))) };
    signed.handlerMs = handlerTimes(mark);
    mark = host.output().length;
    const badSignature = { ...(await load(options.requests, options.concurrency, () => send(false))) };
    badSignature.handlerMs = handlerTimes(mark);
    const sessions = TableClient.fromConnectionString(azurite.connectionString, `${prefix}IdvSessions`, {
      allowInsecureConnection: true,
    });
    const inbox = TableClient.fromConnectionString(azurite.connectionString, `${prefix}WebhookInbox`, {
      allowInsecureConnection: true,
    });
    const azuriteOnly = await load(options.requests, options.concurrency, async () => {
      try {
        await sessions.getEntity(DEMO_PROVIDER, randomUUID());
      } catch {
        // 404: as for a session we never started
      }
      await inbox.createEntity({
        partitionKey: DEMO_PROVIDER,
        rowKey: `msg_${randomUUID()}`,
        delivered: true,
      });
      return 200;
    });
    return { signed, badSignature, azuriteOnly };
  } finally {
    await host.stop();
    await sims.stop();
    await azurite.stop();
  }
}

if (require.main === module) {
  benchWebhook({
    requests: Number(process.env.BENCH_WEBHOOKS ?? "3000"),
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? "100"),
  })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((err) => {
      console.error(err);
      process.exitCode = 1;
    });
}
