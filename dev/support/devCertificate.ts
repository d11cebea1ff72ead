/**
 * A self-signed TLS certificate for 127.0.0.1 and localhost, made with the openssl CLI, for
 * the one local service a browser library insists on reaching over https: the Entra
 * simulator as the admin console's sign-in authority (@azure/msal-browser refuses an http
 * authority). The app trusts it through NODE_EXTRA_CA_CERTS; a test browser through
 * Chromium's --ignore-certificate-errors-spki-list (this key only, nothing else).
 */
import { execFileSync } from "node:child_process";
import { createHash, createPublicKey, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export interface DevCertificate {
  /** PEM private key (P-256). */
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

/**
 * The certificate in `dir` (default: a fresh temporary folder), made there if missing or
 * about to expire, so a person who trusted it once keeps it across restarts.
 */
export function devCertificate(dir?: string): DevCertificate {
  const folder = dir ?? mkdtempSync(path.join(tmpdir(), "entra-sim-tls-"));
  mkdirSync(folder, { recursive: true });
  const keyFile = path.join(folder, "entra-simulator.key.pem");
  const certFile = path.join(folder, "entra-simulator.cert.pem");
  const fresh = () => {
    if (!existsSync(keyFile) || !existsSync(certFile)) return false;
    const x509 = new X509Certificate(readFileSync(certFile));
    return Date.parse(x509.validTo) - Date.now() > 24 * 3600 * 1000;
  };
  if (!fresh()) {
    try {
      execFileSync(
        "openssl",
        [
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-keyout",
          keyFile,
          "-out",
          certFile,
          "-days",
          String(VALID_DAYS),
          "-subj",
          "/CN=localhost",
          "-addext",
          "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
    } catch (err) {
      throw new Error(
        `could not make the Entra simulator's TLS certificate with openssl (is it installed?): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
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
