/**
 * Minimal HTML page helpers for the user-facing simulator pages (IDV hand-off and the
 * Verified ID wallet). Every value that reaches markup goes through `escapeHtml` (the app's
 * own, src/html.ts), since tokens, names and URLs in these pages come from requests.
 */
import type { IncomingMessage } from "node:http";
import { escapeHtml } from "../../../src/html";

export { escapeHtml };

const STYLE = `
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
h1{font-size:1.5rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem}
dt{font-weight:600}dd{margin:0;overflow-wrap:anywhere}label{display:block;margin-top:.75rem;font-weight:600}
input,select{font:inherit;padding:.4rem;width:100%;box-sizing:border-box}
button{font:inherit;padding:.5rem 1.25rem;margin:1rem .5rem 0 0;cursor:pointer}
.error{border-left:4px solid #b00020;padding-left:1rem}.note{color:#555;font-size:.9rem}`;

/** A complete, self-contained page; `body` must already be escaped markup. */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><link rel="icon" href="data:,"><style>${STYLE}</style></head>
<body><main>
${body}
</main></body>
</html>`;
}

/** An error page: a heading and one escaped sentence saying why; never a stack. */
export function errorPage(title: string, message: string): string {
  return page(
    title,
    `<div class="error" role="alert"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p></div>`,
  );
}

/** A definition list from label/value pairs (values escaped). */
export function details(rows: ReadonlyArray<readonly [string, unknown]>): string {
  return `<dl>${rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(String(v ?? ""))}</dd>`).join("")}</dl>`;
}

/** True when the client asked for JSON (tests, scripts) rather than a page. */
export function wantsJson(req: IncomingMessage): boolean {
  return (req.headers.accept ?? "").includes("application/json");
}

/** Parses a form-urlencoded or JSON body into a flat record of values. */
export function parseFormOrJson(req: IncomingMessage, text: string): Record<string, unknown> {
  const type = (req.headers["content-type"] ?? "").toLowerCase();
  if (type.includes("application/json")) {
    const parsed: unknown = text.trim() === "" ? {} : JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new SyntaxError("JSON body must be an object");
    }
    return parsed as Record<string, unknown>;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

/** A string field or undefined (empty strings from forms count as absent). */
export function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}
