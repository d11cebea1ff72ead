/** Text into server-written HTML (src/html.ts): nothing a text or a quoted attribute could be ended or opened with survives. */
import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/html";

describe("escaping text for HTML", () => {
  it("turns the five markup characters into entities, & first so nothing is escaped twice", () => {
    expect(escapeHtml(`<a href="x" title='y'>&amp;</a>`)).toBe(
      "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;",
    );
  });

  it("leaves every other character as it is (letters of any script, bidi marks, newlines)", () => {
    const text = "Récupérer votre compte — استعادة حسابك \u2068x\u2069\n";
    expect(escapeHtml(text)).toBe(text);
  });
});
