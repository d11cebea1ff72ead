/**
 * Small node:http helpers shared by the function router, the durable RPC endpoints and the
 * host endpoints: bounded body reading, JSON and problem+json answers, loopback checks.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

/** The Functions host accepts request bodies up to 100 MB. */
export const MAX_BODY_BYTES = 100 * 1024 * 1024;
const PROBLEM_BASE = "https://errors.account-recovery.dev/";

export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`request body exceeds ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** RFC 9457 problem, with the same `type` base and stable `code` the app uses. */
export function sendProblem(
  res: ServerResponse,
  status: number,
  code: string,
  title: string,
  detail?: string,
): void {
  const text = JSON.stringify({
    type: `${PROBLEM_BASE}${code}`,
    title,
    status,
    code,
    ...(detail ? { detail } : {}),
  });
  res.writeHead(status, {
    "content-type": "application/problem+json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/** From this machine: a loopback peer, or a peer using our own address. */
export function isLocalCaller(req: IncomingMessage): boolean {
  const remote = req.socket.remoteAddress;
  return isLoopbackAddress(remote) || (remote !== undefined && remote === req.socket.localAddress);
}
