/**
 * Text into HTML that the server writes itself (the repudiation page, the page shells built from
 * the strings files, the simulators' pages): the five characters that could end a text or an
 * attribute value, or start markup, as entities. Safe inside element text and inside a quoted
 * attribute value (either quote); not for a script, a style, an unquoted attribute or a URL.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}
