/**
 * The HTTP servers of the local run (the host and the simulators). One setting matters beyond
 * Node's defaults: how long an idle keep-alive connection stays open. Node closes it after 5 s
 * and tells the client so; fetch (undici) then drops it a second earlier. On a loaded machine
 * the client's timer can fire late, so a request goes out on a socket the server has just
 * closed, and the caller sees ECONNRESET. Keeping idle connections for 65 s (what Azure's
 * front ends allow, and more than any pause within one test) leaves the client, which always
 * gives up first, a margin no scheduling delay reaches.
 */
import { createServer, type RequestListener, type Server } from "node:http";

export const KEEP_ALIVE_MS = 65_000;

export function createHttpServer(listener: RequestListener): Server {
  const server = createServer(listener);
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Must exceed keepAliveTimeout, or a slow request on a reused socket is cut off first.
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  return server;
}
