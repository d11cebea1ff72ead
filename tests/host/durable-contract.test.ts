/**
 * Pins the host's copies of the durable wire enums and timer settings to the installed
 * durable-functions SDK (internal modules without a semver promise: an upgrade that changes
 * them must fail here, not in a replay).
 */
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ActionType, HistoryEventType, TIMER_SETTINGS } from "../../dev/host/durable/wire";

const sdkRequire = createRequire(require.resolve("durable-functions"));

function numericEntries(enumObject: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(enumObject).filter((entry): entry is [string, number] => typeof entry[1] === "number"),
  );
}

describe("durable wire contract", () => {
  it("HistoryEventType matches the SDK", () => {
    const sdk = (sdkRequire("./history/HistoryEventType") as { HistoryEventType: Record<string, unknown> })
      .HistoryEventType;
    expect(numericEntries(sdk)).toEqual(HistoryEventType);
  });

  it("ActionType matches the SDK", () => {
    const sdk = (sdkRequire("./actions/ActionType") as { ActionType: Record<string, unknown> }).ActionType;
    expect(numericEntries(sdk)).toEqual(ActionType);
  });

  it("the timer settings we announce parse to the durations we replay with", () => {
    const moment = sdkRequire("moment") as { duration(text: string): { asMilliseconds(): number } };
    expect(moment.duration(TIMER_SETTINGS.maximumShortTimerDuration).asMilliseconds()).toBe(
      TIMER_SETTINGS.maximumShortTimerMs,
    );
    expect(moment.duration(TIMER_SETTINGS.longRunningTimerIntervalDuration).asMilliseconds()).toBe(
      TIMER_SETTINGS.longRunningTimerIntervalMs,
    );
  });

  it("the SDK accepts schema V3 as the newest we announce", () => {
    const { ReplaySchema } = sdkRequire("./orchestrations/ReplaySchema") as {
      ReplaySchema: Record<string, number>;
    };
    expect(ReplaySchema.V3).toBe(2);
  });
});
