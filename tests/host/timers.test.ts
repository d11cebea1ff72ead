/**
 * Timer triggers in the local host: NCRONTAB schedules, a run on demand through
 * POST /_host/timers/{name} (how tests trigger the IDV inbox sweeper deterministically), and
 * a scheduled run when the host clock passes an occurrence.
 */
import { describe, expect, inject, it } from "vitest";
import { occursBetween, parseSchedule } from "../../dev/host/timers";
import { advanceClock, executions, fixtureDir, getJson, spawnHost, uniqueHub, waitFor } from "./support";

describe("NCRONTAB schedules", () => {
  const at = (iso: string) => new Date(iso);

  it("matches the six fields in UTC", () => {
    const everyMinute = parseSchedule("0 */1 * * * *");
    expect(everyMinute.matches(at("2025-06-01T12:34:00Z"))).toBe(true);
    expect(everyMinute.matches(at("2025-06-01T12:34:01Z"))).toBe(false);
    const weekdaysAtNine = parseSchedule("0 30 9 * * 1-5");
    expect(weekdaysAtNine.matches(at("2025-06-02T09:30:00Z"))).toBe(true); // Monday
    expect(weekdaysAtNine.matches(at("2025-06-01T09:30:00Z"))).toBe(false); // Sunday
    const lists = parseSchedule("5,10 0 0 1 1,7 *");
    expect(lists.matches(at("2025-07-01T00:00:10Z"))).toBe(true);
    expect(lists.matches(at("2025-07-01T00:00:07Z"))).toBe(false);
    expect(parseSchedule("0 0 0 * * 7").matches(at("2025-06-01T00:00:00Z"))).toBe(true); // 7 = Sunday
  });

  it("rejects what it does not understand, naming the expression", () => {
    expect(() => parseSchedule("*/5 * * * *")).toThrow(/six-field/);
    expect(() => parseSchedule("0 61 * * * *")).toThrow(/out of range/);
    expect(() => parseSchedule("0 0 * * * MON")).toThrow(/unsupported NCRONTAB field "MON"/);
    expect(() => parseSchedule("00:05:00")).toThrow(/six-field/);
  });

  it("finds an occurrence in a half-open window (after, until]", () => {
    const hourly = parseSchedule("0 0 * * * *");
    const t = Date.parse("2025-06-01T12:00:00Z");
    expect(occursBetween(hourly, t - 1000, t)).toBe(true);
    expect(occursBetween(hourly, t, t + 3_599_000)).toBe(false);
    expect(occursBetween(hourly, t, t + 3_600_000)).toBe(true);
  });
});

describe("timer functions in the host", () => {
  it("run on demand, once per request, with the durable client bound", async () => {
    const dir = fixtureDir();
    const host = await spawnHost({ hub: uniqueHub("tmr"), storage: inject("azuriteConnectionString"), dir });
    try {
      expect((await getJson(`${host.url}/_host/timers`)).body).toEqual({ timers: ["hourlyTick"] });
      const res = await fetch(`${host.url}/_host/timers/hourlyTick`, { method: "POST" });
      expect(res.status).toBe(200);
      expect(executions(dir, "tick:pastDue=false:client=ok")).toBe(1);
      await fetch(`${host.url}/_host/timers/hourlyTick`, { method: "POST" });
      expect(executions(dir, "tick:pastDue=false:client=ok")).toBe(2);
      const unknown = await fetch(`${host.url}/_host/timers/nope`, { method: "POST" });
      expect(unknown.status).toBe(404);
      expect(await unknown.json()).toMatchObject({ code: "timer_not_found" });
      expect(host.output()).not.toMatch(/timerTrigger is not triggered/);
    } finally {
      await host.kill();
    }
  });

  it("run on their schedule when the host clock passes an occurrence", async () => {
    const dir = fixtureDir();
    const host = await spawnHost({
      hub: uniqueHub("tmr"),
      storage: inject("azuriteConnectionString"),
      dir,
      clock: "controllable",
    });
    try {
      await advanceClock(host, 3_600_000);
      // A jump over an occurrence fires once, marked past due.
      await waitFor(async () => executions(dir, "tick:pastDue=true:client=ok") === 1, "the scheduled tick");
      expect(executions(dir, "tick:pastDue=false:client=ok")).toBe(0);
    } finally {
      await host.kill();
    }
  });
});
