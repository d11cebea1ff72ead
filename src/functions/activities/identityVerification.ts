/**
 * Identity verification: the provider session and the signed one-time hand-off link.
 */
import { HANDOFF_SIGNING_KEY_SECRET, parseSigningKeys, signHandoffToken } from "../../idv/handoffToken";
import { newReturnValue, returnUrl } from "../../idv/returnValue";
import { DependencyError } from "../../recovery/errors";
import { requireSecret } from "../../secrets";
import { services } from "../../services";
import type { StartIdvInput } from "../contracts";
import { openDiscovered } from "./common";

export async function startIdentityVerification(input: StartIdvInput): Promise<void> {
  const s = services();
  const record = await openDiscovered(input.recoveryId);
  const providerName = record.provider;
  const adapter = s.adapters.get(providerName);
  const provider = s.config.providers.get(providerName);
  if (!adapter || !provider)
    throw new DependencyError("idv_error", `provider ${providerName} not configured`, false);
  const keys = parseSigningKeys(await requireSecret(s.secrets, HANDOFF_SIGNING_KEY_SECRET));
  // The one-time value the browser's return must carry (src/idv/returnValue.ts); only its hash is kept.
  const returned = newReturnValue();
  const redirectUrl = returnUrl(
    s.config.publicBaseUrl,
    providerName,
    input.recoveryId,
    input.sessionId,
    returned.value,
  );
  const now = new Date();
  const lifetimeSeconds = s.config.handoffTokenLifetimeMinutes * 60;
  const token = await signHandoffToken(
    keys,
    {
      orgId: s.config.tenantId,
      requestId: input.sessionId,
      redirectUrl,
      issuer: s.config.publicBaseUrl,
      audience: new URL(provider.verificationUrl).origin,
      lifetimeSeconds,
    },
    now,
  );
  const started = await adapter.startVerification({
    requestId: input.sessionId,
    handoffToken: token,
    expiresAt: new Date(now.getTime() + lifetimeSeconds * 1000),
  });
  // The mapping webhooks are correlated through: the provider's session id → this recovery.
  const existing = await s.idvSessions.create({
    provider: providerName,
    sessionId: started.sessionId,
    recoveryId: input.recoveryId,
    createdAt: now.toISOString(),
    returnValueHash: returned.hash,
  });
  // A re-run after the browser already came back with the earlier link: that hand-off stands.
  if (existing?.returnedAt) return;
  // A re-run: the link shown from now on carries the new value, so the session must know it.
  if (existing && !(await s.idvSessions.replaceReturnValue(existing, returned.hash))) {
    throw new DependencyError(
      "idv_error",
      `idv session ${started.sessionId}: the return value could not be replaced`,
      true,
    );
  }
  // The session is named on the record: the approval the workflow hears is checked against its stored result.
  await s.recoveries.advance(
    input.recoveryId,
    {
      status: "verifying_identity",
      next: { type: "redirect", url: started.url },
      expiresAt: input.deadline,
      idvSessionId: input.sessionId,
      // The session's own creation (a re-run keeps the first): the credential's freshness is judged against it.
      idvHandoffAt: existing?.createdAt ?? now.toISOString(),
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
}
