import { describe, expect, it } from "vitest";
import { diffJson } from "../../src/admin/diff";

describe("policy change diff", () => {
  it("names each changed field by its path, with the value before and after", () => {
    expect(
      diffJson(
        {
          id: "p",
          priority: 100,
          providers: { default: "a", byCountry: { FR: "x" } },
          includeGroups: ["g1"],
        },
        {
          id: "p",
          priority: 50,
          providers: { default: "a", byCountry: { FR: "y", US: "z" } },
          includeGroups: ["g1", "g2"],
        },
      ),
    ).toEqual([
      { path: "includeGroups", before: ["g1"], after: ["g1", "g2"] },
      { path: "priority", before: 100, after: 50 },
      { path: "providers.byCountry.FR", before: "x", after: "y" },
      { path: "providers.byCountry.US", before: null, after: "z" },
    ]);
  });

  it("a created or deleted item is one change at the root; no change is an empty list", () => {
    expect(diffJson(undefined, { id: "p" })).toEqual([{ path: "(root)", before: null, after: { id: "p" } }]);
    expect(diffJson({ id: "p" }, null)).toEqual([{ path: "(root)", before: { id: "p" }, after: null }]);
    expect(diffJson({ a: [1, 2] }, { a: [1, 2] })).toEqual([]);
  });
});
