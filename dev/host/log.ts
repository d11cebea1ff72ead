/**
 * Log lines of the local host: one line per call, always. Function logs carry the function
 * name and invocation id (as `func start` shows them); host logs say "host". Newlines inside
 * a message are escaped rather than dropped, so a test scanning stdout for a secret sees the
 * whole message on one line.
 */
import type { LogEntry } from "./functionsCoreShim";

export type HostLogLevel = "debug" | "info" | "warn" | "error";
export type LineWriter = (line: string) => void;

export interface HostLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const LEVELS: Record<string, string> = {
  trace: "trace",
  debug: "debug",
  information: "info",
  warning: "warn",
  error: "error",
  critical: "crit",
  none: "none",
};

export function oneLine(message: string): string {
  return message.replace(/\r?\n/g, "\\n");
}

/** `2025-01-01T00:00:00.000Z info  [startRecovery] (invocation-id) message` */
export function formatFunctionLog(entry: LogEntry): string {
  const level = (LEVELS[entry.level] ?? entry.level).padEnd(5);
  const who = entry.functionName
    ? `[${entry.functionName}] (${entry.invocationId ?? "-"})`
    : `[host] (${entry.category})`;
  return `${new Date().toISOString()} ${level} ${who} ${oneLine(entry.message)}`;
}

export function createHostLogger(write: LineWriter): HostLogger {
  const line = (level: HostLogLevel, message: string): void =>
    write(`${new Date().toISOString()} ${level.padEnd(5)} [host] ${oneLine(message)}`);
  return {
    debug: (m) => line("debug", m),
    info: (m) => line("info", m),
    warn: (m) => line("warn", m),
    error: (m) => line("error", m),
  };
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return err.stack ?? `${err.name}: ${err.message}`;
  return String(err);
}
