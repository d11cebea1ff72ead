/**
 * Ids that become Table Storage keys. The service refuses `/ \ # ?` and control characters in
 * keys and answers such a request with an error the SDK retries, so an odd id that reached it
 * would cost seconds and end in a 5xx. Every id that comes from outside (callback `state` and
 * `requestId`, webhook event and session ids, route ids) is checked against a printable,
 * bounded alphabet before any storage call; the store refuses a key outside the service's own
 * rules as well (a read finds nothing), so a path that forgets the first check still answers 4xx.
 */

/** The alphabet of ids we accept from outside: ASCII letters, digits and `._:@=+-`, 1–200 long. */
const STORAGE_SAFE_ID = /^[A-Za-z0-9._:@=+-]{1,200}$/;

export function isStorageSafeId(value: unknown): value is string {
  return typeof value === "string" && STORAGE_SAFE_ID.test(value);
}

/** Table Storage's own rule for PartitionKey/RowKey: ≤ 1 KiB, none of `/ \ # ?`, no control characters. */
export function isTableKey(value: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it refuses
  return Buffer.byteLength(value, "utf8") <= 1024 && !/[/\\#?\u0000-\u001f\u007f-\u009f]/.test(value);
}
