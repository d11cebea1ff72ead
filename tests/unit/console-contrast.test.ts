/**
 * Contrast of the admin console's colours (WCAG 2.2, 1.4.3 and 1.4.11): every text colour
 * against every background src/console/style.css puts it on reaches 4.5:1; chart fills,
 * borders and focus rings that carry meaning reach 3:1 against the page.
 */
import { describe, expect, it } from "vitest";
import { contrast, cssColours } from "../support/contrast";

const colours = () => cssColours("console");

/** [foreground, background, minimum]: how style.css combines them. */
const PAIRS: Array<[string, string, number]> = [
  ["text", "bg", 4.5],
  ["muted", "bg", 4.5], // hints, captions, timeline times
  ["brand", "bg", 4.5], // links, secondary buttons
  ["brand-hover", "bg", 4.5],
  ["brand-hover", "surface", 4.5], // secondary button hovered
  ["on-brand", "brand", 4.5], // primary buttons
  ["on-brand", "brand-hover", 4.5],
  ["on-bar", "bar", 4.5], // the header: name, role, navigation, sign out
  ["error", "bg", 4.5], // field errors, failure outcomes
  ["text", "problem-bg", 4.5], // alerts
  ["error", "problem-bg", 4.5], // failure badges
  ["text", "warning-bg", 4.5], // the 412 box
  ["warning", "warning-bg", 4.5], // warn badges
  ["success", "bg", 4.5], // success outcomes
  ["success", "success-bg", 4.5], // ok badges
  ["brand", "surface", 4.5], // busy badges
  ["muted", "surface", 4.5], // muted badges
  ["text", "surface", 4.5], // read-only note
  ["border", "bg", 3], // input borders
  ["focus", "bg", 3], // focus ring
  ["on-bar", "bar", 3], // focus ring in the header
  ["chart-succeeded", "bg", 3], // chart fills (1.4.11: graphical objects)
  ["chart-failed", "bg", 3],
  ["chart-not-eligible", "bg", 3],
  ["chart-cancelled", "bg", 3],
  ["chart-in-progress", "bg", 3],
];

describe("the admin console's colours", () => {
  it.each(PAIRS)("%s on %s reaches %d:1", (fg, bg, minimum) => {
    const c = colours();
    expect(c[fg], fg).toBeDefined();
    expect(c[bg], bg).toBeDefined();
    expect(contrast(c[fg]!, c[bg]!)).toBeGreaterThanOrEqual(minimum);
  });
});
