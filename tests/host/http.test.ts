/**
 * The local host's HTTP side, end to end: the compiled host as a child process serving the
 * fixture app. Requests reach handlers as the library's HttpRequest, responses go out as
 * written, unknown routes and failures answer problem+json, function logs reach stdout,
 * and HTTP functions drive orchestrations through the real durable client.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  fixtureDir,
  getJson,
  type HostProcess,
  postJson,
  rpc,
  spawnHost,
  start,
  uniqueHub,
  waitFor,
  waitForStatus,
} from "./support";

let host: HostProcess;

beforeAll(async () => {
  host = await spawnHost({
    hub: uniqueHub("HostHttp"),
    storage: inject("azuriteConnectionString"),
    dir: fixtureDir(),
  });
});

afterAll(async () => {
  await host?.kill("SIGTERM");
});

describe("local host: HTTP functions", () => {
  it("serves a function with an empty route at the route prefix", async () => {
    const res = await fetch(`${host.url}/api`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html");
    expect(await res.text()).toBe("<h1>home</h1>");
  });

  it("hands the handler the request as HttpRequest: method, url, query, headers, bytes, catch-all", async () => {
    const body = Buffer.from([0x68, 0x69, 0x00, 0xff]);
    const res = await fetch(`${host.url}/api/echo/a/b?x=1&tag=1&tag=2`, {
      method: "PUT",
      headers: { "x-test": "hello", "content-type": "application/octet-stream" },
      body,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      method: "PUT",
      url: `${host.url}/api/echo/a/b?x=1&tag=1&tag=2`,
      rest: "a/b",
      query: { x: "1", tag: "2" },
      repeated: ["1", "2"],
      header: "hello",
      bodyBase64: body.toString("base64"),
      functionName: "echo",
    });
  });

  it("writes every context.log call to stdout, one line each, with function name and invocation id", async () => {
    await fetch(`${host.url}/api/echo/log`);
    const line = await waitFor(
      async () =>
        host
          .output()
          .split("\n")
          .find((l) => l.includes("secret-marker-echo")),
      "the echo log line",
    );
    expect(line).toMatch(/info\s+\[echo\] \([0-9a-f-]{36}\) echo called secret-marker-echo \\nsecond line$/);
    expect(host.output()).toMatch(/warn\s+\[echo\] \([0-9a-f-]{36}\) a warning/);
  });

  it("matches the most specific route first", async () => {
    expect((await getJson(`${host.url}/api/items/special`)).body).toEqual({ kind: "literal" });
    expect((await getJson(`${host.url}/api/items/42`)).body).toEqual({ kind: "int", id: "42" });
    expect((await getJson(`${host.url}/api/items/abc`)).body).toEqual({ kind: "param", name: "abc" });
    expect((await getJson(`${host.url}/api/opt`)).body).toEqual({ a: null });
    expect((await getJson(`${host.url}/api/opt/x`)).body).toEqual({ a: "x" });
  });

  it("answers 404 problem+json when no function serves the route or method", async () => {
    for (const [method, path] of [
      ["GET", "/api/nowhere"],
      ["GET", "/api/only-post"],
      ["GET", "/"],
    ] as const) {
      const res = await fetch(`${host.url}${path}`, { method });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      expect(await res.json()).toMatchObject({
        status: 404,
        code: "route_not_found",
        title: expect.any(String),
        type: expect.any(String),
      });
    }
    const created = await fetch(`${host.url}/api/only-post`, { method: "POST" });
    expect(created.status).toBe(201);
  });

  it("sends every Set-Cookie, from headers and from cookies", async () => {
    const res = await fetch(`${host.url}/api/cookies`);
    expect(res.headers.getSetCookie()).toEqual([
      "a=1; Path=/",
      "b=2; Path=/",
      "c=3; HttpOnly; SameSite=Strict",
    ]);
    expect(res.headers.get("x-custom")).toBe("yes");
    expect(await res.text()).toBe("ok");
  });

  it("sends byte and streamed bodies unchanged", async () => {
    const bytes = Buffer.from(await (await fetch(`${host.url}/api/binary`)).arrayBuffer());
    expect([...bytes]).toEqual([0, 1, 2, 255]);
    expect(await (await fetch(`${host.url}/api/stream`)).text()).toBe("chunk0;chunk1;chunk2;");
  });

  it("keeps the status of a body-less response; no response at all is 204", async () => {
    expect((await fetch(`${host.url}/api/teapot`)).status).toBe(418);
    expect((await fetch(`${host.url}/api/nothing`)).status).toBe(204);
  });

  it("answers 500 problem+json when the handler throws, and logs the error", async () => {
    const res = await fetch(`${host.url}/api/boom`);
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 500, code: "internal_error" });
    expect(JSON.stringify(body)).not.toContain("kaboom");
    await waitFor(async () => host.output().includes("kaboom secret-marker-boom"), "the error in the log");
  });
});

describe("local host: durable client from HTTP functions", () => {
  it("starts an orchestration with df.getClient and reports its status", async () => {
    const started = await start(host, "sequence", "http-seq-1", { key: "http-seq-1" });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({
      instanceId: "http-seq-1",
      runtimeStatus: expect.stringMatching(/Pending|Running/),
    });
    const done = await waitForStatus(host, "http-seq-1", (s) => s.runtimeStatus === "Completed", "completed");
    expect(done).toMatchObject({
      name: "sequence",
      output: ["ONE", "TWO", "THREE"],
      input: { key: "http-seq-1" },
    });
  });

  it("refuses to start an instance id that is still running (409)", async () => {
    await start(host, "approval", "http-dup", { key: "http-dup", minutes: 60 });
    const again = await postJson(rpc(host, "orchestrators/approval/http-dup"), { key: "x", minutes: 1 });
    expect(again.status).toBe(409);
    const viaClient = await start(host, "approval", "http-dup", { key: "x", minutes: 1 });
    expect(viaClient.status).toBe(409);
  });

  it("raiseEvent to an unknown instance fails in the client with 404", async () => {
    const res = await postJson(`${host.url}/api/raise/no-such-instance/approve`, { ok: true });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).toContain("No instance with ID 'no-such-instance' found");
    expect((await postJson(rpc(host, "instances/no-such-instance/raiseEvent/approve"), {})).status).toBe(404);
  });

  it("createCheckStatusResponse links work from this machine", async () => {
    const res = await fetch(`${host.url}/api/check/sequence`, { method: "POST" });
    expect(res.status).toBe(202);
    const links = (await res.json()) as { id: string; statusQueryGetUri: string };
    expect(links.statusQueryGetUri).toBe(
      `${host.url}/runtime/webhooks/durabletask/instances/${links.id}?taskHub=${/taskHub=([^&]+)/.exec(links.statusQueryGetUri)?.[1]}&connection=Storage`,
    );
    const status = await waitFor(async () => {
      const s = await getJson(links.statusQueryGetUri);
      return s.status === 200 ? s.body : undefined;
    }, "status via the management URL");
    expect(status).toMatchObject({ runtimeStatus: "Completed", output: ["ONE", "TWO", "THREE"] });
  });

  it("answers 404 for unknown instances and 501 for durable features it does not implement", async () => {
    expect((await getJson(rpc(host, "instances/nobody"))).status).toBe(404);
    for (const [method, path, feature] of [
      ["DELETE", "instances/x", "purge"],
      ["POST", "instances/x/suspend?reason=r", "suspend"],
      ["POST", "entities/counter/one?op=add", "entities"],
    ] as const) {
      const res = await fetch(rpc(host, path), { method });
      expect(res.status).toBe(501);
      expect(((await res.json()) as { title: string }).title).toContain(feature);
    }
    const unknown = await postJson(rpc(host, "orchestrators/noSuchOrchestrator"), {});
    expect(unknown.status).toBe(400);
  });

  it("lists instances, filtered by runtime status", async () => {
    await start(host, "sequence", "http-list-1", { key: "http-list-1" });
    await waitForStatus(host, "http-list-1", (s) => s.runtimeStatus === "Completed", "completed");
    const list = await getJson(rpc(host, "instances/?runtimeStatus=Completed"));
    expect(list.status).toBe(200);
    const ids = (list.body as Array<{ instanceId: string; runtimeStatus: string }>).map((s) => s.instanceId);
    expect(ids).toContain("http-list-1");
    expect(
      (list.body as Array<{ runtimeStatus: string }>).every((s) => s.runtimeStatus === "Completed"),
    ).toBe(true);
  });
});
