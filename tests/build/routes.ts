/**
 * Route tables as the docs write them, turned into comparable `METHOD path` keys:
 * `GET/PUT/DELETE /api/admin/policies[/{id}]` becomes six keys (optional segments expanded),
 * `[?status&from&to]` query hints are dropped, and every `{param}` becomes `{}` so
 * `/api/recovery/{id}` and `recovery/{recoveryId}` compare equal.
 */

export function routeKey(method: string, path: string): string {
  const normalized = `/${path.replace(/^\/+/, "")}`.replace(/\{[^}]*\}/g, "{}").replace(/\/+$/, "") || "/";
  return `${method.toUpperCase()} ${normalized}`;
}

/** Expands one documented route (`GET/PUT /api/x[/{id}]`) into its keys. */
export function expandRoute(text: string): string[] {
  const m = /^([A-Z]+(?:\/[A-Z]+)*)\s+(\/\S*)$/.exec(text.trim());
  if (!m) return [];
  const methods = m[1]!.split("/");
  const path = m[2]!.replace(/\[\?[^\]]*\]/g, "").replace(/\?.*$/, "");
  const variants: string[] = [];
  const optional = /\[([^\]]*)\]/.exec(path);
  if (optional) {
    variants.push(path.replace(optional[0], ""), path.replace(optional[0], optional[1]!));
  } else variants.push(path);
  return methods.flatMap((method) => variants.map((v) => routeKey(method, v)));
}

/**
 * Every route in the first column of the markdown table that follows `heading`. A cell may
 * hold several routes in separate code spans; each is expanded.
 */
export function routesOfTable(markdown: string, heading: RegExp): string[] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => heading.test(line));
  if (start < 0) throw new Error(`no heading ${heading}`);
  const keys: string[] = [];
  let inTable = false;
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith("|")) {
      inTable = true;
      const cell = line.split("|")[1]?.trim() ?? "";
      let methods = "";
      for (const code of cell.matchAll(/`([^`]+)`/g)) {
        // "`GET /` (or `/recover`)": a bare path takes the methods of the route before it
        const text = code[1]!.startsWith("/") && methods ? `${methods} ${code[1]}` : code[1]!;
        methods = /^([A-Z/]+)\s/.exec(text)?.[1] ?? methods;
        keys.push(...expandRoute(text));
      }
    } else if (inTable) break;
  }
  return [...new Set(keys)];
}
