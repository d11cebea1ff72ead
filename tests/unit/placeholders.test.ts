/** Filling `{name}` placeholders (src/recovery/placeholders.ts), shared by the page and the notices. */
import { describe, expect, it } from "vitest";
import { fillPlaceholders } from "../../src/recovery/placeholders";

describe("filling placeholders", () => {
  it("fills every placeholder it has a value for, each time it occurs, and leaves the others as written", () => {
    expect(fillPlaceholders("{a} and {a}, not {b}; {}", { a: "x" })).toBe("x and x, not {b}; {}");
  });

  it("inserts a value as it is: braces or $-patterns in it are not read again", () => {
    expect(fillPlaceholders("Hi {name}", { name: "{name} $& $1" })).toBe("Hi {name} $& $1");
  });

  it("wraps only the values it fills", () => {
    expect(fillPlaceholders("{a} {b}", { a: "x" }, (v, name) => `[${name}:${v}]`)).toBe("[a:x] {b}");
  });
});
