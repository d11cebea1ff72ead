/**
 * The Entra simulator's https certificate (dev/support/devCertificate.ts) is made with Node
 * alone: `npm start` and the console's browser tests must work after `npm ci` on a machine
 * without the openssl CLI. The certificate is made in a child process whose PATH holds only
 * `node`, then Node's TLS client, trusting exactly that certificate, accepts it for localhost
 * and 127.0.0.1 (and refuses it without that trust, or for another name). Uses the build
 * output (`npm run build`).
 */
import { spawnSync } from "node:child_process";
import { createHash, createPrivateKey, X509Certificate } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { connect, createServer, type Server } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DevCertificate, devCertificate } from "../../dev/support/devCertificate";

const BUILT = path.resolve(__dirname, "..", "..", "dist", "dev", "support", "devCertificate.js");

/** `devCertificate(dir)` run by a Node whose PATH is one folder holding only a `node` link. */
function makeWithoutOpenssl(root: string, dir: string): DevCertificate {
  const bin = path.join(root, "bin");
  symlinkSync(process.execPath, path.join(bin, "node"));
  const env = { PATH: bin, HOME: root };
  // The premise: nothing named openssl can be found on this PATH.
  const openssl = spawnSync("openssl", ["version"], { env });
  expect((openssl.error as NodeJS.ErrnoException | undefined)?.code).toBe("ENOENT");
  const child = spawnSync(
    "node",
    [
      "-e",
      "require(process.argv[1]).devCertificate(process.argv[2]).then((c) => process.stdout.write(JSON.stringify(c)))",
      BUILT,
      dir,
    ],
    { env, encoding: "utf8", timeout: 60_000 },
  );
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as DevCertificate;
}

/** Whether Node's TLS client, trusting `ca` (or nothing extra), accepts `server` for `servername`. */
function handshake(server: Server, ca: string | undefined, servername?: string): Promise<string> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve) => {
    const socket = connect({
      host: "127.0.0.1",
      port,
      ...(ca ? { ca } : {}),
      ...(servername ? { servername } : {}),
    });
    socket.once("secureConnect", () => {
      socket.end();
      resolve("accepted");
    });
    socket.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

describe("the Entra simulator's https certificate", () => {
  const root = mkdtempSync(path.join(tmpdir(), "dev-cert-test-"));
  const dir = path.join(root, "data");
  let made: DevCertificate;
  let server: Server;

  beforeAll(async () => {
    mkdirSync(path.join(root, "bin"));
    made = makeWithoutOpenssl(root, dir);
    server = createServer({ key: made.key, cert: made.cert }, (socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
    rmSync(root, { recursive: true, force: true });
  });

  it("is refused by a client that does not trust it, and for a name it does not carry", async () => {
    expect(await handshake(server, undefined, "localhost")).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
    expect(await handshake(server, made.cert, "example.com")).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("is accepted for localhost and 127.0.0.1 by a client that trusts exactly it", async () => {
    expect(await handshake(server, made.cert, "localhost")).toBe("accepted");
    expect(await handshake(server, made.cert)).toBe("accepted");
    const x509 = new X509Certificate(made.cert);
    expect(x509.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(x509.publicKey.asymmetricKeyDetails).toEqual({ namedCurve: "prime256v1" });
    expect(x509.checkPrivateKey(createPrivateKey(made.key))).toBe(true);
    // Chromium's --ignore-certificate-errors-spki-list value: SHA-256 of the SubjectPublicKeyInfo.
    const spki = x509.publicKey.export({ type: "spki", format: "der" });
    expect(made.spkiSha256).toBe(createHash("sha256").update(spki).digest("base64"));
    expect(made.certFile).toBe(path.join(dir, "entra-simulator.cert.pem"));
  });

  it("is kept in its folder and handed out again, so a browser's exception lasts across restarts", async () => {
    const again = await devCertificate(dir);
    expect(again.cert).toBe(made.cert);
    expect(again.spkiSha256).toBe(made.spkiSha256);
  });
});
