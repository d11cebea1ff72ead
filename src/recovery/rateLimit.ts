/**
 * Rate limiting of recovery starts, the pure part: which address a request comes from (only
 * trusting the proxies we run behind), the keys a start is counted under, and the fixed-window
 * decision. The counters themselves live in Table Storage (store/rateLimits).
 */
import { createHash } from "node:crypto";
import { isIP } from "node:net";

export interface RateRule {
  /** Starts allowed per window; 0 turns the rule off. */
  limit: number;
  windowSeconds: number;
}

export interface WindowState {
  /** Start of the current window, epoch milliseconds. */
  windowStart: number;
  count: number;
}

export type RateDecision =
  | { allowed: true; next: WindowState }
  | { allowed: false; retryAfterSeconds: number };

/**
 * Counts one attempt against a fixed window that opens at the first attempt. A refused
 * attempt is not counted (the window is not extended by hammering it).
 */
export function decideRate(state: WindowState | undefined, rule: RateRule, now: number): RateDecision {
  const windowMs = rule.windowSeconds * 1000;
  if (!state || now >= state.windowStart + windowMs || now < state.windowStart) {
    return { allowed: true, next: { windowStart: now, count: 1 } };
  }
  if (state.count >= rule.limit) {
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((state.windowStart + windowMs - now) / 1000)),
    };
  }
  return { allowed: true, next: { windowStart: state.windowStart, count: state.count + 1 } };
}

/** `203.0.113.7:51234` → `203.0.113.7`; `[2001:db8::1]:443` → `2001:db8::1`; junk → undefined. */
export function stripPort(entry: string): string | undefined {
  const value = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  const candidate = bracketed ? bracketed[1] : /^[^:]+:\d+$/.test(value) ? value.split(":")[0] : value;
  if (candidate === undefined) return undefined;
  return isIP(candidate) ? candidate.toLowerCase() : undefined;
}

/**
 * The caller's address from X-Forwarded-For, trusting exactly `trustedHops` proxies: each
 * appends the address it saw, so the entry `trustedHops` from the right was written by the
 * outermost proxy we trust (Azure's front end is one hop; Front Door before it makes two).
 * Entries further left are whatever the client claimed and are ignored.
 */
export function clientAddressFrom(forwardedFor: string | null | undefined, trustedHops: number): string {
  const entries = (forwardedFor ?? "").split(",").filter((e) => e.trim() !== "");
  if (trustedHops < 1 || entries.length === 0) return "unknown";
  const entry = entries[Math.max(0, entries.length - trustedHops)];
  return (entry !== undefined ? stripPort(entry) : undefined) ?? "unknown";
}

function expandIPv6(address: string): string[] {
  const [head = "", tail] = address.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  // An embedded IPv4 tail (::ffff:1.2.3.4) counts as two groups.
  const last = right.length > 0 ? right.at(-1) : left.at(-1);
  const v4 = last?.includes(".") ? 1 : 0;
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length - v4).fill("0");
  return [...left, ...fill, ...right].map((g) => g.padStart(4, "0"));
}

/**
 * The counter key of an address. An IPv6 client usually controls a whole /64, so it is
 * counted per /64; IPv4-mapped IPv6 addresses count as their IPv4 address.
 */
export function addressKey(address: string): string {
  if (isIP(address) === 4) return `a4_${address}`;
  if (isIP(address) === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return `a4_${mapped[1]}`;
    return `a6_${expandIPv6(address.toLowerCase()).slice(0, 4).join("")}`;
  }
  return "a_unknown";
}

/**
 * The partition of a username's counters, or (with `fromAddress`, an `addressKey`) the row in it
 * that counts the username from that address: hashed, so the table holds no usernames.
 */
export function usernameKey(username: string, fromAddress?: string): string {
  const digest = createHash("sha256").update(`recovery-rate-limit\0${username.trim().toLowerCase()}`);
  if (fromAddress === undefined) return `u_${digest.digest("hex")}`;
  return `ua_${digest.update(`\0${fromAddress}`).digest("hex")}`;
}
