/**
 * The policy API: profiles and the global exclusion list read and written by an admin, with
 * the seed's schema, ETag / If-Match optimistic concurrency (a stale write is 412 and changes
 * nothing), an audit entry per change naming the admin and the changed fields, changes in
 * force at once on this instance, and a deleted seeded profile that stays deleted when the
 * app starts again and re-applies its seed.
 */
import { describe, expect, it } from "vitest";
import { DEMO_GROUPS, DEMO_USERS } from "../../dev/seed/demo-tenant";
import { useStack } from "../support/stack";

const ADMIN_OID = "5c1d7e2a-9b3f-4a6c-8d0e-1f2a3b4c5d6e";

interface Versioned {
  value: Record<string, unknown> & { id?: string };
  etag: string;
  source: string;
}

describe("policy API", () => {
  const stack = useStack({ mode: "evaluation" });
  const asAdmin = () => stack().adminToken({ oid: ADMIN_OID });

  async function read(id: string) {
    const res = await stack().admin("GET", `/api/admin/policies/${id}`);
    return {
      status: res.status,
      etag: res.headers.get("etag") ?? "",
      body: res.json() as Record<string, unknown>,
    };
  }

  async function policyAudit() {
    return (await stack().auditEvents("admin-policy")).map((e) => ({
      ...e,
      detail: JSON.parse(e.detail ?? "{}") as {
        target: string;
        adminOid: string;
        changes: { path: string }[];
      },
    }));
  }

  it("lists the seeded profiles and exclusion list, each with its ETag and source", async () => {
    const res = await stack().admin("GET", "/api/admin/policies");
    expect(res.status).toBe(200);
    const body = res.json() as { profiles: Versioned[]; globalExclusions: Versioned };
    expect(body.profiles.map((p) => [p.value.id, p.source])).toEqual([["pilot", "seed"]]);
    expect(body.profiles[0]!.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(body.globalExclusions.value).toEqual({ groups: [DEMO_GROUPS.executives], users: [] });
    const one = await read("pilot");
    expect(one.etag).toBe(body.profiles[0]!.etag);
    expect(one.body).toEqual(body.profiles[0]!.value);
  });

  it("a write with the current ETag wins; a second write with the same (now stale) ETag is 412 and changes nothing", async () => {
    const v1 = await read("pilot");
    const first = await stack().admin("PUT", "/api/admin/policies/pilot", {
      token: await asAdmin(),
      headers: { "if-match": v1.etag },
      body: {
        ...v1.body,
        faceCheckThreshold: 80,
        providers: { default: "demo-idv", byCountry: { FR: "idemia" } },
      },
    });
    expect(first.status).toBe(200);
    const v2 = first.headers.get("etag");
    expect(v2).not.toBe(v1.etag);
    const stale = await stack().admin("PUT", "/api/admin/policies/pilot", {
      headers: { "if-match": v1.etag },
      body: { ...v1.body, faceCheckThreshold: 95 },
    });
    expect(stale.status).toBe(412);
    expect(stale.json()).toMatchObject({ code: "precondition_failed" });
    // The current tag, sent weak: If-Match compares strongly (RFC 9110 §13.1.1), so it is no match.
    const weak = await stack().admin("PUT", "/api/admin/policies/pilot", {
      headers: { "if-match": `W/${v2}` },
      body: { ...v1.body, faceCheckThreshold: 95 },
    });
    expect([weak.status, (weak.json() as { code: string }).code]).toEqual([412, "precondition_failed"]);
    const now = await read("pilot");
    expect([now.etag, now.body.faceCheckThreshold]).toEqual([v2, 80]);

    const list = (await stack().admin("GET", "/api/admin/policies")).json() as { profiles: Versioned[] };
    expect(list.profiles[0]!.source).toBe("admin");
    const change = (await policyAudit()).at(-1)!;
    expect(change).toMatchObject({ event: "policy_changed", code: "policy_updated", userId: ADMIN_OID });
    expect(change.detail).toMatchObject({ target: "profile:pilot", adminOid: ADMIN_OID });
    expect(change.detail.changes).toEqual([
      { path: "faceCheckThreshold", before: 70, after: 80 },
      { path: "providers.byCountry.FR", before: null, after: "idemia" },
    ]);
  });

  it("a change to an existing profile needs If-Match (428); If-None-Match: * only creates", async () => {
    const current = await read("pilot");
    const audited = (await policyAudit()).length;
    const noPrecondition = await stack().admin("PUT", "/api/admin/policies/pilot", { body: current.body });
    expect([noPrecondition.status, (noPrecondition.json() as { code: string }).code]).toEqual([
      428,
      "precondition_required",
    ]);
    const createOnly = await stack().admin("PUT", "/api/admin/policies/pilot", {
      headers: { "if-none-match": "*" },
      body: current.body,
    });
    expect(createOnly.status).toBe(412);
    const noIfMatch = await stack().admin("DELETE", "/api/admin/policies/pilot");
    expect(noIfMatch.status).toBe(428);
    expect((await read("pilot")).etag).toBe(current.etag);
    expect((await policyAudit()).length).toBe(audited);
  });

  it("refuses an invalid profile with the field's path (invalid_policy), writing nothing", async () => {
    const cases: [unknown, string][] = [
      [{ displayName: "No groups", includeGroups: [] }, "includeGroups"],
      [{ displayName: "X", includeGroups: ["g"], faceCheckThreshold: 10 }, "faceCheckThreshold"],
      [{ displayName: "X", includeGroups: ["g"], surprise: true }, "surprise"],
      [
        { displayName: "X", includeGroups: ["g"], providers: { default: "no-such-idv" } },
        "unknown provider no-such-idv",
      ],
      [{ id: "other", displayName: "X", includeGroups: ["g"] }, "id: must equal"],
      // The callout may only send a key of its own namespace, never another secret of the app.
      ...["tap-handoff-key", "idv-handoff-signing-key", "idv-demo-idv-webhook-secret"].map(
        (apiKeySecret): [unknown, string] => [
          {
            displayName: "X",
            includeGroups: ["g"],
            claimValidation: { url: "https://listener.example/steal", apiKeySecret },
          },
          "claimValidation.apiKeySecret: must be a secret named claim-validation-<name>",
        ],
      ),
      [
        { displayName: "X", includeGroups: ["g"], claimValidation: { url: "http://listener.example/steal" } },
        "claimValidation.url: must be https",
      ],
      [[1, 2], "(root)"],
    ];
    for (const [body, detail] of cases) {
      const res = await stack().admin("PUT", "/api/admin/policies/newbie", { body });
      expect(res.status, detail).toBe(400);
      expect(res.json()).toMatchObject({ code: "invalid_policy" });
      expect((res.json() as { detail: string }).detail).toContain(detail);
    }
    expect((await read("newbie")).status).toBe(404);
    const notJson = await stack().admin("PUT", "/api/admin/policies/newbie", {
      headers: { "content-type": "text/plain" },
    });
    expect(notJson.status).toBe(415);
    const token = await stack().adminToken();
    const raw = (body: string) =>
      fetch(`${stack().url}/api/admin/policies/newbie`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body,
      });
    const malformed = await raw('{"displayName": "X", ');
    expect([malformed.status, ((await malformed.json()) as { code: string }).code]).toEqual([
      400,
      "invalid_request",
    ]);
    const huge = await raw(JSON.stringify({ displayName: "X".repeat(70 * 1024), includeGroups: ["g"] }));
    expect([huge.status, ((await huge.json()) as { code: string }).code]).toEqual([413, "payload_too_large"]);
    expect((await read("newbie")).status).toBe(404);
  });

  it("creates a profile (201, Location, ETag), which an admin can then delete", async () => {
    const created = await stack().admin("PUT", "/api/admin/policies/contractors", {
      body: { displayName: "Contractors", includeGroups: ["g-contractors"], priority: 50 },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("location")).toBe("/api/admin/policies/contractors");
    expect(created.json()).toMatchObject({ id: "contractors", mode: "evaluation", faceCheckThreshold: 70 });
    const etag = created.headers.get("etag")!;
    expect((await read("contractors")).etag).toBe(etag);
    expect((await policyAudit()).at(-1)).toMatchObject({ code: "policy_created" });
    const stale = await stack().admin("DELETE", "/api/admin/policies/contractors", {
      headers: { "if-match": '"c3RhbGU"' },
    });
    expect(stale.status).toBe(412);
    const deleted = await stack().admin("DELETE", "/api/admin/policies/contractors", {
      headers: { "if-match": etag },
    });
    expect(deleted.status).toBe(204);
    expect((await read("contractors")).status).toBe(404);
    expect((await policyAudit()).at(-1)).toMatchObject({ code: "policy_deleted" });
  });

  it("the global exclusion list is edited under its own ETag and is in force at once", async () => {
    const current = await read("exclusions");
    expect(current.status).toBe(200);
    const users = [DEMO_USERS.adeleVance.userPrincipalName];
    const missing = await stack().admin("PUT", "/api/admin/policies/exclusions", {
      body: { ...current.body, users },
    });
    expect(missing.status).toBe(428);
    const written = await stack().admin("PUT", "/api/admin/policies/exclusions", {
      headers: { "if-match": current.etag },
      body: { ...current.body, users },
    });
    expect(written.status).toBe(200);
    expect((await stack().admin("DELETE", "/api/admin/policies/exclusions")).status).toBe(405);
    // In force for the next discovery on this instance (its policy cache was dropped).
    const start = await stack().startRecovery({ username: DEMO_USERS.adeleVance.userPrincipalName });
    const state = await stack().waitForStatus(start.body, ["not_eligible", "verifying_identity"]);
    expect(state.status).toBe("not_eligible");
    const audit = await stack().auditEvents(start.body.recoveryId);
    expect(audit.find((e) => e.event === "eligibility_checked")?.code).toBe("globally_excluded");
    const back = await stack().admin("PUT", "/api/admin/policies/exclusions", {
      headers: { "if-match": written.headers.get("etag")! },
      body: { ...current.body, users: [] },
    });
    expect(back.status).toBe(200);
  });

  it("a deleted seeded profile stays deleted when the app restarts and re-applies its seed; the last profile cannot go", async () => {
    const second = await stack().admin("PUT", "/api/admin/policies/second", {
      body: { displayName: "Second", includeGroups: ["g-second"] },
    });
    expect(second.status).toBe(201);
    const pilot = await read("pilot");
    expect(
      (await stack().admin("DELETE", "/api/admin/policies/pilot", { headers: { "if-match": pilot.etag } }))
        .status,
    ).toBe(204);
    await stack().crashAndRestartHost();
    expect((await read("pilot")).status).toBe(404);
    const list = (await stack().admin("GET", "/api/admin/policies")).json() as { profiles: Versioned[] };
    expect(list.profiles.map((p) => p.value.id)).toEqual(["second"]);
    const last = await stack().admin("DELETE", "/api/admin/policies/second", {
      headers: { "if-match": second.headers.get("etag")! },
    });
    expect([last.status, (last.json() as { code: string }).code]).toEqual([409, "last_profile"]);
    // Recreating the deleted seeded profile is a create (over the tombstone).
    const again = await stack().admin("PUT", "/api/admin/policies/pilot", { body: pilot.body });
    expect(again.status).toBe(201);
  });
});
