/**
 * Ids of every odd shape, for the tests and the fault campaign's prober: one of each class
 * Table Storage refuses in keys (`/ \ # ?`, control characters, over 1 KiB) or our own id
 * shapes refuse (unicode, empty, spaces). Wherever such an id arrives, the answer must be 4xx
 * problem+json and nothing may change.
 */
export const ODD_IDS: readonly [string, string][] = [
  ["a slash", "abc/def"],
  ["a backslash", "abc\\def"],
  ["a hash", "abc#def"],
  ["a question mark", "abc?def"],
  ["NUL", "abc\u0000def"],
  ["a C0 control", "abc\u0001def"],
  ["a newline", "abc\ndef"],
  ["DEL", "abc\u007fdef"],
  ["NEL (a C1 control)", "abc\u0085def"],
  ["a line separator", "abc\u2028def"],
  ["a very long id", "a".repeat(5_000)],
  ["an empty id", ""],
  ["unicode letters", "ünïcødé"],
  ["an emoji", "😀"],
  ["dot-dot", ".."],
  ["a percent-encoded slash", "abc%2Fdef"],
  ["a space", "abc def"],
];
