/**
 * The hand-off to the IDV provider (docs/facts.md §11): a JWT we sign, carrying the
 * `redirectUrl` with a one-time return value (src/idv/returnValue.ts), and the provider URL
 * that carries the JWT. Shared by the identity-verification step (the first hand-off) and the
 * user's renewal (src/functions/idvHandoffRenewal.ts), like presentationRequests.ts for the
 * presentation.
 */
import { HANDOFF_SIGNING_KEY_SECRET, parseSigningKeys, signHandoffToken } from "../idv/handoffToken";
import { newReturnValue, returnUrl } from "../idv/returnValue";
import { DependencyError } from "../recovery/errors";
import { requireSecret } from "../secrets";
import { services } from "../services";

export interface SignedHandoff {
  /** Where the user's browser goes: the provider's page with the signed JWT. */
  url: string;
  returnValueHash: string;
  /** When the JWT was signed (its `iat`): the hand-off time freshness compares with. */
  signedAt: Date;
  expiresAt: Date;
}

/** Signs a hand-off for the recovery's IDV session `sessionId`, with a new one-time return value. */
export async function signHandoff(
  recoveryId: string,
  providerName: string,
  sessionId: string,
): Promise<SignedHandoff> {
  const s = services();
  const adapter = s.adapters.get(providerName);
  const provider = s.config.providers.get(providerName);
  if (!adapter || !provider)
    throw new DependencyError("idv_error", `provider ${providerName} not configured`, false);
  const keys = parseSigningKeys(await requireSecret(s.secrets, HANDOFF_SIGNING_KEY_SECRET));
  // The one-time value the browser's return must carry (src/idv/returnValue.ts); only its hash is kept.
  const returned = newReturnValue();
  const redirectUrl = returnUrl(s.config.publicBaseUrl, providerName, recoveryId, sessionId, returned.value);
  const signedAt = new Date();
  const lifetimeSeconds = s.config.handoffTokenLifetimeMinutes * 60;
  const token = await signHandoffToken(
    keys,
    {
      orgId: s.config.tenantId,
      requestId: sessionId,
      redirectUrl,
      issuer: s.config.publicBaseUrl,
      audience: new URL(provider.verificationUrl).origin,
      lifetimeSeconds,
    },
    signedAt,
  );
  const expiresAt = new Date(signedAt.getTime() + lifetimeSeconds * 1000);
  const started = await adapter.startVerification({ requestId: sessionId, handoffToken: token, expiresAt });
  // Every supported adapter keys its session by our RequestId (src/idv/adapter.ts).
  if (started.sessionId !== sessionId)
    throw new DependencyError("idv_error", `provider ${providerName} named another session`, false);
  return { url: started.url, returnValueHash: returned.hash, signedAt, expiresAt };
}
