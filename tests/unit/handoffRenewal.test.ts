/**
 * When a user may have a fresh hand-off to the provider (src/recovery/handoffRenewal.ts): the
 * decision's whole input class with the clock as an argument — the deadline's edge, every other
 * status and stage, a session not the record's, a return or a result in, the repeat window's
 * edges, the renewal limit.
 */
import { describe, expect, it } from "vitest";
import {
  decideRenewal,
  MAX_RENEWALS,
  RENEWAL_REPEAT_MS,
  type RenewalRecordView,
  type RenewalSessionView,
  replacedSince,
  waitsAtProvider,
} from "../../src/recovery/handoffRenewal";
import { RECOVERY_STATUSES } from "../../src/recovery/status";

const NOW = Date.parse("2026-12-05T10:00:00.000Z");
const ID = "3f1c2a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b";

function record(overrides: Partial<RenewalRecordView> = {}): RenewalRecordView {
  return {
    recoveryId: ID,
    stage: "discovered",
    status: "verifying_identity",
    expiresAt: new Date(NOW + 10 * 60_000).toISOString(),
    idvSessionId: "s1",
    next: { type: "redirect" },
    ...overrides,
  };
}

function session(overrides: Partial<RenewalSessionView> = {}): RenewalSessionView {
  return { recoveryId: ID, createdAt: new Date(NOW - 20 * 60_000).toISOString(), ...overrides };
}

describe("fresh hand-off decision", () => {
  it("is unavailable at and after the IDV deadline, and with an unreadable one", () => {
    for (const expiresAt of [new Date(NOW).toISOString(), new Date(NOW - 1).toISOString(), "soon", ""]) {
      expect(decideRenewal(record({ expiresAt }), session(), NOW)).toEqual({ kind: "unavailable" });
    }
    expect(decideRenewal(record({ expiresAt: new Date(NOW + 1).toISOString() }), session(), NOW).kind).toBe(
      "renew",
    );
  });

  it("is unavailable in every status but verifying_identity, before discovery, and without a redirect", () => {
    for (const status of RECOVERY_STATUSES.filter((s) => s !== "verifying_identity")) {
      expect(decideRenewal(record({ status }), session(), NOW).kind).toBe("unavailable");
    }
    expect(decideRenewal(record({ stage: "started" }), session(), NOW).kind).toBe("unavailable");
    expect(decideRenewal(record({ next: { type: "present_credential" } }), session(), NOW).kind).toBe(
      "unavailable",
    );
    expect(decideRenewal(record({ next: undefined }), session(), NOW).kind).toBe("unavailable");
    expect(decideRenewal(record({ idvSessionId: undefined }), session(), NOW).kind).toBe("unavailable");
  });

  it("is unavailable without the record's own session, or once a return or a result is in", () => {
    expect(decideRenewal(record(), undefined, NOW).kind).toBe("unavailable");
    expect(decideRenewal(record(), session({ recoveryId: "another" }), NOW).kind).toBe("unavailable");
    expect(decideRenewal(record(), session({ returnedAt: new Date(NOW).toISOString() }), NOW).kind).toBe(
      "unavailable",
    );
    expect(decideRenewal(record(), session({ result: '{"decision":"declined"}' }), NOW).kind).toBe(
      "unavailable",
    );
  });

  it("renews at once after the workflow's own hand-off, however recent", () => {
    expect(decideRenewal(record(), session({ createdAt: new Date(NOW).toISOString() }), NOW).kind).toBe(
      "renew",
    );
  });

  it("answers a renewal made less than the repeat window ago again, and renews after it", () => {
    const at = (ms: number) => session({ createdAt: new Date(NOW - ms).toISOString(), handoffsRenewed: 1 });
    expect(decideRenewal(record(), at(0), NOW).kind).toBe("repeat");
    expect(decideRenewal(record(), at(RENEWAL_REPEAT_MS - 1), NOW).kind).toBe("repeat");
    expect(decideRenewal(record(), at(RENEWAL_REPEAT_MS), NOW).kind).toBe("renew");
    // A hand-off "from the future" (clock skew between instances) is no repeat to trust.
    expect(decideRenewal(record(), at(-5_000), NOW).kind).toBe("renew");
  });

  it("refuses more than MAX_RENEWALS, with Retry-After until the deadline", () => {
    const many = session({ handoffsRenewed: MAX_RENEWALS });
    expect(decideRenewal(record(), many, NOW)).toEqual({ kind: "limited", retryAfterSeconds: 600 });
    expect(decideRenewal(record(), session({ handoffsRenewed: MAX_RENEWALS - 1 }), NOW).kind).toBe("renew");
    // Within the repeat window the latest is answered again, limit or not.
    const recent = session({ handoffsRenewed: MAX_RENEWALS, createdAt: new Date(NOW - 1_000).toISOString() });
    expect(decideRenewal(record(), recent, NOW).kind).toBe("repeat");
  });

  it("waitsAtProvider names the session the record names", () => {
    expect(waitsAtProvider(record(), "s1", NOW)).toBe(true);
    expect(waitsAtProvider(record(), "s2", NOW)).toBe(false);
    expect(waitsAtProvider(record(), undefined, NOW)).toBe(false);
  });
});

describe("a re-run of the first hand-off after a fresh one", () => {
  it("changes nothing once the record names another session or the session is superseded", () => {
    expect(replacedSince({ idvSessionId: "s2" }, "s1", undefined)).toBe(true);
    expect(replacedSince({ idvSessionId: "s1" }, "s1", { supersededAt: "2026-12-05T10:00:00.000Z" })).toBe(
      true,
    );
  });
  it("goes on for the first run and a re-run of the current session", () => {
    expect(replacedSince({}, "s1", undefined)).toBe(false);
    expect(replacedSince({ idvSessionId: "s1" }, "s1", undefined)).toBe(false);
    expect(replacedSince({ idvSessionId: "s1" }, "s1", {})).toBe(false);
  });
});
