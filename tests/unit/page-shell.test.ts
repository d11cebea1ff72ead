/**
 * The page's HTML shells (dev/build/page.ts) from the template (src/page/index.html): each
 * language's `lang`, `dir`, words and strings preload; a template out of step with the build
 * (a placeholder gone, or one without a value) fails the build instead of shipping English.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { fillTemplate } from "../../dev/build/browserApp";
import { PAGE_STRINGS, pageShell } from "../../dev/build/page";
import { escapeHtml } from "../../src/html";
import { directionOf, SUPPORTED_LOCALES } from "../../src/recovery/locale";

const TEMPLATE = readFileSync(path.resolve(__dirname, "../../src/page/index.html"), "utf8");
const ASSETS = { script: "app-AAAA.js", style: "style-BBBB.css" };

describe("the page's HTML shells", () => {
  for (const locale of SUPPORTED_LOCALES) {
    it(`${locale}: the document says its language and direction, its words, and preloads its strings`, () => {
      const chunk = locale === "en" ? undefined : `${locale}-CCCC.js`;
      const html = pageShell(locale, TEMPLATE, ASSETS, chunk);
      expect(html).toContain(`<html lang="${locale}" dir="${directionOf(locale)}">`);
      expect(html).toContain(`<title>${escapeHtml(PAGE_STRINGS[locale].start.title)}</title>`);
      expect(html).toContain(`<span id="app-name">${escapeHtml(PAGE_STRINGS[locale].appName)}</span>`);
      expect(html).toContain('<script type="module" src="/assets/app-AAAA.js"></script>');
      if (chunk) expect(html).toContain(`<link rel="modulepreload" href="/assets/${chunk}">`);
      else expect(html).not.toContain("modulepreload");
      expect(html).not.toMatch(/\{\{|\}\}/);
    });
  }

  it("fails the build when the template lost a placeholder or the preload line", () => {
    const withoutLang = TEMPLATE.replace('lang="{{lang}}" ', "");
    expect(() => pageShell("ar", withoutLang, ASSETS, "ar-CCCC.js")).toThrow(/\{\{lang\}\}/);
    const withoutDir = TEMPLATE.replace(' dir="{{dir}}"', ' dir="ltr"');
    expect(() => pageShell("ar", withoutDir, ASSETS, "ar-CCCC.js")).toThrow(/\{\{dir\}\}/);
    const withoutPreload = TEMPLATE.replace(/\n<link rel="modulepreload"[^>]*>/, "");
    expect(() => pageShell("en", withoutPreload, ASSETS, undefined)).toThrow(/modulepreload/);
  });

  it("fills a template only when every placeholder has its value and every value its placeholder", () => {
    expect(fillTemplate("t", "<p>{{a}}</p>", { a: "<x>" }, escapeHtml)).toBe("<p>&lt;x&gt;</p>");
    expect(() => fillTemplate("t", "<p>{{a}} {{b}}</p>", { a: "x" })).toThrow(
      "t index.html: no value for {{b}}",
    );
    expect(() => fillTemplate("t", "<p>{{a}}</p>", { a: "x", b: "y" })).toThrow(
      "t index.html: no {{b}} in the template",
    );
  });
});
