/**
 * did:web resolution limits against a local server on loopback: documents are cached, too
 * large or slow answers and redirects are refused, and a document must describe the DID asked.
 */
import { createServer } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { close, listen, sendJson } from "../../dev/simulators/http";
import { DidResolver } from "../../src/verified-id/didWeb";

describe("did:web resolution", () => {
  let server: ReturnType<typeof createServer>;
  let hostPort = "";
  const hits = new Map<string, number>();
  const did = (name: string) => `did:web:${hostPort.replace(":", "%3A")}:${name}`;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const name = (req.url ?? "").split("/")[1] ?? "";
      hits.set(name, (hits.get(name) ?? 0) + 1);
      const doc = { id: did(name), verificationMethod: [] };
      if (name === "large") return sendJson(res, 200, { ...doc, padding: "x".repeat(100 * 1024) });
      if (name === "slow") return void setTimeout(() => sendJson(res, 200, doc), 2_000);
      if (name === "redirect") {
        res.writeHead(302, { Location: `http://${hostPort}/good/did.json` });
        return res.end();
      }
      if (name === "other") return sendJson(res, 200, { ...doc, id: did("good") });
      if (name === "private") {
        return sendJson(res, 200, {
          ...doc,
          verificationMethod: [
            { id: `${did(name)}#k`, controller: did(name), publicKeyJwk: { kty: "EC", d: "x" } },
          ],
        });
      }
      sendJson(res, 200, doc);
    });
    const url = await listen(server);
    // did:web names no IP address: the loopback server is reached as localhost.
    hostPort = `localhost:${new URL(url).port}`;
  });
  afterAll(async () => {
    await close(server);
  });

  it("fetches a document once and serves it from the cache until it expires", async () => {
    let now = 0;
    const resolver = new DidResolver({ allowHttpLoopback: true, cacheTtlMs: 1_000, clock: () => now });
    await resolver.resolve(did("good"));
    await resolver.resolve(did("good"));
    expect(hits.get("good")).toBe(1);
    now = 1_001;
    await resolver.resolve(did("good"));
    expect(hits.get("good")).toBe(2);
  });

  it.each([
    ["a document over the size limit", "large", "did_unresolvable"],
    ["an answer slower than the timeout", "slow", "did_unresolvable"],
    ["a redirect", "redirect", "did_unresolvable"],
    ["a document for another DID", "other", "did_document_invalid"],
  ])("refuses %s", async (_name, path, reason) => {
    const resolver = new DidResolver({ allowHttpLoopback: true, timeoutMs: 300 });
    await expect(resolver.resolve(did(path))).rejects.toMatchObject({ reason });
  });

  it("refuses a DID document that publishes a private key", async () => {
    const resolver = new DidResolver({ allowHttpLoopback: true });
    await expect(
      resolver.keyFor(did("private"), `${did("private")}#k`, "assertionMethod"),
    ).rejects.toMatchObject({
      reason: "did_document_invalid",
    });
  });

  it("refuses a kid that names another DID's key", async () => {
    const resolver = new DidResolver({ allowHttpLoopback: true });
    await expect(resolver.keyFor(did("good"), `${did("other")}#k`, "assertionMethod")).rejects.toMatchObject({
      reason: "key_not_found",
    });
  });
});
