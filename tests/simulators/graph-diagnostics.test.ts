/**
 * What the Graph simulator gained for the preflight diagnostics, driven by the real Graph SDK
 * client: group transitive members in pages with @odata.nextLink, Graph's page limits (999;
 * 120 with signInActivity), `id in (…)` filters, Conditional Access policies in Graph's
 * shape, directory role assignments with their principal, and extra accepted tokens.
 */
import {
  Client,
  type Context,
  GraphError,
  HTTPMessageHandler,
  type Middleware,
} from "@microsoft/microsoft-graph-client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_GROUPS, DEMO_USERS, demoTenant } from "../../dev/seed/demo-tenant";
import {
  type GraphSimulator,
  generatedUsers,
  startGraphSimulator,
  type TenantSeed,
} from "../../dev/simulators/graph";
import { relativeNextLink } from "../../src/directory/diagnosticsReads";

const TOKEN = "test-graph-token";
const BIG_GROUP = "0e0e0e0e-0000-4000-8000-000000000001";

function tenant(): TenantSeed {
  const seed = demoTenant();
  seed.groups.push({ id: BIG_GROUP, displayName: "Big", memberOf: [DEMO_GROUPS.allStaff] });
  seed.users.push(...generatedUsers(2500, { memberOf: [BIG_GROUP] }));
  seed.conditionalAccessPolicies = [
    {
      id: "ca-1",
      displayName: "Block registration outside trusted locations",
      state: "enabledForReportingButNotEnforced",
      users: { includeUsers: ["All"], excludeGroups: [DEMO_GROUPS.executives] },
      applications: { includeUserActions: ["urn:user:registersecurityinfo"] },
      locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] },
      grantControls: { operator: "OR", builtInControls: ["block"] },
    },
  ];
  seed.roleAssignments = [
    {
      id: "ra-1",
      roleDefinitionId: "62e90394-69f5-4237-9190-012177145e10",
      principalId: DEMO_USERS.leeGu.id,
    },
    {
      id: "ra-2",
      roleDefinitionId: "fe930be7-5e62-47db-91af-98c3a49a38b1",
      principalId: DEMO_GROUPS.executives,
    },
  ];
  return seed;
}

class Bearer implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly token: string) {}
  async execute(context: Context): Promise<void> {
    context.options ??= {};
    context.options.headers = {
      ...(context.options.headers as Record<string, string>),
      Authorization: `Bearer ${this.token}`,
    };
    await this.next?.execute(context);
  }
  setNext(next: Middleware): void {
    this.next = next;
  }
}

let sim: GraphSimulator;
const client = (token = TOKEN) =>
  Client.initWithMiddleware({
    middleware: [new Bearer(token), new HTTPMessageHandler()],
    baseUrl: `${sim.url}/`,
    defaultVersion: "v1.0",
  });

beforeAll(async () => {
  sim = await startGraphSimulator({ acceptedToken: TOKEN, tenant: tenant() });
});
afterAll(() => sim.stop());
beforeEach(() => sim.reset());

interface Page<T> {
  value: T[];
  "@odata.nextLink"?: string;
}
type Entity = Record<string, unknown>;

describe("group transitive members", () => {
  it("pages through every user of a group at any depth, 999 at a time, with the selected properties", async () => {
    const ids: string[] = [];
    let page: Page<Entity> = await client()
      .api(`/groups/${DEMO_GROUPS.allStaff}/transitiveMembers/microsoft.graph.user`)
      .select("id,givenName,accountEnabled")
      .top(999)
      .get();
    let pages = 1;
    for (;;) {
      for (const u of page.value) ids.push(u.id as string);
      expect(Object.keys(page.value[0]!).sort()).toEqual(["accountEnabled", "givenName", "id"]);
      if (!page["@odata.nextLink"]) break;
      expect(page["@odata.nextLink"]).toContain(sim.url);
      // The SDK resolves an absolute link only on Graph hosts: go on relative, as the app does.
      page = await client().api(relativeNextLink(page["@odata.nextLink"])).get();
      pages++;
    }
    // The demo's ten All-staff members plus the 2,500 of the nested group.
    const direct = demoTenant().users.filter((u) => u.memberOf.includes(DEMO_GROUPS.allStaff)).length;
    expect(ids).toHaveLength(direct + 2500);
    expect(new Set(ids).size).toBe(ids.length);
    expect(pages).toBe(Math.ceil(ids.length / 999));
  });

  it("defaults to pages of 100, refuses $top above 999, and without the cast lists nested groups with their type", async () => {
    const first: Page<Entity> = await client()
      .api(`/groups/${BIG_GROUP}/transitiveMembers/microsoft.graph.user`)
      .get();
    expect(first.value).toHaveLength(100);
    await expect(
      client().api(`/groups/${BIG_GROUP}/transitiveMembers/microsoft.graph.user`).top(1000).get(),
    ).rejects.toMatchObject({
      statusCode: 400,
    });
    const all: Page<Entity> = await client()
      .api(`/groups/${DEMO_GROUPS.recoveryPilot}/transitiveMembers`)
      .top(999)
      .get();
    expect(all.value.filter((m) => m["@odata.type"] === "#microsoft.graph.group").map((m) => m.id)).toEqual([
      DEMO_GROUPS.recoveryPilotNestedTeam,
    ]);
    expect(all.value.find((m) => m.id === DEMO_USERS.meganBowen.id)).toMatchObject({
      "@odata.type": "#microsoft.graph.user",
    });
  });

  it("answers 404 for an unknown group", async () => {
    const err = await client()
      .api("/groups/0e0e0e0e-0000-4000-8000-00000000dead/transitiveMembers/microsoft.graph.user")
      .get()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphError);
    expect(err).toMatchObject({ statusCode: 404, code: "Request_ResourceNotFound" });
  });
});

describe("users by id with sign-in activity", () => {
  it("filters with id in (…) and caps pages at 120 when signInActivity is selected", async () => {
    const wanted = [DEMO_USERS.adeleVance.id, DEMO_USERS.newHire.id, "0e0e0e0e-0000-4000-8000-00000000dead"];
    const page: Page<{ id: string; signInActivity: { lastSuccessfulSignInDateTime: string | null } }> =
      await client()
        .api("/users")
        .filter(`id in (${wanted.map((id) => `'${id}'`).join(",")})`)
        .select("id,signInActivity")
        .get();
    expect(
      Object.fromEntries(page.value.map((u) => [u.id, u.signInActivity.lastSuccessfulSignInDateTime])),
    ).toEqual({
      [DEMO_USERS.adeleVance.id]: "2025-05-02T08:31:12Z",
      [DEMO_USERS.newHire.id]: null,
    });
    const big: Page<Entity> = await client().api("/users").select("id,signInActivity").top(999).get();
    expect(big.value).toHaveLength(120);
    expect(big["@odata.nextLink"]).toBeDefined();
  });
});

describe("Conditional Access and directory roles", () => {
  it("lists Conditional Access policies in Graph's shape", async () => {
    const page: Page<Entity> = await client().api("/identity/conditionalAccess/policies").get();
    expect(page.value).toEqual([
      expect.objectContaining({
        id: "ca-1",
        state: "enabledForReportingButNotEnforced",
        conditions: expect.objectContaining({
          users: expect.objectContaining({
            includeUsers: ["All"],
            excludeGroups: [DEMO_GROUPS.executives],
            includeRoles: [],
          }),
          applications: expect.objectContaining({ includeUserActions: ["urn:user:registersecurityinfo"] }),
          locations: { includeLocations: ["All"], excludeLocations: ["AllTrusted"] },
          clientAppTypes: ["all"],
        }),
        grantControls: expect.objectContaining({
          operator: "OR",
          builtInControls: ["block"],
          authenticationStrength: null,
        }),
      }),
    ]);
  });

  it("filters role assignments by role and expands the principal (user or group)", async () => {
    const ga: Page<Entity> = await client()
      .api("/roleManagement/directory/roleAssignments")
      .filter("roleDefinitionId eq '62e90394-69f5-4237-9190-012177145e10'")
      .expand("principal")
      .get();
    expect(ga.value).toEqual([
      expect.objectContaining({
        principalId: DEMO_USERS.leeGu.id,
        principal: expect.objectContaining({ "@odata.type": "#microsoft.graph.user" }),
      }),
    ]);
    const all: Page<Entity> = await client()
      .api("/roleManagement/directory/roleAssignments")
      .expand("principal")
      .get();
    expect(all.value.map((a) => (a.principal as Entity)["@odata.type"])).toEqual([
      "#microsoft.graph.user",
      "#microsoft.graph.group",
    ]);
  });
});

describe("tokens", () => {
  it("accepts a token added with acceptToken, besides the configured one, and still refuses others", async () => {
    await expect(client("another-token").api("/users").top(1).get()).rejects.toMatchObject({
      statusCode: 401,
    });
    sim.acceptToken("another-token");
    await expect(client("another-token").api("/users").top(1).get()).resolves.toMatchObject({
      value: [expect.any(Object)],
    });
    await expect(client().api("/users").top(1).get()).resolves.toBeDefined();
  });
});
