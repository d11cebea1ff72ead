/**
 * Checks an HTTP answer of the app against the OpenAPI document it serves: the route and
 * method must be documented (or the answer is the host's 404 for no route), the status must be
 * one the operation lists, the content type one it lists for that status, and the body must
 * validate against the schema (JSON Lines: every line against the item schema; problem
 * answers: the `code` among the ones listed). tests/support/stack.ts runs every answer of the
 * integration suite through this, so the document cannot drift from the code.
 */
import { SchemaValidator } from "./jsonSchema";

type Doc = Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> };

export interface ObservedResponse {
  method: string;
  /** Path as requested, e.g. /api/recovery/123 (no query). */
  path: string;
  status: number;
  contentType: string | null;
  body: string;
}

function matchTemplate(template: string, path: string): boolean {
  const t = template.split("/");
  const p = path.split("/");
  // A parameter segment may arrive empty (`/api/recovery//cancel`): the host routes it, the handler refuses it.
  return t.length === p.length && t.every((seg, i) => /^\{.+\}$/.test(seg) || seg === p[i]);
}

/** The documented path a request path falls under: concrete paths before templated ones (OpenAPI's rule). */
export function findPath(doc: Doc, path: string): string | undefined {
  const templates = Object.keys(doc.paths);
  return (
    templates.find((t) => !t.includes("{") && t === path) ??
    templates.find((t) => t.includes("{") && matchTemplate(t, path))
  );
}

/** The local host's own answer when no function serves a path (Azure's host answers a bare 404). */
function isHostNoRoute(body: string): boolean {
  try {
    return (JSON.parse(body) as { code?: unknown }).code === "route_not_found";
  } catch {
    return body === "";
  }
}

/** Every way the answer departs from the document; [] when it conforms. */
export function checkResponse(doc: Doc, r: ObservedResponse): string[] {
  const where = `${r.method} ${r.path} → ${r.status}`;
  if (r.status === 404 && isHostNoRoute(r.body)) return [];
  const template = findPath(doc, decodeURI(r.path));
  const operation = template ? doc.paths[template]?.[r.method.toLowerCase()] : undefined;
  if (!operation) {
    // The Functions host answers routes no function serves; that is not the app's contract.
    return r.status === 404 ? [] : [`${where}: undocumented route`];
  }
  const responses = operation.responses as Record<
    string,
    { content?: Record<string, Record<string, unknown>> }
  >;
  const response = responses[String(r.status)];
  if (!response) return [`${where}: undocumented status (documented: ${Object.keys(responses).join(", ")})`];
  if (!response.content) {
    return r.body.length === 0 || r.status >= 300 ? [] : [`${where}: documented without a body, got one`];
  }
  const type = (r.contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const media = response.content[type];
  if (!media)
    return [
      `${where}: content type ${type || "(none)"} not documented (${Object.keys(response.content).join(", ")})`,
    ];
  const validator = new SchemaValidator(doc);
  const schema = media.schema as Record<string, unknown>;
  const itemSchema = media["x-item-schema"] as Record<string, unknown> | undefined;
  if (itemSchema) {
    return r.body
      .split("\n")
      .filter((line) => line !== "")
      .flatMap((line, i) =>
        validator.validate(itemSchema, JSON.parse(line), `line ${i + 1}`).map((e) => `${where}: ${e}`),
      );
  }
  if (type === "application/json" || type.endsWith("+json")) {
    let value: unknown;
    try {
      value = JSON.parse(r.body);
    } catch {
      return [`${where}: body is not JSON`];
    }
    return validator.validate(schema, value).map((e) => `${where}: ${e}`);
  }
  return validator.validate(schema, r.body).map((e) => `${where}: ${e}`);
}
