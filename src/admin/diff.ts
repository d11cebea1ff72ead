/**
 * The audit's account of a policy change: which fields changed, from what to what. Objects
 * are compared field by field; arrays and scalars as whole values (a group list is one
 * field to an admin reading the log). Paths read like the validation errors: `providers.byCountry.FR`.
 */

export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every changed leaf between two JSON values (undefined = absent), in key order. */
export function diffJson(before: unknown, after: unknown, path = ""): FieldChange[] {
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffJson(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path: path || "(root)", before: before ?? null, after: after ?? null }];
}
