/**
 * Freshness (src/recovery/freshness.ts): a credential counts only when issued by this
 * recovery's verification — no earlier than the hand-off minus the clock skew — or, when the
 * profile allows it, within credentialMaxAgeMinutes. Every date it cannot read fails closed.
 */
import { describe, expect, it } from "vitest";
import { CLOCK_SKEW_MS, checkFreshness } from "../../src/recovery/freshness";

const HANDOFF = "2026-12-04T10:00:00.000Z";
const NOW = new Date("2026-12-04T10:20:00.000Z");
const at = (offsetMs: number) => new Date(Date.parse(HANDOFF) + offsetMs).toISOString();
const service = (value: string | undefined) => ({ source: "service" as const, value });
const receipt = (value: string | undefined) => ({ source: "receipt" as const, value });

function check(
  dates: Array<{ source: "service" | "receipt"; value: string | undefined }>,
  maxAgeMinutes?: number,
  handoffAt: string | null = HANDOFF,
) {
  return checkFreshness({ issuanceDates: dates, handoffAt: handoffAt ?? undefined, maxAgeMinutes, now: NOW });
}

describe("credential freshness", () => {
  it("accepts a credential issued after the hand-off, or within the clock skew before it", () => {
    expect(check([service(at(60_000))])).toMatchObject({ ok: true });
    expect(check([service(at(-CLOCK_SKEW_MS))])).toMatchObject({ ok: true });
  });

  it("refuses one issued before the hand-off beyond the skew: credential_stale, issued_before_handoff", () => {
    expect(check([service(at(-CLOCK_SKEW_MS - 1))])).toMatchObject({
      ok: false,
      code: "credential_stale",
      reason: "issued_before_handoff",
    });
    expect(check([service("2025-12-04T10:00:00Z")])).toMatchObject({ reason: "issued_before_handoff" });
  });

  it("with credentialMaxAgeMinutes accepts an older credential up to that age at the presentation, not beyond", () => {
    expect(check([service("2026-12-04T09:00:00Z")], 90)).toMatchObject({ ok: true });
    expect(check([service("2026-12-04T08:49:00Z")], 90)).toMatchObject({
      ok: false,
      code: "credential_stale",
    });
  });

  it("fails closed on a missing, unreadable or future issuance date", () => {
    expect(check([service(undefined)])).toMatchObject({
      ok: false,
      code: "credential_stale",
      reason: "issuance_date_missing",
    });
    expect(check([])).toMatchObject({ reason: "issuance_date_missing" });
    for (const bad of ["2026-12-04", "yesterday", "1", "2026-13-45T99:99:99Z", "x".repeat(100)]) {
      expect(check([service(bad)])).toMatchObject({ ok: false, reason: "issuance_date_invalid" });
    }
    expect(check([service("2026-12-04T10:30:00Z")])).toMatchObject({ ok: false, reason: "issued_in_future" });
    // Even an allowed maximum age does not let a missing date through.
    expect(check([service(undefined)], 525_600)).toMatchObject({
      ok: false,
      reason: "issuance_date_missing",
    });
  });

  it("every source must be fresh: the receipt's own earlier date (or its missing one) refuses", () => {
    expect(check([service(at(60_000)), receipt(at(120_000))])).toMatchObject({ ok: true });
    expect(check([service(at(60_000)), receipt("2025-01-01T00:00:00Z")])).toMatchObject({
      ok: false,
      reason: "issued_before_handoff",
    });
    expect(check([service(at(60_000)), receipt(undefined)])).toMatchObject({
      ok: false,
      reason: "issuance_date_missing",
    });
  });

  it("fails closed without a hand-off time or with a bad maximum age", () => {
    expect(check([service(at(60_000))], undefined, null)).toMatchObject({
      ok: false,
      reason: "handoff_unknown",
    });
    expect(check([service(at(60_000))], undefined, "not a date")).toMatchObject({
      ok: false,
      reason: "handoff_unknown",
    });
    for (const bad of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(check([service("2025-01-01T00:00:00Z")], bad)).toMatchObject({
        ok: false,
        reason: "max_age_invalid",
      });
    }
  });
});
