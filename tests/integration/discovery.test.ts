/**
 * Discovery end to end: every eligibility reason indistinguishable to the client, profile
 * priority and exclusion precedence, country routing, the per-user lock under concurrency,
 * the Graph budget (two round trips), a throttled discovery, rate limits at their boundary,
 * and a bad policy file refused at startup.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { DEMO_GROUPS, DEMO_USERS } from "../../dev/seed/demo-tenant";
import { DEMO_ISSUER_DID, DEMO_PROVIDER, spawnHost } from "../../dev/stack";
import { countRecords } from "../support/recoveryRows";
import type { RecoveryStart, TestStack } from "../support/stack";
import { useStack } from "../support/stack";
import { waitFor } from "../support/waitFor";

const MIN_DELAY_MS = 1500;
const EU_PROVIDER = "demo-idv-eu";

const baseProfile = {
  idvTimeoutMinutes: 30,
  presentationTimeoutMinutes: 10,
  tapLifetimeMinutes: 60,
  tapUsableOnce: true,
  cooldownMinutes: 1440,
};

/**
 * - "staff" has the best priority but excludes the pilot group (transitively: the nested team too);
 * - "nested" (evaluation) beats "pilot" for the nested team and routes only NL;
 * - "pilot" (production) routes NL to the EU provider and everything else to the default.
 */
const policy = {
  profiles: [
    {
      ...baseProfile,
      id: "staff",
      displayName: "All staff",
      priority: 1,
      mode: "evaluation",
      includeGroups: [DEMO_GROUPS.allStaff],
      excludeGroups: [DEMO_GROUPS.recoveryPilot],
      providers: { byCountry: { NL: DEMO_PROVIDER } },
    },
    {
      ...baseProfile,
      id: "nested",
      displayName: "Nested team",
      priority: 5,
      mode: "evaluation",
      includeGroups: [DEMO_GROUPS.recoveryPilotNestedTeam],
      providers: { byCountry: { NL: DEMO_PROVIDER } },
    },
    {
      ...baseProfile,
      id: "pilot",
      displayName: "Recovery pilot",
      priority: 10,
      mode: "production",
      includeGroups: [DEMO_GROUPS.recoveryPilot],
      providers: { default: DEMO_PROVIDER, byCountry: { NL: EU_PROVIDER } },
    },
  ],
  globalExclusions: {
    groups: [DEMO_GROUPS.executives],
    users: [DEMO_USERS.mariaGarcia.userPrincipalName.toUpperCase()],
  },
};

/** Polls until a terminal or waiting status, recording every distinct status seen in order. */
async function trace(stack: TestStack, start: RecoveryStart): Promise<{ statuses: string[]; body: object }> {
  const statuses: string[] = [];
  for (let i = 0; i < 400; i++) {
    const { status, body } = await stack.readRecovery(start.recoveryId, start.recoveryToken);
    expect(status).toBe(200);
    if (statuses.at(-1) !== body.status) statuses.push(body.status);
    if (body.status !== "pending") return { statuses, body };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`still pending: ${statuses.join(" → ")}`);
}

async function eligibilityCode(stack: TestStack, recoveryId: string): Promise<string | undefined> {
  return (await stack.auditEvents(recoveryId)).find((e) => e.event === "eligibility_checked")?.code;
}

async function eligibilityDetail(stack: TestStack, recoveryId: string): Promise<Record<string, unknown>> {
  const event = (await stack.auditEvents(recoveryId)).find((e) => e.event === "eligibility_checked");
  return JSON.parse(event?.detail ?? "{}") as Record<string, unknown>;
}

async function cancel(stack: TestStack, start: RecoveryStart): Promise<void> {
  const res = await fetch(`${stack.url}/api/recovery/${start.recoveryId}/cancel`, {
    method: "POST",
    headers: { authorization: `Bearer ${start.recoveryToken}` },
  });
  expect(res.status).toBe(202);
}

describe("discovery", () => {
  const stack = useStack({
    policy,
    extraProviders: [EU_PROVIDER],
    settings: { NOT_ELIGIBLE_MIN_DELAY_MS: String(MIN_DELAY_MS) },
  });

  it("answers every ineligible account alike: same 202, same body, same statuses, never before the minimum delay", async () => {
    const s = stack();
    // Set-up for two reasons: Adele holds a running recovery, Megan is cooling down after one.
    const running = await s.startRecovery({ username: DEMO_USERS.adeleVance.userPrincipalName });
    const runningState = await s.waitForStatus(running.body, ["verifying_identity"]);
    // Verified at the provider: only a recovery somebody advanced keeps a newer start out.
    await s.completeIdv(runningState.next!, "approved", { firstName: "Adele", lastName: "Vance" });
    await s.waitForStatus(running.body, ["awaiting_presentation"]);
    await s.writeRow("UserLocks", {
      partitionKey: DEMO_USERS.meganBowen.id,
      rowKey: "lock",
      recoveryId: "00000000-0000-4000-8000-00000000c001",
      state: "released",
      acquiredAt: new Date(Date.now() - 3_600_000).toISOString(),
      cooldownUntil: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const cases: [string, { country?: string }, string][] = [
      ["nobody@contoso.example", {}, "user_not_found"],
      [DEMO_USERS.disabledUser.userPrincipalName, {}, "account_disabled"],
      [DEMO_USERS.leeGu.userPrincipalName, {}, "globally_excluded"],
      [DEMO_USERS.mariaGarcia.userPrincipalName, {}, "globally_excluded"],
      [DEMO_USERS.newHire.userPrincipalName, {}, "no_prior_sign_in"],
      [DEMO_USERS.nonameUser.userPrincipalName, {}, "name_missing"],
      [DEMO_USERS.nestorWilke.userPrincipalName, {}, "namesake"],
      [DEMO_USERS.tapExcluded.userPrincipalName, {}, "tap_policy_not_targeted"],
      [DEMO_USERS.alexWilber.userPrincipalName, { country: "DE" }, "no_provider_for_country"],
      [DEMO_USERS.adeleVance.userPrincipalName, {}, "recovery_in_progress"],
      [DEMO_USERS.meganBowen.userPrincipalName, { country: "NL" }, "cooldown"],
    ];
    const shapes = new Set<string>();
    for (const [username, extra, reason] of cases) {
      const startedAt = Date.now();
      const started = await s.startRecovery({ username, ...extra });
      expect(started.status).toBe(202);
      const { recoveryId: _id, recoveryToken: _t, statusUrl: _u, ...startRest } = started.body;
      const { statuses, body } = await trace(s, started.body);
      const seenAfter = Date.now() - startedAt;
      expect(statuses, username).toEqual(["pending", "not_eligible"]);
      expect(seenAfter, username).toBeGreaterThanOrEqual(MIN_DELAY_MS);
      const { recoveryId: _r, expiresAt, ...rest } = body as { recoveryId: string; expiresAt: string };
      expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
      shapes.add(JSON.stringify({ startRest, rest, headers: started.headers.get("content-type") }));
      expect(await eligibilityCode(s, started.body.recoveryId), username).toBe(reason);
    }
    expect([...shapes]).toHaveLength(1);
    await cancel(s, running.body);
  });

  it("a not-eligible recovery can be cancelled while it still shows pending, as a pending one can", async () => {
    const s = stack();
    const started = await s.startRecovery({ username: "nobody@contoso.example" });
    // Discovery has decided (audited) that the account is not eligible; the answer waits for the
    // minimum delay on the host clock, which this test does not move.
    await waitFor(() => eligibilityCode(s, started.body.recoveryId), "the eligibility decision");
    expect((await s.readRecovery(started.body.recoveryId, started.body.recoveryToken)).body.status).toBe(
      "pending",
    );
    await cancel(s, started.body);
    expect((await s.readRecovery(started.body.recoveryId, started.body.recoveryToken)).body.status).toBe(
      "cancelled",
    );
  });

  it("selects by priority after exclusions, audits the profile, and routes by country with a default", async () => {
    const s = stack();
    // Megan: "staff" wins on priority but excludes the pilot group she is in (through the nested
    // team); "nested" beats "pilot". (Her cooldown from the first test is lifted first.)
    await s.writeRow("UserLocks", {
      partitionKey: DEMO_USERS.meganBowen.id,
      rowKey: "lock",
      recoveryId: "00000000-0000-4000-8000-00000000c001",
      state: "released",
      acquiredAt: new Date(Date.now() - 3_600_000).toISOString(),
    });
    const megan = await s.startRecovery({ username: DEMO_USERS.meganBowen.userPrincipalName, country: "nl" });
    await s.waitForStatus(megan.body, ["verifying_identity"]);
    expect(await eligibilityDetail(s, megan.body.recoveryId)).toMatchObject({
      profileId: "nested",
      mode: "evaluation",
      provider: DEMO_PROVIDER,
      country: "NL",
    });
    await cancel(s, megan.body);

    // Adele: only "pilot" applies. NL goes to the EU provider, any other country (or none) to the default.
    for (const [country, provider] of [
      ["NL", EU_PROVIDER],
      ["FR", DEMO_PROVIDER],
      [undefined, DEMO_PROVIDER],
    ] as const) {
      const adele = await s.startRecovery({
        username: DEMO_USERS.adeleVance.userPrincipalName,
        ...(country ? { country } : {}),
      });
      const waiting = await s.waitForStatus(adele.body, ["verifying_identity", "not_eligible"]);
      expect(waiting.status, country).toBe("verifying_identity");
      expect(waiting.next?.url).toContain(s.sims.idv.url);
      expect(await eligibilityDetail(s, adele.body.recoveryId)).toMatchObject({
        profileId: "pilot",
        provider,
      });
      await cancel(s, adele.body);
    }
  });

  it("twenty concurrent starts for one user leave exactly one running recovery, the others superseded", async () => {
    const s = stack();
    const starts = await Promise.all(
      Array.from({ length: 20 }, () =>
        s.startRecovery({ username: DEMO_USERS.adeleVance.userPrincipalName.toUpperCase() }),
      ),
    );
    expect(starts.every((r) => r.status === 202)).toBe(true);
    // Nobody advanced any of them, so each newer taker supersedes the holder: once discovery is
    // over for all, one waits at the provider and holds the lock; every other one is closed.
    const deadline = Date.now() + 60_000;
    let statuses: string[] = [];
    do {
      statuses = await Promise.all(
        starts.map(async (r) => (await s.readRecovery(r.body.recoveryId, r.body.recoveryToken)).body.status),
      );
      if (
        statuses.every((st) => st === "cancelled" || st === "not_eligible" || st === "verifying_identity")
      ) {
        if (statuses.filter((st) => st === "verifying_identity").length === 1) break;
      }
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    const running = starts.filter((_, i) => statuses[i] === "verifying_identity");
    expect(running, statuses.join(",")).toHaveLength(1);
    const lock = (
      await s.rows<{ partitionKey: string; recoveryId: string; state: string }>("UserLocks")
    ).find((l) => l.partitionKey === DEMO_USERS.adeleVance.id);
    expect(lock).toMatchObject({ recoveryId: running[0]!.body.recoveryId, state: "running" });
    for (const [i, r] of starts.entries()) {
      if (statuses[i] !== "cancelled") continue;
      const body = (await s.readRecovery(r.body.recoveryId, r.body.recoveryToken)).body;
      expect(body.failure?.code).toBe("superseded");
    }
    await cancel(s, running[0]!.body);
  });

  it("discovers an eligible account in two Graph round trips", async () => {
    const s = stack();
    s.sims.graph.clearRequests();
    const started = await s.startRecovery({ username: DEMO_USERS.adeleVance.userPrincipalName });
    await s.waitForStatus(started.body, ["verifying_identity"]);
    const roundTrips = s.sims.graph.requests.filter((r) => !r.inBatch);
    expect(roundTrips.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /$batch", "POST /$batch"]);
    const items = s.sims.graph.requests.filter((r) => r.inBatch).map((r) => r.batchItemId);
    expect(items).toEqual(expect.arrayContaining(["user", "tap", "groups0", "names0"]));
    expect(
      s.sims.graph.requests.every((r) => r.method !== "DELETE" && !r.path.includes("temporaryAccessPass")),
    ).toBe(true);
    await cancel(s, started.body);
  });

  it("a Graph 429 during discovery is retried after Retry-After and the recovery goes on", async () => {
    const s = stack();
    s.sims.graph.clearRequests();
    s.sims.graph.throttle({ path: "checkMemberGroups", times: 1, retryAfterSeconds: 1 });
    const started = await s.startRecovery({ username: DEMO_USERS.adeleVance.userPrincipalName });
    const waiting = await s.waitForStatus(started.body, ["verifying_identity", "not_eligible", "failed"]);
    expect(waiting.status).toBe("verifying_identity");
    const checks = s.sims.graph.requests.filter((r) => r.path.endsWith("/checkMemberGroups"));
    expect(checks.map((r) => r.status)).toEqual([429, 200]);
    const throttledAt = Date.parse(checks[0]!.time);
    expect(Date.parse(checks[1]!.time) - throttledAt).toBeGreaterThanOrEqual(1000);
    await cancel(s, started.body);
  });
});

describe("rate limits on start", () => {
  const stack = useStack({
    settings: { RATE_LIMIT_PER_ADDRESS: "3", RATE_LIMIT_PER_USERNAME: "2", TRUSTED_PROXY_HOPS: "2" },
  });
  const from = (address: string) => ({ "x-forwarded-for": address });

  it("allows the limit per address, then answers 429 with Retry-After, starting nothing and calling no Graph", async () => {
    const s = stack();
    for (const user of ["a1@contoso.example", "a2@contoso.example", "a3@contoso.example"]) {
      const started = await s.startRecovery({ username: user }, from("198.51.100.10"));
      expect(started.status).toBe(202);
      await s.waitForStatus(started.body, ["not_eligible"]);
    }
    const records = await countRecords(s);
    s.sims.graph.clearRequests();
    const refused = await s.startRecovery({ username: "a4@contoso.example" }, from("198.51.100.10"));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(refused.body).toMatchObject({ status: 429, code: "rate_limited" });
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(await countRecords(s)).toBe(records);
    // Another address is not affected; a spoofed left-most entry does not escape the limit.
    const other = await s.startRecovery({ username: "a5@contoso.example" }, from("198.51.100.11"));
    expect(other.status).toBe(202);
    // Once the start that came after it has run its course, the refused one has still started
    // nothing: one more record (a5's), and Graph asked about a5 alone.
    await s.waitForStatus(other.body, ["not_eligible"]);
    expect(await countRecords(s)).toBe(records + 1);
    expect(s.sims.graph.requests.length).toBeGreaterThan(0);
    const asked = JSON.stringify(s.sims.graph.requests);
    expect(asked).toContain("a5@contoso.example");
    expect(asked).not.toContain("a4@contoso.example");
    expect(asked).not.toContain("a4%40contoso.example");
    const spoofed = await s.startRecovery(
      { username: "a6@contoso.example" },
      { "x-forwarded-for": "203.0.113.99, 198.51.100.10" },
    );
    expect(spoofed.status).toBe(429);
  });

  it("allows the limit per username across addresses, whatever its case", async () => {
    const s = stack();
    const user = "target.user@contoso.example";
    expect((await s.startRecovery({ username: user }, from("192.0.2.1"))).status).toBe(202);
    expect((await s.startRecovery({ username: user.toUpperCase() }, from("192.0.2.2"))).status).toBe(202);
    const refused = await s.startRecovery({ username: user }, from("192.0.2.3"));
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe("rate_limited");
  });

  it("counts an IPv6 client per /64", async () => {
    const s = stack();
    for (let i = 1; i <= 3; i++) {
      const res = await s.startRecovery(
        { username: `v6-${i}@contoso.example` },
        from(`[2001:db8:7:7::${i}]:443`),
      );
      expect(res.status).toBe(202);
    }
    const res = await s.startRecovery({ username: "v6-4@contoso.example" }, from("2001:db8:7:7:ffff::1"));
    expect(res.status).toBe(429);
  });
});

describe("rate limits on start: one party cannot spend a user's budget", () => {
  const stack = useStack({
    settings: {
      RATE_LIMIT_PER_ADDRESS: "100",
      RATE_LIMIT_PER_USERNAME_AND_ADDRESS: "2",
      RATE_LIMIT_PER_USERNAME: "6",
      TRUSTED_PROXY_HOPS: "2",
    },
  });
  const from = (address: string) => ({ "x-forwarded-for": address });

  it("a username's budget is counted per address: another address still starts, until the all-addresses ceiling", async () => {
    const s = stack();
    const user = "budget.target@contoso.example";
    // One party spends the username's budget from its own address...
    for (let i = 0; i < 2; i++)
      expect((await s.startRecovery({ username: user }, from("203.0.113.7"))).status).toBe(202);
    const spent = await s.startRecovery({ username: user.toUpperCase() }, from("203.0.113.7"));
    expect(spent.status).toBe(429);
    expect(spent.body.code).toBe("rate_limited");
    // ...and the person, from theirs, is not refused.
    expect((await s.startRecovery({ username: user }, from("198.51.100.20"))).status).toBe(202);
    // A flood from many addresses meets the ceiling (6 in all, the refused one not counted).
    expect((await s.startRecovery({ username: user }, from("198.51.100.20"))).status).toBe(202);
    expect((await s.startRecovery({ username: user }, from("192.0.2.30"))).status).toBe(202);
    expect((await s.startRecovery({ username: user }, from("192.0.2.30"))).status).toBe(202);
    const records = await countRecords(s);
    const ceiling = await s.startRecovery({ username: user }, from("192.0.2.31"));
    expect(ceiling.status).toBe(429);
    expect(await countRecords(s)).toBe(records);
  });
});

describe("namesakes under a profile that binds more than the name", () => {
  const bound = structuredClone(policy);
  const pilot = bound.profiles[2] as Record<string, unknown>;
  pilot.bindings = [{ claim: "dateOfBirth", attribute: "extensionAttribute3", compare: "date" }];
  const stack = useStack({ policy: bound, extraProviders: [EU_PROVIDER] });

  it("lets a namesake start (the binding tells them apart later) and audits who the namesakes are", async () => {
    const s = stack();
    const started = await s.startRecovery({ username: DEMO_USERS.nestorWilke.userPrincipalName });
    expect((await s.waitForStatus(started.body, ["verifying_identity", "not_eligible"])).status).toBe(
      "verifying_identity",
    );
    const detail = await eligibilityDetail(s, started.body.recoveryId);
    expect(detail).toMatchObject({ profileId: "pilot", namesakes: [DEMO_USERS.nestorWilke2.id] });
    await cancel(s, started.body);
  });
});

describe("policy at startup", () => {
  it("a policy file with a bad field stops the app at startup, naming the setting and the field", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "policy-"));
    const file = path.join(dir, "policy.json");
    const bad = structuredClone(policy);
    (bad.profiles[1] as Record<string, unknown>).faceCheckThreshold = 30;
    writeFileSync(file, JSON.stringify(bad));
    const host = spawnHost({
      port: 0,
      taskHub: "badpolicy",
      settings: {
        AzureWebJobsStorage: inject("azuriteConnectionString"),
        PUBLIC_BASE_URL: "http://127.0.0.1:1",
        TENANT_ID: "00000000-0000-4000-8000-000000000001",
        VERIFIED_ID_AUTHORITY: "did:web:recovery.contoso.example",
        IDV_PROVIDERS: JSON.stringify([
          {
            name: DEMO_PROVIDER,
            adapter: "standard-webhooks",
            displayName: "Demo",
            verificationUrl: "http://127.0.0.1:1/verify",
            acceptedIssuers: [DEMO_ISSUER_DID],
          },
          {
            name: EU_PROVIDER,
            adapter: "standard-webhooks",
            displayName: "Demo EU",
            verificationUrl: "http://127.0.0.1:1/verify",
            acceptedIssuers: [DEMO_ISSUER_DID],
          },
        ]),
        POLICY_PROFILES_FILE: file,
      },
    });
    await expect(host.waitHealthy(20_000)).rejects.toThrow(
      /Invalid setting POLICY_PROFILES_FILE: profiles\[1\]\.faceCheckThreshold/,
    );
  });
});
