/**
 * Timer triggers: the app's `app.timer` functions run on their NCRONTAB schedule
 * (`{second} {minute} {hour} {day} {month} {day-of-week}`, fields of `*`, `n`, `a-b`, `*\/n`,
 * `a-b/n` and lists) against the host clock, and on demand through
 * `POST /_host/timers/{name}` so tests can run one deterministically. A schedule missed while
 * the host was down or the clock jumped fires once, with `isPastDue`. Like the real host, a
 * timer function never runs twice at the same time in one host.
 */
import type { HostClock } from "./clock";
import type { ClientBindingData } from "./durable/rpc";
import type { FunctionsCore, RegisteredFunction, RpcParameterBinding } from "./functionsCoreShim";
import { clientInputBindings, type Invoker } from "./invocation";
import { describeError, type HostLogger } from "./log";

type Field = ReadonlySet<number>;

export interface CronSchedule {
  readonly expression: string;
  matches(date: Date): boolean;
}

const RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 59], // second
  [0, 59], // minute
  [0, 23], // hour
  [1, 31], // day of month
  [1, 12], // month
  [0, 6], // day of week (0 = Sunday; 7 accepted as Sunday)
];

function parseField(text: string, [min, max]: readonly [number, number], expression: string): Field {
  const values = new Set<number>();
  const dow = max === 6;
  for (const part of text.split(",")) {
    const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
    if (!m) throw new TypeError(`unsupported NCRONTAB field "${part}" in "${expression}"`);
    const from = m[1] === "*" ? min : Number(m[2]);
    const to = m[1] === "*" ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from;
    const step = m[4] !== undefined ? Number(m[4]) : 1;
    const top = dow ? 7 : max;
    if (from < min || to > top || from > to || step < 1) {
      throw new TypeError(`NCRONTAB field "${part}" out of range in "${expression}"`);
    }
    for (let v = from; v <= to; v += step) values.add(dow && v === 7 ? 0 : v);
  }
  return values;
}

/** Parses a six-field NCRONTAB expression (UTC). */
export function parseSchedule(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new TypeError(
      `"${expression}" is not a six-field NCRONTAB expression (second minute hour day month weekday)`,
    );
  }
  const fields = parts.map((p, i) => parseField(p, RANGES[i]!, expression));
  const [sec, min, hour, day, month, dow] = fields as [Field, Field, Field, Field, Field, Field];
  return {
    expression,
    matches: (d) =>
      sec.has(d.getUTCSeconds()) &&
      min.has(d.getUTCMinutes()) &&
      hour.has(d.getUTCHours()) &&
      day.has(d.getUTCDate()) &&
      month.has(d.getUTCMonth() + 1) &&
      dow.has(d.getUTCDay()),
  };
}

/** True when `schedule` has an occurrence in (after, until]; scans at most `limit` seconds. */
export function occursBetween(schedule: CronSchedule, after: number, until: number, limit = 86_400): boolean {
  const first = Math.floor(after / 1000) + 1;
  const last = Math.floor(until / 1000);
  for (let s = Math.max(first, last - limit); s <= last; s++) {
    if (schedule.matches(new Date(s * 1000))) return true;
  }
  return false;
}

export interface TimerTriggersOptions {
  core: FunctionsCore;
  invoker: Invoker;
  clock: HostClock;
  clientData: ClientBindingData;
  log: HostLogger;
  /** How often the schedules are checked; default 1000 ms. */
  tickMs?: number;
}

interface TimerFunction {
  fn: RegisteredFunction;
  schedule: CronSchedule;
  running?: Promise<void>;
}

export class TimerTriggers {
  readonly #timers = new Map<string, TimerFunction>();
  #lastCheck: number;
  #interval: NodeJS.Timeout | undefined;

  constructor(private readonly options: TimerTriggersOptions) {
    for (const fn of options.core.list()) {
      if (fn.trigger.type.toLowerCase() !== "timertrigger") continue;
      const expression = String((fn.trigger as { schedule?: unknown }).schedule ?? "");
      this.#timers.set(fn.name, { fn, schedule: parseSchedule(expression) });
    }
    this.#lastCheck = options.clock.now();
  }

  get names(): string[] {
    return [...this.#timers.keys()];
  }

  has(name: string): boolean {
    return this.#timers.has(name);
  }

  start(): void {
    if (this.#timers.size === 0 || this.#interval) return;
    this.#interval = setInterval(() => this.#tick(), this.options.tickMs ?? 1000);
    this.#interval.unref();
  }

  /** Stops scheduling and waits for running timer functions. */
  async stop(): Promise<void> {
    if (this.#interval) clearInterval(this.#interval);
    this.#interval = undefined;
    await Promise.allSettled([...this.#timers.values()].map((t) => t.running));
  }

  /** Runs a timer function now (waiting for a run already in progress first). Throws what it threw. */
  async run(name: string, isPastDue = false): Promise<{ invocationId: string }> {
    const timer = this.#timers.get(name);
    if (!timer) throw new RangeError(`no timer function ${name}`);
    while (timer.running) await timer.running.catch(() => undefined);
    let invocationId = "-";
    const run = (async () => {
      invocationId = (await this.#invoke(timer.fn, isPastDue)).invocationId;
    })();
    timer.running = run.finally(() => {
      timer.running = undefined;
    });
    await run;
    return { invocationId };
  }

  #tick(): void {
    const now = this.options.clock.now();
    const since = this.#lastCheck;
    this.#lastCheck = now;
    for (const [name, timer] of this.#timers) {
      if (timer.running || !occursBetween(timer.schedule, since, now)) continue;
      const pastDue = now - since > 2 * (this.options.tickMs ?? 1000);
      this.run(name, pastDue).catch((err: unknown) => {
        this.options.log.error(`timer ${name} failed: ${describeError(err)}`);
      });
    }
  }

  async #invoke(fn: RegisteredFunction, isPastDue: boolean): Promise<{ invocationId: string }> {
    const { invoker, clientData, log } = this.options;
    // What the Functions host sends a timer trigger; the library camel-cases it into a Timer.
    const timerInfo = { Schedule: { AdjustForDST: true }, ScheduleStatus: null, IsPastDue: isPastDue };
    const inputData: RpcParameterBinding[] = [
      { name: fn.triggerName, data: { json: JSON.stringify(timerInfo) } },
    ];
    inputData.push(...clientInputBindings(fn, clientData));
    const started = Date.now();
    const { invocationId } = await invoker.invoke(fn, { inputData });
    log.info(
      `Executed 'Functions.${fn.name}' (Succeeded, Id=${invocationId}, Duration=${Date.now() - started}ms)`,
    );
    return { invocationId };
  }
}
