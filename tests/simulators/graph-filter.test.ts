/**
 * The simulator's `$filter` subset: what it accepts, how it compares, and that everything
 * else is refused with Graph's codes rather than silently matching.
 */
import { describe, expect, it } from "vitest";
import { type FilterValue, matchesFilter, parseFilter } from "../../dev/simulators/graph/odata-filter";

const user: Record<string, FilterValue | string[]> = {
  givenName: "María José",
  surname: "O'Brien",
  mail: "mj@contoso.example",
  accountEnabled: true,
  jobTitle: null,
  otherMails: ["MJ@example.net"],
};
const matches = (filter: string) => matchesFilter(parseFilter(filter), (p) => user[p]);

describe("$filter", () => {
  it("compares strings case-insensitively and unescapes doubled quotes", () => {
    expect(matches("givenName eq 'maría josé' and surname eq 'o''brien'")).toBe(true);
    expect(matches("givenName eq 'Maria Jose'")).toBe(false);
  });

  it("gives and precedence over or, and honours parentheses", () => {
    expect(matches("mail eq 'x' and givenName eq 'nobody' or accountEnabled eq true")).toBe(true);
    expect(matches("mail eq 'x' and (givenName eq 'nobody' or accountEnabled eq true)")).toBe(false);
  });

  it("supports any() over otherMails and null comparisons", () => {
    expect(matches("otherMails/any(m:m eq 'mj@example.net')")).toBe(true);
    expect(matches("jobTitle eq null")).toBe(true);
  });

  it("refuses unsupported operators and functions as Request_UnsupportedQuery", () => {
    for (const f of ["givenName ne 'x'", "startswith(givenName,'M')", "not accountEnabled eq true"]) {
      expect(() => parseFilter(f), f).toThrow(
        expect.objectContaining({ status: 400, code: "Request_UnsupportedQuery" }),
      );
    }
  });

  it("refuses syntax errors, unknown properties and mismatched types as BadRequest", () => {
    for (const f of [
      "givenName eq 'x",
      "givenName eq 'x' and",
      "shoeSize eq 'x'",
      "accountEnabled eq 'true'",
      "",
    ]) {
      expect(() => parseFilter(f), f).toThrow(expect.objectContaining({ status: 400, code: "BadRequest" }));
    }
  });
});
