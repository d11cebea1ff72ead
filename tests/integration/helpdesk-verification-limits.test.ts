/**
 * The rate limits of opening a helpdesk verification link, through the real stack: the
 * per-address limit is counted before the link is even read, so an attacker hammering the
 * endpoint with wrong secrets gets 429 and writes no more refusal entries into the
 * verification's audit trail than the limit let through; the good link, refused over the
 * limit, is not spent and still works from another address.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { useStack } from "../support/stack";

const ADELE = DEMO_USERS.adeleVance;
const PER_ADDRESS = 3;

describe("opening a verification link, rate-limited", () => {
  const stack = useStack({
    mode: "production",
    settings: { RATE_LIMIT_PER_ADDRESS: String(PER_ADDRESS), TRUSTED_PROXY_HOPS: "2" },
  });

  async function open(code: string, address: string) {
    const res = await fetch(`${stack().url}/api/verification`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": address },
      body: JSON.stringify({ code }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  }

  it("past the per-address limit, wrong secrets get 429 and add no audit entry; the good link is not spent", async () => {
    const token = await stack().sims.entra.mint({ roles: ["Recovery.Helpdesk"] });
    const created = await stack().admin("POST", "/api/admin/verifications", {
      token,
      body: { username: ADELE.userPrincipalName, reason: "Ticket 4713: lost phone" },
    });
    expect(created.status).toBe(201);
    const { verificationId, link } = created.json() as { verificationId: string; link: string };
    const code = new URL(link).hash.slice("#verification=".length);
    const forged = `${verificationId}.${"A".repeat(43)}`;
    const attacker = "203.0.113.66";
    const refusals = async () =>
      (await stack().auditEvents(`verification-${verificationId}`)).filter(
        (e) => e.event === "verification_link_refused",
      );

    for (let i = 0; i < PER_ADDRESS; i++) {
      const res = await open(forged, attacker);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: "verification_link_invalid" });
    }
    expect(await refusals()).toHaveLength(PER_ADDRESS);

    for (let i = 0; i < 5; i++) {
      const res = await open(forged, attacker);
      expect(res.status).toBe(429);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
      expect(res.body).toMatchObject({ status: 429, code: "rate_limited" });
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    // The good link from the limited address: refused the same way, and not spent.
    expect((await open(code, attacker)).status).toBe(429);
    expect(await refusals()).toHaveLength(PER_ADDRESS);
    expect(await stack().countRows("Recoveries")).toBe(0);

    // The caller, from elsewhere, opens it once.
    const opened = await open(code, "198.51.100.20");
    expect(opened.status).toBe(202);
    expect(opened.body.recoveryId).toBeTypeOf("string");
  });
});
