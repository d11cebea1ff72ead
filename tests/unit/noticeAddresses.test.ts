/** Where a notice to the account's owner may go: the usable other mail addresses, each once. */
import { describe, expect, it } from "vitest";
import { otherMailRecipients } from "../../src/recovery/noticeAddresses";

describe("otherMailRecipients", () => {
  it("keeps trimmed addresses once, in order, and drops what is not an address", () => {
    expect(
      otherMailRecipients([
        " adele.home@example.net ",
        "",
        "   ",
        "not-an-address",
        "adele.home@example.net",
        "a.v@example.org",
      ]),
    ).toEqual(["adele.home@example.net", "a.v@example.org"]);
  });

  it("answers nothing for an account without other addresses", () => {
    expect(otherMailRecipients([])).toEqual([]);
  });
});
