/**
 * The host clock: what durable timers fire on and what OrchestratorStarted timestamps (hence
 * `context.df.currentUtcDateTime`) say. "real" is the wall clock. "controllable" is the wall
 * clock plus an offset that only grows (POST /_host/clock/advance), so tests can make a
 * 10-minute deadline pass at once while retries and polling still see time flow. The offset
 * is persisted per task hub so a restarted host keeps the time its timers were set against.
 */
export type ClockMode = "real" | "controllable";

export interface OffsetStore {
  readOffset(): Promise<number>;
  writeOffset(offsetMs: number): Promise<void>;
}

export class HostClock {
  #offsetMs = 0;
  #listeners = new Set<() => void | Promise<void>>();

  private constructor(
    readonly mode: ClockMode,
    private readonly store: OffsetStore | undefined,
  ) {}

  static async create(mode: ClockMode, store?: OffsetStore): Promise<HostClock> {
    const clock = new HostClock(mode, store);
    if (mode === "controllable" && store) clock.#offsetMs = await store.readOffset();
    return clock;
  }

  now(): number {
    return Date.now() + this.#offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  /** Called after every advance (the durable engine fires due timers). */
  onAdvance(listener: () => void | Promise<void>): void {
    this.#listeners.add(listener);
  }

  /** Moves the clock forward by `ms`; resolves once listeners have reacted. */
  async advance(ms: number): Promise<number> {
    if (this.mode !== "controllable")
      throw new TypeError("the host clock is real; start with DEV_HOST_CLOCK=controllable");
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("ms must be a finite number >= 0");
    this.#offsetMs += ms;
    await this.store?.writeOffset(this.#offsetMs);
    await Promise.all([...this.#listeners].map((listener) => listener()));
    return this.now();
  }
}
