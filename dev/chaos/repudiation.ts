/**
 * The campaign's repudiation phase (issue 21): after the recoveries, up to three recovered
 * accounts are repudiated through their notice's link with duplicate confirmations sent at
 * once, a forged one among them, racing a new recovery start for the same account. Then:
 * each account has no TAP and no deletable method left, its block is in force, its recovery
 * is marked repudiated exactly once, the admin address was alerted, no confirmation answered
 * 5xx for good, and the racing start never recovered.
 */
import { randomBytes } from "node:crypto";
import type { InvariantResult } from "./campaign";
import { type Environment, sleep } from "./environment";
import type { Rng } from "./random";

const LINK = /\/repudiate\?t=([A-Za-z0-9_-]{43})/;
const PASSWORD = "#microsoft.graph.passwordAuthenticationMethod";

interface Row {
  partitionKey: string;
  status: string;
  userId?: string;
  mode?: string;
  username?: string;
}

export async function repudiationPhase(
  env: Environment,
  rows: readonly Row[],
  rng: Rng,
  log: (line: string) => void,
): Promise<InvariantResult> {
  const result: InvariantResult = {
    name: "repudiation undoes once, blocks, alerts",
    checked: 0,
    violations: [],
  };
  const graph = env.sims.graph;
  const recovered = rows.filter((r) => r.status === "recovered" && r.mode === "production" && r.userId);
  const picked = recovered.slice(0, 3);
  const confirm = async (secret: string): Promise<number | null> => {
    // Like a user clicking again after an error page: until the answer is not a 5xx.
    for (let attempt = 0; attempt < 20; attempt++) {
      const res = await env.request("POST", "/repudiate", {
        rawBody: new URLSearchParams({ t: secret }).toString(),
        headers: { "content-type": "application/x-www-form-urlencoded", "sec-fetch-site": "same-origin" },
      });
      if (res.status !== null && res.status < 500) return res.status;
      await sleep(300);
    }
    return null;
  };
  for (const row of picked) {
    const id = row.partitionKey;
    const userId = row.userId as string;
    const mail = graph.sentMail.find((m) => m.content.includes(id) && LINK.test(m.content));
    const secret = mail ? LINK.exec(mail.content)?.[1] : undefined;
    result.checked++;
    if (!secret) {
      result.violations.push(`${id}: its recovered notice carries no link`);
      continue;
    }
    const duplicates = 2 + rng.int(0, 3);
    const alertsBefore = graph.sentMail.filter((m) =>
      m.subject.startsWith("Account recovery repudiated"),
    ).length;
    const [answers, forged, start] = await Promise.all([
      Promise.all(Array.from({ length: duplicates }, () => confirm(secret))),
      confirm(randomBytes(32).toString("base64url")),
      env.request("POST", "/api/recovery", { body: { username: row.username, country: "nl" } }),
    ]);
    log(`repudiation of ${id}: ${duplicates} confirmations answered ${answers.join(",")}; forged ${forged}`);
    if (answers.some((a) => a !== 200))
      result.violations.push(`${id}: confirmations answered ${answers.join(",")}`);
    if (forged !== 404) result.violations.push(`${id}: a forged link answered ${forged}`);
    const left = graph
      .methods(userId)
      .map((m) => String(m["@odata.type"]))
      .filter((t) => t !== PASSWORD);
    if (left.length > 0) result.violations.push(`${id}: methods left after repudiation: ${left.join(", ")}`);
    if (graph.temporaryAccessPasses(userId).some((p) => p.active))
      result.violations.push(`${id}: a TAP is still active after repudiation`);
    const blocks = await env.rows<{ partitionKey: string; state: string }>("RecoveryBlocks");
    if (blocks.find((b) => b.partitionKey === userId)?.state !== "blocked")
      result.violations.push(`${id}: the account is not blocked`);
    const audit = await env.auditEntries<{ partitionKey: string; event: string }>();
    const marks = audit.filter((a) => a.partitionKey === id && a.event === "recovery_repudiated").length;
    if (marks !== 1) result.violations.push(`${id}: marked repudiated ${marks} times`);
    const alerts =
      graph.sentMail.filter((m) => m.subject.startsWith("Account recovery repudiated")).length - alertsBefore;
    if (alerts < 1) result.violations.push(`${id}: the admin address was not alerted`);
    // The racing start: whatever it got, it must never end recovered.
    const startedId = (start.body as { recoveryId?: string } | undefined)?.recoveryId;
    if (startedId) {
      const deadline = Date.now() + 30_000;
      let status = "";
      while (Date.now() < deadline) {
        const record = (await env.records<Row>()).find((r) => r.partitionKey === startedId);
        status = record?.status ?? "";
        if (status && status !== "pending") break;
        await sleep(200);
      }
      if (status === "recovered") result.violations.push(`${id}: the racing start ${startedId} recovered`);
    }
  }
  return result;
}
