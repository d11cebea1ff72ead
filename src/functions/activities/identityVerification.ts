/**
 * Identity verification: the provider session and the signed one-time hand-off link.
 */
import { DependencyError } from "../../recovery/errors";
import { replacedSince } from "../../recovery/handoffRenewal";
import { services } from "../../services";
import { subjectOf } from "../../store/recoveries";
import type { StartIdvInput, StartIdvResult } from "../contracts";
import { signHandoff } from "../idvHandoff";
import { etagToHandOn, openDiscovered } from "./common";

export async function startIdentityVerification(input: StartIdvInput): Promise<StartIdvResult> {
  const s = services();
  // The version discovery left, when this process holds it (a first run: nothing to know since).
  const handedOn = await openDiscovered(input.recoveryId, input.etag);
  // A re-run after the user asked for a fresh hand-off: the newest one stands.
  if (replacedSince(handedOn, input.sessionId, undefined)) return {};
  const providerName = handedOn.provider;
  const handoff = await signHandoff(input.recoveryId, providerName, input.sessionId);
  // The mapping webhooks are correlated through: the provider's session id → this recovery.
  const existing = await s.idvSessions.create({
    provider: providerName,
    sessionId: input.sessionId,
    recoveryId: input.recoveryId,
    ...subjectOf(handedOn),
    createdAt: handoff.signedAt.toISOString(),
    returnValueHash: handoff.returnValueHash,
  });
  // A re-run (the session exists): its decisions are taken on the record as stored, not on a
  // version handed on before an earlier run or a renewal (in another process) changed it.
  const record = existing ? await openDiscovered(input.recoveryId) : handedOn;
  // A re-run after the browser already came back with the earlier link: that hand-off stands.
  if (existing?.returnedAt || replacedSince(record, input.sessionId, existing)) return {};
  // A re-run: the link shown from now on carries the new value, so the session must know it.
  if (existing && !(await s.idvSessions.replaceReturnValue(existing, handoff.returnValueHash))) {
    throw new DependencyError(
      "idv_error",
      `idv session ${input.sessionId}: the return value could not be replaced`,
      true,
    );
  }
  // The session is named on the record: the approval the workflow hears is checked against its stored result.
  const after = await s.recoveries.advance(
    input.recoveryId,
    {
      status: "verifying_identity",
      next: { type: "redirect", url: handoff.url },
      expiresAt: input.deadline,
      idvSessionId: input.sessionId,
      // The session's own creation (a re-run keeps the first): the credential's freshness is judged against it.
      idvHandoffAt: existing?.createdAt ?? handoff.signedAt.toISOString(),
    },
    record,
    [
      {
        recoveryId: input.recoveryId,
        event: "identity_verification_started",
        onceKey: `identity_verification_started_${input.sessionId}`,
        outcome: "info",
        detail: { provider: providerName, sessionId: input.sessionId },
      },
    ],
  );
  return etagToHandOn(after);
}
