/**
 * Recovery records for admins: the list (filtered by status and start time, paged), one
 * recovery with its audit trail, failure reason, provider, Face Check score and match
 * explanation, and the JSON Lines export. No admin answer ever carries a TAP, a recovery token
 * or its hash, a hand-off token, or a portrait.
 */
import { describe, expect, it } from "vitest";
import { DEMO_USERS } from "../../dev/seed/demo-tenant";
import { recordRows } from "../support/recoveryRows";
import { type RecoveryStart, useStack } from "../support/stack";

interface Summary {
  recoveryId: string;
  status: string;
  provider?: string;
  failure?: { code: string };
}
interface Detail extends Summary {
  failureReason?: string;
  faceCheck?: { score: number | null; threshold: number | null };
  match?: { matched: boolean; explanation?: string; mode?: string };
  audit: { event: string; outcome: string; code?: string }[];
}

const ADELE = { firstName: "Adele", lastName: "Vance" };

describe("recovery records API", () => {
  const stack = useStack({ mode: "production" });
  const secrets: string[] = [];
  const answers: string[] = [];
  const started: RecoveryStart[] = [];

  async function admin(path: string, headers: Record<string, string> = {}) {
    const res = await stack().admin("GET", path, { headers });
    const shown: string[] = [];
    res.headers.forEach((value, name) => {
      shown.push(`${name}: ${value}`);
    });
    answers.push(res.text, shown.join("\n"));
    return res;
  }

  async function recover(
    username: string,
    names: { firstName: string; lastName: string },
    faceCheckScore?: number,
  ): Promise<RecoveryStart> {
    const start = await stack().startRecovery({ username });
    expect(start.status).toBe(202);
    secrets.push(start.body.recoveryToken);
    started.push(start.body);
    const idv = await stack().waitForStatus(start.body, ["verifying_identity"]);
    secrets.push(new URL(idv.next!.url).searchParams.get("token")!);
    await stack().completeIdv(idv.next!, "approved", names);
    const present = await stack().waitForStatus(start.body, ["awaiting_presentation"]);
    const requestId = stack().presentationRequestId(present.next!);
    await stack().sims.verifiedId.present(requestId, faceCheckScore !== undefined ? { faceCheckScore } : {});
    return start.body;
  }

  it("shows a recovered one with provider, Face Check score, match explanation and audit trail — and never its TAP", async () => {
    const start = await recover(DEMO_USERS.adeleVance.userPrincipalName, ADELE);
    const done = await stack().waitForStatus(start, ["recovered", "failed"]);
    expect(done.status).toBe("recovered");
    // The first read after success carried the TAP (once).
    expect(done.tap?.value).toBeTruthy();
    secrets.push(done.tap!.value!);
    await stack().waitForWorkflowEnd(start.recoveryId);

    const res = await admin(`/api/admin/recoveries/${start.recoveryId}`);
    expect(res.status).toBe(200);
    const detail = res.json() as Detail;
    expect(detail).toMatchObject({
      recoveryId: start.recoveryId,
      status: "recovered",
      provider: "demo-idv",
      faceCheck: { threshold: 70 },
      match: { matched: true, mode: "exact" },
    });
    expect(detail.faceCheck!.score).toBeGreaterThanOrEqual(70);
    expect(detail.match!.explanation).toBeTruthy();
    expect(detail.audit.map((e) => e.event)).toEqual(
      expect.arrayContaining([
        "recovery_started",
        "eligibility_checked",
        "credential_checked",
        "profile_matched",
        "temporary_access_pass_issued",
        "temporary_access_pass_handed_out",
        "recovery_finished",
      ]),
    );
  });

  it("shows a failed one with its failure code and the precise reason", async () => {
    const start = await recover(
      DEMO_USERS.meganBowen.userPrincipalName,
      { firstName: "Megan", lastName: "Bowen" },
      20,
    );
    const done = await stack().waitForStatus(start, ["recovered", "failed"]);
    expect(done.failure?.code).toBe("face_check_failed");
    await stack().waitForWorkflowEnd(start.recoveryId);
    const detail = (await admin(`/api/admin/recoveries/${start.recoveryId}`)).json() as Detail;
    expect(detail).toMatchObject({ status: "failed", failure: { code: "face_check_failed" } });
    // Below the threshold the Verified ID service reports an error instead of a score.
    expect(detail.faceCheck).toEqual({ score: null, threshold: 70 });
    expect(detail.failureReason).toBe(
      "face_check_below_threshold: the service reported claimValidationError",
    );
    expect(detail.match).toBeUndefined();
  });

  it("lists by status and start time, in pages joined by a continuation token", async () => {
    for (let i = 0; i < 3; i++) {
      const s = await stack().startRecovery({ username: DEMO_USERS.alexWilber.userPrincipalName });
      secrets.push(s.body.recoveryToken);
      await stack().waitForStatus(s.body, ["not_eligible"]);
    }
    const ids: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const q = new URLSearchParams({
        status: "not_eligible",
        top: "2",
        ...(token ? { continuationToken: token } : {}),
      });
      const res = await admin(`/api/admin/recoveries?${q}`);
      expect(res.status).toBe(200);
      const page = res.json() as { items: Summary[]; continuationToken?: string };
      expect(page.items.length).toBeLessThanOrEqual(2);
      expect(page.items.every((r) => r.status === "not_eligible")).toBe(true);
      ids.push(...page.items.map((r) => r.recoveryId));
      token = page.continuationToken;
      pages++;
    } while (token && pages < 10);
    expect(ids).toHaveLength(3);
    expect(pages).toBeGreaterThanOrEqual(2);

    const all = (await admin("/api/admin/recoveries?top=1000")).json() as { items: Summary[] };
    expect(all.items).toHaveLength(5);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(
      ((await admin(`/api/admin/recoveries?from=${future}`)).json() as { items: Summary[] }).items,
    ).toEqual([]);
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const windowed = (
      await admin(`/api/admin/recoveries?from=${past}&to=${future}&status=recovered`)
    ).json() as {
      items: Summary[];
    };
    expect(windowed.items.map((r) => r.recoveryId)).toEqual([started[0]!.recoveryId]);
  });

  it("exports a page as JSON Lines, one detailed record per line", async () => {
    const byQuery = await admin("/api/admin/recoveries?format=jsonl&top=1000");
    expect(byQuery.status).toBe(200);
    expect(byQuery.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = byQuery.text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Detail);
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => Array.isArray(l.audit) && l.audit.length > 0)).toBe(true);
    const byAccept = await admin("/api/admin/recoveries?top=1000", { accept: "application/x-ndjson" });
    expect(byAccept.text.trim().split("\n")).toHaveLength(5);
    const paged = await admin("/api/admin/recoveries?format=jsonl&top=2");
    expect(paged.text.trim().split("\n").length).toBeLessThanOrEqual(2);
    expect(paged.headers.get("x-continuation-token")).toBeTruthy();
  });

  it("refuses bad filters and unknown ids with problem+json", async () => {
    const cases: [string, number, string][] = [
      ["/api/admin/recoveries?status=done", 400, "invalid_request"],
      ["/api/admin/recoveries?from=yesterday", 400, "invalid_request"],
      ["/api/admin/recoveries?top=0", 400, "invalid_request"],
      ["/api/admin/recoveries?top=5000", 400, "invalid_request"],
      ["/api/admin/recoveries?surprise=1", 400, "invalid_request"],
      ["/api/admin/recoveries?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z", 400, "invalid_request"],
      ["/api/admin/recoveries?continuationToken=bm90LWEtdG9rZW4", 400, "invalid_request"],
      [`/api/admin/recoveries/${crypto.randomUUID()}`, 404, "recovery_not_found"],
      ["/api/admin/recoveries/not-a-uuid", 404, "recovery_not_found"],
    ];
    for (const [path, status, code] of cases) {
      const res = await admin(path);
      expect([path, res.status, (res.json() as { code: string }).code]).toEqual([path, status, code]);
    }
  });

  it("no admin answer carried a TAP, a recovery token or its hash, or a hand-off token", async () => {
    const hashes = (await recordRows<{ tokenHash: string }>(stack())).map((r) => r.tokenHash);
    const policies = await stack().admin("GET", "/api/admin/policies");
    answers.push(policies.text);
    const needles = [...secrets, ...hashes].filter((s) => s.length >= 16);
    expect(needles.length).toBeGreaterThanOrEqual(10);
    const all = answers.join("\n");
    expect(needles.filter((n) => all.includes(n))).toEqual([]);
    // No portrait either: Face Check photos never reach our storage, let alone an answer.
    expect(all).not.toMatch(/"\w*(photo|portrait)\w*"\s*:|data:image|\/9j\//i);
  });
});
