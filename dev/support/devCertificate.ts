/**
 * A self-signed TLS certificate for 127.0.0.1 and localhost, for the one local service a
 * browser library insists on reaching over https: the Entra simulator as the admin console's
 * sign-in authority (@azure/msal-browser refuses an http authority). The app trusts it through
 * NODE_EXTRA_CA_CERTS; a test browser through Chromium's --ignore-certificate-errors-spki-list
 * (this key only, nothing else).
 *
 * Made in this process (@peculiar/x509 over Node's WebCrypto, the global `crypto`), so `npm start` and the tests need
 * nothing beyond Node: no openssl CLI. The P-256 key comes from src/tap/ecKeys.ts (made in
 * place and imported), not from WebCrypto's generateKey: Node's key-generation job can deadlock
 * the process when the key is exported under GC (see that module's header).
 */
// @peculiar/x509 resolves its parts through tsyringe, which needs the Reflect metadata API.
import "reflect-metadata";
import { createHash, createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  BasicConstraintsExtension,
  ExtendedKeyUsage,
  ExtendedKeyUsageExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  SubjectAlternativeNameExtension,
  SubjectKeyIdentifierExtension,
  X509CertificateGenerator,
} from "@peculiar/x509";
import { ecJwkPair } from "../../src/tap/ecKeys";

export interface DevCertificate {
  /** PEM private key (P-256, PKCS#8). */
  key: string;
  /** PEM certificate. */
  cert: string;
  /** The certificate's file (for NODE_EXTRA_CA_CERTS). */
  certFile: string;
  /** base64 SHA-256 of the SubjectPublicKeyInfo: Chromium's --ignore-certificate-errors-spki-list value. */
  spkiSha256: string;
}

/** Days a made certificate is valid; one in `dir` with fewer left than a day is made anew. */
const VALID_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

/**
 * The certificate in `dir` (default: a fresh temporary folder), made there if missing or
 * about to expire, so a person who trusted it once keeps it across restarts.
 */
export async function devCertificate(dir?: string): Promise<DevCertificate> {
  const folder = dir ?? mkdtempSync(path.join(tmpdir(), "entra-sim-tls-"));
  mkdirSync(folder, { recursive: true });
  const keyFile = path.join(folder, "entra-simulator.key.pem");
  const certFile = path.join(folder, "entra-simulator.cert.pem");
  const fresh = () => {
    if (!existsSync(keyFile) || !existsSync(certFile)) return false;
    const x509 = new X509Certificate(readFileSync(certFile));
    return Date.parse(x509.validTo) - Date.now() > DAY_MS;
  };
  if (!fresh()) {
    const made = await makeCertificate(new Date());
    writeFileSync(keyFile, made.key, { mode: 0o600 });
    writeFileSync(certFile, made.cert);
  }
  const cert = readFileSync(certFile, "utf8");
  const spki = createPublicKey(cert).export({ type: "spki", format: "der" });
  return {
    key: readFileSync(keyFile, "utf8"),
    cert,
    certFile,
    spkiSha256: createHash("sha256").update(spki).digest("base64"),
  };
}

/** A fresh key and its self-signed certificate, shaped like `openssl req -x509` makes them. */
async function makeCertificate(now: Date): Promise<{ key: string; cert: string }> {
  const { privateJwk, publicJwk } = ecJwkPair("P-256");
  const algorithm = { name: "ECDSA", namedCurve: "P-256" };
  const keys = {
    privateKey: await crypto.subtle.importKey("jwk", privateJwk, algorithm, false, ["sign"]),
    publicKey: await crypto.subtle.importKey("jwk", publicJwk, algorithm, true, ["verify"]),
  };
  const certificate = await X509CertificateGenerator.createSelfSigned(
    {
      name: "CN=localhost",
      // A minute back: a clock that differs slightly between the app and the browser still accepts it.
      notBefore: new Date(now.getTime() - 60_000),
      notAfter: new Date(now.getTime() + VALID_DAYS * DAY_MS),
      keys,
      signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
      extensions: [
        // Its own trust anchor (NODE_EXTRA_CA_CERTS), as openssl's default v3_ca extensions make it.
        new BasicConstraintsExtension(true, undefined, true),
        new KeyUsagesExtension(KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign, true),
        new ExtendedKeyUsageExtension([ExtendedKeyUsage.serverAuth]),
        new SubjectAlternativeNameExtension([
          { type: "dns", value: "localhost" },
          { type: "ip", value: "127.0.0.1" },
        ]),
        await SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  const key = createPrivateKey({ key: privateJwk, format: "jwk" }).export({ type: "pkcs8", format: "pem" });
  return { key: String(key), cert: certificate.toString("pem") };
}
