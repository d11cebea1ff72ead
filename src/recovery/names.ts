/**
 * The one name equivalence of the service: what makes a credential's name and a directory
 * account's name "the same", in the exact and the relaxed mode. The match, discovery's namesake
 * guard, the uniqueness check at the match, the Graph candidate query and the
 * `namesakes_in_scope` diagnostic all use this module, so they can never disagree about who is
 * a namesake of whom. The rule is written out for reviewers in the README ("Name matching").
 *
 * It fails closed: a name with invisible, private-use or unassigned code points is invalid, never
 * re-read with them removed; folding only removes what a reader does not see as part of the name
 * (case, the accents a letter is composed of), never marks drawn over or around a letter; and no
 * letter of one script is ever equal to a letter of another (a Cyrillic "а" is not a Latin "a").
 */

/**
 * Code points that make a name invalid: controls (but tab and line breaks, read as spaces), format characters (U+FEFF, ZWJ/ZWNJ, soft
 * hyphen, the bidi controls…), other default-ignorables (variation selectors, Hangul fillers),
 * private use, surrogates, unassigned code points and line/paragraph separators. Invisible or
 * undefined characters could make two different-looking names equal or one name hide another,
 * so they are refused, not stripped and not read as a space.
 */
const FORBIDDEN =
  /[^\P{Cc}\t\n\v\f\r]|[\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;

/** White space: any Unicode space separator, and the ASCII tab and line breaks (the only controls allowed). */
const WHITE_SPACE = /[\p{Zs}\t\n\v\f\r]+/gu;

/** Longest name field we accept (a document's name field is far shorter). */
export const MAX_NAME_LENGTH = 256;

/** The apostrophes that are one apostrophe in both modes: ' ‘ ’ ʼ and the full-width '. */
const APOSTROPHES = /['\u2018\u2019\u02BC\uFF07]/gu;

/**
 * Whether a credential's name field may be compared at all. `undefined`/blank is "missing";
 * a forbidden code point or an absurd length is "name_characters" (the credential is invalid).
 */
export function nameFieldProblem(value: unknown): "missing" | "name_characters" | undefined {
  if (typeof value !== "string" || value.trim() === "") return "missing";
  if (!allowedCharacters(value)) return "name_characters";
  return undefined;
}

/**
 * Compatibility characters other than spaces and the full-/half-width forms: mathematical and
 * letterlike alphabets (𝐉, ℌ), super- and subscripts, circled letters, ligatures and digraphs
 * (ﬁ, ĳ, ǆ), presentation forms. No identity document spells a name with them; a name that
 * does is refused rather than read as the letters it resembles.
 */
function isCompatibilityCharacter(ch: string): boolean {
  if (/[\p{Zs}\uFF00-\uFFEF]/u.test(ch)) return false;
  return ch.normalize("NFKC") !== ch.normalize("NFC");
}

function allowedCharacters(value: string): boolean {
  if (value.length > MAX_NAME_LENGTH || FORBIDDEN.test(value)) return false;
  for (const ch of value) if (isCompatibilityCharacter(ch)) return false;
  return true;
}

/** The credential's names, when both are present and valid; else why not. */
export function credentialNamesProblem(
  first: unknown,
  last: unknown,
): "missing" | "name_characters" | undefined {
  const a = nameFieldProblem(first);
  const b = nameFieldProblem(last);
  if (a === "name_characters" || b === "name_characters") return "name_characters";
  return a ?? b;
}

/**
 * Whether a directory name field can be matched at all: present, without forbidden code
 * or compatibility code points (as for a credential), and starting with a letter. The last condition keeps the Graph candidate query
 * complete (it asks for surnames by their first letter): a surname Graph stores with a leading
 * space or punctuation is never equal to any credential, so it can be neither matched nor
 * confused with one.
 */
export function directoryFieldMatchable(value: string | null | undefined): value is string {
  if (typeof value !== "string" || !allowedCharacters(value)) return false;
  return /^\p{L}/u.test(value.normalize("NFC"));
}

/** Accents Greek capitals drop (tonos/oxia, varia, perispomeni, breathings): case folding drops them too. */
const GREEK_ACCENTS = /[\u0300\u0301\u0313\u0314\u0342\u0343]/u;

function dropGreekAccents(nfd: string): string {
  return nfd.replace(/(\p{Script=Greek})(\p{M}+)/gu, (_, base: string, marks: string) => {
    return base + [...marks].filter((m) => !GREEK_ACCENTS.test(m)).join("");
  });
}

/**
 * Full case folding, the parts JavaScript's case mappings miss added: Turkish dotted İ and
 * dotless ı fold to i (an upper-case document cannot tell them apart), final sigma ς folds to
 * σ, ß (and ẞ) fold to ss, upper-then-lower gives the other full folds, and Greek accents are dropped
 * as Greek capitals drop them. Input and output are NFC.
 */
function caseFold(nfc: string): string {
  const folded = nfc
    .replace(/[\u0130\u0131]/gu, "i")
    .toUpperCase()
    .toLowerCase()
    .replace(/\u00DF/gu, "ss")
    .replace(/\u03C2/gu, "\u03C3");
  return dropGreekAccents(folded.normalize("NFD")).normalize("NFC");
}

/**
 * Exact form of one name field: NFC, case folded, apostrophes unified, white space (any
 * Unicode space) collapsed to one and trimmed. Two fields are exactly equal when their exact
 * forms are equal.
 */
export function exactForm(value: string): string {
  return caseFold(value.normalize("NFC")).replace(APOSTROPHES, "'").replace(WHITE_SPACE, " ").trim();
}

/** Scripts whose letters shed the marks they are composed of in relaxed mode. */
const FOLDING_SCRIPTS = /^[\p{Script=Latin}\p{Script=Greek}\p{Script=Arabic}]$/u;

/** Latin letters that are no decomposition but read as a plain letter or two. */
const LETTER_FOLDS: Readonly<Record<string, string>> = {
  ø: "o",
  æ: "ae",
  œ: "oe",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ħ: "h",
  ё: "е",
};
const LETTER_FOLD_CHARS = new RegExp(`[${Object.keys(LETTER_FOLDS).join("")}]`, "gu");

/** Arabic harakat, tatweel and Quranic marks; Hebrew points and cantillation: vowel signs, not letters. */
const VOWEL_SIGNS =
  /[\u0610-\u061A\u064B-\u065F\u0670\u0640\u06D6-\u06ED\u0591-\u05BD\u05BF\u05C1\u05C2\u05C4\u05C5\u05C7]/gu;

/**
 * One code point of a folded name with the marks of its canonical decomposition removed, when it
 * is a Latin, Greek or Arabic letter (é→e, ǘ→u, ά→α, أ→ا). Marks that are not part of a
 * letter's decomposition (a strike-through or an enclosing circle typed after it) stay, so
 * such a name never equals the plain one. Other scripts keep their marks: in Cyrillic,
 * Devanagari or Japanese kana a mark makes another letter (й is not и, が is not か).
 */
function stripComposedMarks(ch: string): string {
  const parts = [...ch.normalize("NFD")];
  const [base] = parts;
  if (parts.length < 2 || base === undefined || !FOLDING_SCRIPTS.test(base)) return ch;
  return parts.filter((p) => !/\p{M}/u.test(p)).join("");
}

/** Word separators in relaxed mode: spaces, hyphens and dashes, dots, commas, middle dots. */
const SEPARATORS = /[\p{Zs}\t\n\v\f\r\-\u2010-\u2015\u2212\u058A\u05BE.,\u00B7\u30FB]+/u;

/**
 * Relaxed form of one name field: its words. From the exact form: compatibility forms unified
 * (NFKC: full-width letters, ligatures), case folded again, the marks a Latin, Greek or Arabic
 * letter is composed of removed, Arabic harakat and Hebrew points removed, ø æ œ ł đ ð þ ħ and
 * Cyrillic ё folded, apostrophes removed (O'Brien = OBrien), then split into words at spaces,
 * hyphens, dots, commas and middle dots.
 */
export function relaxedWords(value: string): string[] {
  const compat = caseFold(exactForm(value).normalize("NFKC")).normalize("NFKC");
  const folded = [...compat]
    .map(stripComposedMarks)
    .join("")
    .replace(VOWEL_SIGNS, "")
    .replace(LETTER_FOLD_CHARS, (c) => LETTER_FOLDS[c] ?? c)
    .replace(APOSTROPHES, "")
    .normalize("NFC");
  return folded.split(SEPARATORS).filter((w) => w !== "");
}

export type NameMatchMode = "exact" | "relaxed";

export interface CredentialNames {
  firstName: string | undefined;
  lastName: string | undefined;
}

export interface DirectoryNames {
  givenName: string | null;
  surname: string | null;
}

/** How the relaxed mode may differ from the directory: credential words no directory word used. */
export interface RelaxedOptions {
  /** At most this many credential words may be left over (middle names, a second surname). */
  maxExtraWords: number;
}

export const DEFAULT_MAX_EXTRA_WORDS = 2;

/**
 * The relaxed assignment: each directory word is given its own credential word, equal in
 * relaxed form; surname words are taken from the credential's family name first (and only from
 * there), given-name words from the credential words left (given names first, then family-name
 * words). Because equal words are interchangeable, taking the first equal word that is still
 * free finds an assignment whenever one exists. Returns the credential word index used by each
 * directory word (given words first, then surname words), or the first directory word that
 * found none.
 */
export function assignWords(
  credential: { first: readonly string[]; last: readonly string[] },
  directory: { given: readonly string[]; surname: readonly string[] },
): { assignment: number[]; extra: number } | { missing: { field: "givenName" | "surname"; word: number } } {
  const pool = [...credential.first, ...credential.last];
  const used = new Array<boolean>(pool.length).fill(false);
  const firstLen = credential.first.length;
  const take = (word: string, from: number): number => {
    for (let i = from; i < pool.length; i++) {
      if (!used[i] && pool[i] === word) {
        used[i] = true;
        return i;
      }
    }
    return -1;
  };
  const surnameAt: number[] = [];
  for (const [i, word] of directory.surname.entries()) {
    const at = take(word, firstLen);
    if (at < 0) return { missing: { field: "surname", word: i + 1 } };
    surnameAt.push(at);
  }
  const givenAt: number[] = [];
  for (const [i, word] of directory.given.entries()) {
    const at = take(word, 0);
    if (at < 0) return { missing: { field: "givenName", word: i + 1 } };
    givenAt.push(at);
  }
  return { assignment: [...givenAt, ...surnameAt], extra: pool.length - givenAt.length - surnameAt.length };
}

export interface NameDecision {
  matched: boolean;
  /** For the audit log: which field or word failed, never the names themselves. */
  explanation: string;
}

/** Exact mode: each field equal in exact form (first name = given name, last name = surname). */
/** Why a pair of names cannot be compared at all, for the explanation (undefined: they can). */
function unusable(credential: CredentialNames, directory: DirectoryNames): string | undefined {
  const problem = credentialNamesProblem(credential.firstName, credential.lastName);
  if (problem === "missing") return "credential name missing";
  if (problem === "name_characters") return "credential name has characters we refuse";
  if (!directory.givenName?.trim() || !directory.surname?.trim()) return "directory name missing";
  if (!directoryFieldMatchable(directory.givenName) || !directoryFieldMatchable(directory.surname))
    return "directory name not matchable (not starting with a letter, or characters we refuse)";
  return undefined;
}

export function exactNamesMatch(credential: CredentialNames, directory: DirectoryNames): NameDecision {
  const why = unusable(credential, directory);
  const { firstName, lastName } = credential;
  if (why !== undefined || !directory.givenName || !directory.surname || !firstName || !lastName)
    return { matched: false, explanation: why ?? "" };
  const firstOk = exactForm(firstName) === exactForm(directory.givenName);
  const lastOk = exactForm(lastName) === exactForm(directory.surname);
  if (firstOk && lastOk)
    return { matched: true, explanation: "firstName=givenName, lastName=surname (exact)" };
  const failed = [firstOk ? undefined : "firstName≠givenName", lastOk ? undefined : "lastName≠surname"];
  return { matched: false, explanation: failed.filter(Boolean).join(", ") };
}

/** Relaxed mode: an injective word assignment exists and leaves at most `maxExtraWords` credential words over. */
export function relaxedNamesMatch(
  credential: CredentialNames,
  directory: DirectoryNames,
  options: RelaxedOptions = { maxExtraWords: DEFAULT_MAX_EXTRA_WORDS },
): NameDecision {
  const why = unusable(credential, directory);
  const { firstName, lastName } = credential;
  if (why !== undefined || !directory.givenName || !directory.surname || !firstName || !lastName)
    return { matched: false, explanation: why ?? "" };
  const first = relaxedWords(firstName);
  const last = relaxedWords(lastName);
  const given = relaxedWords(directory.givenName);
  const surname = relaxedWords(directory.surname);
  if (first.length === 0 || last.length === 0)
    return { matched: false, explanation: "credential name has no words (relaxed)" };
  if (given.length === 0 || surname.length === 0)
    return { matched: false, explanation: "directory name has no words (relaxed)" };
  const result = assignWords({ first, last }, { given, surname });
  if ("missing" in result)
    return {
      matched: false,
      explanation: `${result.missing.field} word ${result.missing.word} of ${
        result.missing.field === "surname" ? surname.length : given.length
      } has no credential word left${result.missing.field === "surname" ? " in lastName" : ""} (relaxed)`,
    };
  if (result.extra > options.maxExtraWords)
    return {
      matched: false,
      explanation: `${result.extra} credential words left over, at most ${options.maxExtraWords} allowed (relaxed)`,
    };
  return {
    matched: true,
    explanation: `every directory word assigned its own credential word, ${result.extra} left over (relaxed)`,
  };
}

/** The match of one mode. */
export function namesMatch(
  mode: NameMatchMode,
  credential: CredentialNames,
  directory: DirectoryNames,
  options?: RelaxedOptions,
): NameDecision {
  return mode === "relaxed"
    ? relaxedNamesMatch(credential, directory, options)
    : exactNamesMatch(credential, directory);
}

/** A directory account as the uniqueness check and the namesake guard see it. */
export interface NamedAccount extends DirectoryNames {
  id: string;
  accountEnabled: boolean;
}

/**
 * The other enabled accounts the same credential matches under the same rule: a non-empty
 * answer means the credential does not single out one account.
 */
export function otherMatches(
  mode: NameMatchMode,
  credential: CredentialNames,
  self: string,
  candidates: readonly NamedAccount[],
  options?: RelaxedOptions,
): string[] {
  const ids = new Set<string>();
  for (const c of candidates) {
    if (c.id === self || !c.accountEnabled) continue;
    if (namesMatch(mode, credential, c, options).matched) ids.add(c.id);
  }
  return [...ids];
}

/** A directory account's names read as the credential its owner would present. */
export function asCredential(names: DirectoryNames): CredentialNames {
  return { firstName: names.givenName ?? undefined, lastName: names.surname ?? undefined };
}

/**
 * Namesakes of an account: other enabled accounts that its owner's own name would match, or
 * whose owner's name would match it. Either way one person's genuine credential could pass
 * the match for the other (the match's uniqueness check then refuses it): discovery refuses
 * early to spare the user an identity verification that cannot succeed.
 */
export function namesakesOf(
  mode: NameMatchMode,
  account: NamedAccount,
  candidates: readonly NamedAccount[],
  options?: RelaxedOptions,
): string[] {
  const ids = new Set<string>();
  for (const c of candidates) {
    if (c.id === account.id || !c.accountEnabled) continue;
    if (
      namesMatch(mode, asCredential(account), c, options).matched ||
      namesMatch(mode, asCredential(c), account, options).matched
    )
      ids.add(c.id);
  }
  return [...ids];
}

// ---------------------------------------------------------------------------------------------
// The Graph candidate query.
//
// Graph cannot fold case, accents or compatibility forms the way this module does, so the
// directory is asked for a superset and the rule above is applied to the answer. Every
// relaxed word's folded form begins with the folded form of its first code point; so any
// account the credential can match has a surname whose first code point folds to the first
// letter of one of the credential's family-name words, and a given name whose first code point
// folds to the first letter of one of its words. The query asks for exactly that, as
// `$search` clauses (`"surname:x"`, which Graph evaluates as startsWith on surname and
// givenName) over every code point that folds to such a letter: complete by construction.
// ---------------------------------------------------------------------------------------------

let initialsIndex: Map<string, string[]> | undefined;

/** The first code point of a string, as a string ("" for ""). */
function firstCodePoint(s: string): string {
  const cp = s.codePointAt(0);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}

/** The first folded letter of one code point's relaxed form ("" when it folds to nothing). */
function foldedInitial(ch: string): string {
  const words = relaxedWords(ch);
  return firstCodePoint(words[0] ?? "");
}

/**
 * Every letter code point, by the first letter of its relaxed form: for "a" → a, A, á, Á, ä,
 * æ, ａ, Ａ…. Its decomposed first code point is listed too, for names Graph stores decomposed.
 * Built once, on first use (every assigned letter of the Unicode version Node carries).
 */
function initials(): Map<string, string[]> {
  if (initialsIndex) return initialsIndex;
  const index = new Map<string, Set<string>>();
  const add = (key: string, ch: string) => {
    const set = index.get(key) ?? new Set<string>();
    set.add(ch);
    index.set(key, set);
  };
  for (let cp = 0; cp <= 0x3ffff; cp++) {
    // Surrogates; and Han ideographs and Hangul syllables, each its own initial (see initialVariants).
    // Past the BMP only the CJK Compatibility Ideographs Supplement (U+2F800–U+2FA1F) matters: NFC
    // maps each to a unified ideograph, so a name Graph stores with one begins with another code point.
    if ((cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x3400 && cp <= 0x9fff) || (cp >= 0xac00 && cp <= 0xd7a3))
      continue;
    if (cp >= 0x20000 && (cp < 0x2f800 || cp > 0x2fa1f)) continue;
    const ch = String.fromCodePoint(cp);
    if (!/\p{L}/u.test(ch) || isCompatibilityCharacter(ch)) continue;
    const key = foldedInitial(ch);
    if (key === "") continue;
    add(key, ch);
    add(key, firstCodePoint(ch.normalize("NFD")));
  }
  initialsIndex = new Map([...index].map(([k, v]) => [k, [...v].sort()]));
  return initialsIndex;
}

/** Every code point a directory name may begin with and still have a first word starting with `letter` (folded). */
export function initialVariants(letter: string): string[] {
  const decomposed = firstCodePoint(letter.normalize("NFD"));
  return initials().get(letter) ?? [...new Set([letter, decomposed])];
}

/** One `$search` clause: the value in double quotes, `"` and `\` escaped with a backslash (Graph's rule). */
export function searchClause(property: "givenName" | "surname", value: string): string {
  return `"${property}:${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Graph's limit for a URL with advanced query parameters is 2,048 characters; the rest of ours is short. */
const MAX_SEARCH_URL_CHARS = 1_700;

export type CandidateQuery =
  | { ok: true; searches: string[] }
  | { ok: false; reason: "name_not_queryable" | "query_too_wide" };

/**
 * The `$search` expressions whose answers together hold every account the given names could
 * match in either mode (one `$batch` item each, all in one round trip): surname initials of the
 * family-name words AND given-name initials of all words. When the surname initials do not fit
 * one request they are split over several; past `maxSearches` the query is refused (the caller
 * fails closed).
 */
export function candidateSearches(names: CredentialNames, maxSearches: number): CandidateQuery {
  if (credentialNamesProblem(names.firstName, names.lastName) !== undefined)
    return { ok: false, reason: "name_not_queryable" };
  // Both present (no problem above); an empty one would leave no words and be refused below.
  const family = relaxedWords(names.lastName ?? "");
  const all = [...relaxedWords(names.firstName ?? ""), ...family];
  if (family.length === 0 || all.length === 0) return { ok: false, reason: "name_not_queryable" };
  const firstLetter = firstCodePoint;
  const variantsOf = (words: readonly string[]) => [
    ...new Set(words.flatMap((w) => initialVariants(firstLetter(w)))),
  ];
  const surnameClauses = variantsOf(family).map((v) => searchClause("surname", v));
  const givenClauses = variantsOf(all).map((v) => searchClause("givenName", v));
  const encodedLength = (clauses: readonly string[]) =>
    encodeURIComponent(clauses.join(" OR ")).length + clauses.length * 2;
  const givenPart = `(${givenClauses.join(" OR ")})`;
  const givenBudget = encodedLength(givenClauses);
  // Given-name initials narrow the answer a lot, but only when they leave room for surname clauses.
  const withGiven = givenBudget < MAX_SEARCH_URL_CHARS / 2;
  const budget = MAX_SEARCH_URL_CHARS - (withGiven ? givenBudget + 16 : 0);
  const searches: string[] = [];
  let chunk: string[] = [];
  const flush = () => {
    if (chunk.length === 0) return;
    const surnamePart = `(${chunk.join(" OR ")})`;
    searches.push(withGiven ? `${surnamePart} AND ${givenPart}` : surnamePart);
    chunk = [];
  };
  for (const clause of surnameClauses) {
    if (chunk.length > 0 && encodedLength([...chunk, clause]) > budget) flush();
    chunk.push(clause);
  }
  flush();
  if (searches.length > maxSearches) return { ok: false, reason: "query_too_wide" };
  return { ok: true, searches };
}
