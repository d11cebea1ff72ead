/**
 * The uniqueness of a match (matching.decideUniqueness): another enabled account the same
 * credential matches under the same rule, or candidates that could not be read in full, make
 * the match not unique.
 */
import { describe, expect, it } from "vitest";
import { decideUniqueness } from "../../src/recovery/matching";

const relaxed = { nameMatch: "relaxed" as const, nameMatchMaxExtraWords: 2 };
const exact = { nameMatch: "exact" as const, nameMatchMaxExtraWords: 2 };
const jose = { firstName: "JOSE", lastName: "GARCIA" };
const self = { id: "self", accountEnabled: true, givenName: "José", surname: "García" };

describe("decideUniqueness", () => {
  it("is unique when the only matching candidate is the account itself", () => {
    expect(decideUniqueness(relaxed, jose, "self", { complete: true, accounts: [self] })).toEqual({
      unique: true,
    });
  });

  it("names every other enabled account the credential matches under the same rule", () => {
    const accounts = [
      self,
      { id: "ascii", accountEnabled: true, givenName: "Jose", surname: "Garcia" },
      { id: "middle", accountEnabled: true, givenName: "José", surname: "García López" },
      { id: "disabled", accountEnabled: false, givenName: "Jose", surname: "Garcia" },
      { id: "other", accountEnabled: true, givenName: "Juan", surname: "García" },
    ];
    expect(decideUniqueness(relaxed, jose, "self", { complete: true, accounts })).toEqual({
      unique: false,
      colliding: ["ascii"],
      reason: "other_accounts_match",
    });
    // The exact rule sees only the exact spelling: "Jose Garcia".
    expect(decideUniqueness(exact, jose, "self", { complete: true, accounts })).toEqual({
      unique: false,
      colliding: ["ascii"],
      reason: "other_accounts_match",
    });
  });

  it("is not unique when the candidates are incomplete, even with none colliding (fail closed)", () => {
    expect(decideUniqueness(relaxed, jose, "self", { complete: false, accounts: [self] })).toEqual({
      unique: false,
      colliding: [],
      reason: "candidates_incomplete",
    });
  });
});
