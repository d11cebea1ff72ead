/**
 * Route templates as the Functions host reads them: parameters, constraints, optional and
 * catch-all segments, and most-specific-first matching.
 */
import { describe, expect, it } from "vitest";
import { FunctionsCore } from "../../dev/host/functionsCoreShim";
import { buildRoutes, findRoute } from "../../dev/host/http";
import { compareTemplates, compileTemplate, matchTemplate, splitPath } from "../../dev/host/routes";

function match(template: string, path: string): Record<string, string> | undefined {
  const segments = splitPath(path);
  return segments ? matchTemplate(compileTemplate(template), segments) : undefined;
}

function pick(templates: string[], path: string): string | undefined {
  const ordered = templates.map(compileTemplate).sort(compareTemplates);
  const segments = splitPath(path) ?? [];
  return ordered.find((t) => matchTemplate(t, segments))?.template;
}

describe("route templates", () => {
  it("binds parameters and matches literals case-insensitively", () => {
    expect(match("api/recovery/{recoveryId}", "/API/Recovery/r-1")).toEqual({ recoveryId: "r-1" });
    expect(match("api/recovery/{recoveryId}", "/api/recovery")).toBeUndefined();
    expect(match("api/recovery/{recoveryId}", "/api/recovery/a/b")).toBeUndefined();
  });

  it("serves an empty route at the prefix itself", () => {
    expect(match("api", "/api")).toEqual({});
    expect(match("api", "/api/")).toEqual({});
    expect(match("", "/")).toEqual({});
  });

  it("supports optional parameters and defaults", () => {
    expect(match("api/opt/{a?}", "/api/opt")).toEqual({});
    expect(match("api/opt/{a?}", "/api/opt/x")).toEqual({ a: "x" });
    expect(match("api/page/{n=1}", "/api/page")).toEqual({ n: "1" });
  });

  it("supports catch-all parameters", () => {
    expect(match("{*path}", "/")).toEqual({});
    expect(match("static/{*path}", "/static/css/site.css")).toEqual({ path: "css/site.css" });
  });

  it("checks constraints", () => {
    expect(match("api/items/{id:int}", "/api/items/42")).toEqual({ id: "42" });
    expect(match("api/items/{id:int}", "/api/items/abc")).toBeUndefined();
    expect(match("api/items/{id:int:min(10)}", "/api/items/5")).toBeUndefined();
    expect(match("api/{id:guid}", "/api/6f1c5b8e-4e3b-4a58-9a2b-1f0a8d1e2c3d")).toBeDefined();
    expect(match("api/{code:regex(^[a-z]{{3}}$)}", "/api/abc")).toEqual({ code: "abc" });
    expect(match("api/{code:regex(^[a-z]{{3}}$)}", "/api/abcd")).toBeUndefined();
    expect(match("api/{name:alpha:length(2,4)}", "/api/abc")).toEqual({ name: "abc" });
  });

  it("matches segments that mix literals and parameters", () => {
    expect(match("api/files/{name}.{ext}", "/api/files/report.pdf")).toEqual({ name: "report", ext: "pdf" });
  });

  it("prefers literal segments, then constrained parameters, then plain ones, then catch-alls", () => {
    const templates = ["api/items/{name}", "api/items/{id:int}", "api/items/special", "{*path}"];
    expect(pick(templates, "/api/items/special")).toBe("api/items/special");
    expect(pick(templates, "/api/items/7")).toBe("api/items/{id:int}");
    expect(pick(templates, "/api/items/seven")).toBe("api/items/{name}");
    expect(pick(templates, "/elsewhere")).toBe("{*path}");
  });

  it("rejects malformed templates at startup", () => {
    expect(() => compileTemplate("api/{*rest}/more")).toThrow(/catch-all/);
    expect(() => compileTemplate("api/{id:nosuch}")).toThrow(/unknown route constraint/);
    expect(() => compileTemplate("api/{id")).toThrow(/unclosed/);
  });
});

describe("routes of registered functions", () => {
  function appWith(triggers: Array<{ name: string; route?: string; methods?: string[] }>): FunctionsCore {
    const core = new FunctionsCore();
    const api = core.createModule() as { registerFunction(metadata: unknown, callback: () => void): unknown };
    for (const t of triggers) {
      api.registerFunction(
        {
          name: t.name,
          bindings: {
            req: {
              type: "httpTrigger",
              direction: "in",
              ...(t.route !== undefined ? { route: t.route } : {}),
              methods: t.methods,
            },
            $return: { type: "http", direction: "out" },
          },
        },
        () => undefined,
      );
    }
    return core;
  }

  const core = appWith([
    { name: "home", route: "", methods: ["GET"] },
    { name: "recovery", route: "recovery/{id}", methods: ["GET", "POST"] },
    { name: "page", route: "{*path}", methods: ["GET"] },
    { name: "health" },
  ]);

  it("serves GET / from an empty route when the route prefix is empty", () => {
    const routes = buildRoutes(core, "");
    expect(findRoute(routes, "GET", "/")?.route.fn.name).toBe("home");
    expect(findRoute(routes, "POST", "/recovery/r1")).toMatchObject({ params: { id: "r1" } });
    expect(findRoute(routes, "GET", "/assets/app.js")).toMatchObject({ params: { path: "assets/app.js" } });
    expect(findRoute(routes, "DELETE", "/recovery/r1")).toBeUndefined();
  });

  it("puts routes under the prefix and defaults a missing route to the function name", () => {
    const routes = buildRoutes(core, "api");
    expect(findRoute(routes, "GET", "/api")?.route.fn.name).toBe("home");
    expect(findRoute(routes, "GET", "/api/health")?.route.fn.name).toBe("health");
    expect(findRoute(routes, "GET", "/health")).toBeUndefined();
  });
});
