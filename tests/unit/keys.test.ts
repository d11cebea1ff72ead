import { describe, expect, it } from "vitest";
import { isStorageSafeId, isTableKey } from "../../src/recovery/keys";

describe("ids that become storage keys", () => {
  it.each([
    "abc/def",
    "abc\\def",
    "abc#def",
    "abc?def",
    "abc\u0000def",
    "abc\u001fdef",
    "abc\u007fdef",
    "abc\u0085def",
    "abc\u2028def",
    "ünïcødé",
    "😀",
    "",
    "a".repeat(201),
    " ",
  ])("refuse %j from outside", (id) => {
    expect(isStorageSafeId(id)).toBe(false);
  });

  it.each(["msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", "7f1c2b9e-0000-4000-8000-000000000001", "AbC-_09.x:y@z=+"])(
    "accept %s",
    (id) => {
      expect(isStorageSafeId(id)).toBe(true);
    },
  );

  it("apply Table Storage's own key rule in the store (the last line)", () => {
    for (const bad of ["a/b", "a\\b", "a#b", "a?b", "a\u0000b", "a\u0085b", "é".repeat(513)]) {
      expect(isTableKey(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(isTableKey("é".repeat(512))).toBe(true);
  });
});
