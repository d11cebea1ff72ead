/**
 * The `@azure/functions-core` seam: registrations, hooks and the programming model land in
 * our core, and the host refuses to start when `@azure/functions` was loaded before the shim
 * (the library would have silently dropped every registration).
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FunctionsCore, isAzureFunctionsLoaded } from "../../dev/host/functionsCoreShim";
import { startHost } from "../../dev/host/index";

describe("functions-core shim", () => {
  it("records registrations with their trigger and rejects duplicates", () => {
    const core = new FunctionsCore();
    const api = core.createModule() as {
      registerFunction(metadata: unknown, callback: () => void): { dispose(): void };
      registerHook(name: string, callback: () => void): { dispose(): void };
    };
    const registration = api.registerFunction(
      { name: "hello", bindings: { req: { type: "httpTrigger", direction: "in", route: "hello" } } },
      () => "hi",
    );
    expect(core.get("HELLO")).toMatchObject({
      name: "hello",
      triggerName: "req",
      trigger: { route: "hello" },
    });
    expect(() =>
      api.registerFunction(
        { name: "Hello", bindings: { t: { type: "activityTrigger", direction: "in" } } },
        () => 1,
      ),
    ).toThrow(/already been registered/);
    registration.dispose();
    expect(core.get("hello")).toBeUndefined();
    const hook = api.registerHook("preInvocation", () => undefined);
    expect(core.hooks.get("preInvocation")?.size).toBe(1);
    hook.dispose();
    expect(core.hooks.get("preInvocation")?.size).toBe(0);
    expect(() => api.registerHook("nonsense", () => undefined)).toThrow(RangeError);
  });

  it("refuses to start when @azure/functions was loaded before the shim", async () => {
    require("@azure/functions");
    expect(isAzureFunctionsLoaded()).toBe(true);
    await expect(
      startHost({
        port: 0,
        storageConnectionString: "UseDevelopmentStorage=true",
        taskHub: "ShimTest",
        appEntry: path.resolve(__dirname, "fixtures", "app.js"),
      }),
    ).rejects.toThrow(/loaded before/);
  });

  it("validates options before touching anything", async () => {
    await expect(
      startHost({ port: 0, storageConnectionString: "x", taskHub: "bad-hub!", appEntry: "/app.js" }),
    ).rejects.toThrow(/task hub name/);
    await expect(
      startHost({ port: 0, storageConnectionString: "x", taskHub: "GoodHub", appEntry: "relative.js" }),
    ).rejects.toThrow(/absolute/);
  });
});
