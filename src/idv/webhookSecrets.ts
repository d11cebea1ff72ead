/**
 * Webhook secrets of a provider: `idv-<provider>-webhook-secret` (current) and, during a
 * rotation, `idv-<provider>-webhook-secret-previous`. Both are accepted.
 */
import { DependencyError } from "../recovery/errors";
import type { SecretProvider } from "../secrets";

export function webhookSecretName(provider: string): string {
  return `idv-${provider}-webhook-secret`;
}

export async function secretsForWebhook(secrets: SecretProvider, provider: string): Promise<string[]> {
  const name = webhookSecretName(provider);
  const [current, previous] = await Promise.all([secrets.get(name), secrets.get(`${name}-previous`)]);
  const all = [current, previous].filter((v): v is string => !!v);
  if (all.length === 0)
    throw new DependencyError("secret_missing", `Secret ${name} is not configured`, false);
  return all;
}
