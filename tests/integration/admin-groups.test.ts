/**
 * `GET /api/admin/groups?ids=`: group display names for the console's policy forms, read
 * from the Graph simulator through the gateway. Bad input is 400 problem+json and reads
 * nothing; an unknown group is null (the form says which id is wrong); the admin API's
 * token rules apply (Reader may read, no role is 403, no token 401).
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { DEMO_GROUPS } from "../../dev/seed/demo-tenant";
import { useStack } from "../support/stack";

describe("group display names for the admin console", () => {
  const stack = useStack();
  const reader = () => stack().adminToken({ roles: ["Recovery.Reader"] });

  it("refuses a missing, malformed or oversized id list with 400, before any Graph read", async () => {
    const token = await reader();
    const before = stack().sims.graph.requests.length;
    for (const query of [
      "",
      "?ids=",
      "?ids=not-a-guid",
      `?ids=${DEMO_GROUPS.executives},x`,
      `?ids=${Array.from({ length: 101 }, () => randomUUID()).join(",")}`,
      `?ids=${DEMO_GROUPS.executives}&extra=1`,
      `?ids=${DEMO_GROUPS.executives}/../x`,
    ]) {
      const res = await stack().admin("GET", `/api/admin/groups${query}`, { token });
      expect(res.status, query).toBe(400);
      expect(res.json()).toMatchObject({ code: "invalid_request" });
    }
    expect(stack().sims.graph.requests.length).toBe(before);
  });

  it("needs a token with a console role", async () => {
    const path = `/api/admin/groups?ids=${DEMO_GROUPS.executives}`;
    expect((await stack().admin("GET", path, { token: null })).status).toBe(401);
    const noRole = await stack().adminToken({ roles: [] });
    expect((await stack().admin("GET", path, { token: noRole })).status).toBe(403);
  });

  it("names each group once, and answers null for one the directory does not have", async () => {
    const unknown = randomUUID();
    const res = await stack().admin(
      "GET",
      `/api/admin/groups?ids=${DEMO_GROUPS.recoveryPilot},${DEMO_GROUPS.executives.toUpperCase()},${unknown},${DEMO_GROUPS.recoveryPilot}`,
      { token: await reader() },
    );
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({
      groups: [
        { id: DEMO_GROUPS.recoveryPilot, displayName: "Recovery Pilot" },
        { id: DEMO_GROUPS.executives, displayName: "Executives" },
        { id: unknown, displayName: null },
      ],
    });
  });
});
