/**
 * Just enough Bicep reading for structural checks, since no Bicep compiler can run on the
 * build machines: comments stripped (strings and `${}` interpolations respected), top-level
 * declarations with their decorators and bodies, blocks found by brace matching, and
 * `key: value` properties read from a block. Every check returns its violations as
 * readable strings, so a test can show both that the templates pass and that a bad
 * template would not.
 */

export interface Declaration {
  keyword: string;
  name: string;
  /** Resource type with API version (`Microsoft.Web/sites@2024-04-01`) or module path. */
  target?: string;
  decorators: string[];
  existing: boolean;
  /** Everything after the name, up to the next top-level declaration. */
  text: string;
}

export interface BicepFile {
  path: string;
  source: string;
  /** The source with comments removed (same string literals). */
  code: string;
  declarations: Declaration[];
}

const KEYWORDS = new Set([
  "targetScope",
  "metadata",
  "extension",
  "import",
  "param",
  "var",
  "resource",
  "module",
  "output",
  "type",
  "func",
]);

/** Walks Bicep text, calling `visit` for each character outside strings and comments. */
function scan(
  text: string,
  visit: (index: number, char: string) => void,
  keep?: (from: number, to: number, kind: "code" | "string" | "comment") => void,
): void {
  let i = 0;
  let codeStart = 0;
  const flush = (to: number) => {
    if (to > codeStart) keep?.(codeStart, to, "code");
  };
  // Stack of interpolation brace depths: inside `${ ... }` we are code again.
  const interpolation: number[] = [];
  let depth = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "/" && text[i + 1] === "/") {
      flush(i);
      const end = text.indexOf("\n", i);
      const stop = end < 0 ? text.length : end;
      keep?.(i, stop, "comment");
      i = stop;
      codeStart = i;
      continue;
    }
    if (c === "/" && text[i + 1] === "*") {
      flush(i);
      const end = text.indexOf("*/", i + 2);
      const stop = end < 0 ? text.length : end + 2;
      keep?.(i, stop, "comment");
      i = stop;
      codeStart = i;
      continue;
    }
    if (c === "'" && text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      i = end < 0 ? text.length : end + 3;
      continue;
    }
    if (c === "'") {
      // A single-quoted string; `${` opens an interpolation (code) until its matching `}`.
      i++;
      while (i < text.length && text[i] !== "'") {
        if (text[i] === "\\") i += 2;
        else if (text[i] === "$" && text[i + 1] === "{") {
          interpolation.push(depth);
          depth++;
          i += 2;
          // Scan the interpolation as code until depth returns.
          while (i < text.length && depth > interpolation[interpolation.length - 1]!) {
            const d = text[i]!;
            if (d === "{") depth++;
            else if (d === "}") depth--;
            else if (d === "'") {
              // nested string inside the interpolation
              i++;
              while (i < text.length && text[i] !== "'") i += text[i] === "\\" ? 2 : 1;
            }
            i++;
          }
          interpolation.pop();
        } else i++;
      }
      i++;
      continue;
    }
    visit(i, c);
    i++;
  }
  flush(text.length);
}

export function stripComments(text: string): string {
  let out = "";
  let last = 0;
  scan(
    text,
    () => undefined,
    (from, to, kind) => {
      if (kind === "comment") {
        out += text.slice(last, from);
        last = to;
      }
    },
  );
  return out + text.slice(last);
}

/** The text between the first `{` or `[` at or after `from` and its matching bracket. */
export function blockAt(code: string, from: number): string | undefined {
  let start = -1;
  let depth = 0;
  let result: string | undefined;
  scan(code.slice(from), (i, c) => {
    if (result !== undefined) return;
    if (c === "{" || c === "[") {
      if (start < 0) start = i;
      depth++;
    } else if ((c === "}" || c === "]") && start >= 0) {
      depth--;
      if (depth === 0) result = code.slice(from + start + 1, from + i);
    }
  });
  return result;
}

/** The block that follows the first match of `anchor` in `code`. */
export function blockAfter(code: string, anchor: RegExp): string | undefined {
  const m = anchor.exec(code);
  return m ? blockAt(code, m.index + m[0].length) : undefined;
}

export function parseBicep(path: string, source: string): BicepFile {
  const code = stripComments(source);
  // Top-level line starts: depth 0 outside strings.
  const starts: number[] = [];
  let depth = 0;
  let lineStart = true;
  scan(code, (i, c) => {
    if (lineStart && depth === 0 && /[A-Za-z@]/.test(c)) starts.push(i);
    if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
    if (c === "\n") lineStart = true;
    else if (!/\s/.test(c)) lineStart = false;
  });
  const declarations: Declaration[] = [];
  let decorators: string[] = [];
  for (let k = 0; k < starts.length; k++) {
    const at = starts[k]!;
    const end = starts[k + 1] ?? code.length;
    const chunk = code.slice(at, end).trim();
    if (chunk.startsWith("@")) {
      decorators.push(chunk);
      continue;
    }
    const m = /^(\w+)\s+([A-Za-z_][\w]*|'[^']*')?\s*('([^']*)')?/.exec(chunk);
    if (!m || !KEYWORDS.has(m[1]!)) {
      decorators = [];
      continue;
    }
    declarations.push({
      keyword: m[1]!,
      name: (m[2] ?? "").replace(/'/g, ""),
      ...(m[4] !== undefined ? { target: m[4] } : {}),
      decorators,
      existing: /^\w+\s+\w+\s+'[^']*'\s+existing\b/.test(chunk),
      text: chunk,
    });
    decorators = [];
  }
  return { path, source, code, declarations };
}

/** `Microsoft.Web/sites` from `Microsoft.Web/sites@2024-04-01`. */
export function resourceType(target: string | undefined): string {
  return (target ?? "").split("@")[0]!;
}

export function resources(file: BicepFile, type?: string): Declaration[] {
  return file.declarations.filter(
    (d) => d.keyword === "resource" && (type === undefined || resourceType(d.target) === type),
  );
}

/** Values of `key:` at any depth of `block` (raw text up to the end of the line). */
export function propertyValues(block: string, key: string): string[] {
  const values: string[] = [];
  const re = new RegExp(`(?:^|[\\s{,])${key}\\s*:\\s*(.+)$`, "gm");
  for (const m of block.matchAll(re)) values.push(m[1]!.trim());
  return values;
}

/** The items of an object or array body: split at newlines and commas outside nesting. */
function topLevelItems(block: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let from = 0;
  scan(block, (i, c) => {
    if (c === "{" || c === "[" || c === "(") depth++;
    else if (c === "}" || c === "]" || c === ")") depth--;
    else if ((c === "\n" || c === ",") && depth === 0) {
      items.push(block.slice(from, i));
      from = i + 1;
    }
  });
  items.push(block.slice(from));
  return items.map((item) => item.trim()).filter((item) => item.length > 0);
}

/** The entries of the object literal `block` at its own top level (a value may span lines). */
export function topLevelKeys(block: string): Array<{ key: string; value: string }> {
  const entries: Array<{ key: string; value: string }> = [];
  for (const item of topLevelItems(block)) {
    const m = /^'?([A-Za-z_][\w.-]*)'?\s*:\s*([\s\S]+)$/.exec(item);
    if (m) entries.push({ key: m[1]!, value: m[2]!.trim() });
  }
  return entries;
}

/**
 * Evaluates a Bicep value made of literals (strings without interpolation, numbers,
 * booleans, objects, arrays); any other expression must be in `expressions` (exact text),
 * else this throws naming it — so a test can stand in for what only Azure knows.
 */
export function evaluate(text: string, expressions: Readonly<Record<string, unknown>> = {}): unknown {
  const t = text.trim();
  if (Object.hasOwn(expressions, t)) return expressions[t];
  if (/^'[^'\\$]*'$/.test(t)) return t.slice(1, -1);
  if (/^-?\d+$/.test(t)) return Number(t);
  if (t === "true" || t === "false") return t === "true";
  if (t.startsWith("{") && t.endsWith("}")) {
    return Object.fromEntries(
      topLevelKeys(t.slice(1, -1)).map(({ key, value }) => [key, evaluate(value, expressions)]),
    );
  }
  if (t.startsWith("[") && t.endsWith("]"))
    return topLevelItems(t.slice(1, -1)).map((v) => evaluate(v, expressions));
  throw new Error(`no value for the Bicep expression ${t}`);
}

// ---------------------------------------------------------------------------------------
// Checks. Each returns violations; an empty list means the templates comply.

/** Every param carries a @description. */
export function undescribedParams(files: BicepFile[]): string[] {
  return files.flatMap((f) =>
    f.declarations
      .filter((d) => d.keyword === "param" && !d.decorators.some((x) => x.startsWith("@description(")))
      .map((d) => `${f.path}: param ${d.name} has no @description`),
  );
}

/**
 * Role assignments sit on one resource: each `Microsoft.Authorization/roleAssignments` has a
 * `scope:` naming a resource declared in the same file, and no file that assigns roles
 * targets the subscription, management group or tenant.
 */
export function roleAssignmentsAboveResourceScope(files: BicepFile[]): string[] {
  const violations: string[] = [];
  for (const f of files) {
    const assignments = resources(f, "Microsoft.Authorization/roleAssignments");
    if (assignments.length === 0) continue;
    const target = /^\s*targetScope\s*=\s*'(\w+)'/m.exec(f.code)?.[1] ?? "resourceGroup";
    if (target !== "resourceGroup") violations.push(`${f.path}: assigns roles at ${target} scope`);
    const symbols = new Set(resources(f).map((d) => d.name));
    for (const a of assignments) {
      const scope = propertyValues(a.text, "scope")[0];
      if (!scope) violations.push(`${f.path}: ${a.name} has no scope (it would apply to the resource group)`);
      else if (!symbols.has(scope))
        violations.push(`${f.path}: ${a.name} is scoped to ${scope}, not to a resource of this file`);
    }
  }
  return violations;
}

const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/AccountKey=/i, "an account key"],
  [/SharedAccessKey/i, "a shared access key"],
  [/SharedAccessSignature|[?&]sig=/i, "a SAS token"],
  [/\blistKeys\s*\(|\.listKeys\b/, "listKeys()"],
  [/\blistSecrets\s*\(|\blist\w*Secrets?\s*\(/, "a secrets list call"],
  [/\bpassword\b|\bclientSecret\b/i, "a password or client secret"],
  [/whsec_/, "a webhook secret"],
];

/** A quoted literal of 32+ base64 characters mixing upper case, lower case and digits: key-like. */
function hasKeyLikeLiteral(text: string): boolean {
  return [...text.matchAll(/'([A-Za-z0-9+/_-]{32,}={0,2})'/g)].some(
    (m) => /[a-z]/.test(m[1]!) && /[A-Z]/.test(m[1]!) && /[0-9]/.test(m[1]!),
  );
}

/** No setting value (or anything else in the templates) is or derives a secret. */
export function secretsIn(label: string, text: string): string[] {
  const found = SECRET_PATTERNS.filter(([re]) => re.test(text)).map(([, what]) => `${label}: holds ${what}`);
  if (hasKeyLikeLiteral(text)) found.push(`${label}: holds a key-like literal`);
  return found;
}

/** Each `key: expected` must be present (as `key: expected`) somewhere in `block`. */
export function missingProperties(label: string, block: string, expected: Record<string, string>): string[] {
  return Object.entries(expected)
    .filter(([key, value]) => !propertyValues(block, key).includes(value))
    .map(
      ([key, value]) =>
        `${label}: ${key} is not ${value} (found ${propertyValues(block, key).join(", ") || "nothing"})`,
    );
}
