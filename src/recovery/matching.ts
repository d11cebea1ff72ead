/**
 * Profile match: the verified credential's names against the directory's givenName/surname.
 * Exact mode only for now: Unicode NFC, case-insensitive, trimmed, inner whitespace folded.
 * Display name and UPN are never used. Blank names never match.
 */

export interface NameMatchResult {
  matched: boolean;
  /** For the audit log and the admin view: which field failed, never the names themselves. */
  explanation: string;
}

export function normalizeName(value: string | null | undefined): string {
  return (value ?? "").normalize("NFC").trim().replace(/\s+/gu, " ").toLocaleLowerCase("und");
}

export function matchProfileExact(
  credential: { firstName: string | undefined; lastName: string | undefined },
  directory: { givenName: string | null; surname: string | null },
): NameMatchResult {
  const first = normalizeName(credential.firstName);
  const last = normalizeName(credential.lastName);
  const given = normalizeName(directory.givenName);
  const sur = normalizeName(directory.surname);
  if (!first || !last) return { matched: false, explanation: "credential name missing" };
  if (!given || !sur) return { matched: false, explanation: "directory name missing" };
  const firstOk = first === given;
  const lastOk = last === sur;
  if (firstOk && lastOk)
    return { matched: true, explanation: "firstName=givenName, lastName=surname (exact)" };
  const failed = [firstOk ? undefined : "firstName≠givenName", lastOk ? undefined : "lastName≠surname"];
  return { matched: false, explanation: failed.filter(Boolean).join(", ") };
}
