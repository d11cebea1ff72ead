/**
 * The "this wasn't me" link of a recovered notice: a new 256-bit secret, stored only as its
 * hash with the recovery and account it is bound to and its expiry (store/repudiations). Made
 * right before the notice is sent, so the link works by the time the mail arrives.
 */
import { hashSecret, newOpaqueSecret } from "../../recovery/opaqueSecrets";
import { services } from "../../services";
import type { DiscoveredRecovery } from "../../store/recoveries";

/** The page that opens a link (src/functions/repudiation.ts). */
export const REPUDIATION_PATH = "/repudiate";

export async function issueRepudiationLink(
  record: DiscoveredRecovery,
  now: Date,
): Promise<{ url: string; expiresAt: string }> {
  const s = services();
  const token = newOpaqueSecret();
  const expiresAt = new Date(now.getTime() + s.config.repudiationLinkLifetimeHours * 3_600_000).toISOString();
  await s.repudiationLinks.create(hashSecret(token), {
    recoveryId: record.recoveryId,
    userId: record.userId,
    createdAt: now.toISOString(),
    expiresAt,
  });
  return { url: `${s.config.publicBaseUrl}${REPUDIATION_PATH}?t=${token}`, expiresAt };
}
