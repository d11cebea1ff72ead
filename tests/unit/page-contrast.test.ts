/**
 * Contrast of the reference page's colours (WCAG 2.2, 1.4.3 and 1.4.11): every text colour
 * against every background it is used on reaches 4.5:1, and borders and focus rings that
 * carry meaning reach 3:1. The colours are the custom properties of src/page/style.css.
 */
import { describe, expect, it } from "vitest";
import { contrast, cssColours } from "../support/contrast";

const colours = () => cssColours("page");

/** [foreground, background, minimum]: how style.css combines them. */
const PAIRS: Array<[string, string, number]> = [
  ["text", "bg", 4.5],
  ["muted", "bg", 4.5],
  ["brand", "bg", 4.5], // links, secondary buttons
  ["brand-hover", "bg", 4.5],
  ["brand-hover", "surface", 4.5], // secondary button hovered
  ["on-brand", "brand", 4.5], // primary buttons
  ["on-brand", "brand-hover", 4.5],
  ["error", "bg", 4.5],
  ["text", "surface", 4.5], // the TAP box
  ["muted", "surface", 4.5],
  ["warning", "surface", 4.5],
  ["brand", "surface", 4.5],
  ["text", "success-bg", 4.5], // result banners
  ["text", "problem-bg", 4.5], // banners, "reconnecting"
  ["text", "neutral-bg", 4.5],
  ["border", "bg", 3], // input borders
  ["focus", "bg", 3], // focus ring
  ["focus", "surface", 3],
  ["error", "problem-bg", 3], // banner edges
  ["success", "success-bg", 3],
  ["brand", "neutral-bg", 3],
];

describe("the reference page's colours", () => {
  it("computes contrast as WCAG does", () => {
    expect(contrast("#000000", "#ffffff")).toBeCloseTo(21, 5);
    expect(contrast("#767676", "#ffffff")).toBeCloseTo(4.54, 2);
  });

  it.each(PAIRS)("%s on %s reaches %d:1", (fg, bg, minimum) => {
    const c = colours();
    expect(c[fg], fg).toBeDefined();
    expect(c[bg], bg).toBeDefined();
    expect(contrast(c[fg]!, c[bg]!)).toBeGreaterThanOrEqual(minimum);
  });
});
