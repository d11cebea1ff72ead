/**
 * A Verified ID callback is correlated through the request stored in the partition of the
 * recovery its `state` names (`<recoveryId>.<secret>`, src/store/presentations.ts), never by
 * the state alone: a state that names another recovery, carries another request's secret or a
 * secret we never stored, or comes with another request's api-key or requestId, is refused
 * alike (401 invalid_callback) and changes nothing; the genuine callback then completes.
 */
import { describe, expect, it } from "vitest";
import { ADELE, MEGAN, type Person } from "../support/handoff";
import { useStack } from "../support/stack";

describe("Verified ID callbacks and the request their state names", () => {
  const stack = useStack({ mode: "production" });

  /** A recovery of `person` awaiting presentation, and the request the service holds for it. */
  async function awaitingPresentation(person: Person) {
    const started = await stack().startRecovery({ username: person.user.userPrincipalName });
    const verifying = await stack().waitForStatus(started.body, ["verifying_identity"]);
    await stack().completeIdv(verifying.next!, "approved", person.names);
    const awaiting = await stack().waitForStatus(started.body, ["awaiting_presentation"]);
    const requestId = stack().presentationRequestId(awaiting.next!);
    const request = stack().sims.verifiedId.requests.find((r) => r.requestId === requestId);
    if (!request) throw new Error(`no request ${requestId} at the simulator`);
    const [recoveryId, secret] = request.callback.state.split(".") as [string, string];
    expect(recoveryId).toBe(started.body.recoveryId);
    return {
      started,
      requestId,
      state: request.callback.state,
      apiKey: request.callback.headers["api-key"] ?? "",
      recoveryId,
      secret,
    };
  }

  async function callback(body: Record<string, unknown>, apiKey: string) {
    const res = await fetch(`${stack().url}/api/verified-id/callback`, {
      method: "POST",
      headers: { "content-type": "application/json", "api-key": apiKey },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as { code?: string } };
  }

  it("a forged state, or another request's key or id, is 401 invalid_callback and changes nothing; the genuine one completes", async () => {
    // Megan first: the wallet presents the credential it was issued last (Adele's).
    const b = await awaitingPresentation(MEGAN);
    const a = await awaitingPresentation(ADELE);
    const before = JSON.stringify(await stack().rows("Recoveries"));
    const forged: [string, Record<string, unknown>, string][] = [
      [
        "A's secret under B's recovery",
        { state: `${b.recoveryId}.${a.secret}`, requestId: a.requestId },
        a.apiKey,
      ],
      [
        "B's secret under A's recovery",
        { state: `${a.recoveryId}.${b.secret}`, requestId: a.requestId },
        a.apiKey,
      ],
      ["a secret never stored", { state: `${a.recoveryId}.${a.secret}x`, requestId: a.requestId }, a.apiKey],
      ["no secret", { state: a.recoveryId, requestId: a.requestId }, a.apiKey],
      ["no recovery", { state: `.${a.secret}`, requestId: a.requestId }, a.apiKey],
      ["two secrets", { state: `${a.state}.${a.secret}`, requestId: a.requestId }, a.apiKey],
      ["A's state with B's api-key", { state: a.state, requestId: a.requestId }, b.apiKey],
      ["A's state with B's requestId", { state: a.state, requestId: b.requestId }, a.apiKey],
    ];
    for (const [what, ids, apiKey] of forged) {
      for (const requestStatus of ["presentation_verified", "request_retrieved"]) {
        const res = await callback({ ...ids, requestStatus }, apiKey);
        expect(res.status, `${what} (${requestStatus})`).toBe(401);
        expect(res.json.code, what).toBe("invalid_callback");
      }
    }
    expect(JSON.stringify(await stack().rows("Recoveries"))).toBe(before);

    // The genuine presentation still completes (the forgeries neither consumed nor spoiled it).
    await stack().sims.verifiedId.present(a.requestId);
    const done = await stack().waitForStatus(a.started.body, ["recovered", "failed", "expired"]);
    expect(done.status, JSON.stringify(await stack().auditEvents(a.recoveryId))).toBe("recovered");
    expect((await stack().auditEvents(b.recoveryId)).map((e) => e.event)).not.toContain(
      "presentation_completed",
    );
  });
});
