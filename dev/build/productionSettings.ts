/**
 * The smallest valid production configuration (every required setting, nothing local): what
 * the app needs to load at all, since it validates its settings at startup. Used where the
 * deployment package is loaded outside Azure — the package test and its benchmark.
 */
export const PRODUCTION_SETTINGS: Readonly<Record<string, string>> = {
  RECOVERY_STORAGE_ACCOUNT_URL: "https://strecovery.table.core.windows.net",
  AzureWebJobsStorage__accountName: "strecovery",
  PUBLIC_BASE_URL: "https://recovery.contoso.example",
  TENANT_ID: "00000000-0000-4000-8000-000000000001",
  VERIFIED_ID_AUTHORITY: "did:web:recovery.contoso.example",
  SECRETS_PROVIDER: "keyvault",
  KEY_VAULT_URL: "https://kv-recovery.vault.azure.net",
  IDV_PROVIDERS: JSON.stringify([
    {
      name: "byo-idv",
      adapter: "standard-webhooks",
      displayName: "Our IDV",
      verificationUrl: "https://idv.example/verify",
      acceptedIssuers: ["did:web:idv.example"],
    },
  ]),
  POLICY_PROFILES: JSON.stringify({
    profiles: [
      { id: "pilot", displayName: "Pilot", includeGroups: ["g1"], providers: { default: "byo-idv" } },
    ],
  }),
};
