/**
 * Admin API authentication: every /api/admin route takes only an Entra access token for our
 * admin API, from our tenant, unexpired, correctly signed with a key of the tenant's JWKS, with
 * the app role the route needs. The rejection table runs against the real host with tokens
 * from the Entra simulator (the authority the app is configured with), and a rejected write
 * changes nothing.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type MintOptions, startEntraSimulator } from "../../dev/simulators/entra";
import { AdminTokenVerifier } from "../../src/admin/auth";
import { diagnosticsReportSchema } from "../../src/admin/diagnosticsReport";
import { RecoveryError } from "../../src/recovery/errors";
import { useStack } from "../support/stack";

const OTHER_TENANT = "0b8e7a6c-1d2f-4e3a-9b8c-7d6e5f4a3b2c";

describe("admin token validation", () => {
  const stack = useStack();

  type Case = { name: string; token: () => Promise<string | null>; status: number; code?: string };
  const mint = (options: MintOptions) => () => stack().adminToken(options);
  const rejections: Case[] = [
    { name: "no Authorization header", token: async () => null, status: 401, code: "missing_token" },
    { name: "not a JWT", token: async () => "not-a-jwt", status: 401, code: "invalid_token" },
    {
      name: "expired beyond the 60 s skew",
      token: mint({ issuedAtOffsetSeconds: -7200, expiresInSeconds: 3600 }),
      status: 401,
      code: "token_expired",
    },
    {
      name: "another tenant (its issuer and tid)",
      token: mint({ tid: OTHER_TENANT }),
      status: 401,
      code: "invalid_issuer",
    },
    {
      name: "our issuer but another tenant's tid",
      token: mint({ claims: { tid: OTHER_TENANT } }),
      status: 401,
      code: "invalid_issuer",
    },
    {
      name: "a v1 issuer (sts.windows.net)",
      token: async () =>
        stack().adminToken({ iss: `https://sts.windows.net/${stack().sims.entra.tenantId}/` }),
      status: 401,
      code: "invalid_issuer",
    },
    {
      name: "another audience (Microsoft Graph)",
      token: mint({ aud: "00000003-0000-0000-c000-000000000000" }),
      status: 401,
      code: "invalid_audience",
    },
    {
      name: "signed by another key under the published kid",
      token: mint({ key: "foreign" }),
      status: 401,
      code: "invalid_token",
    },
    {
      name: "a kid the JWKS does not list",
      token: mint({ key: "unknown" }),
      status: 401,
      code: "invalid_token",
    },
    { name: "alg: none", token: mint({ unsigned: true }), status: 401, code: "invalid_token" },
    {
      name: "an implausible lifetime (exp ten years after iat)",
      token: mint({ expiresInSeconds: 10 * 365 * 86_400 }),
      status: 401,
      code: "invalid_token",
    },
    {
      name: "a lifetime just over Entra's longest (28 h + 1 s)",
      token: mint({ expiresInSeconds: 28 * 3600 + 1 }),
      status: 401,
      code: "invalid_token",
    },
    {
      name: "an aud array naming us and another API, from an unknown client",
      token: () => {
        const ours = stack().settings.ADMIN_API_CLIENT_ID!;
        return stack().adminToken({ claims: { aud: [ours, "00000003-0000-0000-c000-000000000000"] } });
      },
      status: 401,
      code: "invalid_audience",
    },
    { name: "no oid", token: mint({ claims: { oid: undefined } }), status: 401, code: "invalid_token" },
    {
      name: "valid, without a roles claim",
      token: () => stack().sims.entra.mint({}),
      status: 403,
      code: "forbidden",
    },
    { name: "valid, an empty roles claim", token: mint({ roles: [] }), status: 403, code: "forbidden" },
    {
      name: "valid, another app role",
      token: mint({ roles: ["Recovery.Operator"] }),
      status: 403,
      code: "forbidden",
    },
  ];

  it.each(rejections)("refuses $name: $status $code", async ({ token, status, code }) => {
    const t = await token();
    const res = await stack().admin("GET", "/api/admin/policies", { token: t });
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toContain("application/problem+json");
    expect(res.json()).toMatchObject({ status, code });
    const challenge = res.headers.get("www-authenticate") ?? "";
    if (code === "missing_token") expect(challenge).toBe("Bearer");
    else if (status === 401) expect(challenge).toContain('error="invalid_token"');
    else expect(challenge).toContain('error="insufficient_scope"');
  });

  it("accepts Recovery.Admin and Recovery.Reader for reads, a token just past exp within the skew", async () => {
    for (const roles of [["Recovery.Admin"], ["Recovery.Reader"], ["Other", "Recovery.Reader"]]) {
      const res = await stack().admin("GET", "/api/admin/policies", {
        token: await stack().adminToken({ roles }),
      });
      expect(res.status, roles.join()).toBe(200);
    }
    // An aud array of ours alone, or from our own client (azp); a CAE-length lifetime.
    const ours = stack().settings.ADMIN_API_CLIENT_ID!;
    for (const token of [
      await stack().adminToken({ claims: { aud: [ours] } }),
      await stack().adminToken({ claims: { aud: [ours, "api://other"], azp: ours } }),
      await stack().adminToken({ expiresInSeconds: 28 * 3600 }),
    ]) {
      expect((await stack().admin("GET", "/api/admin/policies", { token })).status).toBe(200);
    }
    const skewed = await stack().adminToken({ issuedAtOffsetSeconds: -3630, expiresInSeconds: 3600 });
    expect((await stack().admin("GET", "/api/admin/policies", { token: skewed })).status).toBe(200);
  });

  it("writes need Recovery.Admin: a Reader's or a rejected token's PUT changes nothing", async () => {
    const before = (await stack().admin("GET", "/api/admin/policies")).json();
    const body = { displayName: "Sneaky", includeGroups: ["g-any"], mode: "production" };
    const reader = await stack().adminToken({ roles: ["Recovery.Reader"] });
    const refused = [
      await stack().admin("PUT", "/api/admin/policies/sneaky", { token: reader, body }),
      await stack().admin("PUT", "/api/admin/policies/sneaky", {
        token: await stack().adminToken({ unsigned: true }),
        body,
      }),
      await stack().admin("PUT", "/api/admin/policies/sneaky", { token: null, body }),
    ];
    expect(refused.map((r) => [r.status, (r.json() as { code: string }).code])).toEqual([
      [403, "forbidden"],
      [401, "invalid_token"],
      [401, "missing_token"],
    ]);
    expect((await stack().admin("GET", "/api/admin/policies")).json()).toEqual(before);
    expect((await stack().admin("GET", "/api/admin/policies/sneaky")).status).toBe(404);
  });

  it("every admin route is behind the same check", async () => {
    const routes: [string, string][] = [
      ["GET", "/api/admin/policies"],
      ["GET", "/api/admin/policies/exclusions"],
      ["PUT", "/api/admin/policies/exclusions"],
      ["GET", "/api/admin/policies/pilot"],
      ["PUT", "/api/admin/policies/pilot"],
      ["DELETE", "/api/admin/policies/pilot"],
      ["GET", "/api/admin/recoveries"],
      ["GET", `/api/admin/recoveries/${randomUUID()}`],
      ["GET", "/api/admin/diagnostics"],
    ];
    for (const [method, path] of routes) {
      const res = await stack().admin(method, path, { token: null });
      expect([method, path, res.status]).toEqual([method, path, 401]);
    }
  });
});

describe("GET /api/admin/diagnostics over HTTP", () => {
  const stack = useStack();

  it("answers a reader with the report (schema-checked by the OpenAPI conformance wrapper); refuses a token without a role", async () => {
    const reader = await stack().adminToken({ roles: ["Recovery.Reader"] });
    const res = await stack().admin("GET", "/api/admin/diagnostics", { token: reader });
    expect(res.status).toBe(200);
    const report = diagnosticsReportSchema.parse(res.json());
    expect(report.checks.map((c) => c.id)).toContain("tap_policy_scope");
    expect(report.cost.graphRequests).toBeGreaterThan(0);
    const noRole = await stack().admin("GET", "/api/admin/diagnostics", {
      token: await stack().adminToken({ roles: [] }),
    });
    expect([noRole.status, (noRole.json() as { code: string }).code]).toEqual([403, "forbidden"]);
  });
});

describe("the tenant's signing keys", () => {
  it("are fetched once and cached, and fetched again for an unknown kid (key rotation)", async () => {
    const tenantId = randomUUID();
    const audience = randomUUID();
    const entra = await startEntraSimulator({ tenantId, audience });
    try {
      const verifier = new AdminTokenVerifier(
        { tenantId, adminApi: { audiences: [audience], authorityHost: entra.url } },
        { jwksCooldownMs: 0 },
      );
      const roles = ["Recovery.Admin"];
      await verifier.verify(await entra.mint({ roles }), "write");
      await verifier.verify(await entra.mint({ roles }), "write");
      expect(entra.jwksFetches).toBe(1);
      await entra.rotateKey();
      const principal = await verifier.verify(
        await entra.mint({ roles, oid: "11111111-2222-4333-8444-555555555555" }),
        "write",
      );
      expect(principal.oid).toBe("11111111-2222-4333-8444-555555555555");
      expect(entra.jwksFetches).toBe(2);
    } finally {
      await entra.stop();
    }
  });

  it("an unreachable authority is the service's problem (503), not the caller's (401)", async () => {
    const verifier = new AdminTokenVerifier({
      tenantId: randomUUID(),
      adminApi: { audiences: ["x"], authorityHost: "http://127.0.0.1:9" },
    });
    const entra = await startEntraSimulator({ tenantId: randomUUID(), audience: "x" });
    const token = await entra.mint({ roles: ["Recovery.Admin"] });
    await entra.stop();
    const err = await verifier.verify(token, "read").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RecoveryError);
    expect(err).toMatchObject({ status: 503, code: "identity_provider_unavailable" });
  });

  it("without a configured audience every admin call is 503 admin_api_not_configured", async () => {
    const verifier = new AdminTokenVerifier({
      tenantId: randomUUID(),
      adminApi: { audiences: [], authorityHost: "http://127.0.0.1:9" },
    });
    await expect(verifier.verify("anything", "read")).rejects.toMatchObject({
      status: 503,
      code: "admin_api_not_configured",
    });
  });
});
