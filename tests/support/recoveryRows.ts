/**
 * The Recoveries table holds each recovery's record (row key `recovery`) and, in the same
 * partition, its audit entries (row keys `audit_…`, written with the record's changes). Tests
 * that look at records read only the record rows.
 */
interface RowSource {
  rows<T extends object = Record<string, unknown>>(table: string): Promise<T[]>;
}

/** The recovery records as stored (one row per recovery). */
export async function recordRows<T extends object = Record<string, unknown>>(stack: RowSource): Promise<T[]> {
  const rows = await stack.rows<T & { rowKey?: string }>("Recoveries");
  return rows.filter((r) => r.rowKey === "recovery");
}

/** How many recoveries are stored. */
export async function countRecords(stack: RowSource): Promise<number> {
  return (await recordRows(stack)).length;
}

/** Every recovery's audit entries as stored (each row names its recovery in `partitionKey`). */
export async function auditRows<T extends object = Record<string, unknown>>(stack: RowSource): Promise<T[]> {
  const rows = await stack.rows<T & { rowKey?: string }>("Recoveries");
  return rows.filter((r) => r.rowKey?.startsWith("audit_"));
}

/** Sealed TAPs still waiting for their reader (row key `tap` with its JWE; a TAP taken leaves a row without it). */
export async function waitingTaps(stack: RowSource): Promise<number> {
  const rows = await stack.rows<{ rowKey?: string; jwe?: string }>("Recoveries");
  return rows.filter((r) => r.rowKey === "tap" && r.jwe !== undefined).length;
}
