/**
 * The adversarial name corpus (tests/unit/fixtures/name-corpus.ts) through both modes: every row
 * decides as written, an invalid credential is invalid (name_characters) and matches nothing.
 */
import { describe, expect, it } from "vitest";
import { credentialNamesProblem, DEFAULT_MAX_EXTRA_WORDS, namesMatch } from "../../src/recovery/names";
import { NAME_CORPUS } from "./fixtures/name-corpus";

describe("the name corpus", () => {
  it("holds at least 200 cases across many classes", () => {
    expect(NAME_CORPUS.length).toBeGreaterThanOrEqual(200);
    expect(new Set(NAME_CORPUS.map((c) => c.cls)).size).toBeGreaterThanOrEqual(15);
  });

  for (const c of NAME_CORPUS) {
    const label = `${c.cls}: ${c.note} → exact ${c.exact ? "matches" : "fails"}, relaxed ${
      c.relaxed ? "matches" : "fails"
    }${c.invalid ? ", credential invalid" : ""}`;
    it(label, () => {
      const credential = { firstName: c.credential[0], lastName: c.credential[1] };
      const directory = { givenName: c.directory[0], surname: c.directory[1] };
      const options = { maxExtraWords: c.maxExtra ?? DEFAULT_MAX_EXTRA_WORDS };
      expect(credentialNamesProblem(credential.firstName, credential.lastName) === "name_characters").toBe(
        c.invalid === true,
      );
      expect(namesMatch("exact", credential, directory, options).matched).toBe(c.exact);
      expect(namesMatch("relaxed", credential, directory, options).matched).toBe(c.relaxed);
    });
  }
});
