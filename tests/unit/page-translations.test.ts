/**
 * Every language of the page and of the notices says everything the English says, and nothing
 * more: the same keys, the same `{placeholders}` in each text, lists of the same length, the
 * product names (Temporary Access Pass, Microsoft Authenticator) left as they are. The types
 * catch most of this at compile time (src/page/strings/en.ts `Translation`); this test says
 * which language lacks which key, for whoever adds a key to the English.
 */
import { describe, expect, it } from "vitest";
import { PAGE_STRINGS } from "../../dev/build/page";
import { en } from "../../src/page/strings/en";
import { SUPPORTED_LOCALES } from "../../src/recovery/locale";
import { NOTICE_STRINGS } from "../../src/recovery/noticeStrings";
import { VERIFICATION_NOTICE_STRINGS } from "../../src/recovery/verificationNoticeStrings";

/** Every text of a strings object by its path (`failures.idv_timeout.title`), behaviour keys left out. */
function texts(value: unknown, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === "string") out.set(prefix, value);
  else if (value && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      if (key === "action") continue; // a failure screen's behaviour, the English file's alone
      for (const [path, text] of texts(inner, prefix ? `${prefix}.${key}` : key)) out.set(path, text);
    }
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** What differs between a translation and the English: missing, extra, placeholder mismatches. */
function compare(english: Map<string, string>, translated: Map<string, string>) {
  const missing = [...english.keys()].filter((k) => !translated.has(k));
  const extra = [...translated.keys()].filter((k) => !english.has(k));
  const placeholderMismatches = [...english]
    .filter(([k]) => translated.has(k))
    .filter(([k, text]) => placeholders(text).join() !== placeholders(translated.get(k) ?? "").join())
    .map(([k]) => k);
  const empty = [...translated].filter(([, text]) => text.trim() === "").map(([k]) => k);
  const productNames = [...english]
    .filter(([k]) => translated.has(k))
    .flatMap(([k, text]) =>
      ["Temporary Access Pass", "Microsoft Authenticator"]
        .filter((name) => text.includes(name) && !translated.get(k)?.includes(name))
        .map((name) => `${k}: ${name}`),
    );
  return { missing, extra, placeholderMismatches, empty, productNames };
}

const NOTHING = { missing: [], extra: [], placeholderMismatches: [], empty: [], productNames: [] };

describe("the page's translations", () => {
  const english = texts(en);

  it("cover every language the service offers", () => {
    expect(Object.keys(PAGE_STRINGS).sort()).toEqual([...SUPPORTED_LOCALES].sort());
  });

  for (const locale of SUPPORTED_LOCALES.filter((l) => l !== "en")) {
    it(`${locale}: every key of the English, no other, each with the English placeholders`, () => {
      const strings = PAGE_STRINGS[locale];
      expect(compare(english, texts(strings))).toEqual(NOTHING);
      expect(strings.lang).toBe(locale);
      expect(strings.explain.steps).toHaveLength(en.explain.steps.length);
    });
  }

  it("would report a missing key, an extra key and a dropped placeholder (the check itself)", () => {
    const broken = new Map(english);
    broken.delete("start.title");
    broken.set("start.extra", "x");
    broken.set("tap.expiresIn", "Expires soon.");
    const found = compare(english, broken);
    expect(found.missing).toEqual(["start.title"]);
    expect(found.extra).toEqual(["start.extra"]);
    expect(found.placeholderMismatches).toEqual(["tap.expiresIn"]);
  });
});

describe("the notices' translations", () => {
  const english = texts(NOTICE_STRINGS.en);
  for (const locale of SUPPORTED_LOCALES.filter((l) => l !== "en")) {
    it(`${locale}: every key of the English, no other, each with the English placeholders`, () => {
      expect(compare(english, texts(NOTICE_STRINGS[locale]))).toEqual(NOTHING);
    });
  }
});

describe("the helpdesk verification mail's translations", () => {
  const english = texts(VERIFICATION_NOTICE_STRINGS.en);
  for (const locale of SUPPORTED_LOCALES.filter((l) => l !== "en")) {
    it(`${locale}: every key of the English, no other, each with the English placeholders`, () => {
      expect(compare(english, texts(VERIFICATION_NOTICE_STRINGS[locale]))).toEqual(NOTHING);
    });
  }
});
