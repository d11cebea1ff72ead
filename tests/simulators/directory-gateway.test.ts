/**
 * Our Graph gateway's recovery writes against the Graph simulator: one serial `$batch`, the
 * default method Graph refuses until it is the last one, a failure stopping the chain, and the
 * same writes with batching off.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_USERS, demoTenant } from "../../dev/seed/demo-tenant";
import { type GraphSimulator, startGraphSimulator } from "../../dev/simulators/graph";
import { DiagnosticsReads } from "../../src/directory/diagnosticsReads";
import { type AuthenticationMethod, DirectoryGateway, METHOD_COLLECTIONS } from "../../src/directory/graph";
import { GraphRequestError, graphStatusOf } from "../../src/directory/graphError";
import { methodsLeftByReset, orderForDeletion } from "../../src/recovery/methodOrder";

const TOKEN = "gateway-test-token";
const adele = DEMO_USERS.adeleVance;
let sim: GraphSimulator;
let gateway: DirectoryGateway;
const credential = {
  getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};

beforeAll(async () => {
  sim = await startGraphSimulator({ acceptedToken: TOKEN, tenant: demoTenant() });
  gateway = DirectoryGateway.create(sim.url, credential);
});
afterAll(() => sim.stop());

const DELETABLE = new Set(Object.keys(METHOD_COLLECTIONS));

/** The user's methods as the recovery step reads them (the match read of a Production recovery). */
async function methodsOf(directory: DirectoryGateway, userId: string): Promise<AuthenticationMethod[]> {
  const facts = await directory.readForMatch(userId, {
    attributes: [],
    contacts: false,
    manager: false,
    recovery: { tapPolicyGroups: [] },
  });
  return facts.methods ?? [];
}

describe("applyRecovery", () => {
  const tap = { lifetimeInMinutes: 60, isUsableOnce: true };

  it("deletes an external (EAM) method through its documented $ref URL, and leaves only what v1.0 cannot delete", async () => {
    sim.reset(demoTenant());
    const listed = await methodsOf(gateway, adele.id);
    expect(listed.map((m) => m.odataType)).toContain("#microsoft.graph.externalAuthenticationMethod");
    sim.clearRequests();
    const written = await gateway.applyRecovery(adele.id, {
      deletions: orderForDeletion(listed, DELETABLE),
      revoke: true,
      tap,
    });
    expect(written.deletions.every((d) => d.outcome === "deleted")).toBe(true);
    const external = listed.find((m) => m.odataType === "#microsoft.graph.externalAuthenticationMethod")!;
    expect(
      sim.requests.some(
        (r) =>
          r.method === "DELETE" &&
          r.path.endsWith(`/authentication/externalAuthenticationMethods/${external.id}/$ref`),
      ),
    ).toBe(true);
    expect(sim.methods(adele.id).map((m) => m["@odata.type"])).not.toContain(
      "#microsoft.graph.externalAuthenticationMethod",
    );

    const megan = DEMO_USERS.meganBowen;
    const hers = await methodsOf(gateway, megan.id);
    expect(
      methodsLeftByReset(hers, DELETABLE)
        .map((m) => m.odataType)
        .sort(),
    ).toEqual([
      "#microsoft.graph.passwordAuthenticationMethod",
      "#microsoft.graph.qrCodePinAuthenticationMethod",
    ]);
    const deletions = orderForDeletion(hers, DELETABLE);
    expect(deletions.map((m) => m.odataType)).not.toContain("#microsoft.graph.qrCodePinAuthenticationMethod");
    const mine = await gateway.applyRecovery(megan.id, { deletions, revoke: true, tap });
    expect(mine.deletions.every((d) => d.outcome === "deleted")).toBe(true);
    expect(mine.tap && "created" in mine.tap).toBe(true);
  });

  it("deletes every method, revokes the sessions and issues the TAP in one serial $batch", async () => {
    sim.reset(demoTenant());
    const methods = orderForDeletion(await methodsOf(gateway, adele.id), DELETABLE);
    sim.clearRequests();
    const written = await gateway.applyRecovery(adele.id, { deletions: methods, revoke: true, tap });
    expect(written.deletions.every((d) => d.outcome === "deleted")).toBe(true);
    expect(written.revoke).toBeUndefined();
    expect(written.tap && "created" in written.tap ? written.tap.created.temporaryAccessPass : "").toMatch(
      /.{8,}/,
    );
    expect(sim.methods(adele.id).map((m) => m["@odata.type"])).toEqual([
      "#microsoft.graph.passwordAuthenticationMethod",
      "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
    ]);
    expect(sim.requests.filter((r) => !r.inBatch)).toHaveLength(1);
    expect(sim.revocations(adele.id).count).toBe(1);
  });

  it("moves the default method Graph refuses (an authenticator here) to the end and sends the rest once more", async () => {
    const seed = demoTenant();
    const user = seed.users.find((u) => u.id === adele.id)!;
    user.defaultMfaMethodId = user.methods.find((m) => m.type === "microsoftAuthenticator")!.id;
    sim.reset(seed);
    const methods = orderForDeletion(await methodsOf(gateway, adele.id), DELETABLE);
    sim.clearRequests();
    const written = await gateway.applyRecovery(adele.id, { deletions: methods, revoke: true, tap });
    expect(written.deletions.every((d) => d.outcome === "deleted")).toBe(true);
    expect(written.tap && "created" in written.tap).toBe(true);
    expect(sim.requests.filter((r) => r.path === "/$batch")).toHaveLength(2);
    const refused = sim.requests.filter((r) => r.inBatch && r.status === 400);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.path).toContain("/microsoftAuthenticatorMethods/");
  });

  it("issues no TAP and revokes nothing when a deletion fails: the rest of the chain does not run", async () => {
    sim.reset(demoTenant());
    sim.failNext({ method: "DELETE", path: "/fido2Methods/", times: 10, status: 403, code: "accessDenied" });
    const methods = orderForDeletion(await methodsOf(gateway, adele.id), DELETABLE);
    const written = await gateway.applyRecovery(adele.id, { deletions: methods, revoke: true, tap });
    const refused = written.deletions.filter((d) => d.outcome === "refused");
    expect(refused.map((d) => [d.method.odataType, d.status, d.code])).toEqual([
      ["#microsoft.graph.fido2AuthenticationMethod", 403, "accessDenied"],
    ]);
    expect(written.revoke).toMatchObject({ status: 424 });
    expect(written.tap).toMatchObject({ status: 424 });
    expect(sim.temporaryAccessPasses(adele.id)).toHaveLength(0);
    expect(sim.revocations(adele.id).count).toBe(0);
  });

  it("with batching off, sends each write alone, in the same order, with the same outcome", async () => {
    sim.reset(demoTenant());
    const unbatched = DirectoryGateway.create(sim.url, credential, { batching: false });
    const methods = orderForDeletion(await methodsOf(unbatched, adele.id), DELETABLE);
    sim.clearRequests();
    const written = await unbatched.applyRecovery(adele.id, { deletions: methods, revoke: true, tap });
    expect(written.deletions.every((d) => d.outcome === "deleted")).toBe(true);
    expect(written.tap && "created" in written.tap).toBe(true);
    expect(sim.requests.some((r) => r.path === "/$batch" || r.inBatch)).toBe(false);
    expect(sim.requests).toHaveLength(methods.length + 2);
    expect(sim.requests.at(-1)?.path).toContain("/temporaryAccessPassMethods");
  });
});

describe("batch", () => {
  const read = (id: string, userId: string) => ({
    id,
    method: "GET" as const,
    url: `/users/${userId}?$select=id`,
  });

  it("sends a throttled item again, alone, after its Retry-After; the others are answered once", async () => {
    sim.reset(demoTenant());
    sim.throttle({ method: "GET", path: `/users/${adele.id}`, times: 1, retryAfterSeconds: 1 });
    const megan = DEMO_USERS.meganBowen.id;
    const results = await gateway.batch("test", [read("a", adele.id), read("m", megan)]);
    expect([results.get("a")?.status, results.get("m")?.status]).toEqual([200, 200]);
    const rounds = sim.requests.filter((r) => r.path === "/$batch");
    expect(rounds).toHaveLength(2);
    const items = sim.requests.filter((r) => r.inBatch);
    expect(items.map((r) => `${r.batchItemId}:${r.status}`)).toEqual(["a:429", "m:200", "a:200"]);
    expect(Date.parse(rounds[1]!.time) - Date.parse(rounds[0]!.time)).toBeGreaterThanOrEqual(1000);
  });

  it("returns an item still throttled after four attempts as it is, for the caller to judge", async () => {
    sim.reset(demoTenant());
    sim.throttle({ method: "GET", path: `/users/${adele.id}`, times: 10, retryAfterSeconds: 0 });
    const results = await gateway.batch("test", [read("a", adele.id)]);
    expect(results.get("a")?.status).toBe(429);
    expect(sim.requests.filter((r) => r.inBatch)).toHaveLength(4);
  });

  it("does not resend an item that failed for good (403)", async () => {
    sim.reset(demoTenant());
    sim.failNext({
      method: "GET",
      path: `/users/${adele.id}`,
      times: 1,
      status: 403,
      code: "Authorization_RequestDenied",
    });
    const results = await gateway.batch("test", [read("a", adele.id)]);
    expect(results.get("a")?.status).toBe(403);
    expect(sim.requests.filter((r) => r.inBatch)).toHaveLength(1);
  });

  it("splits more than 20 items into round trips of at most 20", async () => {
    sim.reset(demoTenant());
    const items = Array.from({ length: 45 }, (_, i) => read(`i${i}`, adele.id));
    const results = await gateway.batch("test", items);
    expect(results.size).toBe(45);
    expect([...results.values()].every((r) => r.status === 200)).toBe(true);
    expect(sim.requests.filter((r) => r.path === "/$batch")).toHaveLength(3);
  });
});

describe("a Graph call that hangs or loses its connection", () => {
  const impatient = () =>
    DirectoryGateway.create(
      sim.url,
      { getToken: async () => ({ token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }) },
      { timeoutMs: 300 },
    );

  it("is abandoned after the request timeout and reported as a transient directory error", async () => {
    sim.reset();
    sim.networkFault({ method: "GET", path: `/users/${adele.id}`, times: 1, kind: "slow", delayMs: 5_000 });
    const err = await impatient()
      .getMailContacts(adele.id)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({ code: "directory_error", transient: true });
    // The next attempt, no longer slow, answers.
    expect((await impatient().getMailContacts(adele.id)).userPrincipalName).toBe(adele.userPrincipalName);
  });

  it("reports a dropped connection, before or after the write, as a transient directory error", async () => {
    sim.reset();
    sim.networkFault({ method: "POST", path: "/$batch", times: 1, kind: "drop" });
    await expect(impatient().findAccount(adele.userPrincipalName)).rejects.toMatchObject({
      code: "directory_error",
      transient: true,
    });
    sim.networkFault({ method: "POST", path: "/$batch", times: 1, kind: "drop", afterWrite: true });
    await expect(impatient().applyRecovery(adele.id, { deletions: [], revoke: true })).rejects.toMatchObject({
      code: "directory_error",
      transient: true,
    });
    expect(sim.revocations(adele.id).count).toBe(1); // the write happened; its answer was lost
  });
});

describe("a Graph refusal", () => {
  it("of a batch item is a GraphRequestError with Graph's status and code, not transient", async () => {
    sim.reset(demoTenant());
    sim.failNext({
      method: "GET",
      path: "/authenticationMethodConfigurations/TemporaryAccessPass",
      times: 1,
      status: 403,
      code: "Authorization_RequestDenied",
    });
    const err = await gateway.findAccount(adele.userPrincipalName).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphRequestError);
    expect(err).toMatchObject({
      code: "directory_error",
      status: 502,
      transient: false,
      graphStatus: 403,
      graphCode: "Authorization_RequestDenied",
      message: "Graph TAP policy read failed (403 Authorization_RequestDenied)",
    });
  });

  it("of an item still throttled after the last resend is transient and carries Graph's Retry-After", async () => {
    sim.reset(demoTenant());
    sim.throttle({ method: "GET", path: `/users/${adele.id}`, times: 10, retryAfterSeconds: 0 });
    const err = await gateway
      .readForMatch(adele.id, { attributes: [], contacts: false, manager: false })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphRequestError);
    expect(err).toMatchObject({ status: 503, transient: true, graphStatus: 429, retryAfterSeconds: 0 });
  });

  it("of a request sent alone is a GraphRequestError too", async () => {
    sim.reset(demoTenant());
    sim.failNext({ method: "GET", path: `/users/${adele.id}`, times: 1, status: 403, code: "accessDenied" });
    const err = await gateway.getMailContacts(adele.id).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphRequestError);
    expect(err).toMatchObject({ transient: false, graphStatus: 403, graphCode: "accessDenied" });
  });
});

describe("a username in the account lookup's $filter", () => {
  it("is one OData string literal: a quote in it cannot add a clause", async () => {
    sim.reset(demoTenant());
    const forged = `nobody@contoso.example' or userPrincipalName eq '${adele.userPrincipalName}`;
    const { account } = await gateway.findAccount(forged);
    expect(account).toBeUndefined();
    expect((await gateway.findAccount(adele.userPrincipalName)).account?.id).toBe(adele.id);
  });
});

describe("the diagnostics' reads", () => {
  it("report a group that does not exist as Graph's 404, which the diagnostics tell apart from a refusal", async () => {
    sim.reset(demoTenant());
    const reads = new DiagnosticsReads(gateway);
    const unknown = "0a0a0a0a-0000-4000-8000-00000000dead";
    const results = await reads.enumerate(new Map([["g", DiagnosticsReads.groupMembersUrl(unknown)]]), 100);
    const failed = results.get("g");
    expect(failed).toBeInstanceOf(GraphRequestError);
    expect(graphStatusOf(failed)).toBe(404);
    expect(reads.graphRequests).toBe(1);
  });
});
