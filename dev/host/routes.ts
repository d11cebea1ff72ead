/**
 * HTTP trigger route templates, as the Functions host (ASP.NET Core routing) reads them:
 * literal segments, `{name}`, `{name?}`, `{name=default}`, `{name:constraint(arg)}` (int,
 * long, bool, guid, alpha, datetime, decimal/double/float, min, max, range, length,
 * minlength, maxlength, regex), `{*rest}` / `{**rest}` catch-alls, and segments mixing
 * literals and parameters. Literals match case-insensitively. Routes are tried most specific
 * first, with ASP.NET's precedence (literal, then constrained, then plain, then catch-all).
 */

export type Constraint = (value: string) => boolean;

interface LiteralPart {
  kind: "literal";
  text: string;
}

interface ParamPart {
  kind: "param";
  name: string;
  optional: boolean;
  catchAll: boolean;
  defaultValue?: string;
  constraints: Constraint[];
}

type Part = LiteralPart | ParamPart;

interface Segment {
  parts: Part[];
  /** Set for segments of several parts: matches the whole segment, groups in parameter order. */
  regex?: RegExp;
}

export interface CompiledTemplate {
  readonly template: string;
  readonly segments: readonly Segment[];
  /** ASP.NET inbound precedence digits, one per segment (lower = more specific). */
  readonly precedence: readonly number[];
}

export class RouteTemplateError extends TypeError {
  override readonly name = "RouteTemplateError";
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

function numberArg(args: string[], i: number, what: string): number {
  const n = Number(args[i]);
  if (!Number.isFinite(n))
    throw new RouteTemplateError(`constraint ${what} needs a number, got "${args[i]}"`);
  return n;
}

function parseConstraint(text: string, template: string): Constraint {
  const m = /^([a-zA-Z]+)(?:\((.*)\))?$/s.exec(text);
  if (!m) throw new RouteTemplateError(`bad constraint "${text}" in route "${template}"`);
  const name = m[1]!.toLowerCase();
  const raw = m[2];
  const args = raw === undefined ? [] : name === "regex" ? [raw] : raw.split(",").map((a) => a.trim());
  switch (name) {
    case "int":
      return (v) => /^-?\d+$/.test(v) && Number(v) >= INT32_MIN && Number(v) <= INT32_MAX;
    case "long":
      return (v) => /^-?\d+$/.test(v) && v.replace("-", "").length <= 19;
    case "bool":
      return (v) => /^(true|false)$/i.test(v);
    case "guid":
      return (v) => /^(\{)?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}(\})?$/i.test(v);
    case "alpha":
      return (v) => /^[a-z]+$/i.test(v);
    case "datetime":
      return (v) => !Number.isNaN(Date.parse(v));
    case "decimal":
    case "double":
    case "float":
      return (v) => v.trim() !== "" && Number.isFinite(Number(v));
    case "min": {
      const min = numberArg(args, 0, "min");
      return (v) => /^-?\d+$/.test(v) && Number(v) >= min;
    }
    case "max": {
      const max = numberArg(args, 0, "max");
      return (v) => /^-?\d+$/.test(v) && Number(v) <= max;
    }
    case "range": {
      const min = numberArg(args, 0, "range");
      const max = numberArg(args, 1, "range");
      return (v) => /^-?\d+$/.test(v) && Number(v) >= min && Number(v) <= max;
    }
    case "length": {
      const a = numberArg(args, 0, "length");
      const b = args.length > 1 ? numberArg(args, 1, "length") : a;
      return (v) => v.length >= a && v.length <= b;
    }
    case "minlength": {
      const a = numberArg(args, 0, "minlength");
      return (v) => v.length >= a;
    }
    case "maxlength": {
      const a = numberArg(args, 0, "maxlength");
      return (v) => v.length <= a;
    }
    case "regex": {
      // ASP.NET matches the pattern anywhere (not anchored), ignoring case.
      const pattern = new RegExp(args[0] ?? "", "i");
      return (v) => pattern.test(v);
    }
    default:
      throw new RouteTemplateError(`unknown route constraint "${name}" in route "${template}"`);
  }
}

/** Splits `a:b(x:y):c` on top-level colons. */
function splitConstraints(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === ":" && depth === 0) {
      out.push(current);
      current = "";
    } else current += ch;
  }
  out.push(current);
  return out;
}

function parseParam(body: string, template: string): ParamPart {
  let text = body;
  let catchAll = false;
  if (text.startsWith("**")) {
    catchAll = true;
    text = text.slice(2);
  } else if (text.startsWith("*")) {
    catchAll = true;
    text = text.slice(1);
  }
  const nameMatch = /^[^:?=]+/.exec(text);
  if (!nameMatch) throw new RouteTemplateError(`parameter without a name in route "${template}"`);
  const name = nameMatch[0].trim();
  let rest = text.slice(nameMatch[0].length);
  let optional = false;
  let defaultValue: string | undefined;
  const eq = rest.lastIndexOf("=");
  if (eq >= 0 && !rest.slice(eq).includes(")")) {
    defaultValue = rest.slice(eq + 1);
    rest = rest.slice(0, eq);
  }
  if (rest.endsWith("?")) {
    optional = true;
    rest = rest.slice(0, -1);
  }
  const constraints = rest.startsWith(":")
    ? splitConstraints(rest.slice(1)).map((c) => parseConstraint(c, template))
    : rest === ""
      ? []
      : (() => {
          throw new RouteTemplateError(`cannot read parameter "{${body}}" in route "${template}"`);
        })();
  return {
    kind: "param",
    name,
    optional,
    catchAll,
    ...(defaultValue !== undefined ? { defaultValue } : {}),
    constraints,
  };
}

function parseSegment(text: string, template: string): Segment {
  const parts: Part[] = [];
  let i = 0;
  let literal = "";
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === "{" && text[i + 1] === "{") {
      literal += "{";
      i += 2;
    } else if (ch === "}" && text[i + 1] === "}") {
      literal += "}";
      i += 2;
    } else if (ch === "{") {
      // Find the closing brace, skipping doubled braces inside (regex quantifiers are written {{n}}).
      let j = i + 1;
      let body = "";
      while (j < text.length) {
        if (text[j] === "}" && text[j + 1] === "}") {
          body += "}";
          j += 2;
        } else if (text[j] === "{" && text[j + 1] === "{") {
          body += "{";
          j += 2;
        } else if (text[j] === "}") break;
        else body += text[j++];
      }
      if (j >= text.length) throw new RouteTemplateError(`unclosed "{" in route "${template}"`);
      if (literal) parts.push({ kind: "literal", text: literal });
      literal = "";
      parts.push(parseParam(body, template));
      i = j + 1;
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) parts.push({ kind: "literal", text: literal });
  if (parts.length <= 1) return { parts };
  const source = parts
    .map((p) => (p.kind === "literal" ? p.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : "(.+?)"))
    .join("");
  return { parts, regex: new RegExp(`^${source}$`, "i") };
}

function precedenceDigit(segment: Segment): number {
  if (segment.parts.length > 1) return 2;
  const part = segment.parts[0];
  if (!part || part.kind === "literal") return 1;
  const digit = part.catchAll ? 5 : 3;
  return part.constraints.length > 0 ? digit - 1 : digit;
}

export function compileTemplate(template: string): CompiledTemplate {
  const trimmed = template.replace(/^\/+|\/+$/g, "");
  const segments = trimmed === "" ? [] : trimmed.split("/").map((s) => parseSegment(s, template));
  segments.forEach((segment, index) => {
    for (const part of segment.parts) {
      if (part.kind === "param" && part.catchAll && index !== segments.length - 1) {
        throw new RouteTemplateError(`catch-all parameter must be the last segment in route "${template}"`);
      }
    }
  });
  return { template, segments, precedence: segments.map(precedenceDigit) };
}

function single(segment: Segment): Part | undefined {
  return segment.parts.length === 1 ? segment.parts[0] : undefined;
}

/** Parameters when `pathSegments` (already decoded) match; undefined otherwise. */
export function matchTemplate(
  compiled: CompiledTemplate,
  pathSegments: readonly string[],
): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  let i = 0;
  for (const segment of compiled.segments) {
    const part = single(segment);
    if (part?.kind === "param" && part.catchAll) {
      const rest = pathSegments.slice(i).join("/");
      i = pathSegments.length;
      if (rest === "") {
        if (part.defaultValue !== undefined) params[part.name] = part.defaultValue;
        return params;
      }
      if (!part.constraints.every((c) => c(rest))) return undefined;
      params[part.name] = rest;
      return params;
    }
    const value = pathSegments[i];
    if (value === undefined) {
      // Path ended: only optional parameters (or ones with defaults) may remain.
      if (part?.kind === "param" && (part.optional || part.defaultValue !== undefined)) {
        if (part.defaultValue !== undefined) params[part.name] = part.defaultValue;
        continue;
      }
      return undefined;
    }
    if (!part) {
      const m = segment.regex?.exec(value);
      if (!m) return undefined;
      let g = 1;
      for (const p of segment.parts) {
        if (p.kind !== "param") continue;
        const v = m[g++] ?? "";
        if (!p.constraints.every((c) => c(v))) return undefined;
        params[p.name] = v;
      }
    } else if (part.kind === "literal") {
      if (part.text.toLowerCase() !== value.toLowerCase()) return undefined;
    } else {
      if (!part.constraints.every((c) => c(value))) return undefined;
      params[part.name] = value;
    }
    i++;
  }
  return i === pathSegments.length ? params : undefined;
}

/** Orders by ASP.NET precedence: more specific templates first, then alphabetically. */
export function compareTemplates(a: CompiledTemplate, b: CompiledTemplate): number {
  const n = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < n; i++) {
    const x = a.precedence[i] ?? 0;
    const y = b.precedence[i] ?? 0;
    if (x !== y) return x - y;
  }
  return a.template.localeCompare(b.template);
}

/** Splits a URL path (after the route prefix) into decoded segments; an encoded "/" stays in its segment. */
export function splitPath(pathname: string): string[] | undefined {
  const trimmed = pathname.replace(/^\/+|\/+$/g, "");
  if (trimmed === "") return [];
  try {
    return trimmed.split("/").map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}
