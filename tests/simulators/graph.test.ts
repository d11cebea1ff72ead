/**
 * The Graph simulator driven by the real @microsoft/microsoft-graph-client, to prove the two
 * agree on URLs, shapes, status codes and error bodies. The client gets an explicit
 * middleware chain because its default auth handler attaches no token over http (docs/facts.md §4).
 */
import {
  Client,
  type Context,
  HTTPMessageHandler,
  type Middleware,
  RetryHandler,
  RetryHandlerOptions,
} from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_GROUPS, DEMO_USERS, demoTenant } from "../../dev/seed/demo-tenant";
import { type GraphSimulator, startGraphSimulator, WELL_KNOWN_METHOD_IDS } from "../../dev/simulators/graph";

const TOKEN = "test-graph-token";
const START = new Date("2025-05-06T09:00:00.000Z");
let now = START;

let sim: GraphSimulator;
let client: Client;
beforeAll(async () => {
  sim = await startGraphSimulator({ acceptedToken: TOKEN, tenant: demoTenant(), clock: () => now });
  client = graphClient();
});
afterAll(() => sim.stop());
beforeEach(() => {
  now = START;
  sim.reset();
});

/** Sets the bearer header on every request, whatever form the client used for the headers. */
class BearerMiddleware implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly token: string) {}
  async execute(context: Context): Promise<void> {
    const value = `Bearer ${this.token}`;
    if (typeof context.request !== "string" && !(context.request instanceof URL)) {
      context.request.headers.set("Authorization", value);
    } else {
      context.options ??= {};
      const headers = context.options.headers;
      if (headers instanceof Headers) headers.set("Authorization", value);
      else if (Array.isArray(headers)) headers.push(["Authorization", value]);
      else context.options.headers = { ...headers, Authorization: value };
    }
    await this.next?.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

function graphClient(options: { token?: string | null; retry?: boolean } = {}): Client {
  const token = options.token === undefined ? TOKEN : options.token;
  const chain: Middleware[] = [];
  if (token !== null) chain.push(new BearerMiddleware(token));
  if (options.retry) chain.push(new RetryHandler(new RetryHandlerOptions(0.01, 3)));
  chain.push(new HTTPMessageHandler());
  return Client.initWithMiddleware({ middleware: chain, baseUrl: `${sim.url}/`, defaultVersion: "v1.0" });
}

const adele = DEMO_USERS.adeleVance;

interface ListResponse<T> {
  "@odata.context": string;
  "@odata.count"?: number;
  value: T[];
}
type Entity = Record<string, unknown>;

describe("users", () => {
  it("reads a user by UPN with $select, signInActivity included only when selected", async () => {
    const user: Entity = await client
      .api(`/users/${adele.userPrincipalName}`)
      .select(["id", "accountEnabled", "givenName", "surname", "userPrincipalName", "signInActivity"])
      .get();
    expect(user).toMatchObject({
      "@odata.context":
        "https://graph.microsoft.com/v1.0/$metadata#users(id,accountEnabled,givenName,surname,userPrincipalName,signInActivity)/$entity",
      id: adele.id,
      accountEnabled: true,
      givenName: "Adele",
      surname: "Vance",
      signInActivity: { lastSuccessfulSignInDateTime: "2025-05-02T08:31:12Z" },
    });
    expect(Object.keys(user)).not.toContain("mail");

    const plain: Entity = await client.api(`/users/${adele.id}`).get();
    expect(plain).toHaveProperty("displayName", "Adele Vance");
    expect(plain).not.toHaveProperty("accountEnabled");
    expect(plain).not.toHaveProperty("signInActivity");

    const newHire: Entity = await client
      .api(`/users/${DEMO_USERS.newHire.userPrincipalName}`)
      .select("signInActivity")
      .get();
    expect(newHire.signInActivity).toMatchObject({
      lastSignInDateTime: null,
      lastSuccessfulSignInDateTime: null,
      lastNonInteractiveSignInDateTime: null,
    });
  });

  it("answers an unknown user with 404 Request_ResourceNotFound and an unknown property with 400", async () => {
    await expect(client.api("/users/nobody@contoso.example").get()).rejects.toMatchObject({
      statusCode: 404,
      code: "Request_ResourceNotFound",
    });
    await expect(client.api(`/users/${adele.id}`).select("favouriteColour").get()).rejects.toMatchObject({
      statusCode: 400,
      code: "BadRequest",
    });
    await expect(client.api(`/users/${adele.id}/nonsense`).get()).rejects.toMatchObject({
      statusCode: 400,
      message: "Resource not found for the segment 'nonsense'.",
    });
  });

  it("pages with an @odata.nextLink that leads back to the simulator", async () => {
    const first: ListResponse<Entity> & { "@odata.nextLink"?: string } = await client
      .api("/users")
      .select("id")
      .top(8)
      .get();
    expect(first.value).toHaveLength(8);
    expect(first["@odata.nextLink"]?.startsWith(sim.url)).toBe(true);
    // The client parses only https:// absolute URLs, so over http we hand it the relative part.
    const relative = first["@odata.nextLink"]!.slice(`${sim.url}/v1.0`.length);
    const second: ListResponse<Entity> & { "@odata.nextLink"?: string } = await client.api(relative).get();
    expect(second.value).toHaveLength(3);
    expect(second["@odata.nextLink"]).toBeUndefined();
  });

  it("filters by given name and surname, case-insensitively, and counts with ConsistencyLevel only", async () => {
    const namesakes: ListResponse<Entity> = await client
      .api("/users")
      .filter("givenName eq 'nestor' and surname eq 'WILKE'")
      .select(["id", "userPrincipalName"])
      .header("ConsistencyLevel", "eventual")
      .count(true)
      .get();
    expect(namesakes["@odata.count"]).toBe(2);
    expect(namesakes.value.map((u) => u.id).sort()).toEqual(
      [DEMO_USERS.nestorWilke.id, DEMO_USERS.nestorWilke2.id].sort(),
    );

    const maria: ListResponse<Entity> = await client
      .api("/users")
      .filter("(givenName eq 'María José' and surname eq 'García-López') or mail eq 'x@y'")
      .get();
    expect(maria.value.map((u) => u.id)).toEqual([DEMO_USERS.mariaGarcia.id]);

    const quoted: ListResponse<Entity> = await client.api("/users").filter("surname eq 'O''Brien'").get();
    expect(quoted.value).toEqual([]);

    const disabled: ListResponse<Entity> = await client.api("/users").filter("accountEnabled eq false").get();
    expect(disabled.value.map((u) => u.id)).toEqual([DEMO_USERS.disabledUser.id]);

    await expect(client.api("/users").filter("givenName eq 'Adele'").count(true).get()).rejects.toMatchObject(
      {
        statusCode: 400,
      },
    );
    await expect(client.api("/users").filter("startswith(givenName,'A')").get()).rejects.toMatchObject({
      statusCode: 400,
      code: "Request_UnsupportedQuery",
    });
  });
});

describe("groups", () => {
  it("checks membership transitively, and refuses more than 20 ids", async () => {
    const megan = DEMO_USERS.meganBowen.id;
    const result: ListResponse<string> = await client
      .api(`/users/${megan}/checkMemberGroups`)
      .post({ groupIds: [DEMO_GROUPS.recoveryPilot, DEMO_GROUPS.executives] });
    expect(result.value).toEqual([DEMO_GROUPS.recoveryPilot]);

    const all: ListResponse<string> = await client
      .api(`/users/${megan}/getMemberGroups`)
      .post({ securityEnabledOnly: true });
    expect(all.value.sort()).toEqual(
      [DEMO_GROUPS.recoveryPilotNestedTeam, DEMO_GROUPS.recoveryPilot, DEMO_GROUPS.allStaff].sort(),
    );

    const tooMany = Array.from({ length: 21 }, () => DEMO_GROUPS.allStaff);
    await expect(
      client.api(`/users/${megan}/checkMemberGroups`).post({ groupIds: tooMany }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("authentication methods", () => {
  it("lists methods with their @odata.type and no secrets", async () => {
    const list: ListResponse<Entity> = await client.api(`/users/${adele.id}/authentication/methods`).get();
    expect(list.value.map((m) => m["@odata.type"]).sort()).toEqual(
      [
        "#microsoft.graph.emailAuthenticationMethod",
        "#microsoft.graph.externalAuthenticationMethod",
        "#microsoft.graph.fido2AuthenticationMethod",
        "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod",
        "#microsoft.graph.passwordAuthenticationMethod",
        "#microsoft.graph.phoneAuthenticationMethod",
        "#microsoft.graph.phoneAuthenticationMethod",
        "#microsoft.graph.platformCredentialAuthenticationMethod",
        "#microsoft.graph.softwareOathAuthenticationMethod",
        "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod",
      ].sort(),
    );
    expect(list.value.find((m) => m.id === WELL_KNOWN_METHOD_IDS.password)).toMatchObject({ password: null });
    expect(list.value.find((m) => m.id === WELL_KNOWN_METHOD_IDS.mobile)).toMatchObject({
      phoneType: "mobile",
      phoneNumber: "+1 4255550101",
    });
  });

  it("refuses deletions out of order and accepts them in order", async () => {
    const base = `/users/${adele.id}/authentication`;
    const del = (collection: string, id: string) => client.api(`${base}/${collection}/${id}`).delete();

    // The default (mobile) phone goes last; the password never goes.
    await expect(del("phoneMethods", WELL_KNOWN_METHOD_IDS.mobile)).rejects.toMatchObject({
      statusCode: 400,
      code: "badRequest",
    });
    await expect(del("passwordMethods", WELL_KNOWN_METHOD_IDS.password)).rejects.toMatchObject({
      statusCode: 400,
    });
    // A method id under the wrong collection does not exist there.
    const fido2 = sim
      .methods(adele.id)
      .find((m) => m["@odata.type"] === "#microsoft.graph.fido2AuthenticationMethod");
    await expect(del("phoneMethods", String(fido2?.id))).rejects.toMatchObject({ statusCode: 404 });

    const collections: Record<string, string> = {
      "#microsoft.graph.fido2AuthenticationMethod": "fido2Methods",
      "#microsoft.graph.microsoftAuthenticatorAuthenticationMethod": "microsoftAuthenticatorMethods",
      "#microsoft.graph.emailAuthenticationMethod": "emailMethods",
      "#microsoft.graph.softwareOathAuthenticationMethod": "softwareOathMethods",
      "#microsoft.graph.windowsHelloForBusinessAuthenticationMethod": "windowsHelloForBusinessMethods",
      "#microsoft.graph.platformCredentialAuthenticationMethod": "platformCredentialMethods",
    };
    for (const m of sim.methods(adele.id)) {
      const collection = collections[String(m["@odata.type"])];
      if (collection) await del(collection, String(m.id));
      // An external method is deleted as documented: DELETE …/externalAuthenticationMethods/{id}/$ref.
      if (m["@odata.type"] === "#microsoft.graph.externalAuthenticationMethod") {
        await del("externalAuthenticationMethods", `${String(m.id)}/$ref`);
      }
    }
    await del("phoneMethods", WELL_KNOWN_METHOD_IDS.alternateMobile);
    await del("phoneMethods", WELL_KNOWN_METHOD_IDS.mobile);
    expect(sim.methods(adele.id).map((m) => m.id)).toEqual([WELL_KNOWN_METHOD_IDS.password]);
  });

  it("v1.0 lists a QR code + PIN method but has no collection to delete it; $ref only on external methods", async () => {
    sim.reset(demoTenant());
    const megan = DEMO_USERS.meganBowen;
    const qr = sim
      .methods(megan.id)
      .find((m) => m["@odata.type"] === "#microsoft.graph.qrCodePinAuthenticationMethod");
    expect(qr).toMatchObject({ id: expect.any(String), createdDateTime: expect.any(String) });
    // Graph answers an unknown segment 400 "Resource not found for the segment".
    for (const collection of ["qrCodePinMethods", "qrCodePinMethod", "hardwareOathMethods"]) {
      await expect(
        client.api(`/users/${megan.id}/authentication/${collection}/${String(qr?.id)}`).delete(),
      ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining(collection) });
    }
    await expect(
      client
        .api(`/users/${megan.id}/authentication/emailMethods/${WELL_KNOWN_METHOD_IDS.email}/$ref`)
        .delete(),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("$ref") });
    expect(sim.methods(megan.id).some((m) => m.id === qr?.id)).toBe(true);
    // The contained collection answers the plain entity DELETE as well.
    const external = sim
      .methods(adele.id)
      .find((m) => m["@odata.type"] === "#microsoft.graph.externalAuthenticationMethod");
    await client
      .api(`/users/${adele.id}/authentication/externalAuthenticationMethods/${String(external?.id)}`)
      .delete();
    expect(sim.methods(adele.id).some((m) => m.id === external?.id)).toBe(false);
  });

  it("keeps a mobile phone while an alternate mobile exists, even when it is not the default", async () => {
    const seed = demoTenant();
    const user = seed.users.find((u) => u.id === adele.id)!;
    user.defaultMfaMethodId = user.methods.find((m) => m.type === "microsoftAuthenticator")!.id;
    sim.reset(seed);
    await expect(
      client.api(`/users/${adele.id}/authentication/phoneMethods/${WELL_KNOWN_METHOD_IDS.mobile}`).delete(),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("alternateMobile") });
  });
});

describe("temporary access pass", () => {
  const tapPath = (userId: string) => `/users/${userId}/authentication/temporaryAccessPassMethods`;

  it("reads the TAP policy", async () => {
    const policy: Entity = await client
      .api("/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/TemporaryAccessPass")
      .get();
    expect(policy).toMatchObject({
      "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration",
      id: "TemporaryAccessPass",
      state: "enabled",
      minimumLifetimeInMinutes: 60,
      maximumLifetimeInMinutes: 480,
      defaultLength: 16,
      includeTargets: [{ targetType: "group", id: DEMO_GROUPS.allStaff, isRegistrationRequired: false }],
    });
  });

  it("issues a pass within the policy, shows it once, and replaces the previous one", async () => {
    const created: Entity = await client.api(tapPath(adele.id)).post({ lifetimeInMinutes: 120 });
    expect(created).toMatchObject({
      "@odata.type": "#microsoft.graph.temporaryAccessPassAuthenticationMethod",
      lifetimeInMinutes: 120,
      isUsableOnce: true,
      isUsable: true,
      methodUsabilityReason: "EnabledByPolicy",
      startDateTime: START.toISOString(),
    });
    expect(created.temporaryAccessPass).toMatch(/^.{16}$/);
    expect(sim.temporaryAccessPasses(adele.id)).toEqual([
      expect.objectContaining({
        id: created.id,
        temporaryAccessPass: created.temporaryAccessPass,
        active: true,
      }),
    ]);

    const listed: ListResponse<Entity> = await client.api(tapPath(adele.id)).get();
    expect(listed.value).toEqual([expect.objectContaining({ id: created.id, temporaryAccessPass: null })]);

    const second: Entity = await client.api(tapPath(adele.id)).post({});
    expect(second.lifetimeInMinutes).toBe(60);
    const passes = sim.temporaryAccessPasses(adele.id);
    expect(passes.map((p) => p.active)).toEqual([false, true]);
    const after: ListResponse<Entity> = await client.api(tapPath(adele.id)).get();
    expect(after.value.map((m) => m.id)).toEqual([second.id]);

    now = new Date(START.getTime() + 61 * 60_000);
    const expired: ListResponse<Entity> = await client.api(tapPath(adele.id)).get();
    expect(expired.value[0]).toMatchObject({ isUsable: false, methodUsabilityReason: "Expired" });
  });

  it("refuses passes outside the policy", async () => {
    await expect(client.api(tapPath(adele.id)).post({ lifetimeInMinutes: 600 })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(client.api(tapPath(adele.id)).post({ isUsableOnce: false })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(client.api(tapPath(adele.id)).post({ lifetimeInMinute: 60 })).rejects.toMatchObject({
      statusCode: 400,
    });
    await expect(client.api(tapPath(DEMO_USERS.tapExcluded.id)).post({})).rejects.toMatchObject({
      statusCode: 403,
      code: "accessDenied",
    });
    expect(sim.temporaryAccessPasses(DEMO_USERS.tapExcluded.id)).toEqual([]);
  });
});

describe("sessions", () => {
  it("revokes sign-in sessions and records when", async () => {
    const result: Entity = await client
      .api(`/users/${adele.userPrincipalName}/revokeSignInSessions`)
      .post({});
    expect(result).toEqual({
      "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean",
      value: true,
    });
    expect(sim.revocations(adele.id)).toEqual({ count: 1, timestamps: [START.toISOString()] });
  });
});

describe("$batch", () => {
  it("runs items through the same routes, honours dependsOn with 424, and answers out of order", async () => {
    const json = { "Content-Type": "application/json" };
    const result: {
      responses: { id: string; status: number; headers: Record<string, string>; body?: Entity }[];
    } = await client.api("/$batch").post({
      requests: [
        { id: "1", method: "GET", url: `/users/${adele.id}?$select=id,accountEnabled` },
        {
          id: "2",
          method: "DELETE",
          url: `users/${adele.id}/authentication/phoneMethods/${WELL_KNOWN_METHOD_IDS.mobile}`,
        },
        {
          id: "3",
          method: "POST",
          url: `/users/${adele.id}/revokeSignInSessions`,
          dependsOn: ["2"],
          body: {},
          headers: json,
        },
        {
          id: "4",
          method: "POST",
          url: `/users/${adele.id}/revokeSignInSessions`,
          dependsOn: ["1"],
          body: {},
          headers: json,
        },
        { id: "5", method: "POST", url: `/users/${adele.id}/revokeSignInSessions`, body: {} },
        { id: "6", method: "GET", url: `/v1.0/users/${adele.id}` },
      ],
    });
    const byId = new Map(result.responses.map((r) => [r.id, r]));
    expect(result.responses.map((r) => r.id)).not.toEqual(["1", "2", "3", "4", "5", "6"]);
    expect(byId.get("1")).toMatchObject({ status: 200, body: { id: adele.id, accountEnabled: true } });
    expect(byId.get("2")).toMatchObject({ status: 400, body: { error: { code: "badRequest" } } });
    expect(byId.get("3")?.status).toBe(424);
    expect(byId.get("4")?.status).toBe(200);
    expect(byId.get("5")?.status).toBe(400); // a body without Content-Type
    expect(byId.get("6")).toMatchObject({
      status: 400,
      body: { error: { message: "Resource not found for the segment 'v1.0'." } },
    });
    expect(sim.revocations(adele.id).count).toBe(1);
    expect(sim.requests.filter((r) => r.inBatch)).toHaveLength(6);
  });

  it("refuses more than 20 requests", async () => {
    const requests = Array.from({ length: 21 }, (_, i) => ({
      id: String(i),
      method: "GET",
      url: `/users/${adele.id}`,
    }));
    await expect(client.api("/$batch").post({ requests })).rejects.toMatchObject({ statusCode: 400 });
  });
});

describe("faults and auth", () => {
  it("throttles with Retry-After, and the client's RetryHandler waits and retries", async () => {
    sim.throttle({ path: /\/authentication\/methods$/, times: 2, retryAfterSeconds: 0.05 });
    const started = Date.now();
    const list: ListResponse<Entity> = await graphClient({ retry: true })
      .api(`/users/${adele.id}/authentication/methods`)
      .get();
    expect(list.value.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(sim.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it("throttles $batch items, and their dependants fail with 424", async () => {
    sim.throttle({ method: "POST", path: "/revokeSignInSessions", times: 1, retryAfterSeconds: 1.5 });
    const json = { "Content-Type": "application/json" };
    const result: { responses: { id: string; status: number; headers: Record<string, string> }[] } =
      await client.api("/$batch").post({
        requests: [
          {
            id: "a",
            method: "POST",
            url: `/users/${adele.id}/revokeSignInSessions`,
            body: {},
            headers: json,
          },
          { id: "b", method: "GET", url: `/users/${adele.id}/authentication/methods`, dependsOn: ["a"] },
        ],
      });
    const a = result.responses.find((r) => r.id === "a");
    expect(a).toMatchObject({ status: 429, headers: { "Retry-After": "1.5" } });
    expect(result.responses.find((r) => r.id === "b")?.status).toBe(424);
  });

  it("fails the next matching request with an injected status", async () => {
    sim.failNext({ path: "/users/", times: 1, status: 503, code: "serviceNotAvailable" });
    await expect(client.api(`/users/${adele.id}`).get()).rejects.toMatchObject({
      statusCode: 503,
      code: "serviceNotAvailable",
    });
    await expect(client.api(`/users/${adele.id}`).get()).resolves.toHaveProperty("id", adele.id);
  });

  it("answers a missing or wrong token with 401 InvalidAuthenticationToken", async () => {
    await expect(graphClient({ token: null }).api(`/users/${adele.id}`).get()).rejects.toMatchObject({
      statusCode: 401,
      code: "InvalidAuthenticationToken",
    });
    await expect(graphClient({ token: "wrong" }).api(`/users/${adele.id}`).get()).rejects.toMatchObject({
      statusCode: 401,
      code: "InvalidAuthenticationToken",
    });
  });

  it("exposes state and fault injection under /_sim for curl", async () => {
    const thrown = await fetch(`${sim.url}/_sim/throttle`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ path: "^/users/[^/]+$", regex: true, times: 1, retryAfterSeconds: 2 }),
    });
    expect(thrown.status).toBe(201);
    await expect(client.api(`/users/${adele.id}`).get()).rejects.toMatchObject({ statusCode: 429 });

    const state = (await (
      await fetch(`${sim.url}/_sim/users/${adele.userPrincipalName}/state`)
    ).json()) as Entity;
    expect(state).toMatchObject({ user: { id: adele.id }, revocations: { count: 0 } });
    const log = (await (await fetch(`${sim.url}/_sim/requests`)).json()) as Entity[];
    expect(log).toEqual([expect.objectContaining({ status: 429, path: `/users/${adele.id}` })]);
  });
});

describe("sendMail and manager", () => {
  const message = (to: string[], cc: string[] = []) => ({
    message: {
      subject: "Your account was recovered",
      body: { contentType: "Text", content: "Hello" },
      toRecipients: to.map((address) => ({ emailAddress: { address } })),
      ccRecipients: cc.map((address) => ({ emailAddress: { address } })),
    },
    saveToSentItems: false,
  });

  it("accepts a message from a shared mailbox with 202 and records it", async () => {
    const seed = { ...demoTenant(), mailboxes: ["recovery-noreply@contoso.example"] };
    sim.reset(seed);
    const res = await fetch(`${sim.url}/v1.0/users/recovery-noreply@contoso.example/sendMail`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(message(["a@example.net"], ["boss@contoso.example"])),
    });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
    expect(sim.sentMail).toEqual([
      {
        time: START.toISOString(),
        from: "recovery-noreply@contoso.example",
        subject: "Your account was recovered",
        contentType: "text",
        content: "Hello",
        toRecipients: ["a@example.net"],
        ccRecipients: ["boss@contoso.example"],
        bccRecipients: [],
        saveToSentItems: false,
      },
    ]);
    const viaSim = (await (await fetch(`${sim.url}/_sim/mail`)).json()) as unknown[];
    expect(viaSim).toHaveLength(1);
  });

  it("sends from a user's mailbox too, through the SDK client", async () => {
    await client.api(`/users/${adele.userPrincipalName}/sendMail`).post(message(["a@example.net"]));
    expect(sim.sentMail.map((m) => m.from)).toEqual([adele.userPrincipalName]);
  });

  it("refuses an unknown mailbox (404 ErrorInvalidUser), no recipients and a bad address (400)", async () => {
    await expect(
      client.api("/users/nobody@contoso.example/sendMail").post(message(["a@example.net"])),
    ).rejects.toMatchObject({ statusCode: 404, code: "ErrorInvalidUser" });
    await expect(client.api(`/users/${adele.id}/sendMail`).post(message([]))).rejects.toMatchObject({
      statusCode: 400,
      code: "ErrorInvalidRecipients",
    });
    await expect(
      client.api(`/users/${adele.id}/sendMail`).post(message(["not-an-address"])),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: "ErrorInvalidRecipients",
    });
    expect(sim.sentMail).toHaveLength(0);
  });

  it("answers a user's manager, and 404 when there is none", async () => {
    const seed = demoTenant();
    seed.users.find((u) => u.id === adele.id)!.managerId = DEMO_USERS.meganBowen.id;
    sim.reset(seed);
    const manager = (await client.api(`/users/${adele.id}/manager`).select("id,mail").get()) as Entity;
    expect(manager).toMatchObject({
      "@odata.type": "#microsoft.graph.user",
      id: DEMO_USERS.meganBowen.id,
      mail: DEMO_USERS.meganBowen.userPrincipalName,
    });
    await expect(client.api(`/users/${DEMO_USERS.meganBowen.id}/manager`).get()).rejects.toMatchObject({
      statusCode: 404,
      code: "Request_ResourceNotFound",
    });
  });

  it("renders otherMails when selected", async () => {
    const seed = demoTenant();
    seed.users.find((u) => u.id === adele.id)!.otherMails = ["adele@example.net"];
    sim.reset(seed);
    const user = (await client.api(`/users/${adele.id}`).select("id,otherMails").get()) as Entity;
    expect(user.otherMails).toEqual(["adele@example.net"]);
  });
});

describe("an answer lost after the write (failNext afterWrite)", () => {
  it("carries the write out, then answers with the failure, once", async () => {
    sim.failNext({
      method: "POST",
      path: "/revokeSignInSessions",
      times: 1,
      status: 504,
      code: "GatewayTimeout",
      afterWrite: true,
    });
    await expect(client.api(`/users/${adele.id}/revokeSignInSessions`).post({})).rejects.toMatchObject({
      statusCode: 504,
    });
    expect(sim.revocations(adele.id).count).toBe(1);
    await client.api(`/users/${adele.id}/revokeSignInSessions`).post({});
    expect(sim.revocations(adele.id).count).toBe(2);
  });

  it("inside $batch: every item runs, and the whole answer is lost", async () => {
    sim.failNext({
      method: "POST",
      path: "/$batch",
      times: 1,
      status: 500,
      code: "generalException",
      afterWrite: true,
    });
    const id = sim
      .methods(adele.id)
      .find((m) => m["@odata.type"] === "#microsoft.graph.fido2AuthenticationMethod")!.id;
    await expect(
      client.api("/$batch").post({
        requests: [
          { id: "1", method: "DELETE", url: `/users/${adele.id}/authentication/fido2Methods/${String(id)}` },
        ],
      }),
    ).rejects.toMatchObject({ statusCode: 500 });
    expect(sim.methods(adele.id).some((m) => m.id === id)).toBe(false);
  });

  it("leaves a request that fails anyway alone", async () => {
    sim.failNext({ path: "/users/", times: 1, status: 500, code: "generalException", afterWrite: true });
    await expect(client.api("/users/nobody@contoso.example").get()).rejects.toMatchObject({
      statusCode: 404,
    });
    await expect(client.api(`/users/${adele.id}`).get()).rejects.toMatchObject({ statusCode: 500 });
  });
});
