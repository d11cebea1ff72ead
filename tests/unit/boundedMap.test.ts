/** src/boundedMap: what a process remembers beside the store stays within its capacity. */
import { describe, expect, it } from "vitest";
import { BoundedMap } from "../../src/boundedMap";

const keysOf = (m: BoundedMap<string, number>, candidates: string[]) => candidates.filter((k) => m.has(k));

describe("BoundedMap", () => {
  it("keeps at most its capacity, dropping the oldest-written entry first", () => {
    const m = new BoundedMap<string, number>(3);
    for (const [i, k] of ["a", "b", "c", "d", "e"].entries()) m.set(k, i);
    expect(m.size).toBe(3);
    expect(keysOf(m, ["a", "b", "c", "d", "e"])).toEqual(["c", "d", "e"]);
    expect(m.get("a")).toBeUndefined();
    expect(m.get("e")).toBe(4);
  });

  it("a write of a kept key makes it the newest and replaces its value; a read does not", () => {
    const m = new BoundedMap<string, number>(2);
    m.set("a", 1).set("b", 2);
    m.set("a", 10);
    m.set("c", 3);
    expect(keysOf(m, ["a", "b", "c"])).toEqual(["a", "c"]);
    expect(m.get("a")).toBe(10);
    // Reading "a" does not save it from the next write: "a" is the oldest written.
    m.get("a");
    m.set("d", 4);
    expect(keysOf(m, ["a", "c", "d"])).toEqual(["c", "d"]);
  });

  it("forgets a deleted key; a capacity of 0 keeps nothing", () => {
    const m = new BoundedMap<string, number>(2);
    m.set("a", 1);
    expect(m.delete("a")).toBe(true);
    expect(m.delete("a")).toBe(false);
    expect(m.size).toBe(0);
    const none = new BoundedMap<string, number>(0);
    none.set("a", 1);
    expect([none.size, none.get("a")]).toEqual([0, undefined]);
  });

  it("refuses a capacity that is not a whole number ≥ 0, naming it", () => {
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => new BoundedMap(bad)).toThrow(TypeError);
    expect(() => new BoundedMap(-1)).toThrow(/capacity/);
  });
});
