/**
 * The Durable Task extension's HTTP API, as the durable-functions client uses it at
 * `rpcBaseUrl` (and as the management URLs of createCheckStatusResponse point to):
 *
 *   POST orchestrators/{name}[/{instanceId}]       start (202 + management payload; 409 if running)
 *   GET  instances/{id}[?showHistory&showHistoryOutput&showInput]   202 running, 200 done, 404
 *   GET  instances/                                 list (runtimeStatus, createdTimeFrom/To filters)
 *   POST instances/{id}/raiseEvent/{event}          202, 404 unknown, 410 finished
 *   POST instances/{id}/terminate?reason=           202, 404 unknown, 410 finished
 *
 * Anything else answers 501 naming the feature. Only callers on this machine are served:
 * these URLs carry the system key in Azure and must never be reachable by end users.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { isLocalCaller, readBody, sendJson, sendProblem } from "../httpUtil";
import type { DurableEngine } from "./engine";
import { isValidInstanceId, type RuntimeStatus } from "./store";

export const RPC_PATH = "/runtime/webhooks/durabletask";

const RUNTIME_STATUSES: readonly RuntimeStatus[] = [
  "Pending",
  "Running",
  "Completed",
  "Failed",
  "Terminated",
];

export interface ClientBindingData {
  taskHubName: string;
  creationUrls: Record<string, string>;
  managementUrls: Record<string, string>;
  baseUrl: string;
  requiredQueryStringParameters: string;
  rpcBaseUrl: string;
}

/**
 * The durableClient input binding value. `baseUrl` is the public origin (management URLs),
 * `rpcBaseUrl` a loopback one; getClient rewrites only the former when WEBSITE_HOSTNAME is
 * unset (and createCheckStatusResponse swaps in the request's origin anyway).
 */
export function clientBindingData(
  taskHub: string,
  publicOrigin: string,
  rpcOrigin: string,
): ClientBindingData {
  const base = `${publicOrigin}${RPC_PATH}`;
  const qs = `taskHub=${encodeURIComponent(taskHub)}&connection=Storage`;
  const instance = `${base}/instances/INSTANCEID`;
  return {
    taskHubName: taskHub,
    creationUrls: {
      createNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?${qs}`,
      createAndWaitOnNewInstancePostUri: `${base}/orchestrators/{functionName}[/{instanceId}]?timeout={timeoutInSeconds}&pollingInterval={intervalInSeconds}&${qs}`,
    },
    managementUrls: managementPayload(base, qs, "INSTANCEID", instance),
    baseUrl: base,
    requiredQueryStringParameters: qs,
    rpcBaseUrl: `${rpcOrigin}${RPC_PATH}/`,
  };
}

function managementPayload(
  base: string,
  qs: string,
  id: string,
  instance = `${base}/instances/${encodeURIComponent(id)}`,
) {
  return {
    id,
    statusQueryGetUri: `${instance}?${qs}`,
    sendEventPostUri: `${instance}/raiseEvent/{eventName}?${qs}`,
    terminatePostUri: `${instance}/terminate?reason={text}&${qs}`,
    rewindPostUri: `${instance}/rewind?reason={text}&${qs}`,
    purgeHistoryDeleteUri: `${instance}?${qs}`,
    restartPostUri: `${instance}/restart?${qs}`,
    suspendPostUri: `${instance}/suspend?reason={text}&${qs}`,
    resumePostUri: `${instance}/resume?reason={text}&${qs}`,
  };
}

function isTrue(value: string | null): boolean {
  return value !== null && value.toLowerCase() === "true";
}

/** Body as JSON text (null when empty); undefined when it is not JSON. */
function jsonText(body: Buffer): string | null | undefined {
  const text = body.toString("utf8");
  if (text.trim() === "") return null;
  try {
    JSON.parse(text);
    return text;
  } catch {
    return undefined;
  }
}

function decode(segment: string | undefined): string | undefined {
  if (segment === undefined) return undefined;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

export class DurableRpc {
  constructor(
    private readonly engine: DurableEngine,
    private readonly taskHub: string,
  ) {}

  /** Serves one request whose path starts with RPC_PATH. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!isLocalCaller(req)) {
      sendProblem(res, 403, "forbidden", "The durable task API only answers callers on this machine");
      return;
    }
    const hub = url.searchParams.get("taskHub");
    if (hub !== null && hub !== this.taskHub) {
      this.#unsupported(res, `task hub "${hub}" (this host serves "${this.taskHub}")`);
      return;
    }
    const rest = url.pathname.slice(RPC_PATH.length).replace(/^\/+/, "");
    const parts = rest === "" ? [] : rest.split("/");
    const method = req.method ?? "GET";
    const origin = `http://${req.headers.host ?? "localhost"}`;
    const base = `${origin}${RPC_PATH}`;
    const qs = `taskHub=${encodeURIComponent(this.taskHub)}&connection=Storage`;
    const body = await readBody(req);

    if (parts[0] === "orchestrators" && method === "POST" && (parts.length === 2 || parts.length === 3)) {
      const name = decode(parts[1]);
      const instanceId = parts.length === 3 ? decode(parts[2]) : randomUUID().replace(/-/g, "");
      if (!name || instanceId === undefined || !isValidInstanceId(instanceId)) {
        sendProblem(
          res,
          400,
          "invalid_instance_id",
          "Instance ids must be 1-256 characters without / \\ # ? or control characters",
        );
        return;
      }
      const input = jsonText(body);
      if (input === undefined) {
        sendProblem(res, 400, "invalid_input", "The orchestration input must be JSON");
        return;
      }
      const result = await this.engine.startNew(name, instanceId, input);
      if (result.kind === "unknown_orchestrator") {
        sendProblem(
          res,
          400,
          "unknown_orchestrator",
          `The function '${name}' doesn't exist, is disabled, or is not an orchestrator function.`,
        );
        return;
      }
      if (result.kind === "conflict") {
        sendProblem(
          res,
          409,
          "instance_exists",
          `An orchestration instance with the ID '${instanceId}' already exists (${result.status}).`,
        );
        return;
      }
      const payload = managementPayload(base, qs, instanceId);
      sendJson(res, 202, payload, { location: payload.statusQueryGetUri, "retry-after": "10" });
      return;
    }

    if (parts[0] === "instances") {
      const id = decode(parts[1]);
      if (method === "GET" && (parts.length === 1 || (parts.length === 2 && parts[1] === ""))) {
        await this.#list(res, url);
        return;
      }
      if (id === undefined || !isValidInstanceId(id)) {
        sendProblem(res, 400, "invalid_instance_id", "Invalid instance id");
        return;
      }
      if (method === "GET" && parts.length === 2) {
        const status = await this.engine.getStatus(id, {
          showHistory: isTrue(url.searchParams.get("showHistory")),
          showHistoryOutput: isTrue(url.searchParams.get("showHistoryOutput")),
          showInput: url.searchParams.get("showInput")?.toLowerCase() !== "false",
        });
        if (!status) {
          sendProblem(res, 404, "instance_not_found", `No instance with ID '${id}' found.`);
          return;
        }
        const running = status.runtimeStatus === "Pending" || status.runtimeStatus === "Running";
        sendJson(
          res,
          running ? 202 : 200,
          status,
          running
            ? { location: `${base}/instances/${encodeURIComponent(id)}?${qs}`, "retry-after": "10" }
            : {},
        );
        return;
      }
      if (method === "POST" && parts.length === 4 && parts[2] === "raiseEvent") {
        const eventName = decode(parts[3]);
        const input = jsonText(body);
        if (!eventName || input === undefined) {
          sendProblem(res, 400, "invalid_event", "The event needs a name and a JSON body");
          return;
        }
        this.#signal(res, id, await this.engine.raiseEvent(id, eventName, input));
        return;
      }
      if (method === "POST" && parts.length === 3 && parts[2] === "terminate") {
        this.#signal(res, id, await this.engine.terminate(id, url.searchParams.get("reason") ?? ""));
        return;
      }
      if (method === "DELETE" && parts.length === 2) {
        this.#unsupported(res, "purge instance history");
        return;
      }
      if (parts.length === 3 && ["rewind", "suspend", "resume", "restart"].includes(parts[2] ?? "")) {
        this.#unsupported(res, parts[2] ?? "");
        return;
      }
    }
    if (parts[0] === "entities") {
      this.#unsupported(res, "durable entities");
      return;
    }
    this.#unsupported(res, `${method} ${RPC_PATH}/${rest}`);
  }

  #signal(res: ServerResponse, id: string, result: "accepted" | "not_found" | "gone"): void {
    if (result === "accepted") {
      res.writeHead(202, { "content-length": "0" });
      res.end();
    } else if (result === "not_found")
      sendProblem(res, 404, "instance_not_found", `No instance with ID '${id}' found.`);
    else sendProblem(res, 410, "instance_completed", `The instance '${id}' has already finished.`);
  }

  async #list(res: ServerResponse, url: URL): Promise<void> {
    const statuses = url.searchParams
      .get("runtimeStatus")
      ?.split(",")
      .map((s) => s.trim())
      .filter((s): s is RuntimeStatus => (RUNTIME_STATUSES as readonly string[]).includes(s));
    const from = url.searchParams.get("createdTimeFrom");
    const to = url.searchParams.get("createdTimeTo");
    const list = await this.engine.listStatuses({
      ...(statuses && statuses.length > 0 ? { statuses } : {}),
      ...(from ? { createdFrom: Date.parse(from) } : {}),
      ...(to ? { createdTo: Date.parse(to) } : {}),
      showInput: url.searchParams.get("showInput")?.toLowerCase() === "true",
    });
    sendJson(res, 200, list);
  }

  #unsupported(res: ServerResponse, feature: string): void {
    sendProblem(
      res,
      501,
      "unsupported_durable_feature",
      `local host does not support durable feature ${feature}`,
    );
  }
}
