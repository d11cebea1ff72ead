import { describe, expect, it } from "vitest";
import { matchProfileExact, normalizeName } from "../../src/recovery/matching";

function match(
  firstName: string | undefined,
  lastName: string | undefined,
  givenName: string | null,
  surname: string | null,
) {
  return matchProfileExact({ firstName, lastName }, { givenName, surname });
}

const JOSE_NFC = "Jos\u00e9";
const JOSE_NFD = "Jose\u0301";

describe("matchProfileExact", () => {
  it("matches identical names", () => {
    expect(match("Alice", "Smith", "Alice", "Smith")).toEqual({
      matched: true,
      explanation: "firstName=givenName, lastName=surname (exact)",
    });
  });

  it("ignores case", () => {
    expect(match("ALICE", "smith", "alice", "SMITH").matched).toBe(true);
  });

  it("ignores leading and trailing whitespace", () => {
    expect(match("  Alice\t", "\nSmith ", "Alice", "Smith").matched).toBe(true);
  });

  it("folds inner whitespace runs to one space", () => {
    expect(match("Mary   Ann", "van\t der  Berg", "Mary Ann", "van der Berg").matched).toBe(true);
  });

  it("does not remove inner whitespace altogether", () => {
    expect(match("MaryAnn", "Smith", "Mary Ann", "Smith")).toEqual({
      matched: false,
      explanation: "firstName≠givenName",
    });
  });

  it("matches the NFC and NFD forms of the same name", () => {
    expect(JOSE_NFC).not.toBe(JOSE_NFD);
    expect(match(JOSE_NFD, "García", JOSE_NFC, "Garci\u0301a").matched).toBe(true);
    expect(match(JOSE_NFC, "Garci\u0301a", JOSE_NFD, "García").matched).toBe(true);
  });

  it("does not fold diacritics in exact mode", () => {
    expect(match("Jose", "Smith", JOSE_NFC, "Smith")).toEqual({
      matched: false,
      explanation: "firstName≠givenName",
    });
    expect(match(JOSE_NFC, "Smith", "Jose", "Smith").matched).toBe(false);
  });

  it("does not match a prefix of the name", () => {
    expect(match("John", "Smith", "Jonathan", "Smith")).toEqual({
      matched: false,
      explanation: "firstName≠givenName",
    });
    expect(match("Jonathan", "Smith", "John", "Smith").matched).toBe(false);
  });

  it("names the surname when only the surname differs", () => {
    expect(match("Alice", "Smith", "Alice", "Smyth")).toEqual({
      matched: false,
      explanation: "lastName≠surname",
    });
  });

  it("names both fields when both differ", () => {
    expect(match("Alice", "Smith", "Bob", "Jones")).toEqual({
      matched: false,
      explanation: "firstName≠givenName, lastName≠surname",
    });
  });

  it("does not match swapped first and last names", () => {
    expect(match("Smith", "Alice", "Alice", "Smith")).toEqual({
      matched: false,
      explanation: "firstName≠givenName, lastName≠surname",
    });
  });

  it.each([
    ["missing first name", undefined, "Smith"],
    ["missing last name", "Alice", undefined],
    ["empty first name", "", "Smith"],
    ["whitespace-only last name", "Alice", "   "],
  ] as const)("a credential with a %s never matches", (_label, first, last) => {
    expect(match(first, last, "Alice", "Smith")).toEqual({
      matched: false,
      explanation: "credential name missing",
    });
  });

  it("blank credential names never match a blank directory", () => {
    expect(match("", "", "", "")).toEqual({ matched: false, explanation: "credential name missing" });
    expect(match(" ", undefined, null, null)).toEqual({
      matched: false,
      explanation: "credential name missing",
    });
  });

  it.each([
    ["null given name", null, "Smith"],
    ["null surname", "Alice", null],
    ["empty given name", "", "Smith"],
    ["whitespace-only surname", "Alice", "\t "],
  ] as const)("a directory account with a %s never matches", (_label, given, sur) => {
    expect(match("Alice", "Smith", given, sur)).toEqual({
      matched: false,
      explanation: "directory name missing",
    });
  });

  it("never puts the names themselves in the explanation", () => {
    const cases = [
      match("Zebedee", "Quixote", "Zebedee", "Quixote"),
      match("Zebedee", "Quixote", "Xanthippe", "Quixote"),
      match("Zebedee", "Quixote", "Zebedee", "Wolfeschlegel"),
      match("Zebedee", "Quixote", "Xanthippe", "Wolfeschlegel"),
      match("Zebedee", undefined, "Xanthippe", "Wolfeschlegel"),
      match("Zebedee", "Quixote", null, "Wolfeschlegel"),
    ];
    for (const result of cases) {
      for (const name of ["zebedee", "quixote", "xanthippe", "wolfeschlegel"]) {
        expect(result.explanation.toLowerCase()).not.toContain(name);
      }
    }
  });
});

describe("normalizeName", () => {
  it("composes, trims, folds whitespace and lower-cases", () => {
    expect(normalizeName("  JOSE\u0301   MARI\u0301A ")).toBe("jos\u00e9 mar\u00eda");
  });

  it("turns null and undefined into the empty string", () => {
    expect(normalizeName(null)).toBe("");
    expect(normalizeName(undefined)).toBe("");
  });
});
