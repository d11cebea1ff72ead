/**
 * The OpenAPI document: served anonymously, OpenAPI 3.1 with the 2020-12 dialect, covering
 * every route the app registers (the README's contract table), with examples that validate
 * against their own schemas. The conformance check that every integration test's answers go
 * through (tests/support/stack.ts) is shown to catch drift: a changed schema, an undocumented
 * status, an undocumented route, a problem code the operation does not list.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { routeKey, routesOfTable } from "../build/routes";
import { checkResponse, findPath, validatorOf } from "../support/openapiConformance";
import { useStack } from "../support/stack";

type Doc = Parameters<typeof checkResponse>[0];

describe("GET /api/openapi.json", () => {
  const stack = useStack();

  async function document(): Promise<Doc> {
    const res = await fetch(`${stack().url}/api/openapi.json`);
    expect(res.status).toBe(200);
    return (await res.json()) as Doc;
  }

  it("is an OpenAPI 3.1 document in the 2020-12 dialect with the security schemes of each caller", async () => {
    const doc = await document();
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.jsonSchemaDialect).toBe("https://json-schema.org/draft/2020-12/schema");
    const schemes = (doc.components as { securitySchemes: Record<string, { type: string }> }).securitySchemes;
    expect(Object.entries(schemes).map(([k, v]) => `${k}:${v.type}`)).toEqual([
      "recoveryToken:http",
      "entraAdmin:openIdConnect",
      "verifiedIdApiKey:apiKey",
      "idvWebhookSignature:apiKey",
    ]);
  });

  it("documents every route of the README's contract table, and no other", async () => {
    const doc = await document();
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((method) => routeKey(method, p)),
    );
    const readme = routesOfTable(
      readFileSync(path.resolve(__dirname, "../../README.md"), "utf8"),
      /^## HTTP API/,
    );
    // The exclusion list's literal path is served by the {id} routes (a reserved id).
    const served = new Set(documented.map((k) => k.replace("/policies/exclusions", "/policies/{}")));
    expect([...served].sort()).toEqual([...readme].sort());
  });

  it("gives every JSON answer and request body an example that validates against its schema", async () => {
    // The document the conformance check uses, with its validator: each schema is compiled once.
    const doc = (await stack().openApi()) as Doc;
    const validator = validatorOf(doc);
    let examples = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const o = op as {
          requestBody?: { content: Record<string, { schema: object; example?: unknown }> };
          responses: Record<string, { content?: Record<string, { schema: object; example?: unknown }> }>;
        };
        const media = [
          ...Object.values(o.requestBody?.content ?? {}),
          ...Object.values(o.responses).flatMap((r) => Object.values(r.content ?? {})),
        ];
        for (const m of media) {
          if (m.example === undefined) continue;
          examples++;
          // Compiling is synchronous: let pooled connections see their keep-alive expire meanwhile.
          await new Promise((r) => setImmediate(r));
          expect(
            validator.validate(m.schema as Record<string, unknown>, m.example),
            `${method} ${p}`,
          ).toEqual([]);
        }
        const problems = Object.entries(o.responses).filter(
          ([, r]) => r.content?.["application/problem+json"],
        );
        for (const [status, r] of problems) {
          expect(r.content!["application/problem+json"]!.example, `${method} ${p} ${status}`).toBeDefined();
        }
      }
    }
    expect(examples).toBeGreaterThan(30);
  });

  it("the conformance check catches drift: a changed schema, an undocumented status or route, an unlisted code", async () => {
    const doc = await document();
    const health = await fetch(`${stack().url}/api/health`);
    const observed = {
      method: "GET",
      path: "/api/health",
      status: health.status,
      contentType: health.headers.get("content-type"),
      body: await health.text(),
    };
    expect(checkResponse(doc, observed)).toEqual([]);

    const drifted = structuredClone(doc) as Doc & {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    drifted.components.schemas.Health!.properties.status = { type: "string", const: "healthy" };
    expect(checkResponse(drifted, observed)).toEqual([
      'GET /api/health → 200: $/status: must be equal to constant "healthy"',
    ]);
    expect(checkResponse(doc, { ...observed, status: 201 })[0]).toContain("undocumented status");
    expect(checkResponse(doc, { ...observed, path: "/api/healthz", status: 200 })[0]).toContain(
      "undocumented route",
    );
    expect(checkResponse(doc, { ...observed, contentType: "text/plain" })[0]).toContain(
      "content type text/plain",
    );

    const problem = await fetch(`${stack().url}/api/recovery/${crypto.randomUUID()}`);
    const refused = {
      method: "GET",
      path: new URL(problem.url).pathname,
      status: problem.status,
      contentType: problem.headers.get("content-type"),
      body: await problem.text(),
    };
    expect(checkResponse(doc, refused)).toEqual([]);
    const unlisted = {
      ...refused,
      body: refused.body.replace('"code":"missing_recovery_token"', '"code":"token_missing"'),
    };
    expect(checkResponse(doc, unlisted).join()).toContain(
      '"token_missing" not in ["missing_recovery_token"]',
    );
  });

  it("every fetch of a test goes through the check: a drifted document fails the fetch itself", async () => {
    const drifted = structuredClone(await document()) as Doc & {
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    drifted.components.schemas.Health!.properties.status = { type: "string", const: "healthy" };
    stack().checkAgainst(drifted);
    try {
      await expect(fetch(`${stack().url}/api/health`)).rejects.toThrow(
        'answer departs from /api/openapi.json:\nGET /api/health → 200: $/status: must be equal to constant "healthy"',
      );
      // The stack also remembers it, so a test that swallowed the error still fails its file.
      expect(stack().conformanceFailures).toHaveLength(1);
    } finally {
      stack().checkAgainst(undefined);
      stack().conformanceFailures.length = 0;
    }
    expect((await fetch(`${stack().url}/api/health`)).status).toBe(200);
  });

  it("matches concrete paths before templated ones", async () => {
    const doc = await document();
    expect(findPath(doc, "/api/admin/policies/exclusions")).toBe("/api/admin/policies/exclusions");
    expect(findPath(doc, "/api/admin/policies/pilot")).toBe("/api/admin/policies/{id}");
  });
});
