/**
 * The subset of OData `$filter` that the app sends to `/users`: `eq` on a few properties,
 * `in` on string properties (`id in ('…', '…')`), `otherMails/any(m:m eq '…')`, `and`/`or`, parentheses. Anything else is refused with
 * Graph's own errors rather than guessed at, so a filter that would fail in production fails
 * here too. String comparison is case-insensitive (as in Entra); `''` escapes a quote.
 */
import { badRequest, unsupportedQuery } from "./errors";

export type FilterValue = string | boolean | null;

export type FilterNode =
  | { kind: "and" | "or"; left: FilterNode; right: FilterNode }
  | { kind: "eq"; property: string; value: FilterValue }
  | { kind: "in"; property: string; values: string[] }
  | { kind: "any"; property: string; value: FilterValue };

const STRING_PROPERTIES = new Set([
  "id",
  "userPrincipalName",
  "mail",
  "givenName",
  "surname",
  "displayName",
  "employeeId",
  "jobTitle",
  "department",
]);
const BOOLEAN_PROPERTIES = new Set(["accountEnabled"]);
const STRING_COLLECTION_PROPERTIES = new Set(["otherMails"]);
/** Real user properties we do not filter on: "unsupported", not "unknown". */
const OTHER_KNOWN_PROPERTIES = new Set([
  "signInActivity",
  "createdDateTime",
  "userType",
  "businessPhones",
  "mobilePhone",
]);

type Token =
  | { t: "ident"; v: string }
  | { t: "string"; v: string }
  | { t: "number"; v: string }
  | { t: "punct"; v: "(" | ")" | ":" | "," };

function invalid(detail: string) {
  return badRequest(`Invalid filter clause: ${detail}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " " || c === "\t") {
      i++;
    } else if (c === "(" || c === ")" || c === ":" || c === ",") {
      tokens.push({ t: "punct", v: c });
      i++;
    } else if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw invalid("unterminated string literal.");
        const d = text[i]!;
        if (d === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += d;
        i++;
      }
      tokens.push({ t: "string", v: value });
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?[0-9][0-9.]*/.exec(text.slice(i));
      if (!m) throw invalid(`syntax error at position ${i}.`);
      tokens.push({ t: "number", v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_./]*/.exec(text.slice(i))!;
      tokens.push({ t: "ident", v: m[0] });
      i += m[0].length;
    } else {
      throw invalid(`syntax error at position ${i} in '${text}'.`);
    }
  }
  return tokens;
}

/** Parses a `$filter` value; throws GraphFailure (400) for syntax errors and unsupported forms. */
export function parseFilter(text: string): FilterNode {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isKeyword = (tok: Token | undefined, word: string) =>
    tok?.t === "ident" && tok.v.toLowerCase() === word;
  const expectPunct = (v: string) => {
    const tok = tokens[pos];
    if (tok?.t !== "punct" || tok.v !== v) throw invalid(`'${v}' expected in '${text}'.`);
    pos++;
  };

  const parseLiteral = (): FilterValue => {
    const tok = tokens[pos++];
    if (!tok) throw invalid("expression expected at end of input.");
    if (tok.t === "string") return tok.v;
    if (tok.t === "ident" && tok.v === "true") return true;
    if (tok.t === "ident" && tok.v === "false") return false;
    if (tok.t === "ident" && tok.v === "null") return null;
    if (tok.t === "number") throw unsupportedQuery();
    throw invalid(`literal expected, found '${tok.v}'.`);
  };

  const checkType = (value: FilterValue, kind: "string" | "boolean") => {
    if (value === null) return;
    const found = typeof value === "boolean" ? "Edm.Boolean" : "Edm.String";
    const wanted = kind === "boolean" ? "Edm.Boolean" : "Edm.String";
    if (found !== wanted) {
      throw badRequest(
        `A binary operator with incompatible types was detected. Found operand types '${wanted}' and '${found}' for operator kind 'Equal'.`,
      );
    }
  };

  const parseComparison = (property: string): FilterNode => {
    const op = tokens[pos++];
    if (op?.t !== "ident") throw invalid(`operator expected after '${property}'.`);
    const opName = op.v.toLowerCase();
    if (opName === "in" && STRING_PROPERTIES.has(property)) {
      expectPunct("(");
      const values: string[] = [];
      for (;;) {
        const value = parseLiteral();
        if (typeof value !== "string") throw invalid("string literal expected in 'in' list.");
        values.push(value);
        const sep = tokens[pos++];
        if (sep?.t === "punct" && sep.v === ")") break;
        if (sep?.t !== "punct" || sep.v !== ",") throw invalid(`',' or ')' expected in '${text}'.`);
      }
      return { kind: "in", property, values };
    }
    if (["ne", "gt", "ge", "lt", "le", "in", "has"].includes(opName)) throw unsupportedQuery();
    if (opName !== "eq") throw invalid(`unknown operator '${op.v}'.`);
    const value = parseLiteral();
    checkType(value, BOOLEAN_PROPERTIES.has(property) ? "boolean" : "string");
    return { kind: "eq", property, value };
  };

  const parseAny = (property: string): FilterNode => {
    expectPunct("(");
    const variable = tokens[pos++];
    if (variable?.t !== "ident") throw invalid("lambda variable expected.");
    expectPunct(":");
    const subject = tokens[pos++];
    if (subject?.t !== "ident" || subject.v !== variable.v) throw unsupportedQuery();
    const node = parseComparison(property);
    expectPunct(")");
    if (node.kind !== "eq") throw unsupportedQuery();
    return { kind: "any", property, value: node.value };
  };

  const parsePrimary = (): FilterNode => {
    const tok = tokens[pos];
    if (!tok) throw invalid("expression expected at end of input.");
    if (tok.t === "punct" && tok.v === "(") {
      pos++;
      const inner = parseOr();
      expectPunct(")");
      return inner;
    }
    if (tok.t !== "ident") throw invalid(`unexpected '${tok.v}'.`);
    pos++;
    if (tok.v.toLowerCase() === "not") throw unsupportedQuery();
    const next = peek();
    if (next?.t === "punct" && next.v === "(") {
      // A function call or a lambda over a collection property.
      const lambda = /^([A-Za-z]+)\/(any|all)$/.exec(tok.v);
      if (lambda && STRING_COLLECTION_PROPERTIES.has(lambda[1]!) && lambda[2] === "any")
        return parseAny(lambda[1]!);
      throw unsupportedQuery();
    }
    if (STRING_PROPERTIES.has(tok.v) || BOOLEAN_PROPERTIES.has(tok.v)) return parseComparison(tok.v);
    const root = tok.v.split("/")[0]!;
    if (STRING_COLLECTION_PROPERTIES.has(root) || OTHER_KNOWN_PROPERTIES.has(root)) throw unsupportedQuery();
    throw badRequest(`Could not find a property named '${root}' on type 'microsoft.graph.user'.`);
  };

  const parseAnd = (): FilterNode => {
    let left = parsePrimary();
    while (isKeyword(peek(), "and")) {
      pos++;
      left = { kind: "and", left, right: parsePrimary() };
    }
    return left;
  };

  function parseOr(): FilterNode {
    let left = parseAnd();
    while (isKeyword(peek(), "or")) {
      pos++;
      left = { kind: "or", left, right: parseAnd() };
    }
    return left;
  }

  if (tokens.length === 0) throw invalid("the filter is empty.");
  const tree = parseOr();
  const rest = peek();
  if (rest) throw invalid(`unexpected '${rest.v}' in '${text}'.`);
  return tree;
}

export type PropertyReader = (property: string) => FilterValue | readonly string[] | undefined;

/** Evaluates a parsed filter against one entity. */
export function matchesFilter(node: FilterNode, read: PropertyReader): boolean {
  switch (node.kind) {
    case "and":
      return matchesFilter(node.left, read) && matchesFilter(node.right, read);
    case "or":
      return matchesFilter(node.left, read) || matchesFilter(node.right, read);
    case "eq": {
      const actual = read(node.property);
      return !Array.isArray(actual) && equals(actual as FilterValue | undefined, node.value);
    }
    case "any": {
      const actual = read(node.property);
      return Array.isArray(actual) && actual.some((v) => equals(v, node.value));
    }
    case "in": {
      const actual = read(node.property);
      return !Array.isArray(actual) && node.values.some((v) => equals(actual as FilterValue | undefined, v));
    }
  }
}

/**
 * The object ids a filter is confined to (`id eq '…'`, `id in (…)`, or an `and` with one of
 * them), so a lookup can replace a scan; undefined when the filter is not so confined.
 */
export function idsOf(node: FilterNode): string[] | undefined {
  if (node.kind === "eq" && node.property === "id" && typeof node.value === "string") return [node.value];
  if (node.kind === "in" && node.property === "id") return node.values;
  if (node.kind === "and") return idsOf(node.left) ?? idsOf(node.right);
  return undefined;
}

function equals(actual: FilterValue | undefined, expected: FilterValue): boolean {
  if (expected === null) return actual === null || actual === undefined;
  if (typeof expected === "boolean") return actual === expected;
  return typeof actual === "string" && actual.toLowerCase() === expected.toLowerCase();
}
