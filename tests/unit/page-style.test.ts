/**
 * The page's layout mirrors in a right-to-left language only if its style sheet says "start"
 * and "end", never "left" and "right": a physical property stays put when `dir="rtl"` flips
 * the page. So src/page/style.css uses logical properties only (block for top and bottom too,
 * for consistency), and no four-value margin or padding (whose second and fourth are right and left).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const CSS = readFileSync(path.resolve(__dirname, "..", "..", "src", "page", "style.css"), "utf8");

/** Declarations (`property: value`) of a style sheet, comments removed. */
function declarations(css: string): Array<{ property: string; value: string; line: string }> {
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  return [...text.matchAll(/([\w-]+)\s*:\s*([^;{}]+);/g)].map((m) => ({
    property: (m[1] ?? "").toLowerCase(),
    value: (m[2] ?? "").trim(),
    line: m[0],
  }));
}

function physicalDeclarations(css: string): string[] {
  return declarations(css)
    .filter(
      ({ property, value }) =>
        /(^|-)(left|right|top|bottom)(-|$)/.test(property) ||
        (/^(float|clear|text-align|caption-side|resize)$/.test(property) && /\b(left|right)\b/.test(value)) ||
        (/^(margin|padding|inset|border-width|border-style|border-color|scroll-margin|scroll-padding)$/.test(
          property,
        ) &&
          value.split(/\s+(?![^(]*\))/).length === 4),
    )
    .map(({ line }) => line);
}

describe("the page's style sheet", () => {
  it("uses logical properties only, so a right-to-left page mirrors", () => {
    expect(physicalDeclarations(CSS)).toEqual([]);
  });

  it("would be caught using a physical one (the check itself)", () => {
    expect(
      physicalDeclarations(
        ".a { padding-left: 1rem; } .b { text-align: right; } .c { margin: 0 1rem 0 2rem; } .d { top: 0; }",
      ),
    ).toHaveLength(4);
    expect(
      physicalDeclarations(".a { margin: 0 auto; padding-inline-start: 1rem; text-align: center; }"),
    ).toEqual([]);
  });
});
