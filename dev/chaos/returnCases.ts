/**
 * Return-only cases of the fault campaign (issue 17): recoveries routed to AU10TIX's simulator
 * run as Microsoft integrates providers — no webhook, `results: "return"` — so the browser's
 * return is the provider's only signal. Each case is a script with the outcome it must reach
 * (terminal status and failure code) and, unless it recovers, a directory left alone (no method
 * reset, no session revocation, no TAP). A recovered case must have presented a credential
 * (presentation and credential check audited before the TAP): a return alone never recovers.
 *
 * The cases run beside the campaign's random recoveries and faults (host kills, Azurite
 * restarts, Graph faults): duplicated returns; stale values from an earlier recovery of the same
 * user and from an earlier hand-off of the same recovery (after "go back to the provider");
 * forged values; returns for a recovery that was cancelled or had expired; a return arriving
 * while the host is down (the browser retries, or gives up); and the provider's decline on the
 * return (the user cancels, goes back, or strips it).
 */
import { decodeJwt } from "jose";
import { isTerminal, type RecoveryStatus } from "../../src/recovery/status";
import { issuerDidOf } from "../stack";
import type { Environment, HttpAnswer } from "./environment";
import type { Rng } from "./random";
import type { CampaignUser } from "./tenant";

export const RETURN_PROVIDER = "au10tix";
/** The campaign's policy routes this country to RETURN_PROVIDER. */
export const RETURN_COUNTRY = "au";

export const RETURN_CASES = [
  "return_duplicated",
  "return_stale_earlier_recovery",
  "return_stale_earlier_handoff",
  "return_stale_handoff_finished_at_old",
  "return_forged",
  "return_after_cancel",
  "return_after_expiry",
  "return_while_host_down_retried",
  "return_while_host_down_given_up",
  "return_declined_cancelled",
  "return_declined_went_back",
  "return_declined_stripped",
] as const;
export type ReturnCase = (typeof RETURN_CASES)[number];

/** The end each case must reach. `codes`: any of them (a race the case cannot steer). */
const EXPECTED: Record<ReturnCase, { status: RecoveryStatus; codes?: string[] }> = {
  return_duplicated: { status: "recovered" },
  return_stale_earlier_recovery: { status: "recovered" },
  return_stale_earlier_handoff: { status: "recovered" },
  return_stale_handoff_finished_at_old: { status: "expired", codes: ["idv_timeout"] },
  return_forged: { status: "expired", codes: ["idv_timeout"] },
  return_after_cancel: { status: "cancelled" },
  return_after_expiry: { status: "expired", codes: ["idv_timeout"] },
  return_while_host_down_retried: { status: "recovered" },
  // The one attempt may have landed after the restart: then no presentation follows.
  return_while_host_down_given_up: { status: "expired", codes: ["idv_timeout", "presentation_timeout"] },
  return_declined_cancelled: { status: "cancelled" },
  return_declined_went_back: { status: "recovered" },
  return_declined_stripped: { status: "failed", codes: ["credential_stale"] },
};

/** What the campaign lends the cases: its environment, its retrying exchange, its host kill. */
export interface ReturnCaseContext {
  env: Environment;
  persist: (exchange: () => Promise<HttpAnswer>, timeoutMs?: number) => Promise<HttpAnswer>;
  /** Kills the host (after any outage under way) and starts it again; `onDown` once it is dead. */
  killHost: (onDown?: () => void) => Promise<void>;
  sleep: (ms: number) => Promise<void>;
  rng: Rng;
}

interface Recovery {
  recoveryId: string;
  token: string;
  /** The provider page with the hand-off token. */
  url: string;
  /** The token's redirectUrl (the return with its one-time value). */
  returnUrl: string;
}

export interface ReturnCaseRun {
  name: ReturnCase;
  user: CampaignUser;
  /** The recovery whose outcome is judged (the last one the case started). */
  recoveryId?: string;
  /** Earlier recoveries of the case (the stale value's own), with the status they must keep. */
  earlier: { recoveryId: string; status: RecoveryStatus }[];
  /** Returns sent that must change nothing (forged, stale, late, duplicated). */
  refusedReturns: number;
  /** Returns that met the host down. */
  whileDown: number;
  /** For return_after_expiry: sent after the wind-down. */
  late?: () => Promise<void>;
  /**
   * The start's POST was sent more than once (an answer lost or later than the client waited)
   * and the recovery answered was closed before the provider: an earlier attempt the host went on
   * with started later, and that newer start of the same user superseded it (the lock's rule).
   */
  supersededByRetriedStart?: boolean;
  note?: string;
}

export function returnCaseUsersNeeded(episodes: number): number {
  return RETURN_CASES.length * episodes;
}

/** One run of every case per episode, one user each. */
export function planReturnCases(users: readonly CampaignUser[], episodes: number): ReturnCaseRun[] {
  const runs: ReturnCaseRun[] = [];
  for (let e = 0; e < episodes; e++) {
    RETURN_CASES.forEach((name, i) => {
      const user = users[e * RETURN_CASES.length + i];
      if (user) runs.push({ name, user, earlier: [], refusedReturns: 0, whileDown: 0 });
    });
  }
  return runs;
}

function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

function withParam(url: string, name: string, value: string | null): string {
  const u = new URL(url);
  if (value === null) u.searchParams.delete(name);
  else u.searchParams.set(name, value);
  return u.toString();
}

function handoffOf(url: string): { url: string; returnUrl: string } {
  const claims = decodeJwt(new URL(url).searchParams.get("token") ?? "");
  return { url, returnUrl: String(claims.redirectUrl) };
}

/** Drives one case to the point where only deadlines (the campaign's wind-down) remain. */
export async function driveReturnCase(ctx: ReturnCaseContext, run: ReturnCaseRun): Promise<void> {
  const { env, persist, sleep } = ctx;
  const rng = ctx.rng.fork(`${run.name}-${run.user.userPrincipalName}`);

  const read = async (r: Recovery) => {
    const res = await env.request("GET", `/api/recovery/${r.recoveryId}`, { token: r.token });
    return res.status === 200 ? (res.body as { status: string; next?: { url: string } }) : undefined;
  };
  const waitFor = async (r: Recovery, statuses: readonly string[], timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const state = await read(r);
      if (state && (statuses.includes(state.status) || isTerminal(state.status as RecoveryStatus)))
        return state;
      await sleep(150);
    }
    return undefined;
  };
  const start = async (): Promise<Recovery | undefined> => {
    let attempts = 0;
    const started = await persist(() => {
      attempts++;
      return env.request("POST", "/api/recovery", {
        body: { username: run.user.userPrincipalName, country: RETURN_COUNTRY },
        // Waits for a start slowed by a fault rather than sending a second one meanwhile.
        timeoutMs: 60_000,
      });
    });
    if (started.status !== 202) {
      run.note = `start answered ${started.status}`;
      return undefined;
    }
    const body = started.body as { recoveryId: string; recoveryToken: string };
    const partial = { recoveryId: body.recoveryId, token: body.recoveryToken, url: "", returnUrl: "" };
    run.recoveryId = body.recoveryId;
    const verifying = await waitFor(partial, ["verifying_identity"]);
    if (verifying?.status !== "verifying_identity" || !verifying.next) {
      if (attempts > 1 && verifying?.status === "cancelled") run.supersededByRetriedStart = true;
      else run.note = `never waited at the provider (${verifying?.status ?? "no answer"})`;
      return undefined;
    }
    return { ...partial, ...handoffOf(verifying.next.url) };
  };
  /** The user at the provider: the provider page (it checks our token), then the decision. */
  const atProvider = async (url: string, decision: "approved" | "declined"): Promise<string | undefined> => {
    const token = new URL(url).searchParams.get("token");
    const answer = await persist(async () => {
      const page = await fetch(url).catch(() => undefined);
      if (page?.status !== 200)
        return { status: page && page.status < 500 ? page.status : null, body: undefined };
      const res = await fetch(`${new URL(url).origin}/verify/complete`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ token, decision, firstName: run.user.givenName, lastName: run.user.surname }),
      }).catch(() => undefined);
      return {
        status: res ? res.status : null,
        body: res ? await res.json().catch(() => undefined) : undefined,
      };
    });
    return (answer.body as { redirectUrl?: string } | undefined)?.redirectUrl;
  };
  const back = (url: string) => persist(() => env.request("GET", pathOf(url)));
  /** A return that must change nothing: the same 302 as any other, and the recovery still where it was. */
  const refused = async (r: Recovery, url: string, stillIn: string) => {
    run.refusedReturns++;
    await back(url);
    const state = await read(r);
    if (
      state &&
      state.status !== stillIn &&
      !(stillIn === "verifying_identity" && isTerminal(state.status as RecoveryStatus))
    )
      run.note = `${run.note ?? ""} a refused return moved the recovery to ${state.status};`;
  };
  const renew = async (r: Recovery) => {
    const res = await persist(() =>
      env.request("POST", `/api/recovery/${r.recoveryId}/idv-handoff`, { token: r.token }),
    );
    const next = (res.body as { next?: { url: string } } | undefined)?.next;
    if (res.status !== 200 || !next) throw new Error(`renewal answered ${res.status}`);
    return { ...r, ...handoffOf(next.url) };
  };
  const cancel = async (r: Recovery) => {
    await persist(() => env.request("POST", `/api/recovery/${r.recoveryId}/cancel`, { token: r.token }));
    await waitFor(r, []);
  };
  /** The wallet's presentation: a credential issued now (after the hand-off), or at `issuedAt`. */
  const present = async (r: Recovery, issuedAt?: string) => {
    const awaiting = await waitFor(r, ["awaiting_presentation"]);
    if (awaiting?.status !== "awaiting_presentation" || !awaiting.next) return;
    const requestId = new URL(awaiting.next.url).searchParams.get("request_uri")?.split("/").pop() ?? "";
    const vid = env.sims.verifiedId;
    const record = await vid
      .present(requestId, {
        firstName: run.user.givenName,
        lastName: run.user.surname,
        issuer: issuerDidOf(RETURN_PROVIDER),
        faceCheckScore: 91,
        issuanceDate: issuedAt ?? new Date().toISOString(),
      })
      .catch(() => undefined);
    // The service retries a callback it could not deliver (the host down, Azurite away).
    for (
      let attempt = 0;
      record && (record.status === null || record.status >= 500) && attempt < 40;
      attempt++
    ) {
      await sleep(500);
      const again = await vid.redeliverCallback(vid.callbacks.indexOf(record));
      if (again.status !== null && again.status < 500) break;
    }
    await waitFor(r, []);
  };

  switch (run.name) {
    case "return_duplicated": {
      const r = await start();
      if (!r) return;
      const url = await atProvider(r.url, "approved");
      if (!url) return;
      // Twice at once (two tabs), then once more after the first took effect.
      await Promise.all([back(url), back(url)]);
      await waitFor(r, ["awaiting_presentation"]);
      await refused(r, url, "awaiting_presentation");
      await present(r);
      return;
    }
    case "return_stale_earlier_recovery": {
      const first = await start();
      if (!first) return;
      const firstBack = await atProvider(first.url, "approved");
      await cancel(first);
      run.earlier.push({ recoveryId: first.recoveryId, status: "cancelled" });
      const r = await start();
      if (!r || !firstBack) return;
      // The earlier recovery's return as it was, and its value under this recovery's id and session.
      await refused(r, firstBack, "verifying_identity");
      const value = new URL(firstBack).searchParams.get("returnValue");
      await refused(r, withParam(r.returnUrl, "returnValue", value), "verifying_identity");
      const url = await atProvider(r.url, "approved");
      if (!url) return;
      await back(url);
      await present(r);
      return;
    }
    case "return_stale_earlier_handoff": {
      const first = await start();
      if (!first) return;
      const r = await renew(first);
      await refused(r, first.returnUrl, "verifying_identity");
      const value = new URL(first.returnUrl).searchParams.get("returnValue");
      await refused(r, withParam(r.returnUrl, "returnValue", value), "verifying_identity");
      const url = await atProvider(r.url, "approved");
      if (!url) return;
      if (rng.chance(0.5)) await refused(r, first.returnUrl, "verifying_identity");
      await back(url);
      await present(r);
      return;
    }
    case "return_stale_handoff_finished_at_old": {
      const first = await start();
      if (!first) return;
      const r = await renew(first);
      // The user finishes in the old tab (its token still valid at the provider): the old return.
      const url = await atProvider(first.url, "approved");
      if (url) await refused(r, url, "verifying_identity");
      return; // gives up: the IDV deadline ends it
    }
    case "return_forged": {
      const r = await start();
      if (!r) return;
      const forgedValue = Buffer.from(Array.from({ length: 32 }, () => rng.int(0, 255))).toString(
        "base64url",
      );
      await refused(r, withParam(r.returnUrl, "returnValue", forgedValue), "verifying_identity");
      await refused(r, withParam(r.returnUrl, "returnValue", null), "verifying_identity");
      await refused(
        r,
        withParam(r.returnUrl, "session", "00000000-0000-4000-8000-000000000000"),
        "verifying_identity",
      );
      await refused(
        r,
        withParam(r.returnUrl, "returnValue", `${forgedValue.slice(0, 42)}A`),
        "verifying_identity",
      );
      return; // never went to the provider: the IDV deadline ends it
    }
    case "return_after_cancel": {
      const r = await start();
      if (!r) return;
      const url = await atProvider(r.url, "approved");
      await cancel(r);
      if (url) await refused(r, url, "cancelled");
      return;
    }
    case "return_after_expiry": {
      const r = await start();
      if (!r) return;
      // At the provider only after the deadline (the campaign's wind-down): then the return.
      run.late = async () => {
        const url = await atProvider(r.url, "approved");
        if (url) await refused(r, url, "expired");
      };
      return;
    }
    case "return_while_host_down_retried":
    case "return_while_host_down_given_up": {
      const r = await start();
      if (!r) return;
      const url = await atProvider(r.url, "approved");
      if (!url) return;
      // The return goes once the host is dead (an outage under way may hold the kill back), not
      // after a guessed pause; a failing kill ends the wait too.
      let hostDown = () => {};
      const down = new Promise<void>((resolve) => {
        hostDown = resolve;
      });
      const killing = ctx.killHost(hostDown);
      await Promise.race([down, killing]);
      const first = await env.request("GET", pathOf(url), { timeoutMs: 3_000 });
      if (first.status === null || first.status >= 500) run.whileDown++;
      await killing;
      if (run.name === "return_while_host_down_given_up") return;
      if (first.status !== 302) await back(url);
      await present(r);
      return;
    }
    case "return_declined_cancelled":
    case "return_declined_went_back":
    case "return_declined_stripped": {
      const first = await start();
      if (!first) return;
      const url = await atProvider(first.url, "declined");
      if (!url) return;
      await refused(first, url, "verifying_identity");
      if (run.name === "return_declined_cancelled") return cancel(first);
      if (run.name === "return_declined_stripped") {
        // The indication stripped: the value is valid, but no credential was issued today.
        await back(withParam(url, "error", null));
        await present(first, new Date(Date.now() - 365 * 86_400_000).toISOString());
        return;
      }
      const r = await renew(first);
      const again = await atProvider(r.url, "approved");
      if (!again) return;
      await back(again);
      await present(r);
      return;
    }
  }
}

interface AuditRow {
  partitionKey: string;
  event: string;
  outcome?: string;
}

interface RecoveryRow {
  partitionKey: string;
  status: string;
  failure?: unknown;
}

const DIRECTORY_EVENTS = new Set([
  "authentication_methods_reset",
  "sign_in_sessions_revoked",
  "temporary_access_pass_issued",
]);

function failureCodeOf(row: RecoveryRow | undefined): string | undefined {
  const failure = row?.failure;
  if (failure === undefined || failure === null) return undefined;
  const parsed =
    typeof failure === "string" ? (JSON.parse(failure) as { code?: string }) : (failure as { code?: string });
  return parsed.code;
}

export interface ReturnCaseVerdict {
  name: ReturnCase;
  recoveryId?: string;
  status: string;
  code?: string;
  ok: boolean;
  why: string[];
}

/** Each case against its expected outcome, from the stores (not from what the API said). */
export function judgeReturnCases(
  runs: readonly ReturnCaseRun[],
  rows: readonly RecoveryRow[],
  audit: readonly AuditRow[],
): ReturnCaseVerdict[] {
  return runs.map((run) => {
    const why: string[] = [];
    const row = rows.find((r) => r.partitionKey === run.recoveryId);
    const status = row?.status ?? "never_started";
    const code = failureCodeOf(row);
    const expected = run.supersededByRetriedStart
      ? { status: "cancelled", codes: ["superseded"] }
      : EXPECTED[run.name];
    if (status !== expected.status) why.push(`ended ${status}, expected ${expected.status}`);
    if (expected.codes && !expected.codes.includes(code ?? ""))
      why.push(`code ${code}, expected ${expected.codes.join("|")}`);
    if (run.note) why.push(run.note.trim());
    const trail = (id: string | undefined) => audit.filter((a) => a.partitionKey === id).map((a) => a.event);
    const events = trail(run.recoveryId);
    if (status === "recovered") {
      const tap = events.indexOf("temporary_access_pass_issued");
      const presented = events.indexOf("presentation_completed");
      if (presented < 0 || (tap >= 0 && presented > tap))
        why.push("recovered without a credential presentation before the TAP");
      if (events.filter((e) => e === "identity_verification_returned").length !== 1)
        why.push("the return was acted on other than once");
    } else if (events.some((e) => DIRECTORY_EVENTS.has(e))) {
      why.push("the directory was changed by a recovery that did not recover");
    }
    for (const earlier of run.earlier) {
      const earlierRow = rows.find((r) => r.partitionKey === earlier.recoveryId);
      if (earlierRow?.status !== earlier.status)
        why.push(`the earlier recovery ended ${earlierRow?.status}, expected ${earlier.status}`);
      if (
        trail(earlier.recoveryId).some(
          (e) => DIRECTORY_EVENTS.has(e) || e === "identity_verification_returned",
        )
      )
        why.push("the earlier recovery acted on a return or changed the directory");
    }
    return {
      name: run.name,
      ...(run.recoveryId ? { recoveryId: run.recoveryId } : {}),
      status,
      ...(code ? { code } : {}),
      ok: why.length === 0,
      why,
    };
  });
}
