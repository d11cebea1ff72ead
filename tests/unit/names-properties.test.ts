/**
 * Properties of the name equivalence (names.ts), checked with fast-check over names built from a
 * small, collision-prone vocabulary in several scripts and spellings:
 * - a relaxed match implies an injective word assignment (checked against a brute-force oracle,
 *   both ways: the rule accepts exactly when such an assignment exists within the bound);
 * - NFC and NFD inputs decide alike;
 * - exact ⊆ relaxed;
 * - adding an unrelated word to the directory name never turns a reject into an accept;
 * - a credential with more extra words than the bound is never accepted;
 * - a credential with an invisible or private-use code point is invalid and matches nothing.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { credentialNamesProblem, namesMatch, relaxedWords } from "../../src/recovery/names";

const WORDS = [
  "Ana",
  "ANA",
  "Anna",
  "María",
  "Maria",
  "MARI\u0301A",
  "José",
  "Jose",
  "García",
  "Garcia",
  "López",
  "Lee",
  "Kim",
  "Li",
  "O'Brien",
  "O’Brien",
  "İsmail",
  "Ismail",
  "Işık",
  "Γιώργος",
  "ΓΙΩΡΓΟΣ",
  "Фёдор",
  "Федор",
  "محمد",
  "مُحَمَّد",
  "Nguyễn",
  "Nguyen",
  "伟",
  "de",
  "la",
];
const word = fc.constantFrom(...WORDS);
const field = fc.array(word, { minLength: 1, maxLength: 3 }).map((ws) => ws.join(" "));
const field4 = fc.array(word, { minLength: 1, maxLength: 4 }).map((ws) => ws.join(" "));
const bound = fc.integer({ min: 0, max: 4 });
const RUNS = { numRuns: 2000 };

/** Brute force: is there an injective assignment (surname words from the family name only) within the bound? */
function oracle(
  first: string[],
  last: string[],
  given: string[],
  surname: string[],
  maxExtra: number,
): boolean {
  const pool = [...first.map((w) => ({ w, family: false })), ...last.map((w) => ({ w, family: true }))];
  const wanted = [
    ...surname.map((w) => ({ w, surname: true })),
    ...given.map((w) => ({ w, surname: false })),
  ];
  const used = new Array<boolean>(pool.length).fill(false);
  const search = (i: number): boolean => {
    if (i === wanted.length) return true;
    const want = wanted[i]!;
    for (let j = 0; j < pool.length; j++) {
      if (used[j] || pool[j]!.w !== want.w || (want.surname && !pool[j]!.family)) continue;
      used[j] = true;
      if (search(i + 1)) return true;
      used[j] = false;
    }
    return false;
  };
  return pool.length - wanted.length <= maxExtra && search(0);
}

describe("properties of the name equivalence", () => {
  it("a relaxed match holds exactly when an injective word assignment exists within the bound", () => {
    fc.assert(
      fc.property(field, field, field, field, bound, (first, last, given, surname, maxExtra) => {
        const matched = namesMatch(
          "relaxed",
          { firstName: first, lastName: last },
          { givenName: given, surname },
          { maxExtraWords: maxExtra },
        ).matched;
        const expected = oracle(
          relaxedWords(first),
          relaxedWords(last),
          relaxedWords(given),
          relaxedWords(surname),
          maxExtra,
        );
        expect(matched).toBe(expected);
      }),
      RUNS,
    );
  });

  it("NFC and NFD inputs decide alike, in both modes", () => {
    fc.assert(
      fc.property(field, field, field, field, bound, (first, last, given, surname, maxExtra) => {
        for (const mode of ["exact", "relaxed"] as const) {
          const decide = (form: "NFC" | "NFD", dirForm: "NFC" | "NFD") =>
            namesMatch(
              mode,
              { firstName: first.normalize(form), lastName: last.normalize(form) },
              { givenName: given.normalize(dirForm), surname: surname.normalize(dirForm) },
              { maxExtraWords: maxExtra },
            ).matched;
          const base = decide("NFC", "NFC");
          expect(decide("NFD", "NFC")).toBe(base);
          expect(decide("NFC", "NFD")).toBe(base);
          expect(decide("NFD", "NFD")).toBe(base);
        }
      }),
      RUNS,
    );
  });

  it("exact ⊆ relaxed: whatever the exact mode accepts, the relaxed mode accepts (any bound)", () => {
    const pair = fc.tuple(field, field);
    fc.assert(
      fc.property(pair, fc.boolean(), bound, ([first, last], same, maxExtra) => {
        // Half the time the directory holds the same words in another spelling (case, NFD).
        const directory = same
          ? { givenName: first.toUpperCase().normalize("NFD"), surname: last.toLowerCase() }
          : { givenName: last, surname: first };
        const credential = { firstName: first, lastName: last };
        if (namesMatch("exact", credential, directory).matched)
          expect(namesMatch("relaxed", credential, directory, { maxExtraWords: maxExtra }).matched).toBe(
            true,
          );
      }),
      RUNS,
    );
  });

  it("adding an unrelated word to the directory name never turns a reject into an accept", () => {
    fc.assert(
      fc.property(
        field4,
        field4,
        field,
        field,
        bound,
        fc.boolean(),
        fc.constantFrom("Zebedee", "Ωμέγα", "Щука", "Ünrelated"),
        (first, last, given, surname, maxExtra, toGiven, extra) => {
          const credential = { firstName: first, lastName: last };
          const options = { maxExtraWords: maxExtra };
          for (const mode of ["exact", "relaxed"] as const) {
            if (namesMatch(mode, credential, { givenName: given, surname }, options).matched) continue;
            const widened = toGiven
              ? { givenName: `${given} ${extra}`, surname }
              : { givenName: given, surname: `${surname} ${extra}` };
            expect(namesMatch(mode, credential, widened, options).matched).toBe(false);
          }
        },
      ),
      RUNS,
    );
  });

  it("a credential carrying more extra words than the bound is never accepted", () => {
    fc.assert(
      fc.property(
        field,
        field,
        bound,
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        (given, surname, maxExtra, over, toFirst) => {
          const extras = Array.from({ length: maxExtra + over }, (_, i) => WORDS[i % WORDS.length]!).join(
            " ",
          );
          const credential = toFirst
            ? { firstName: `${given} ${extras}`, lastName: surname }
            : { firstName: given, lastName: `${surname} ${extras}` };
          expect(
            namesMatch("relaxed", credential, { givenName: given, surname }, { maxExtraWords: maxExtra })
              .matched,
          ).toBe(false);
        },
      ),
      RUNS,
    );
  });

  it("an invisible, bidi, private-use or unassigned code point anywhere makes the credential invalid and unmatched", () => {
    const bad = fc.constantFrom(
      "\uFEFF",
      "\u200B",
      "\u200C",
      "\u200D",
      "\u00AD",
      "\u202E",
      "\u2066",
      "\uE000",
      "\u0378",
      "\u{E0001}",
    );
    fc.assert(
      fc.property(field, field, bad, fc.nat(), fc.boolean(), (first, last, ch, at, inFirst) => {
        const target = inFirst ? first : last;
        const i = at % (target.length + 1);
        const spoiled = target.slice(0, i) + ch + target.slice(i);
        const credential = inFirst
          ? { firstName: spoiled, lastName: last }
          : { firstName: first, lastName: spoiled };
        expect(credentialNamesProblem(credential.firstName, credential.lastName)).toBe("name_characters");
        for (const mode of ["exact", "relaxed"] as const)
          expect(namesMatch(mode, credential, { givenName: first, surname: last }).matched).toBe(false);
      }),
      RUNS,
    );
  });
});
