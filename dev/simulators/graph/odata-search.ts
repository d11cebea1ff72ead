/**
 * `$search` on `/users` as Microsoft Graph documents it for directory objects
 * (learn.microsoft.com/graph/search-query-parameter, "Using $search on directory object
 * collections"): an advanced query (the request must carry `ConsistencyLevel: eventual`);
 * clauses `"property:text"` in double quotes (a `"` or `\` inside escaped with a backslash),
 * joined by upper-case `AND`/`OR` outside the quotes, with parentheses; the property is
 * required. `displayName` and `description` are searched by tokens (split at spaces, case
 * changes from lower to upper, digits and symbols; every token of the text must begin a token
 * of the value, in any order, case-insensitively); every other string property behaves as
 * `$filter` `startswith` (case-insensitive). Anything else is refused with a 400, as Graph does.
 */
import { badRequest, unsupportedQuery } from "./errors";

export type SearchNode =
  | { kind: "and" | "or"; left: SearchNode; right: SearchNode }
  | { kind: "clause"; property: string; text: string };

/** String properties of a user that `$filter` (and so `$search`) accepts. */
const SEARCHABLE = new Set([
  "displayName",
  "description",
  "givenName",
  "surname",
  "mail",
  "mailNickname",
  "userPrincipalName",
  "employeeId",
  "jobTitle",
  "department",
]);
const TOKENIZED = new Set(["displayName", "description"]);

function syntaxError(text: string, detail: string) {
  return badRequest(`Syntax error: ${detail} in $search '${text}'.`);
}

type Token = { t: "clause"; v: string } | { t: "op"; v: "AND" | "OR" } | { t: "paren"; v: "(" | ")" };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === " ") {
      i++;
    } else if (c === "(" || c === ")") {
      tokens.push({ t: "paren", v: c });
      i++;
    } else if (c === '"') {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw syntaxError(text, "unterminated clause");
        const d = text[i]!;
        if (d === "\\") {
          const next = text[i + 1];
          if (next !== '"' && next !== "\\") throw syntaxError(text, `invalid escape at position ${i}`);
          value += next;
          i += 2;
          continue;
        }
        if (d === '"') {
          i++;
          break;
        }
        value += d;
        i++;
      }
      tokens.push({ t: "clause", v: value });
    } else if (text.startsWith("AND", i) || text.startsWith("OR", i)) {
      const v = text.startsWith("AND", i) ? "AND" : "OR";
      tokens.push({ t: "op", v });
      i += v.length;
    } else {
      // Lower-case operators and unquoted text are syntax errors on directory objects.
      throw syntaxError(text, `unexpected character '${c}' at position ${i}`);
    }
  }
  return tokens;
}

function parseClause(text: string, raw: string): SearchNode {
  const colon = raw.indexOf(":");
  if (colon <= 0) throw badRequest(`Invalid search clause '${raw}': the property name must be specified.`);
  const property = raw.slice(0, colon);
  const value = raw.slice(colon + 1);
  if (!SEARCHABLE.has(property)) {
    if (/^[A-Za-z]+$/.test(property))
      throw badRequest(`Could not find a property named '${property}' on type 'microsoft.graph.user'.`);
    throw syntaxError(text, `invalid property '${property}'`);
  }
  return { kind: "clause", property, text: value };
}

/** Parses a `$search` value; throws GraphFailure (400) as Graph would. */
export function parseSearch(text: string): SearchNode {
  const tokens = tokenize(text);
  let pos = 0;
  const primary = (): SearchNode => {
    const tok = tokens[pos++];
    if (!tok) throw syntaxError(text, "clause expected at the end");
    if (tok.t === "paren" && tok.v === "(") {
      const inner = orExpr();
      const close = tokens[pos++];
      if (close?.t !== "paren" || close.v !== ")") throw syntaxError(text, "')' expected");
      return inner;
    }
    if (tok.t !== "clause") throw syntaxError(text, `clause expected, found '${tok.v}'`);
    return parseClause(text, tok.v);
  };
  const andExpr = (): SearchNode => {
    let left = primary();
    while (tokens[pos]?.t === "op" && tokens[pos]!.v === "AND") {
      pos++;
      left = { kind: "and", left, right: primary() };
    }
    return left;
  };
  function orExpr(): SearchNode {
    let left = andExpr();
    while (tokens[pos]?.t === "op" && tokens[pos]!.v === "OR") {
      pos++;
      left = { kind: "or", left, right: andExpr() };
    }
    return left;
  }
  if (tokens.length === 0) throw syntaxError(text, "empty search");
  const tree = orExpr();
  if (pos < tokens.length) throw syntaxError(text, `unexpected '${tokens[pos]!.v}'`);
  return tree;
}

/** Graph's search tokens: words split at spaces, digits, symbols and lower→upper case changes. */
export function searchTokens(value: string): string[] {
  const tokens: string[] = [];
  for (const run of value.match(/\p{L}+|\p{N}+|[^\p{L}\p{N}\s]/gu) ?? []) {
    if (/^\p{L}/u.test(run)) {
      for (const part of run.split(/(?<=\p{Ll})(?=\p{Lu})/u)) tokens.push(part.toLowerCase());
    } else {
      tokens.push(run.toLowerCase());
    }
  }
  return tokens;
}

export type SearchReader = (property: string) => unknown;

export function matchesSearch(node: SearchNode, read: SearchReader): boolean {
  if (node.kind !== "clause") {
    const left = matchesSearch(node.left, read);
    return node.kind === "and"
      ? left && matchesSearch(node.right, read)
      : left || matchesSearch(node.right, read);
  }
  const actual = read(node.property);
  if (typeof actual !== "string") return false;
  if (TOKENIZED.has(node.property)) {
    const have = searchTokens(actual);
    return searchTokens(node.text).every((t) => have.some((h) => h.startsWith(t)));
  }
  return actual.toLowerCase().startsWith(node.text.toLowerCase());
}

/** The header Graph requires for `$search` on directory objects, and its error without it. */
export function requireEventualConsistency(headers: Readonly<Record<string, string | undefined>>): void {
  if (headers.consistencylevel?.toLowerCase() !== "eventual")
    throw unsupportedQuery(
      "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
    );
}
