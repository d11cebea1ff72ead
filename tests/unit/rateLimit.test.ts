import { describe, expect, it } from "vitest";
import {
  addressKey,
  clientAddressFrom,
  decideRate,
  stripPort,
  usernameKey,
} from "../../src/recovery/rateLimit";

const rule = { limit: 3, windowSeconds: 60 };
const t0 = Date.parse("2026-11-21T10:00:00Z");

describe("decideRate (fixed window opened by the first start)", () => {
  it("allows up to the limit and refuses the next one, with the seconds left in the window", () => {
    let state = undefined as Parameters<typeof decideRate>[0];
    for (let i = 1; i <= 3; i++) {
      const d = decideRate(state, rule, t0 + i * 1000);
      expect(d.allowed).toBe(true);
      if (d.allowed) state = d.next;
    }
    expect(state).toEqual({ windowStart: t0 + 1000, count: 3 });
    expect(decideRate(state, rule, t0 + 10_000)).toEqual({ allowed: false, retryAfterSeconds: 51 });
  });

  it("never answers Retry-After 0, even in the window's last millisecond", () => {
    const full = { windowStart: t0, count: 3 };
    expect(decideRate(full, rule, t0 + 59_999)).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("opens a new window exactly when the old one ends", () => {
    const full = { windowStart: t0, count: 3 };
    expect(decideRate(full, rule, t0 + 60_000)).toEqual({
      allowed: true,
      next: { windowStart: t0 + 60_000, count: 1 },
    });
  });

  it("treats a window that starts in the future (clock skew between instances) as over", () => {
    const skewed = { windowStart: t0 + 30_000, count: 3 };
    expect(decideRate(skewed, rule, t0).allowed).toBe(true);
  });
});

describe("client address behind trusted proxies", () => {
  it.each([
    ["203.0.113.7:50123", 1, "203.0.113.7"],
    ["198.51.100.66, 203.0.113.7:50123", 1, "203.0.113.7"],
    ["198.51.100.66, 203.0.113.7:50123", 2, "198.51.100.66"],
    ["spoofed, 198.51.100.66, 203.0.113.7", 2, "198.51.100.66"],
    ["203.0.113.7", 3, "203.0.113.7"],
    ["[2001:db8::1]:443", 1, "2001:db8::1"],
    ["2001:DB8::1", 1, "2001:db8::1"],
    ["not-an-address", 1, "unknown"],
    ["203.0.113.7", 0, "unknown"],
    ["", 1, "unknown"],
  ])("%j with %i trusted hop(s) is %s", (header, hops, expected) => {
    expect(clientAddressFrom(header, hops)).toBe(expected);
  });

  it("strips ports only from well-formed entries", () => {
    expect(stripPort("10.0.0.1:8080")).toBe("10.0.0.1");
    expect(stripPort("10.0.0.1:x")).toBeUndefined();
    expect(stripPort("[::1]")).toBe("::1");
  });
});

describe("counter keys", () => {
  it("counts an IPv6 client per /64, and an IPv4-mapped address as IPv4", () => {
    expect(addressKey("2001:db8:1:2:aaaa::1")).toBe(addressKey("2001:db8:1:2:ffff:ffff:ffff:ffff"));
    expect(addressKey("2001:db8:1:2::1")).not.toBe(addressKey("2001:db8:1:3::1"));
    expect(addressKey("2001:db8:1:2::1")).toBe("a6_20010db800010002");
    expect(addressKey("::ffff:203.0.113.7")).toBe(addressKey("203.0.113.7"));
    expect(addressKey("203.0.113.7")).not.toBe(addressKey("203.0.113.8"));
  });

  it("hashes usernames case-insensitively and keeps no trace of them", () => {
    expect(usernameKey(" Adele.Vance@Contoso.example ")).toBe(usernameKey("adele.vance@contoso.example"));
    expect(usernameKey("adele.vance@contoso.example")).toMatch(/^u_[0-9a-f]{64}$/);
    expect(usernameKey("adele.vance@contoso.example")).not.toContain("adele");
    expect(usernameKey("a@b")).not.toBe(usernameKey("a@c"));
  });
});
