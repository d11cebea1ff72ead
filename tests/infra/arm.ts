/**
 * Reads the ARM JSON that Bicep compiled (not the Bicep text): the nested deployments with
 * their templates, and a partial evaluator of ARM template expressions. It computes what is
 * known before deployment (parameters, variables, literals, the functions our templates use)
 * and leaves what only Azure knows (reference(), resourceId(), ...) as an `Unknown` carrying
 * the expression, so a test can say "this setting comes from that output" exactly.
 */

export class Unknown {
  constructor(readonly expression: string) {}
  toString(): string {
    return `<${this.expression}>`;
  }
}

type Node =
  | { kind: "literal"; value: unknown }
  | { kind: "call"; name: string; args: Node[] }
  | { kind: "property"; target: Node; name: string }
  | { kind: "index"; target: Node; index: Node };

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) i++;
    else if (c === "'") {
      let j = i + 1;
      let value = "";
      while (j < text.length) {
        if (text[j] === "'" && text[j + 1] === "'") {
          value += "'";
          j += 2;
        } else if (text[j] === "'") break;
        else value += text[j++];
      }
      tokens.push(`'${value}`);
      i = j + 1;
    } else if ("(),.[]".includes(c)) {
      tokens.push(c);
      i++;
    } else {
      const m = /^[A-Za-z_][\w]*|^-?\d+/.exec(text.slice(i));
      if (!m) throw new Error(`cannot read ARM expression at ${text.slice(i)}`);
      tokens.push(m[0]);
      i += m[0].length;
    }
  }
  return tokens;
}

export function parseExpression(text: string): Node {
  const tokens = tokenize(text);
  let at = 0;
  const next = () => tokens[at++]!;
  const expect = (t: string) => {
    if (tokens[at] !== t) throw new Error(`expected ${t} in ${text}`);
    at++;
  };
  const primary = (): Node => {
    const t = next();
    let node: Node;
    if (t.startsWith("'")) node = { kind: "literal", value: t.slice(1) };
    else if (/^-?\d+$/.test(t)) node = { kind: "literal", value: Number(t) };
    else {
      expect("(");
      const args: Node[] = [];
      while (tokens[at] !== ")") {
        args.push(primary());
        if (tokens[at] === ",") at++;
      }
      expect(")");
      node = { kind: "call", name: t.toLowerCase(), args };
    }
    for (;;) {
      if (tokens[at] === ".") {
        at++;
        node = { kind: "property", target: node, name: next() };
      } else if (tokens[at] === "[") {
        at++;
        const index = primary();
        expect("]");
        node = { kind: "index", target: node, index };
      } else return node;
    }
  };
  const node = primary();
  if (at !== tokens.length) throw new Error(`trailing tokens in ${text}`);
  return node;
}

export interface Scope {
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  copyIndex?: number;
  /** Indexes of named property loops (`copyIndex('name')`). */
  loops?: Record<string, number>;
  lambda?: Record<string, unknown>;
}

const isExpression = (v: unknown): v is string =>
  typeof v === "string" && /^\[[^[]/.test(v) && v.endsWith("]");

/** Evaluates a template value: objects and arrays member by member, `[expr]` strings as expressions. */
export function evaluate(value: unknown, scope: Scope): unknown {
  if (isExpression(value))
    return evaluateNode(parseExpression(value.slice(1, -1)), scope, value.slice(1, -1));
  if (typeof value === "string" && value.startsWith("[[")) return value.slice(1);
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope));
  if (value !== null && typeof value === "object" && Array.isArray((value as { copy?: unknown }).copy)) {
    // A property loop: { copy: [{ name, count, input }], ...rest } makes `name` an array.
    const { copy, ...rest } = value as { copy: Array<{ name: string; count: unknown; input: unknown }> };
    const out = evaluate(rest, scope) as Record<string, unknown>;
    for (const loop of copy) {
      const count = evaluate(loop.count, scope) as number;
      out[loop.name] = Array.from({ length: count }, (_, i) =>
        evaluate(loop.input, { ...scope, loops: { ...scope.loops, [loop.name]: i } }),
      );
    }
    return out;
  }
  if (value !== null && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [String(evaluate(k, scope)), evaluate(v, scope)]),
    );
  return value;
}

function show(node: Node): string {
  switch (node.kind) {
    case "literal":
      return typeof node.value === "string" ? `'${node.value}'` : String(node.value);
    case "call":
      return `${node.name}(${node.args.map(show).join(", ")})`;
    case "property":
      return `${show(node.target)}.${node.name}`;
    case "index":
      return `${show(node.target)}[${show(node.index)}]`;
  }
}

function evaluateNode(node: Node, scope: Scope, source: string): unknown {
  const ev = (n: Node) => evaluateNode(n, scope, source);
  switch (node.kind) {
    case "literal":
      return node.value;
    case "property": {
      const target = ev(node.target);
      if (target instanceof Unknown) return new Unknown(`${target.expression}.${node.name}`);
      if (target === null || target === undefined) return new Unknown(show(node));
      return (target as Record<string, unknown>)[node.name];
    }
    case "index": {
      const target = ev(node.target);
      const index = ev(node.index);
      if (target instanceof Unknown || index instanceof Unknown) return new Unknown(show(node));
      return (target as Record<string, unknown>)[index as string];
    }
    case "call":
      return call(node, scope, ev);
  }
}

function call(node: Extract<Node, { kind: "call" }>, scope: Scope, ev: (n: Node) => unknown): unknown {
  const args = () => node.args.map(ev);
  const unknownIn = (values: unknown[]) => values.some((v) => v instanceof Unknown);
  switch (node.name) {
    case "parameters": {
      const name = ev(node.args[0]!) as string;
      if (!Object.hasOwn(scope.parameters, name)) throw new Error(`no parameter ${name}`);
      return scope.parameters[name];
    }
    case "variables": {
      const name = ev(node.args[0]!) as string;
      if (!Object.hasOwn(scope.variables, name)) throw new Error(`no variable ${name}`);
      return evaluate(scope.variables[name], scope);
    }
    case "if": {
      const condition = ev(node.args[0]!);
      if (condition instanceof Unknown) return new Unknown(show(node));
      return ev(node.args[condition ? 1 : 2]!);
    }
    case "createobject": {
      const values = args();
      const object: Record<string, unknown> = {};
      for (let i = 0; i < values.length; i += 2) object[String(values[i])] = values[i + 1];
      return object;
    }
    case "createarray":
      return args();
    case "union": {
      const values = args();
      if (unknownIn(values)) return new Unknown(show(node));
      return Array.isArray(values[0])
        ? [...new Set(values.flat())]
        : Object.assign({}, ...(values as object[]));
    }
    case "equals": {
      const [a, b] = args();
      return a instanceof Unknown || b instanceof Unknown ? new Unknown(show(node)) : a === b;
    }
    case "not": {
      const [a] = args();
      return a instanceof Unknown ? new Unknown(show(node)) : !a;
    }
    case "empty": {
      const [a] = args();
      if (a instanceof Unknown) return new Unknown(show(node));
      return (
        a === null ||
        a === "" ||
        (Array.isArray(a) ? a.length === 0 : typeof a === "object" && Object.keys(a as object).length === 0)
      );
    }
    case "format": {
      const [template, ...rest] = args();
      return String(template).replace(/\{(\d+)\}/g, (_, i: string) => String(rest[Number(i)]));
    }
    case "concat":
      return args().map(String).join("");
    case "tolower":
      return String(args()[0]).toLowerCase();
    case "string": {
      const [a] = args();
      return typeof a === "string" ? a : JSON.stringify(a);
    }
    case "json":
      return JSON.parse(String(args()[0]));
    case "bool":
      return args()[0] === true || args()[0] === "true";
    case "length": {
      const [a] = args();
      return a instanceof Unknown ? new Unknown(show(node)) : Object.keys(a as object).length;
    }
    case "items": {
      const [a] = args();
      return Object.entries(a as object)
        .sort(([x], [y]) => x.localeCompare(y))
        .map(([key, value]) => ({ key, value }));
    }
    case "split":
      return String(args()[0]).split(String(args()[1]));
    case "trim":
      return String(args()[0]).trim();
    case "copyindex":
      return node.args.length > 0 ? scope.loops?.[ev(node.args[0]!) as string] : scope.copyIndex;
    case "null":
      return null;
    case "true":
      return true;
    case "false":
      return false;
    case "coalesce":
      return args().find((v) => v !== null && v !== undefined);
    case "tryget": {
      const [target, ...path] = args();
      let value = target;
      for (const key of path) {
        if (value === null || value === undefined) return null;
        if (value instanceof Unknown) return new Unknown(`${value.expression}.${String(key)}`);
        value = (value as Record<string, unknown>)[String(key)];
      }
      return value ?? null;
    }
    case "map": {
      const [array] = args();
      const fn = node.args[1] as Extract<Node, { kind: "call" }>;
      const name = ev(fn.args[0]!) as string;
      return (array as unknown[]).map((item) =>
        evaluateNode(fn.args[1]!, { ...scope, lambda: { ...scope.lambda, [name]: item } }, ""),
      );
    }
    case "lambdavariables":
      return scope.lambda?.[ev(node.args[0]!) as string];
    default: {
      // What only Azure knows at deployment: reference(), resourceId(), guid(), subscription(), ...
      // shown with the arguments that are known evaluated.
      const shown = node.args.map((a) => {
        const v = ev(a);
        if (v instanceof Unknown) return v.expression;
        return typeof v === "string" ? `'${v}'` : v === undefined ? show(a) : JSON.stringify(v);
      });
      return new Unknown(`${node.name}(${shown.join(", ")})`);
    }
  }
}

export interface Template {
  parameters?: Record<string, { type: string; defaultValue?: unknown }>;
  variables?: Record<string, unknown>;
  resources: unknown[] | Record<string, unknown>;
  outputs?: Record<string, { value: unknown }>;
  [key: string]: unknown;
}

export interface Resource {
  /** The nested deployment (module) it sits in; "" for main.bicep itself. */
  module: string;
  symbol: string;
  type: string;
  apiVersion: string;
  existing: boolean;
  raw: Record<string, unknown>;
}

function resourceList(template: Template): Array<[string, Record<string, unknown>]> {
  return Array.isArray(template.resources)
    ? template.resources.map((r, i) => [String(i), r as Record<string, unknown>])
    : Object.entries(template.resources as Record<string, Record<string, unknown>>);
}

/** Every resource of main.bicep and of each module (one level of nesting, as ours has). */
export function allResources(main: Template): Resource[] {
  const out: Resource[] = [];
  for (const [symbol, r] of resourceList(main)) {
    const [type, version] = String(r.type).split("@");
    out.push({
      module: "",
      symbol,
      type: type!,
      apiVersion: String(r.apiVersion ?? version),
      existing: r.existing === true,
      raw: r,
    });
    if (r.type === "Microsoft.Resources/deployments") {
      const nested = (r.properties as { template: Template }).template;
      for (const [s, n] of resourceList(nested)) {
        const [t, v] = String(n.type).split("@");
        out.push({
          module: String(r.name),
          symbol: s,
          type: t!,
          apiVersion: String(n.apiVersion ?? v),
          existing: n.existing === true,
          raw: n,
        });
      }
    }
  }
  return out;
}

export function moduleDeployment(
  main: Template,
  name: string,
): {
  template: Template;
  parameters: Record<string, unknown>;
  condition?: unknown;
} {
  const found = resourceList(main)
    .map(([, r]) => r)
    .find((r) => r.type === "Microsoft.Resources/deployments" && r.name === name);
  if (!found) throw new Error(`no module deployment ${name}`);
  const props = found.properties as { template: Template; parameters: Record<string, unknown> };
  return { template: props.template, parameters: props.parameters, condition: found.condition };
}

/** The parameter values with defaults applied, as a template sees them. */
export function withDefaults(template: Template, given: Record<string, unknown>): Record<string, unknown> {
  const values: Record<string, unknown> = { ...given };
  // Defaults may be expressions over other parameters; given values are values, never expressions.
  for (const [name, def] of Object.entries(template.parameters ?? {}))
    if (!Object.hasOwn(given, name))
      values[name] = evaluate(def.defaultValue, { parameters: values, variables: template.variables ?? {} });
  return values;
}

/**
 * A module's scope under given main.bicep parameters: main's parameters and variables, then
 * the module's parameter values evaluated in main's scope.
 */
export function moduleScope(
  main: Template,
  mainParameters: Record<string, unknown>,
  name: string,
): Scope & {
  template: Template;
} {
  const mainScope: Scope = {
    parameters: withDefaults(main, mainParameters),
    variables: main.variables ?? {},
  };
  const module = moduleDeployment(main, name);
  const given: Record<string, unknown> = {};
  for (const [param, spec] of Object.entries(module.parameters)) {
    // A parameter is { value } or an expression producing { value } (Bicep does that for lambdas).
    const evaluated = evaluate(spec, mainScope) as { value: unknown };
    given[param] = evaluated.value;
  }
  return {
    template: module.template,
    parameters: withDefaults(module.template, given),
    variables: module.template.variables ?? {},
  };
}
