/**
 * How a language is chosen for a recovery (src/recovery/locale.ts): the client's explicit tag,
 * else Accept-Language by q-value, else the tenant default; tags matched by meaning (script,
 * region) to the languages we have, malformed input never an error and never a language.
 */
import { describe, expect, it } from "vitest";
import { fromAcceptLanguage, isLanguageTag, matchLocale, negotiateLocale } from "../../src/recovery/locale";

describe("matching a language tag to a supported locale", () => {
  it.each([
    ["en", "en"],
    ["en-US", "en"],
    ["EN-gb", "en"],
    ["de-CH", "de"],
    ["fr-CA", "fr"],
    ["es-419", "es"],
    ["pt", "pt-BR"],
    ["pt-PT", "pt-BR"],
    ["pt-br", "pt-BR"],
    ["ja-JP", "ja"],
    ["zh", "zh-Hans"],
    ["zh-CN", "zh-Hans"],
    ["zh-SG", "zh-Hans"],
    ["zh-Hans", "zh-Hans"],
    ["zh-Hans-HK", "zh-Hans"],
    ["ar", "ar"],
    ["ar-EG", "ar"],
    ["ar-SA", "ar"],
  ])("%s → %s", (tag, locale) => {
    expect(matchLocale(tag)).toBe(locale);
  });

  it.each([
    "zh-TW",
    "zh-HK",
    "zh-Hant",
    "zh-Hant-CN",
    "ko",
    "nl-NL",
    "x-klingon",
    "",
    "*",
    "en_US",
    "en-",
    "-en",
    "en--US",
    "e",
    "toolongsubtag-en",
    "en-US\u0000",
    "de\u2028",
    "a".repeat(36),
  ])("%j matches nothing", (tag) => {
    expect(matchLocale(tag)).toBeUndefined();
  });

  // `und` says "language not known" (BCP 47); Intl's maximize() would guess one for it (English,
  // or the script's or the region's language), so it must be caught before.
  it.each([
    "und",
    "UND",
    "und-Latn",
    "und-Arab",
    "und-Hans",
    "und-DE",
    "und-JP",
    "und-x-private",
    "und-u-nu-arab",
  ])("the undetermined %j matches nothing", (tag) => {
    expect(matchLocale(tag)).toBeUndefined();
  });

  it("passes over an undetermined language to the next preference", () => {
    expect(fromAcceptLanguage("und, und-Arab;q=0.9, de;q=0.5")).toBe("de");
    expect(fromAcceptLanguage("und-Hans")).toBeUndefined();
    expect(negotiateLocale({ requested: "und-Arab", acceptLanguage: "fr", tenantDefault: "ja" })).toBe("fr");
    expect(negotiateLocale({ requested: "und", acceptLanguage: "und-DE", tenantDefault: "ja" })).toBe("ja");
  });

  it("accepts only well-formed tags of at most 35 characters", () => {
    expect(isLanguageTag("sr-Latn-RS")).toBe(true);
    expect(isLanguageTag("en-US-x-private")).toBe(true);
    expect(isLanguageTag("en US")).toBe(false);
    expect(isLanguageTag("en-US-u-")).toBe(false);
    expect(isLanguageTag(`en-${"abcdefgh-".repeat(4)}x`)).toBe(false);
  });
});

describe("reading Accept-Language", () => {
  it.each([
    ["de-DE,de;q=0.9,en;q=0.8", "de"],
    ["en;q=0.5, ar;q=0.9", "ar"],
    ["ko, ja;q=0.3, fr;q=0.2", "ja"],
    ["zh-TW, zh-CN;q=0.5", "zh-Hans"],
    ["fr;q=0, es", "es"],
    ["*, de;q=0.1", "de"],
    ["en;q=0.8, de;q=0.8", "en"],
    ["pt-PT;q=1.000, en;q=0.999", "pt-BR"],
    ["de;q=1.5, fr;q=0.5", "fr"],
    ["de;q=abc, fr;q=0.5", "fr"],
    ["de;q=0.0001, fr;q=0.5", "fr"],
    ["  ja  ;  q = 0.9 ", "ja"],
  ])("%j → %s", (header, locale) => {
    expect(fromAcceptLanguage(header)).toBe(locale);
  });

  it.each([null, undefined, "", "*", "ko, nl;q=0.5", "de;q=0", ";;;,,,", "zh-Hant"])(
    "%j names none of ours",
    (header) => {
      expect(fromAcceptLanguage(header)).toBeUndefined();
    },
  );

  it("reads a bounded number of entries: a flood of unknown tags before ours finds nothing", () => {
    expect(fromAcceptLanguage(`${"ko;q=0.9,".repeat(40)}de;q=0.9`)).toBeUndefined();
    expect(fromAcceptLanguage(`${"ko;q=0.9,".repeat(10)}de;q=0.9`)).toBe("de");
  });
});

describe("negotiating a recovery's locale", () => {
  it("takes the client's tag first, then Accept-Language, then the tenant default", () => {
    expect(negotiateLocale({ requested: "fr", acceptLanguage: "de", tenantDefault: "ja" })).toBe("fr");
    expect(negotiateLocale({ requested: "ko", acceptLanguage: "de", tenantDefault: "ja" })).toBe("de");
    expect(negotiateLocale({ requested: undefined, acceptLanguage: "de", tenantDefault: "ja" })).toBe("de");
    expect(negotiateLocale({ requested: "ko", acceptLanguage: "nl", tenantDefault: "ja" })).toBe("ja");
    expect(negotiateLocale({ requested: "not a tag", acceptLanguage: null, tenantDefault: "ar" })).toBe("ar");
  });
});
