/**
 * The fault campaign: many recoveries driven concurrently through the simulators while faults
 * are injected at random — Graph 429 with Retry-After, 503, answers slower than the client's
 * timeout, connections dropped before or after the write; Request Service errors; webhooks
 * and callbacks duplicated, replayed out of order, delivered after the deadline or while the
 * host is down; the host killed (SIGKILL) and restarted; Azurite restarted on its data.
 * Malformed client requests are mixed in, and start-then-cancel races on users of their own
 * (cancel at once, after a read, once verifying; a second start superseding the first).
 * Some users are verified through a helpdesk link instead (issue 21): the agent's link opened
 * by the caller, sometimes after a forged link and sometimes a second time.
 * Afterwards the invariants are checked from the stores and the simulators' logs, not from
 * what the app says about itself.
 *
 * Everything random comes from one seed, printed first; the same seed gives the same plan
 * and fault sequence (the interleaving of concurrent processes still varies).
 */
import { isTerminal, type RecoveryStatus, TERMINAL_STATUSES } from "../../src/recovery/status";
import { DEMO_ISSUER_DID, DEMO_PROVIDER } from "../stack";
import { ODD_IDS } from "../support/oddIds";
import { Environment, type HttpAnswer, sleep } from "./environment";
import { Rng } from "./random";
import { repudiationPhase } from "./repudiation";
import {
  driveReturnCase,
  judgeReturnCases,
  planReturnCases,
  type ReturnCaseVerdict,
  returnCaseUsersNeeded,
} from "./returnCases";
import { type CampaignUser, campaignPolicy, campaignTenant, campaignUsers, UNLIMITED_STARTS } from "./tenant";

export type Plan =
  | "recover"
  | "evaluate"
  | "decline_idv"
  | "fail_face_check"
  | "cancel"
  | "abandon_idv"
  | "abandon_presentation"
  | "verify";

const PLAN_WEIGHTS: Record<Exclude<Plan, "evaluate">, number> = {
  recover: 45,
  decline_idv: 10,
  fail_face_check: 10,
  cancel: 12,
  abandon_idv: 12,
  abandon_presentation: 11,
  verify: 8,
};

/** The end each plan should reach when nothing gets in the way. */
const EXPECTED: Record<Plan, { status: string; code?: string }> = {
  recover: { status: "recovered" },
  evaluate: { status: "evaluation_passed" },
  decline_idv: { status: "failed", code: "idv_declined" },
  fail_face_check: { status: "failed", code: "face_check_failed" },
  cancel: { status: "cancelled" },
  abandon_idv: { status: "expired", code: "idv_timeout" },
  abandon_presentation: { status: "expired", code: "presentation_timeout" },
  verify: { status: "verified" },
};

export type FaultKind =
  | "graph_429_retry_after"
  | "graph_503"
  | "graph_slow_beyond_timeout"
  | "graph_connection_dropped"
  | "graph_answer_lost_after_write"
  | "request_service_error"
  | "webhook_duplicated"
  | "webhook_replayed_out_of_order"
  | "callback_duplicated"
  | "delivered_after_deadline"
  | "delivered_while_host_down"
  | "host_killed"
  | "azurite_restarted"
  | "malformed_request"
  | "start_cancel_race"
  | "return_forged"
  | "return_duplicated"
  | "verification_link_forged"
  | "verification_link_reused";

const FAULT_WEIGHTS: Record<
  Exclude<
    FaultKind,
    | "delivered_after_deadline"
    | "delivered_while_host_down"
    | "malformed_request"
    | "start_cancel_race"
    | "return_forged"
    | "return_duplicated"
    | "verification_link_forged"
    | "verification_link_reused"
  >,
  number
> = {
  graph_429_retry_after: 5,
  graph_503: 3,
  graph_slow_beyond_timeout: 2,
  graph_connection_dropped: 2,
  graph_answer_lost_after_write: 2,
  request_service_error: 2,
  webhook_duplicated: 3,
  webhook_replayed_out_of_order: 2,
  callback_duplicated: 2,
  host_killed: 1,
  azurite_restarted: 0.5,
};

/** Graph calls the app makes; a fault rule targets the next request matching one of them. */
const GRAPH_TARGETS: { method?: string; path: string; write?: boolean }[] = [
  { method: "POST", path: "/$batch" },
  { method: "GET", path: "/users" },
  { method: "POST", path: "/checkMemberGroups" },
  { method: "GET", path: "/authentication/methods" },
  { method: "DELETE", path: "Methods/", write: true },
  { method: "POST", path: "/temporaryAccessPassMethods", write: true },
  { method: "POST", path: "/revokeSignInSessions", write: true },
  { method: "POST", path: "/sendMail", write: true },
];

export interface CampaignOptions {
  seed: number;
  recoveries: number;
  /** Recoveries in flight at once (default 16). */
  concurrency?: number;
  /** At most this many host kills / Azurite restarts (defaults scale with the run). */
  maxHostKills?: number;
  maxAzuriteRestarts?: number;
  /** Random faults (besides outages and probes) in all; default twice the recoveries. */
  faultBudget?: number;
  /** Pause between two injected faults, drawn from [min, max] ms (default [500, 2000]). */
  faultIntervalMs?: [number, number];
  log?: (line: string) => void;
  echoHost?: boolean;
  /** Rounds of the return-only cases (dev/chaos/returnCases.ts), each case once a round; default 1. */
  returnEpisodes?: number;
}

export interface InvariantResult {
  name: string;
  checked: number;
  violations: string[];
}

export interface CampaignReport {
  seed: number;
  recoveries: number;
  durationMs: number;
  outcomes: Record<string, number>;
  /** Recoveries that ended other than their plan (not a violation by itself), with why. */
  offPlan: string[];
  faults: Record<FaultKind, number>;
  invariants: InvariantResult[];
  /** The return-only cases (issue 17), each with its outcome. */
  returnCases: ReturnCaseVerdict[];
  ok: boolean;
}

interface Driven {
  index: number;
  plan: Plan;
  user: CampaignUser;
  recoveryId?: string;
  token?: string;
  /** Every status read, in order. */
  seen: string[];
  /** When the harness first saw a terminal status (ms). */
  endedAt?: number;
  requestId?: string;
  idvNext?: { url: string };
  tap?: string;
  note?: string;
  startAttempts?: number;
}

/** Any status string the API answered, against the contract's terminal statuses. */
const TERMINAL: ReadonlySet<string> = TERMINAL_STATUSES;
/** Users reserved for the start-then-cancel races. */
const RACE_USERS = 3;

export async function runCampaign(options: CampaignOptions): Promise<CampaignReport> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const rng = new Rng(options.seed);
  const planRng = rng.fork("plan");
  const faultRng = rng.fork("faults");
  const driverRng = rng.fork("drivers");
  const probeRng = rng.fork("probes");

  const users = campaignUsers(options.recoveries, 0.15);
  // Users only the start-then-cancel races touch (the plans' users keep their own outcomes).
  const raceUsers = campaignUsers(options.recoveries + RACE_USERS, 0)
    .slice(options.recoveries)
    .map((u) => ({ ...u, evaluation: false }));
  const raceRng = rng.fork("races");
  // Users of the return-only cases (a provider without webhooks), one per case and round.
  const returnEpisodes = options.returnEpisodes ?? 1;
  const returnUsers = campaignUsers(
    options.recoveries + RACE_USERS + returnCaseUsersNeeded(returnEpisodes),
    0,
  ).slice(options.recoveries + RACE_USERS);
  const returnRuns = planReturnCases(returnUsers, returnEpisodes);
  const driven: Driven[] = users.map((user, index) => ({
    index,
    user,
    plan: user.evaluation ? "evaluate" : planRng.weighted(PLAN_WEIGHTS),
    seen: [],
  }));
  // Every campaign verifies at least one caller through a helpdesk link.
  const firstRecover = driven.find((d) => d.plan === "recover");
  if (firstRecover && !driven.some((d) => d.plan === "verify")) firstRecover.plan = "verify";
  const faults = Object.fromEntries(
    [
      ...Object.keys(FAULT_WEIGHTS),
      "delivered_after_deadline",
      "delivered_while_host_down",
      "malformed_request",
      "start_cancel_race",
      "return_forged",
      "return_duplicated",
      "verification_link_forged",
      "verification_link_reused",
    ].map((k) => [k, 0]),
  ) as Record<FaultKind, number>;
  const maxHostKills = options.maxHostKills ?? Math.max(1, Math.ceil(options.recoveries / 20));
  // Faults per recovery, not per second: a slow run (a busy machine) must not draw ever more
  // faults, each of which slows it further.
  const faultBudget = options.faultBudget ?? options.recoveries * 2;
  let faultsSpent = 0;
  const maxAzuriteRestarts = options.maxAzuriteRestarts ?? Math.max(1, Math.ceil(options.recoveries / 40));

  const env = await Environment.start({
    tenant: campaignTenant([...users, ...raceUsers, ...returnUsers]),
    policy: campaignPolicy(),
    settings: {
      ...UNLIMITED_STARTS,
      // Short enough that a slow Graph answer is abandoned within the run.
      GRAPH_TIMEOUT_SECONDS: "1",
    },
    // Like a provider that keeps trying for a while: covers a host restart.
    idvRetryDelaysMs: [500, 1500, 3000, 6000],
    // The named providers as Microsoft integrates them: no webhook (the return-only cases).
    namedProviderWebhooks: false,
    ...(options.echoHost ? { echoHost: true } : {}),
  });
  log(`environment up: host ${env.url}, tables ${env.tablePrefix}*, task hub ${env.taskHub}`);

  /** Infrastructure faults (host or Azurite down) and bad-input probes never overlap. */
  let infraDown = 0;
  let infraEpoch = 0;
  const badInput: string[] = [];
  const lateDeliveries: string[] = [];

  const idv = env.sims.idv;
  const vid = env.sims.verifiedId;

  // --- the user's side of each recovery ------------------------------------------------
  const readState = async (d: Driven): Promise<Record<string, unknown> | undefined> => {
    const res = await env.request("GET", `/api/recovery/${d.recoveryId}`, { token: d.token! });
    if (res.status !== 200) return undefined;
    const body = res.body as Record<string, unknown>;
    const status = String(body.status);
    if (d.seen[d.seen.length - 1] !== status) d.seen.push(status);
    if (TERMINAL.has(status) && d.endedAt === undefined) d.endedAt = Date.now();
    const tap = body.tap as { value?: string } | undefined;
    if (tap?.value) d.tap = tap.value;
    return body;
  };

  const waitFor = async (
    d: Driven,
    statuses: readonly string[],
    timeoutMs = 120_000,
  ): Promise<Record<string, unknown> | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const state = await readState(d);
      if (state && (statuses.includes(String(state.status)) || TERMINAL.has(String(state.status))))
        return state;
      await sleep(150);
    }
    return undefined;
  };

  /** Repeats an exchange until it gets an answer below 500 (the host or Azurite may be down). */
  const persist = async (exchange: () => Promise<HttpAnswer>, timeoutMs = 180_000): Promise<HttpAnswer> => {
    const deadline = Date.now() + timeoutMs;
    let last: HttpAnswer = { status: null, body: undefined };
    while (Date.now() < deadline) {
      last = await exchange();
      if (last.status !== null && last.status < 500) return last;
      await sleep(300);
    }
    return last;
  };

  const completeIdv = async (d: Driven, decision: "approved" | "declined"): Promise<void> => {
    const next = d.idvNext!;
    const origin = new URL(next.url).origin;
    const token = new URL(next.url).searchParams.get("token");
    const answer = await persist(async () => {
      // The page checks the hand-off token against our JWKS: it needs the host up.
      const page = await fetch(next.url).catch(() => undefined);
      if (page?.status !== 200) return { status: page?.status === 409 ? 409 : null, body: undefined };
      const res = await fetch(`${origin}/verify/complete`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ token, decision, firstName: d.user.givenName, lastName: d.user.surname }),
      }).catch(() => undefined);
      return {
        status: res ? res.status : null,
        body: res ? await res.json().catch(() => undefined) : undefined,
      };
    });
    const done = answer.body as { webhookStatus?: number | null; redirectUrl?: string } | undefined;
    const webhookStatus = done?.webhookStatus;
    if (answer.status === 200 && (webhookStatus === null || (webhookStatus ?? 0) >= 500)) {
      faults.delivered_while_host_down++;
    }
    // The browser comes back to the hand-off's redirectUrl (issue 17: the demo provider runs
    // `either`, so the return races the webhook). Sometimes a forged return comes first (another
    // value), sometimes the real one twice; while the host is down the browser retries.
    const back = done?.redirectUrl;
    if (answer.status !== 200 || !back) return;
    const rng = driverRng.fork(`return-${d.index}`);
    if (rng.chance(0.2)) {
      const forged = new URL(back);
      forged.searchParams.set("returnValue", "A".repeat(43));
      faults.return_forged++;
      await persist(() => env.request("GET", `${forged.pathname}${forged.search}`));
    }
    const path = `${new URL(back).pathname}${new URL(back).search}`;
    await persist(() => env.request("GET", path));
    if (rng.chance(0.2)) {
      faults.return_duplicated++;
      await persist(() => env.request("GET", path));
    }
  };

  const present = async (d: Driven, score: number): Promise<void> => {
    const record = await vid
      .present(d.requestId!, {
        firstName: d.user.givenName,
        lastName: d.user.surname,
        issuer: DEMO_ISSUER_DID,
        faceCheckScore: score,
      })
      .catch(() => undefined);
    if (!record) return;
    // The service retries a callback it could not deliver (our host down or Azurite away).
    let attempt = 0;
    let last = record;
    if (last.status === null || last.status >= 500) faults.delivered_while_host_down++;
    while ((last.status === null || last.status >= 500) && attempt++ < 40) {
      await sleep(500);
      last = await vid.redeliverCallback(vid.callbacks.indexOf(record));
    }
  };

  /**
   * A helpdesk agent's link for the user, opened by the caller (issue 21): sometimes a forged
   * code first, sometimes the real one a second time — each must be a 404 that starts nothing.
   */
  const openVerificationLink = async (d: Driven, myRng: Rng): Promise<HttpAnswer> => {
    const token = await env.sims.entra.mint({ roles: ["Recovery.Helpdesk"] });
    const created = await persist(() =>
      env.request("POST", "/api/admin/verifications", {
        token,
        body: { username: d.user.userPrincipalName, reason: `chaos campaign #${d.index}` },
      }),
    );
    const link = (created.body as { link?: string } | undefined)?.link;
    if (created.status !== 201 || !link) return created;
    const code = new URL(link).hash.slice("#verification=".length);
    const probe = async (fault: "verification_link_forged" | "verification_link_reused", sent: string) => {
      faults[fault]++;
      const answer = await persist(() => env.request("POST", "/api/verification", { body: { code: sent } }));
      if (answer.status !== 404)
        badInput.push(
          `${fault} #${d.index} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`,
        );
    };
    if (myRng.chance(0.3)) await probe("verification_link_forged", `${code.split(".")[0]}.${"A".repeat(43)}`);
    const opened = await persist(() =>
      env.request("POST", "/api/verification", { body: { code, country: "nl" } }),
    );
    if (opened.status === 202 && myRng.chance(0.3)) await probe("verification_link_reused", code);
    return opened;
  };

  const drive = async (d: Driven): Promise<void> => {
    const myRng = driverRng.fork(String(d.index));
    let startAttempts = 0;
    const started = await persist(() => {
      startAttempts++;
      if (d.plan === "verify") return openVerificationLink(d, myRng);
      return env.request("POST", "/api/recovery", {
        body: { username: d.user.userPrincipalName, country: "nl" },
      });
    });
    d.startAttempts = startAttempts;
    if (started.status !== 202) {
      d.note = `start answered ${started.status} ${JSON.stringify(started.body)}`;
      return;
    }
    const body = started.body as { recoveryId: string; recoveryToken: string };
    d.recoveryId = body.recoveryId;
    d.token = body.recoveryToken;

    const verifying = await waitFor(d, ["verifying_identity"]);
    if (verifying?.status !== "verifying_identity") return;
    d.idvNext = verifying.next as { url: string };
    if (d.plan === "abandon_idv") return;
    if (d.plan === "cancel" && myRng.chance(0.5)) {
      await persist(() => env.request("POST", `/api/recovery/${d.recoveryId}/cancel`, { token: d.token! }));
      await waitFor(d, []);
      return;
    }
    await sleep(myRng.int(0, 400));
    await completeIdv(d, d.plan === "decline_idv" ? "declined" : "approved");
    if (d.plan === "decline_idv") {
      await waitFor(d, []);
      return;
    }

    const awaiting = await waitFor(d, ["awaiting_presentation"]);
    if (awaiting?.status !== "awaiting_presentation") return;
    const url = (awaiting.next as { url: string }).url;
    d.requestId = new URL(url).searchParams.get("request_uri")?.split("/").pop();
    if (d.plan === "abandon_presentation") return;
    if (d.plan === "cancel") {
      await persist(() => env.request("POST", `/api/recovery/${d.recoveryId}/cancel`, { token: d.token! }));
      await waitFor(d, []);
      return;
    }
    await sleep(myRng.int(0, 400));
    if (myRng.chance(0.5)) await vid.scan(d.requestId!).catch(() => undefined);
    await present(d, d.plan === "fail_face_check" ? 40 : 91);
    await waitFor(d, []);
  };

  // --- the faults ---------------------------------------------------------------------------
  let running = true;
  let nextIndex = 0;
  let hostKills = 0;
  /** Outages back to back would only add up (the storage SDK's own retries run for ~30 s). */
  const INFRA_SPACING_MS = 10_000;
  let lastInfraFault = 0;
  let azuriteRestarts = 0;
  // One outage at a time: the return-only cases kill the host too, beside the fault loop.
  let infraChain: Promise<void> = Promise.resolve();
  const oneAtATime = (outage: () => Promise<void>) => {
    const run = infraChain.then(outage);
    infraChain = run.catch(() => undefined);
    return run;
  };
  const killHost = (onDown?: () => void) => oneAtATime(() => killHostNow(onDown));
  const restartAzurite = () => oneAtATime(restartAzuriteNow);
  async function killHostNow(onDown?: () => void) {
    hostKills++;
    infraDown++;
    infraEpoch++;
    log(`fault: host killed (SIGKILL) #${hostKills}`);
    await env.killAndRestartHost(faultRng.int(0, 1500), onDown);
    infraDown--;
    lastInfraFault = Date.now();
  }
  async function restartAzuriteNow() {
    azuriteRestarts++;
    infraDown++;
    infraEpoch++;
    log(`fault: Azurite restarted #${azuriteRestarts}`);
    await env.restartAzurite(faultRng.int(0, 1000));
    infraDown--;
    lastInfraFault = Date.now();
  }
  const injectFaults = async () => {
    while (running) {
      await sleep(faultRng.int(...(options.faultIntervalMs ?? [500, 2000])));
      if (!running) break;
      // Every run kills the host once a quarter of the recoveries have reached identity
      // verification, and restarts Azurite at half; more of both come at random.
      const progress =
        driven.filter((d) => d.idvNext !== undefined || d.note !== undefined).length / driven.length;
      if (faultsSpent >= faultBudget && hostKills > 0 && azuriteRestarts > 0) continue;
      faultsSpent++;
      const kind =
        hostKills === 0 && progress >= 1 / 4
          ? "host_killed"
          : azuriteRestarts === 0 && progress >= 1 / 2
            ? "azurite_restarted"
            : faultRng.weighted(FAULT_WEIGHTS);
      const target = faultRng.pick(GRAPH_TARGETS);
      switch (kind) {
        case "graph_429_retry_after":
          env.sims.graph.throttle({
            ...target,
            times: faultRng.int(1, 3),
            retryAfterSeconds: faultRng.pick([0, 0.5, 1, 2]),
          });
          break;
        case "graph_503":
          env.sims.graph.failNext({
            ...target,
            times: faultRng.int(1, 2),
            status: 503,
            code: "serviceNotAvailable",
            ...(faultRng.chance(0.5) ? { retryAfterSeconds: 1 } : {}),
          });
          break;
        case "graph_slow_beyond_timeout":
          env.sims.graph.networkFault({
            ...target,
            times: 1,
            kind: "slow",
            delayMs: faultRng.int(1500, 3000),
          });
          break;
        case "graph_connection_dropped":
          env.sims.graph.networkFault({
            ...target,
            times: 1,
            kind: "drop",
            afterWrite: faultRng.chance(0.5),
          });
          break;
        case "graph_answer_lost_after_write": {
          const write = faultRng.pick(GRAPH_TARGETS.filter((t) => t.write));
          env.sims.graph.failNext({
            ...write,
            times: 1,
            status: 504,
            code: "GatewayTimeout",
            afterWrite: true,
          });
          break;
        }
        case "request_service_error": {
          const status = faultRng.pick([429, 500, 503]);
          vid.failNext({
            status,
            code: status === 429 ? "tooManyRequests" : "internalServerError",
            innerCode: "transientError",
            ...(status === 429 ? { retryAfterSeconds: 1 } : {}),
          });
          break;
        }
        case "webhook_duplicated": {
          const n = idv.deliveries.length;
          if (n === 0) continue;
          void idv.redeliver(n - 1).catch(() => undefined);
          break;
        }
        case "webhook_replayed_out_of_order": {
          const n = idv.deliveries.length;
          if (n < 2) continue;
          void idv.redeliver(faultRng.int(0, n - 2)).catch(() => undefined);
          break;
        }
        case "callback_duplicated": {
          const n = vid.callbacks.length;
          if (n === 0) continue;
          void vid.redeliverCallback(faultRng.int(0, n - 1)).catch(() => undefined);
          break;
        }
        case "host_killed":
          if (hostKills >= maxHostKills || (hostKills > 0 && Date.now() < lastInfraFault + INFRA_SPACING_MS))
            continue;
          await killHost();
          break;
        case "azurite_restarted":
          if (
            azuriteRestarts >= maxAzuriteRestarts ||
            (azuriteRestarts > 0 && Date.now() < lastInfraFault + INFRA_SPACING_MS)
          )
            continue;
          await restartAzurite();
          break;
      }
      faults[kind]++;
    }
  };

  // --- malformed client requests ------------------------------------------------------------
  const probe = async () => {
    const someId = () =>
      driven.find((d) => d.recoveryId)?.recoveryId ?? "00000000-0000-4000-8000-000000000000";
    const probes: (() => Promise<HttpAnswer>)[] = [
      () =>
        env.request("POST", "/api/recovery", {
          rawBody: "{not json",
          headers: { "content-type": "application/json" },
        }),
      () => env.request("POST", "/api/recovery", { body: { username: 42 } }),
      () => env.request("POST", "/api/recovery", { body: { username: "x".repeat(5000) } }),
      () =>
        env.request("POST", "/api/recovery", {
          rawBody: "username=a",
          headers: { "content-type": "text/plain" },
        }),
      () => env.request("GET", `/api/recovery/${someId()}`, { token: "not-the-token" }),
      () => env.request("GET", `/api/recovery/${someId()}`),
      () => env.request("GET", "/api/recovery/..%2F..%2Fetc", { token: "x" }),
      () => env.request("POST", `/api/recovery/${someId()}/cancel`, { token: "AAAA" }),
      () =>
        env.request("POST", `/api/idv/${DEMO_PROVIDER}/webhook`, {
          rawBody: "{}",
          headers: { "content-type": "application/json" },
        }),
      () =>
        env.request("POST", "/api/idv/no-such-provider/webhook", {
          body: { type: "verification.completed" },
        }),
      () =>
        idv
          .sendWebhook({
            result: { sessionId: "forged-session", status: "approved" },
            secret: "whsec_Zm9yZ2VkLXNlY3JldA==",
          })
          .then((d) => ({ status: d.status, body: d.error })),
      () =>
        env.request("POST", "/api/verified-id/callback", {
          body: { requestId: "x", requestStatus: "presentation_verified", state: "nope" },
          headers: { "api-key": "wrong" },
        }),
      () =>
        env.request("POST", "/api/verified-id/callback", {
          rawBody: "[]",
          headers: { "content-type": "application/json", "api-key": "k" },
        }),
      () => env.request("GET", `/api/idv/${DEMO_PROVIDER}/return?recoveryId=%00`),
      // Callback and route ids of every odd shape (slash, backslash, hash, question mark,
      // control characters, NEL, U+2028, very long, empty, unicode): 4xx at once, never a 5xx.
      () => {
        const [, odd] = ODD_IDS[probeRng.int(0, ODD_IDS.length - 1)]!;
        return env.request("POST", "/api/verified-id/callback", {
          body: {
            requestId: "7f1c2b9e-0000-4000-8000-000000000001",
            requestStatus: "presentation_verified",
            state: odd,
          },
          headers: { "api-key": "wrong" },
        });
      },
      () => {
        const [, odd] = ODD_IDS[probeRng.int(0, ODD_IDS.length - 1)]!;
        return env.request("POST", "/api/verified-id/callback", {
          body: {
            requestId: odd,
            requestStatus: "request_retrieved",
            state: "AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde",
          },
          headers: { "api-key": "wrong" },
        });
      },
      () => {
        const [, odd] = ODD_IDS[probeRng.int(0, ODD_IDS.length - 1)]!;
        return env.request("GET", `/api/recovery/${encodeURIComponent(odd)}`, { token: "x" });
      },
      () => {
        const [, odd] = ODD_IDS[probeRng.int(0, ODD_IDS.length - 1)]!;
        return env.request("GET", `/api/idv/${DEMO_PROVIDER}/return?recoveryId=${encodeURIComponent(odd)}`);
      },
    ];
    while (running) {
      await sleep(probeRng.int(100, 600));
      if (!running || infraDown > 0) continue;
      const epoch = infraEpoch;
      const i = probeRng.int(0, probes.length - 1);
      const answer = await probes[i]!();
      // An infrastructure fault that started meanwhile may explain a 5xx: not bad input's fault.
      if (infraDown > 0 || epoch !== infraEpoch) continue;
      faults.malformed_request++;
      if (answer.status !== null && answer.status >= 500) {
        badInput.push(`probe #${i} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
      }
    }
  };

  // --- start-then-cancel races (issue 23): no lock may outlive its recovery ------------------
  const raceIds: string[] = [];
  const raceStart = async (
    user: CampaignUser,
  ): Promise<{ recoveryId: string; token: string } | undefined> => {
    const answer = await persist(() =>
      env.request("POST", "/api/recovery", { body: { username: user.userPrincipalName, country: "nl" } }),
    );
    if (answer.status !== 202) return undefined;
    const body = answer.body as { recoveryId: string; recoveryToken: string };
    raceIds.push(body.recoveryId);
    return { recoveryId: body.recoveryId, token: body.recoveryToken };
  };
  const raceCancel = (r: { recoveryId: string; token: string }) =>
    persist(() => env.request("POST", `/api/recovery/${r.recoveryId}/cancel`, { token: r.token }));
  const raceRead = async (r: { recoveryId: string; token: string }) =>
    String(
      (
        (await env.request("GET", `/api/recovery/${r.recoveryId}`, { token: r.token })).body as
          | { status?: string }
          | undefined
      )?.status,
    );
  const raceUntil = async (r: { recoveryId: string; token: string }, wanted: string) => {
    const deadline = Date.now() + 30_000;
    for (let status = await raceRead(r); Date.now() < deadline; status = await raceRead(r)) {
      if (status === wanted || TERMINAL.has(status)) return status;
      await sleep(150);
    }
    return "timeout";
  };
  const races = async (loop: number) => {
    const myRng = raceRng.fork(String(loop));
    while (running) {
      await sleep(myRng.int(200, 800));
      if (!running) break;
      const user = raceUsers[myRng.int(0, raceUsers.length - 1)]!;
      const variant = myRng.int(0, 4);
      const first = await raceStart(user);
      if (!first) continue;
      faults.start_cancel_race++;
      if (variant === 1) await raceRead(first);
      if (variant === 2) await raceUntil(first, "verifying_identity");
      if (variant <= 2) {
        await raceCancel(first);
        continue;
      }
      // A second start for the same user: right away (3) or once the first waits at the provider (4).
      if (variant === 4) await raceUntil(first, "verifying_identity");
      const second = await raceStart(user);
      if (second && myRng.chance(0.5)) await raceUntil(second, "verifying_identity");
      await raceCancel(first);
      if (second) await raceCancel(second);
    }
  };

  // --- run ----------------------------------------------------------------------------------
  const faultLoop = injectFaults();
  const probeLoop = probe();
  const raceLoops = Promise.all([races(0), races(1)]);
  const returnCtx = {
    env,
    persist,
    killHost: async (onDown?: () => void) => {
      await killHost(onDown);
      faults.host_killed++;
    },
    sleep,
    rng: rng.fork("returns"),
  };
  const returnLoop = Promise.all(
    returnRuns.map((run) =>
      driveReturnCase(returnCtx, run)
        .catch((err: unknown) => {
          run.note = `driver error: ${err instanceof Error ? err.message : String(err)}`;
        })
        .then(() =>
          log(`return case ${run.name} driven after ${((Date.now() - began) / 1000).toFixed(1)} s`),
        ),
    ),
  );
  const concurrency = options.concurrency ?? 16;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, driven.length) }, async () => {
      while (nextIndex < driven.length) {
        const d = driven[nextIndex++]!;
        await drive(d).catch((err: unknown) => {
          d.note = `driver error: ${err instanceof Error ? err.message : String(err)}`;
        });
      }
    }),
  );
  await returnLoop;
  running = false;
  await Promise.all([faultLoop, probeLoop, raceLoops]);
  // A quick run may end before its share of outages: they hit the wind-down instead, while
  // abandoned recoveries still wait and finished ones send their notices.
  if (hostKills === 0) {
    await killHost();
    faults.host_killed++;
  }
  if (azuriteRestarts === 0) {
    await restartAzurite();
    faults.azurite_restarted++;
  }
  log(`all drivers done after ${((Date.now() - began) / 1000).toFixed(1)} s; passing the deadlines`);

  // --- wind-down: deadlines pass, late deliveries arrive ------------------------------------
  const allEnded = async () => {
    const rows = await env.records<{ partitionKey: string; status: string }>();
    return rows.every((r) => isTerminal(r.status as RecoveryStatus));
  };
  for (let round = 0; round < 6 && !(await allEnded().catch(() => false)); round++) {
    await env.advanceClock(45 * 60_000);
    await sleep(2_000);
  }
  for (const d of driven) if (d.recoveryId && !d.endedAt) await waitFor(d, [], 20_000);

  for (const d of driven) {
    if (d.plan === "abandon_idv" && d.idvNext && d.seen.at(-1) === "expired") {
      const before = idv.deliveries.length;
      await completeIdv(d, "approved");
      faults.delivered_after_deadline++;
      for (const delivery of idv.deliveries.slice(before)) {
        if (delivery.status !== null && delivery.status >= 500)
          lateDeliveries.push(`late webhook for ${d.recoveryId} answered ${delivery.status}`);
      }
    }
    if (d.plan === "abandon_presentation" && d.requestId && d.seen.at(-1) === "expired") {
      const record = await vid
        .present(d.requestId, {
          firstName: d.user.givenName,
          lastName: d.user.surname,
          issuer: DEMO_ISSUER_DID,
        })
        .catch(() => undefined);
      if (record) {
        faults.delivered_after_deadline++;
        if (record.status !== null && record.status >= 500)
          lateDeliveries.push(`late callback for ${d.recoveryId} answered ${record.status}`);
      }
    }
  }
  for (const run of returnRuns) {
    if (!run.late) continue;
    await run.late().catch((err: unknown) => {
      run.note = `late return: ${err instanceof Error ? err.message : String(err)}`;
    });
    faults.delivered_after_deadline++;
  }
  await idv.settled();
  await sleep(1_000);
  for (const d of driven) if (d.recoveryId) await readState(d);

  // Workflows close after their record (notices go out last).
  const rows = await env.records<RecoveryRow>();
  const workflowDeadline = Date.now() + 60_000;
  for (const r of rows) {
    if (!isTerminal(r.status as RecoveryStatus) || r.status === "cancelled") continue;
    while (Date.now() < workflowDeadline && (await env.workflowStatus(r.partitionKey)) === 202)
      await sleep(200);
  }

  log(`wind-down done after ${((Date.now() - began) / 1000).toFixed(1)} s; checking the invariants`);
  const workflows = new Map<string, number | null>();
  for (const r of rows)
    if (r.status === "pending") workflows.set(r.partitionKey, await env.workflowStatus(r.partitionKey));
  // Housekeeping runs every five minutes in a deployment: once here, before the locks are checked.
  await env.runTimer("housekeeping");
  const invariants = await checkInvariants(env, driven, rows, {
    badInput,
    lateDeliveries,
    answersChecked: faults.malformed_request + faults.delivered_after_deadline,
    workflows,
    raceIds,
    log,
  });
  // Last: every race user can start again (reaches the provider), and that start is cancelled.
  const notLockedOut: InvariantResult = { name: "race users can start again", checked: 0, violations: [] };
  for (const user of raceUsers) {
    const control = await raceStart(user);
    notLockedOut.checked++;
    const status = control ? await raceUntil(control, "verifying_identity") : "start refused";
    if (status !== "verifying_identity") notLockedOut.violations.push(`${user.userPrincipalName}: ${status}`);
    if (control) await raceCancel(control);
  }
  invariants.push(notLockedOut);
  // Then (it undoes recoveries the invariants above checked): repudiation under duplicates and a racing start.
  invariants.push(await repudiationPhase(env, rows, rng.fork("repudiation"), log));
  const audit = await env.auditEntries<{ partitionKey: string; event: string; code?: string }>();
  const eligibility = (id: string | undefined) =>
    audit.find((a) => a.partitionKey === id && a.event === "eligibility_checked")?.code;
  const outcomes: Record<string, number> = {};
  const offPlan: string[] = [];
  for (const d of driven) {
    const row = rows.find((r) => r.partitionKey === d.recoveryId);
    const status = row?.status ?? "never_started";
    outcomes[status] = (outcomes[status] ?? 0) + 1;
    const expected = EXPECTED[d.plan];
    const code = failureCode(row);
    if (status !== expected.status || (expected.code !== undefined && code !== expected.code)) {
      const why = status === "not_eligible" ? `, eligibility: ${eligibility(d.recoveryId)}` : "";
      const attempts = (d.startAttempts ?? 0) > 1 ? `, ${d.startAttempts} start attempts` : "";
      offPlan.push(
        `#${d.index} ${d.plan} → ${status}${code ? ` (${code})` : ""}${why}${attempts}${d.note ? `: ${d.note}` : ""}`,
      );
    }
  }
  const returnCases = judgeReturnCases(returnRuns, rows, audit);
  invariants.push({
    name: "return-only cases end as scripted",
    checked: returnCases.length,
    violations: returnCases.filter((c) => !c.ok).map((c) => `${c.name} ${c.recoveryId}: ${c.why.join("; ")}`),
  });
  faults.return_forged += returnRuns.reduce((n, r) => n + r.refusedReturns, 0);
  faults.delivered_while_host_down += returnRuns.reduce((n, r) => n + r.whileDown, 0);
  await env.stop();
  return {
    seed: options.seed,
    recoveries: options.recoveries,
    durationMs: Date.now() - began,
    outcomes,
    offPlan,
    faults,
    invariants,
    returnCases,
    ok: invariants.every((i) => i.violations.length === 0),
  };
}

interface RecoveryRow {
  partitionKey: string;
  status: string;
  userId?: string;
  mode?: string;
  failure?: unknown;
}

function failureCode(row: RecoveryRow | undefined): string | undefined {
  const failure = row?.failure;
  if (failure === undefined || failure === null) return undefined;
  const parsed =
    typeof failure === "string" ? (JSON.parse(failure) as { code?: string }) : (failure as { code?: string });
  return parsed.code;
}

async function checkInvariants(
  env: Environment,
  driven: readonly Driven[],
  rows: readonly RecoveryRow[],
  extra: {
    badInput: string[];
    /** Malformed requests and late deliveries whose answers were checked. */
    answersChecked: number;
    lateDeliveries: string[];
    /** Durable status of each record still pending. */
    workflows: ReadonlyMap<string, number | null>;
    /** Recoveries the start-then-cancel races started (their clients got a 202). */
    raceIds: readonly string[];
    log: (line: string) => void;
  },
): Promise<InvariantResult[]> {
  const graph = env.sims.graph;
  const byId = new Map(rows.map((r) => [r.partitionKey, r]));

  // 1. Every recovery reaches exactly one terminal status, and stays there.
  const terminal: InvariantResult = { name: "exactly one terminal status, kept", checked: 0, violations: [] };
  const audit = await env.auditEntries<{ partitionKey: string; event: string }>();
  const acknowledged = new Set([
    ...driven.map((d) => d.recoveryId).filter((id) => id !== undefined),
    ...extra.raceIds,
  ]);
  for (const r of rows) {
    terminal.checked++;
    // A start whose client got no 202 (the host died between the record and the workflow):
    // housekeeping fails it once its discovery window has passed (real time, not the host's
    // clock), so here it may still be pending — but only without a workflow, and never for a
    // recovery the client was told about.
    const workflow = extra.workflows.get(r.partitionKey);
    if (r.status === "pending" && workflow === 404 && !acknowledged.has(r.partitionKey)) {
      extra.log(`abandoned start ${r.partitionKey}: pending without a workflow (housekeeping closes it)`);
      continue;
    }
    if (!isTerminal(r.status as RecoveryStatus)) {
      const told = acknowledged.has(r.partitionKey) ? "client got its 202" : "client got no 202";
      terminal.violations.push(`${r.partitionKey} ended ${r.status} (workflow ${workflow ?? "?"}, ${told})`);
    }
    const finished = audit.filter(
      (a) => a.partitionKey === r.partitionKey && a.event === "recovery_finished",
    );
    if (finished.length > 1)
      terminal.violations.push(`${r.partitionKey}: recovery_finished audited ${finished.length}×`);
    // A return acts once per session, however often (or forged) it came.
    const returned = audit.filter(
      (a) => a.partitionKey === r.partitionKey && a.event === "identity_verification_returned",
    );
    if (returned.length > 1)
      terminal.violations.push(
        `${r.partitionKey}: identity_verification_returned audited ${returned.length}×`,
      );
  }
  for (const d of driven) {
    const first = d.seen.findIndex((s) => TERMINAL.has(s));
    if (first === -1) continue;
    const after = d.seen.slice(first);
    if (new Set(after).size > 1) terminal.violations.push(`${d.recoveryId} showed ${after.join(" → ")}`);
    const row = d.recoveryId ? byId.get(d.recoveryId) : undefined;
    if (row && row.status !== after[0])
      terminal.violations.push(`${d.recoveryId} showed ${after[0]}, stored ${row.status}`);
  }

  // 2. At most one TAP per recovery, none for one that did not recover (Graph's own record).
  // Entra keeps one TAP per user: a pass created again after its answer was lost replaces
  // the first (which nobody ever saw), so what counts is the pass left usable.
  const taps: InvariantResult = {
    name: "≤ 1 usable TAP per recovery, none unless recovered",
    checked: 0,
    violations: [],
  };
  const allTaps: string[] = [];
  for (const d of driven) {
    const passes = graph.temporaryAccessPasses(d.user.id);
    for (const p of passes) allTaps.push(p.temporaryAccessPass);
    const usable = passes.filter((p) => p.active);
    taps.checked++;
    const recovered = rows.filter((r) => r.userId === d.user.id && r.status === "recovered").length;
    const row = d.recoveryId ? byId.get(d.recoveryId) : undefined;
    const ending = `${row?.status ?? "?"}${failureCode(row) ? `/${failureCode(row)}` : ""}`;
    if (usable.length > 1) taps.violations.push(`${d.user.userPrincipalName}: ${usable.length} usable TAPs`);
    if (usable.length > recovered)
      taps.violations.push(
        `${d.user.userPrincipalName} (${d.plan}, ended ${ending}): a usable TAP, ${passes.length} created, without a recovered recovery`,
      );
    if (d.tap !== undefined && !usable.some((p) => p.temporaryAccessPass === d.tap))
      taps.violations.push(`${d.recoveryId}: handed out a TAP that is not the user's usable one`);
  }

  // 3. No accepted callback lost: a 2xx webhook is in the inbox; a 2xx result before the end had its effect.
  const callbacks: InvariantResult = {
    name: "no accepted webhook or callback lost",
    checked: 0,
    violations: [],
  };
  const inbox = await env.rows<{ partitionKey: string; rowKey: string }>("WebhookInbox");
  const inboxIds = new Set(inbox.map((e) => `${e.partitionKey}/${e.rowKey}`));
  for (const delivery of env.sims.idv.deliveries) {
    if (delivery.status === null || delivery.status < 200 || delivery.status >= 300) continue;
    const d = driven.find((x) => x.recoveryId && delivery.body.includes(`"${x.user.surname}"`));
    // Probes and forged deliveries; an abandoned verification is only ever delivered late.
    if (!d || d.plan === "abandon_idv") continue;
    callbacks.checked++;
    const endedBefore = d.endedAt !== undefined && d.endedAt < delivery.timestamp * 1000 - 1000;
    if (!inboxIds.has(`${DEMO_PROVIDER}/${delivery.id}`) && !endedBefore)
      callbacks.violations.push(
        `${d.recoveryId} (${d.plan}): accepted webhook ${delivery.id} not in the inbox`,
      );
    const code = failureCode(byId.get(d.recoveryId!));
    if (!endedBefore && code === "idv_timeout")
      callbacks.violations.push(
        `${d.recoveryId} (${d.plan}): accepted webhook ${delivery.id}, yet idv_timeout`,
      );
  }
  for (const cb of env.sims.verifiedId.callbacks) {
    if (cb.status === null || cb.status < 200 || cb.status >= 300) continue;
    if (cb.body.requestStatus === "request_retrieved") continue;
    const d = driven.find((x) => x.requestId === cb.requestId);
    if (!d || d.plan === "abandon_presentation") continue; // the late ones came after the end
    callbacks.checked++;
    const code = failureCode(byId.get(d.recoveryId!));
    if (code === "presentation_timeout")
      callbacks.violations.push(`${d.recoveryId}: accepted presentation callback, yet presentation_timeout`);
  }

  // 4. Evaluation mode writes nothing to the directory.
  const evaluation: InvariantResult = {
    name: "Evaluation mode: no directory write",
    checked: 0,
    violations: [],
  };
  const requests = graph.requests;
  const reads = /\/(checkMemberGroups|getMemberGroups|\$batch)$/;
  /** The Graph writes naming `user` ("" when none), as a violation's text. */
  const directoryWrites = (user: CampaignUser): string =>
    requests
      .filter(
        (r) =>
          r.method !== "GET" &&
          !reads.test(r.path) &&
          (r.path.includes(user.id) || r.path.toLowerCase().includes(user.userPrincipalName)),
      )
      .map((w) => `${w.method} ${w.path}`)
      .join(", ");
  for (const d of driven.filter((x) => x.user.evaluation)) {
    evaluation.checked++;
    const writes = directoryWrites(d.user);
    if (writes) evaluation.violations.push(`${d.user.userPrincipalName}: ${writes}`);
  }

  // 4b. A helpdesk verification writes nothing to the directory either (issue 21).
  const verification: InvariantResult = {
    name: "helpdesk verification: no directory write",
    checked: 0,
    violations: [],
  };
  for (const d of driven.filter((x) => x.plan === "verify")) {
    verification.checked++;
    const writes = directoryWrites(d.user);
    if (writes) verification.violations.push(`${d.user.userPrincipalName}: ${writes}`);
  }

  // 5. No TAP in plaintext anywhere but the answer to its creation.
  const plaintext: InvariantResult = { name: "no TAP in plaintext anywhere", checked: 0, violations: [] };
  const places: [string, string][] = [
    ["tables (app and durable history)", await env.dumpTables()],
    ["Azurite data folder", env.azuriteFiles()],
    ["host logs", env.hostLogs()],
    ["Graph request log", JSON.stringify(requests)],
    ["IDV deliveries", JSON.stringify(env.sims.idv.deliveries)],
    [
      "Verified ID requests and callbacks",
      JSON.stringify([env.sims.verifiedId.requests, env.sims.verifiedId.callbacks]),
    ],
    ["mail sent", JSON.stringify(graph.sentMail)],
  ];
  for (const tap of allTaps) {
    for (const [place, text] of places) {
      plaintext.checked++;
      if (text.includes(tap)) plaintext.violations.push(`a TAP appears in ${place}`);
    }
  }
  if (allTaps.length === 0) plaintext.violations.push("no TAP was issued: the check proved nothing");

  // 6. No 5xx for a client's bad input (nor for a delivery after the deadline).
  const noServerError: InvariantResult = {
    name: "no 5xx for bad input or late delivery",
    checked: 0,
    violations: [...extra.badInput, ...extra.lateDeliveries],
  };
  noServerError.checked = extra.answersChecked;

  // 7. No lock outlives its recovery: a running lock names a recovery that exists and is open.
  const locks: InvariantResult = { name: "no lock outlives its recovery", checked: 0, violations: [] };
  const recoveriesNow = new Map((await env.records<RecoveryRow>()).map((r) => [r.partitionKey, r] as const));
  for (const lock of await env.rows<{ partitionKey: string; recoveryId: string; state: string }>(
    "UserLocks",
  )) {
    locks.checked++;
    if (lock.state !== "running") continue;
    const holder = recoveriesNow.get(lock.recoveryId);
    if (!holder || isTerminal(holder.status as RecoveryStatus))
      locks.violations.push(
        `user ${lock.partitionKey}: lock held by ${lock.recoveryId} (${holder?.status ?? "no such recovery"})`,
      );
  }
  return [terminal, taps, callbacks, evaluation, verification, plaintext, noServerError, locks];
}

/** The report as the table `npm run chaos` prints. */
export function formatReport(report: CampaignReport): string {
  const lines: string[] = [];
  lines.push(
    `seed ${report.seed}: ${report.recoveries} recoveries in ${(report.durationMs / 1000).toFixed(1)} s`,
  );
  lines.push("");
  lines.push("| fault injected | count |");
  lines.push("| --- | ---: |");
  for (const [kind, n] of Object.entries(report.faults)) lines.push(`| ${kind} | ${n} |`);
  lines.push("");
  lines.push("| invariant | checks | violations |");
  lines.push("| --- | ---: | ---: |");
  for (const inv of report.invariants)
    lines.push(`| ${inv.name} | ${inv.checked} | ${inv.violations.length} |`);
  lines.push("");
  lines.push(
    `outcomes: ${Object.entries(report.outcomes)
      .map(([s, n]) => `${s} ${n}`)
      .join(", ")}`,
  );
  if (report.returnCases.length > 0) {
    const held = report.returnCases.filter((c) => c.ok).length;
    lines.push(`return-only cases: ${held} of ${report.returnCases.length} as scripted`);
    for (const c of report.returnCases)
      lines.push(`  ${c.ok ? "ok" : "FAILED"} ${c.name} → ${c.status}${c.code ? ` (${c.code})` : ""}`);
  }
  if (report.offPlan.length > 0) {
    lines.push(`off plan (${report.offPlan.length}; faults may legitimately change an ending):`);
    for (const line of report.offPlan.slice(0, 40)) lines.push(`  ${line}`);
  }
  for (const inv of report.invariants) {
    for (const v of inv.violations.slice(0, 20)) lines.push(`VIOLATION ${inv.name}: ${v}`);
  }
  return lines.join("\n");
}
