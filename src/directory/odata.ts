/**
 * OData string literals for `$filter` values: quoted, a quote inside doubled (OData ABNF
 * `SQUOTE-in-string`). Every value we put into a filter goes through here, so none can close
 * the literal and add a clause of its own. (`$search` phrases have another rule: names.ts.)
 */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
