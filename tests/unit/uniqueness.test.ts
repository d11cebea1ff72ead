/**
 * The uniqueness of a match (matching.decideUniqueness): another enabled account the same
 * credential matches under the same rule, or candidates that could not be read in full, make
 * the match not unique.
 */
import { describe, expect, it } from "vitest";
import { decideUniqueness, singledOut } from "../../src/recovery/matching";

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

describe("singledOut (profile checks beyond the name, after a collision)", () => {
  const dob = [{ claim: "dateOfBirth", attribute: "extensionAttribute3", compare: "date" as const }];
  const claims = { dateOfBirth: "1990-04-12" };
  const other = (attributes: Record<string, string | null>) => ({
    id: "other",
    accountEnabled: true,
    givenName: "Jose",
    surname: "Garcia",
    attributes,
  });

  it("a binding the colliding account fails singles this account out", () => {
    const candidates = { complete: true, accounts: [other({ extensionAttribute3: "1985-01-01" })] };
    expect(singledOut({ bindings: dob }, claims, ["other"], candidates)).toBe(true);
  });

  it("a binding the colliding account also passes does not", () => {
    const candidates = { complete: true, accounts: [other({ extensionAttribute3: "1990-04-12T00:00:00Z" })] };
    expect(singledOut({ bindings: dob }, claims, ["other"], candidates)).toBe(false);
  });

  it("bindings cannot single out among candidates not read in full, nor an account read without attributes", () => {
    expect(singledOut({ bindings: dob }, claims, [], { complete: false, accounts: [] })).toBe(false);
    const bare = {
      complete: true,
      accounts: [{ id: "other", accountEnabled: true, givenName: "J", surname: "G" }],
    };
    expect(singledOut({ bindings: dob }, claims, ["other"], bare)).toBe(false);
  });

  it("no bindings and no callout never single out; the callout (asked for this account) does", () => {
    const candidates = { complete: true, accounts: [other({})] };
    expect(singledOut({ bindings: [] }, claims, ["other"], candidates)).toBe(false);
    expect(
      singledOut({ bindings: [], claimValidation: { url: "https://hr" } }, claims, ["other"], candidates),
    ).toBe(true);
  });
});
