/**
 * The adapters by kind: the three providers Microsoft Entra Account Recovery offers, with
 * their published manifest URIs and assumed webhook defaults, and the generic Standard
 * Webhooks adapter for any provider an organisation brings.
 */

import type { IdvAdapter } from "./adapter";
import * as au10tix from "./au10tix";
import { ProfileWebhooksAdapter, type WebhookProfile } from "./hmacWebhooks";
import * as idemia from "./idemia";
import type { ProviderConfig } from "./providerConfig";
import { StandardWebhooksAdapter } from "./standardWebhooks";
import * as truecredential from "./truecredential";

export const ADAPTER_KINDS = ["standard-webhooks", "au10tix", "idemia", "truecredential"] as const;
export type AdapterKind = (typeof ADAPTER_KINDS)[number];

/** Kinds whose webhook scheme comes from a (configurable) profile, with their defaults. */
export const NAMED_PROVIDERS: ReadonlyMap<AdapterKind, { manifestUri: string; webhook: WebhookProfile }> =
  new Map([
    ["au10tix", { manifestUri: au10tix.MANIFEST_URI, webhook: au10tix.WEBHOOK_DEFAULTS }],
    ["idemia", { manifestUri: idemia.MANIFEST_URI, webhook: idemia.WEBHOOK_DEFAULTS }],
    [
      "truecredential",
      { manifestUri: truecredential.MANIFEST_URI, webhook: truecredential.WEBHOOK_DEFAULTS },
    ],
  ]);

export function createAdapter(config: ProviderConfig): IdvAdapter {
  if (config.adapter === "standard-webhooks") return new StandardWebhooksAdapter(config);
  if (!config.webhook) throw new TypeError(`provider ${config.name}: resolved webhook profile missing`);
  return new ProfileWebhooksAdapter(config, config.webhook);
}
