/**
 * The reference page's words live in the strings files (src/page/strings/en.ts and one
 * translation per language): every failure code the API can return has its own screen there,
 * every string there is used, and the page code holds no text of its own. The page reads them
 * through `ui` (src/page/i18n.ts), the strings of the language on show.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { en } from "../../src/page/strings/en";
import { FAILURE_MESSAGES } from "../../src/recovery/status";

const PAGE = path.resolve(__dirname, "..", "..", "src", "page");
const code = readdirSync(PAGE)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => ({ file: f, text: readFileSync(path.join(PAGE, f), "utf8") }));

/** Source without comments, so prose in comments does not count as text on the page. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

describe("the reference page's strings", () => {
  it("have a screen for every failure code, each saying what happened and what to do next", () => {
    for (const failureCode of Object.keys(FAILURE_MESSAGES)) {
      const screen = en.failures[failureCode as keyof typeof en.failures];
      expect(screen, failureCode).toBeDefined();
      expect(screen.title.length, failureCode).toBeGreaterThan(5);
      expect(screen.body.length, failureCode).toBeGreaterThan(10);
      expect(screen.next.length, failureCode).toBeGreaterThan(10);
    }
  });

  it("say nothing on the not-eligible screen that tells the reasons apart", () => {
    const text = JSON.stringify(en.failures.not_eligible);
    expect(text).not.toMatch(/scope|group|disabled|sign-in activity|signed in|namesake|excluded|name/i);
  });

  it("are all used by the page", () => {
    const source =
      code.map((c) => c.text).join("\n") +
      readFileSync(path.resolve(PAGE, "..", "..", "dev", "build", "page.ts"), "utf8");
    const unused: string[] = [];
    for (const [section, value] of Object.entries(en)) {
      // Looked up by the API's own codes and statuses, not by name; `lang` names the file's language.
      if (section === "failures" || section === "status" || section === "lang") continue;
      if (typeof value !== "object") {
        if (!source.includes(`ui.${section}`) && !source.includes(`t.${section}`)) unused.push(section);
        continue;
      }
      // A section handed to a screen whole (`ui.lost`) is used whole.
      if (new RegExp(`ui\\.${section}(?![.\\w])`).test(source)) continue;
      for (const key of Object.keys(value)) {
        if (!source.includes(`ui.${section}.${key}`) && !source.includes(`t.${section}.${key}`))
          unused.push(`${section}.${key}`);
      }
    }
    expect(unused).toEqual([]);
  });

  it("are the only text in the page code", () => {
    const prose: string[] = [];
    for (const { file, text } of code) {
      for (const m of withoutComments(text).matchAll(/"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)) {
        const literal = m[1] ?? m[2] ?? "";
        const words = literal.replace(/\$\{[^}]*\}/g, " ").match(/[A-Za-z]{2,}/g) ?? [];
        // Three or more words in a row, or a capitalised sentence start, is text for people.
        if (/[A-Za-z]{2,} [A-Za-z]{2,} [A-Za-z]{2,}/.test(literal) || /^[A-Z][a-z]+ [a-z]/.test(literal)) {
          prose.push(`${file}: ${literal}`);
        } else if (words.length === 0) continue;
      }
    }
    expect(prose).toEqual([]);
  });

  it("reach the page code only through the language on show, never as the English file itself", () => {
    // A screen that imported strings/en directly would stay English whatever the reader chose.
    const direct = code
      .filter(({ file }) => file !== "i18n.ts")
      .filter(({ text }) =>
        /from "\.\/strings\/en"/.test(withoutComments(text).replace(/import type[^;]*;/g, "")),
      )
      .map(({ file }) => file);
    expect(direct).toEqual([]);
  });
});
