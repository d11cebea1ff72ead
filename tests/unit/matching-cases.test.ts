/**
 * The name-case table: real-world names, each run through both modes. A row says what the
 * credential (from the ID document) and the directory hold, and whether each mode matches.
 */
import { describe, expect, it } from "vitest";
import { matchProfile, matchProfileRelaxed, nameTokens } from "../../src/recovery/matching";

interface Case {
  name: string;
  credential: [string | undefined, string | undefined];
  directory: [string | null, string | null];
  exact: boolean;
  relaxed: boolean;
}

const CASES: Case[] = [
  {
    name: "identical names",
    credential: ["Adele", "Vance"],
    directory: ["Adele", "Vance"],
    exact: true,
    relaxed: true,
  },
  {
    name: "case differs",
    credential: ["ADELE", "VANCE"],
    directory: ["adele", "vance"],
    exact: true,
    relaxed: true,
  },
  {
    name: "leading and trailing spaces",
    credential: ["  Adele ", " Vance\t"],
    directory: ["Adele", "Vance"],
    exact: true,
    relaxed: true,
  },
  {
    name: "NFC against NFD",
    credential: ["Jos\u00e9", "Mu\u00f1oz"],
    directory: ["Jose\u0301", "Mun\u0303oz"],
    exact: true,
    relaxed: true,
  },
  {
    name: "diacritics on the document only",
    credential: ["José", "Muñoz"],
    directory: ["Jose", "Munoz"],
    exact: false,
    relaxed: true,
  },
  {
    name: "diacritics in the directory only",
    credential: ["Zoe", "Lefevre"],
    directory: ["Zoë", "Lefèvre"],
    exact: false,
    relaxed: true,
  },
  {
    name: "two given names and a hyphenated double surname against one spaced name",
    credential: ["María José", "García-López"],
    directory: ["Maria Jose", "Garcia Lopez"],
    exact: false,
    relaxed: true,
  },
  {
    name: "the directory keeps only the first given name",
    credential: ["María José", "García López"],
    directory: ["María", "García López"],
    exact: false,
    relaxed: true,
  },
  {
    name: "the directory keeps only one of two surnames",
    credential: ["Ana", "García López"],
    directory: ["Ana", "García"],
    exact: false,
    relaxed: true,
  },
  {
    name: "particle surname",
    credential: ["Jan", "van der Berg"],
    directory: ["Jan", "van der Berg"],
    exact: true,
    relaxed: true,
  },
  {
    name: "particle surname, particle capitalised differently",
    credential: ["Jan", "Van Der Berg"],
    directory: ["Jan", "van der Berg"],
    exact: true,
    relaxed: true,
  },
  {
    name: "particle surname without its particle in the directory",
    credential: ["Jan", "van der Berg"],
    directory: ["Jan", "Berg"],
    exact: false,
    relaxed: true,
  },
  {
    name: "particle moved into the given name in the directory",
    credential: ["Jan", "van der Berg"],
    directory: ["Jan van der", "Berg"],
    exact: false,
    relaxed: true,
  },
  {
    name: "apostrophe surname",
    credential: ["Siobhan", "O'Brien"],
    directory: ["Siobhan", "O'Brien"],
    exact: true,
    relaxed: true,
  },
  {
    name: "typographic apostrophe (one apostrophe in both modes)",
    credential: ["Siobhan", "O\u2019Brien"],
    directory: ["Siobhan", "O'Brien"],
    exact: true,
    relaxed: true,
  },
  {
    name: "apostrophe omitted, as in the MRZ",
    credential: ["Siobhan", "OBRIEN"],
    directory: ["Siobhan", "O'Brien"],
    exact: false,
    relaxed: true,
  },
  {
    name: "apostrophe as a space (relaxed removes apostrophes, it does not split at them)",
    credential: ["Siobhan", "O Brien"],
    directory: ["Siobhan", "O'Brien"],
    exact: false,
    relaxed: false,
  },
  {
    name: "German sharp s",
    credential: ["Jürgen", "Strauss"],
    directory: ["Jurgen", "Strauß"],
    exact: false,
    relaxed: true,
  },
  {
    name: "Nordic and Polish letters",
    credential: ["Søren", "Wałęsa"],
    directory: ["Soren", "Walesa"],
    exact: false,
    relaxed: true,
  },
  {
    name: "nickname never matches the full name",
    credential: ["Jonathan", "Smith"],
    directory: ["John", "Smith"],
    exact: false,
    relaxed: false,
  },
  {
    name: "full name never matches the nickname",
    credential: ["John", "Smith"],
    directory: ["Jonathan", "Smith"],
    exact: false,
    relaxed: false,
  },
  {
    name: "a name prefix is not a token",
    credential: ["Ann", "Smith"],
    directory: ["Anna", "Smith"],
    exact: false,
    relaxed: false,
  },
  {
    name: "swapped first and last names",
    credential: ["Vance", "Adele"],
    directory: ["Adele", "Vance"],
    exact: false,
    relaxed: false,
  },
  {
    name: "a surname token found only in the given names",
    credential: ["Maria Garcia", "Lopez"],
    directory: ["Maria", "Garcia Lopez"],
    exact: false,
    relaxed: false,
  },
  {
    name: "single-name person, directory surname blank",
    credential: ["Suharto", "Suharto"],
    directory: ["Suharto", null],
    exact: false,
    relaxed: false,
  },
  {
    name: "single-name person recorded in both fields",
    credential: ["Suharto", "Suharto"],
    directory: ["Suharto", "Suharto"],
    exact: true,
    relaxed: true,
  },
  {
    name: "missing surname on the credential",
    credential: ["Adele", undefined],
    directory: ["Adele", "Vance"],
    exact: false,
    relaxed: false,
  },
  {
    name: "blank names on both sides",
    credential: [" ", ""],
    directory: ["", null],
    exact: false,
    relaxed: false,
  },
  {
    name: "a repeated token needs to be present twice",
    credential: ["Anna", "Smith"],
    directory: ["Anna Anna", "Smith"],
    exact: false,
    relaxed: false,
  },
  {
    name: "Japanese, compared as itself",
    credential: ["太郎", "山田"],
    directory: ["太郎", "山田"],
    exact: true,
    relaxed: true,
  },
  {
    name: "Japanese voiced mark is part of the letter, not a diacritic",
    credential: ["ガク", "山田"],
    directory: ["カク", "山田"],
    exact: false,
    relaxed: false,
  },
  {
    name: "Cyrillic, case-insensitive",
    credential: ["ИВАН", "ПЕТРОВ"],
    directory: ["Иван", "Петров"],
    exact: true,
    relaxed: true,
  },
  {
    name: "Cyrillic й is not и",
    credential: ["Андрей", "Петров"],
    directory: ["Андреи", "Петров"],
    exact: false,
    relaxed: false,
  },
  {
    name: "Latin transliteration never matches the original script",
    credential: ["Ivan", "Petrov"],
    directory: ["Иван", "Петров"],
    exact: false,
    relaxed: false,
  },
  {
    name: "Greek, compared as itself",
    credential: ["Νίκος", "Παπαδόπουλος"],
    directory: ["Νίκος", "Παπαδόπουλος"],
    exact: true,
    relaxed: true,
  },
];

describe("the name-case table", () => {
  for (const c of CASES) {
    it(`${c.name}: exact ${c.exact ? "matches" : "fails"}, relaxed ${c.relaxed ? "matches" : "fails"}`, () => {
      const credential = { firstName: c.credential[0], lastName: c.credential[1] };
      const directory = { givenName: c.directory[0], surname: c.directory[1] };
      expect(matchProfile("exact", credential, directory).matched).toBe(c.exact);
      expect(matchProfile("relaxed", credential, directory).matched).toBe(c.relaxed);
    });
  }
});

describe("matchProfileRelaxed explains itself without the names", () => {
  it("counts the tokens found in each part", () => {
    const r = matchProfileRelaxed(
      { firstName: "María José", lastName: "García-López" },
      { givenName: "Maria Jose", surname: "Garcia Lopez" },
    );
    expect(r).toEqual({
      matched: true,
      explanation: "every directory word assigned its own credential word, 0 left over (relaxed)",
    });
  });

  it("names the position of a missing token, not the token", () => {
    const r = matchProfileRelaxed(
      { firstName: "Jonathan", lastName: "Smith" },
      { givenName: "John", surname: "Smith" },
    );
    expect(r.matched).toBe(false);
    expect(r.explanation).toBe("givenName word 1 of 1 has no credential word left (relaxed)");
    expect(r.explanation.toLowerCase()).not.toMatch(/john|smith/);
  });

  it("says which side is blank", () => {
    expect(matchProfileRelaxed({ firstName: "A", lastName: "B" }, { givenName: "A", surname: null })).toEqual(
      {
        matched: false,
        explanation: "directory name missing",
      },
    );
    expect(matchProfileRelaxed({ firstName: "A", lastName: "" }, { givenName: "A", surname: "B" })).toEqual({
      matched: false,
      explanation: "credential name missing",
    });
  });
});

describe("nameTokens", () => {
  it("folds Latin diacritics, splits on hyphens and spaces, removes apostrophes", () => {
    expect(nameTokens("  García-López  O’Brien ")).toEqual(["garcia", "lopez", "obrien"]);
  });

  it("keeps marks on letters of other scripts", () => {
    expect(nameTokens("ガク")).toEqual(["ガク".normalize("NFC")]);
    expect(nameTokens("Андрей")).toEqual(["андрей"]);
  });
});
