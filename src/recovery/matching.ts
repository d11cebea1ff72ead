/**
 * Profile match: the verified credential's names against the directory's givenName/surname.
 * Exact mode: Unicode NFC, case-insensitive, trimmed, inner whitespace folded. Relaxed mode
 * (Entra's cross-field match): diacritics folded, hyphens/apostrophes/spaces separate tokens,
 * every directory token must be found in the credential. Display name and UPN are never used.
 * Blank names never match. Explanations name fields and token positions, never the names.
 */

export interface NameMatchResult {
  matched: boolean;
  /** For the audit log and the admin view: which field failed, never the names themselves. */
  explanation: string;
}

export function normalizeName(value: string | null | undefined): string {
  return (value ?? "").normalize("NFC").trim().replace(/\s+/gu, " ").toLocaleLowerCase("und");
}

export interface CredentialNames {
  firstName: string | undefined;
  lastName: string | undefined;
}

export interface DirectoryNames {
  givenName: string | null;
  surname: string | null;
}

export function matchProfileExact(credential: CredentialNames, directory: DirectoryNames): NameMatchResult {
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

/** Letters that carry no combining mark under NFD but are the same name to a reader. */
const LATIN_FOLDS: Readonly<Record<string, string>> = {
  ß: "ss",
  ø: "o",
  æ: "ae",
  œ: "oe",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
};

/** Hyphens, apostrophes and spaces separate name tokens in relaxed mode (dots too: "St. John"). */
const SEPARATORS = /[\s\-\u2010-\u2015'\u2018\u2019\u02bc`´.]+/u;

/**
 * Relaxed form of one name: lower-cased, diacritics removed from Latin letters only (a mark on
 * a Japanese or Cyrillic letter changes the letter, so other scripts are compared as
 * themselves), then split into tokens.
 */
export function nameTokens(value: string | null | undefined): string[] {
  const folded = (value ?? "")
    .normalize("NFD")
    .replace(/(\p{Script=Latin})\p{M}+/gu, "$1")
    .normalize("NFC")
    .toLocaleLowerCase("und")
    .replace(/[ßøæœłđðþı]/gu, (c) => LATIN_FOLDS[c] ?? c);
  return folded.split(SEPARATORS).filter((t) => t !== "");
}

/** How many of `wanted` can each take a distinct token of `pool` (a repeated name needs it twice). */
function findTokens(
  wanted: readonly string[],
  pool: readonly string[],
): { found: number; missing: number[] } {
  const left = [...pool];
  const missing: number[] = [];
  wanted.forEach((token, i) => {
    const at = left.indexOf(token);
    if (at === -1) missing.push(i + 1);
    else left.splice(at, 1);
  });
  return { found: wanted.length - missing.length, missing };
}

function describeTokens(
  field: string,
  where: string,
  wanted: number,
  r: { found: number; missing: number[] },
) {
  const base = `${field} tokens ${r.found}/${wanted} in ${where}`;
  return r.missing.length ? `${base} (missing token ${r.missing.join(", ")})` : base;
}

/**
 * Relaxed (cross-field) match: every token of the directory's givenName must appear in the
 * credential's full name (first + last), and every token of the surname in the credential's
 * family part. Whole tokens only — "John" never matches "Jonathan". Extra credential tokens
 * (a second given name the directory leaves out) are allowed; a missing side never matches.
 */
export function matchProfileRelaxed(credential: CredentialNames, directory: DirectoryNames): NameMatchResult {
  const first = nameTokens(credential.firstName);
  const last = nameTokens(credential.lastName);
  const given = nameTokens(directory.givenName);
  const sur = nameTokens(directory.surname);
  if (first.length === 0 || last.length === 0)
    return { matched: false, explanation: "credential name missing" };
  if (given.length === 0 || sur.length === 0)
    return { matched: false, explanation: "directory name missing" };
  const givenResult = findTokens(given, [...first, ...last]);
  const surResult = findTokens(sur, last);
  const matched = givenResult.missing.length === 0 && surResult.missing.length === 0;
  const explanation = [
    describeTokens("givenName", "full name", given.length, givenResult),
    describeTokens("surname", "lastName", sur.length, surResult),
  ].join(", ");
  return { matched, explanation: `${explanation} (relaxed)` };
}

export type NameMatchMode = "exact" | "relaxed";

/** The profile match of a policy profile's mode. */
export function matchProfile(
  mode: NameMatchMode,
  credential: CredentialNames,
  directory: DirectoryNames,
): NameMatchResult {
  return mode === "relaxed"
    ? matchProfileRelaxed(credential, directory)
    : matchProfileExact(credential, directory);
}
