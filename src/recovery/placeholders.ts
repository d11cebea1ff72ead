/**
 * `{name}` placeholders in a translated text, filled as plain text: the one rule the page
 * (document title, announcements, messages) and the notices share. A placeholder without a
 * value stays as written, so a missing value shows rather than vanishing (the translation tests
 * check that every language has the English placeholders).
 */

/** `template` with each `{name}` that `values` has replaced by `wrap(value, name)` (by default the value). */
export function fillPlaceholders(
  template: string,
  values: Readonly<Record<string, string>>,
  wrap: (value: string, name: string) => string = (value) => value,
): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = values[name];
    return value === undefined ? whole : wrap(value, name);
  });
}
