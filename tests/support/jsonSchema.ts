/**
 * A small JSON Schema (2020-12) validator for the subset the OpenAPI document uses — what
 * `z.toJSONSchema` emits plus local `$ref`s: type, enum, const, properties, required,
 * additionalProperties, propertyNames, items, prefixItems, allOf/anyOf/oneOf, string and number
 * bounds, pattern, the formats date-time, uuid, uri and email. An unknown keyword is an error,
 * so the validator cannot silently accept what it does not check. (No dependency: about what
 * ajv would do for this subset, in 150 lines a reviewer can read.)
 */

type Schema = Record<string, unknown> | boolean;

const ANNOTATIONS = new Set([
  "description",
  "title",
  "default",
  "examples",
  "example",
  "$schema",
  "$id",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
  "id",
]);

const FORMATS: Record<string, (v: string) => boolean> = {
  "date-time": (v) =>
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) && !Number.isNaN(Date.parse(v)),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  uri: (v) => URL.canParse(v),
  email: (v) => /^[^@\s]+@[^@\s]+$/.test(v),
};

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeMatches(expected: string, actual: string): boolean {
  return expected === actual || (expected === "number" && actual === "integer");
}

export class SchemaValidator {
  constructor(private readonly root: Record<string, unknown>) {}

  private resolve(ref: string): Schema {
    if (!ref.startsWith("#/")) throw new TypeError(`only local $ref supported: ${ref}`);
    let node: unknown = this.root;
    for (const part of ref.slice(2).split("/")) {
      node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
    }
    if (node === undefined) throw new TypeError(`unresolved $ref ${ref}`);
    return node as Schema;
  }

  /** Every violation, as `path: message`; [] when the value conforms. */
  validate(schema: Schema, value: unknown, path = "$"): string[] {
    if (schema === true) return [];
    if (schema === false) return [`${path}: no value allowed`];
    const errors: string[] = [];
    const s = schema;
    for (const key of Object.keys(s)) {
      if (ANNOTATIONS.has(key) || key.startsWith("x-")) continue;
      switch (key) {
        case "$ref":
          errors.push(...this.validate(this.resolve(s.$ref as string), value, path));
          break;
        case "type": {
          const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
          if (!types.some((t) => typeMatches(t, typeOf(value))))
            errors.push(`${path}: expected ${types.join("|")}, got ${typeOf(value)}`);
          break;
        }
        case "enum":
          if (!(s.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(value)))
            errors.push(`${path}: ${JSON.stringify(value)} not in ${JSON.stringify(s.enum)}`);
          break;
        case "const":
          if (JSON.stringify(s.const) !== JSON.stringify(value))
            errors.push(`${path}: expected ${JSON.stringify(s.const)}`);
          break;
        case "allOf":
          for (const sub of s.allOf as Schema[]) errors.push(...this.validate(sub, value, path));
          break;
        case "anyOf":
        case "oneOf": {
          const branches = (s[key] as Schema[]).map((sub) => this.validate(sub, value, path));
          const passing = branches.filter((b) => b.length === 0).length;
          if (passing === 0)
            errors.push(`${path}: matches no ${key} branch (${branches.map((b) => b[0]).join("; ")})`);
          else if (key === "oneOf" && passing > 1) errors.push(`${path}: matches ${passing} oneOf branches`);
          break;
        }
        case "not":
          if (this.validate(s.not as Schema, value, path).length === 0)
            errors.push(`${path}: matches a not schema`);
          break;
        case "properties":
        case "required":
        case "additionalProperties":
        case "propertyNames":
          if (typeOf(value) === "object")
            errors.push(...this.validateObjectKeyword(key, s, value as Record<string, unknown>, path));
          break;
        case "items":
          if (Array.isArray(value)) {
            const from = Array.isArray(s.prefixItems) ? s.prefixItems.length : 0;
            value.slice(from).forEach((v, i) => {
              errors.push(...this.validate(s.items as Schema, v, `${path}[${i + from}]`));
            });
          }
          break;
        case "prefixItems":
          if (Array.isArray(value))
            (s.prefixItems as Schema[]).forEach((sub, i) => {
              if (i < value.length) errors.push(...this.validate(sub, value[i], `${path}[${i}]`));
            });
          break;
        case "minItems":
          if (Array.isArray(value) && value.length < (s.minItems as number))
            errors.push(`${path}: fewer than ${s.minItems} items`);
          break;
        case "maxItems":
          if (Array.isArray(value) && value.length > (s.maxItems as number))
            errors.push(`${path}: more than ${s.maxItems} items`);
          break;
        case "minLength":
          if (typeof value === "string" && [...value].length < (s.minLength as number))
            errors.push(`${path}: shorter than ${s.minLength}`);
          break;
        case "maxLength":
          if (typeof value === "string" && [...value].length > (s.maxLength as number))
            errors.push(`${path}: longer than ${s.maxLength}`);
          break;
        case "pattern":
          if (typeof value === "string" && !new RegExp(s.pattern as string).test(value))
            errors.push(`${path}: ${JSON.stringify(value)} does not match ${s.pattern}`);
          break;
        case "format":
          if (typeof value === "string") {
            const check = FORMATS[s.format as string];
            if (!check) throw new TypeError(`unsupported format ${s.format}`);
            if (!check(value)) errors.push(`${path}: not a ${s.format}: ${JSON.stringify(value)}`);
          }
          break;
        case "minimum":
          if (typeof value === "number" && value < (s.minimum as number))
            errors.push(`${path}: below ${s.minimum}`);
          break;
        case "maximum":
          if (typeof value === "number" && value > (s.maximum as number))
            errors.push(`${path}: above ${s.maximum}`);
          break;
        case "exclusiveMinimum":
          if (typeof value === "number" && value <= (s.exclusiveMinimum as number))
            errors.push(`${path}: not above ${s.exclusiveMinimum}`);
          break;
        case "exclusiveMaximum":
          if (typeof value === "number" && value >= (s.exclusiveMaximum as number))
            errors.push(`${path}: not below ${s.exclusiveMaximum}`);
          break;
        default:
          throw new TypeError(`unsupported JSON Schema keyword ${key} at ${path}`);
      }
    }
    return errors;
  }

  private validateObjectKeyword(
    key: string,
    s: Record<string, unknown>,
    value: Record<string, unknown>,
    path: string,
  ): string[] {
    const properties = (s.properties ?? {}) as Record<string, Schema>;
    switch (key) {
      case "properties":
        return Object.entries(properties).flatMap(([name, sub]) =>
          name in value ? this.validate(sub, value[name], `${path}.${name}`) : [],
        );
      case "required":
        return (s.required as string[])
          .filter((name) => !(name in value))
          .map((name) => `${path}: missing ${name}`);
      case "additionalProperties":
        return Object.keys(value)
          .filter((name) => !(name in properties))
          .flatMap((name) =>
            s.additionalProperties === false
              ? [`${path}: unexpected property ${name}`]
              : this.validate(s.additionalProperties as Schema, value[name], `${path}.${name}`),
          );
      case "propertyNames":
        return Object.keys(value).flatMap((name) =>
          this.validate(s.propertyNames as Schema, name, `${path} key`),
        );
      default:
        return [];
    }
  }
}
