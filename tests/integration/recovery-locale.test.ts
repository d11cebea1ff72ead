/**
 * A recovery's language (DESIGN §4): the start body's `locale`, else the start's
 * Accept-Language (q-values honoured), else the tenant default; kept with the recovery and
 * returned in its status. A malformed tag is refused like any bad input (problem+json, nothing
 * started); a well-formed one we lack falls through to the next source.
 */
import { describe, expect, it } from "vitest";
import { countRecords } from "../support/recoveryRows";
import { useStack } from "../support/stack";

describe("a recovery's locale", () => {
  const stack = useStack({ mode: "production" });
  let n = 0;
  // Distinct addresses keep the per-address start limit out of the way.
  const from = () => ({ "x-forwarded-for": `198.51.100.${++n}` });

  async function localeOf(body: Record<string, unknown>, headers: Record<string, string> = {}) {
    const started = await stack().startRecovery(
      { username: `someone${n + 1}@contoso.example`, ...body },
      { ...from(), ...headers },
    );
    expect(started.status).toBe(202);
    const read = await stack().readRecovery(started.body.recoveryId, started.body.recoveryToken);
    expect(read.status).toBe(200);
    return read.body.locale;
  }

  it("is the start body's locale, matched to a supported one", async () => {
    expect(await localeOf({ locale: "de-AT" }, { "accept-language": "fr" })).toBe("de");
    expect(await localeOf({ locale: "pt" })).toBe("pt-BR");
    expect(await localeOf({ locale: "zh-CN" })).toBe("zh-Hans");
  });

  it("else the browser's Accept-Language, by q-value", async () => {
    expect(await localeOf({ locale: "ko" }, { "accept-language": "ko, en;q=0.2, ar;q=0.7" })).toBe("ar");
    expect(await localeOf({}, { "accept-language": "zh-TW, ja;q=0.5" })).toBe("ja");
  });

  it("else the tenant default", async () => {
    expect(await localeOf({}, { "accept-language": "ko, nl;q=0.5" })).toBe("en");
    expect(await localeOf({ locale: "ko" })).toBe("en");
  });

  it.each(["en_US", "en-", "x".repeat(40), "de-DE-", "12", "de DE", "en-US\u0000", "en-a", "de-x"])(
    "refuses the malformed tag %j with problem+json, starting nothing",
    async (locale) => {
      const before = await countRecords(stack());
      const started = await stack().startRecovery({ username: "someone@contoso.example", locale }, from());
      expect(started.status).toBe(400);
      expect(started.headers.get("content-type")).toContain("application/problem+json");
      expect(started.body.code).toBe("invalid_request");
      expect(await countRecords(stack())).toBe(before);
    },
  );
});
