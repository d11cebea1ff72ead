// Self-service account recovery for Microsoft Entra ID — everything `azd up` provisions.
// One module per concern (modules/), one user-assigned identity holding exactly the roles
// the app needs, each scoped to the resource it is about; no secret in any setting.
// docs/deploy.md walks through the parameters, the post-deployment steps and the costs.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds every resource name.')
param environmentName string

@minLength(1)
@description('Azure region of every resource (one that offers Flex Consumption).')
param location string

@description('Object id of the admin running azd (azd sets AZURE_PRINCIPAL_ID). Gets Key Vault Secrets Officer on the vault to load provider secrets. Empty: nobody.')
param principalId string = ''

@description('Type of principalId: User, Group or ServicePrincipal (a pipeline).')
@allowed(['User', 'Group', 'ServicePrincipal'])
param principalType string = 'User'

@description('Durable Functions backend: AzureStorage (default: the task hub lives in the storage account) or DurableTaskScheduler (a managed Durable Task Scheduler).')
@allowed(['AzureStorage', 'DurableTaskScheduler'])
param durableBackend string = 'AzureStorage'

@description('Durable task hub name (letters and digits, 3–45); DURABLE_TASK_HUB_NAME.')
@minLength(3)
@maxLength(45)
param taskHubName string = 'RecoveryHub'

@description('Our verifier DID, the authority of presentation requests (VERIFIED_ID_AUTHORITY), e.g. did:web:recovery.contoso.com.')
param verifiedIdAuthority string

@description('Name the wallet shows for presentation requests (VERIFIED_ID_CLIENT_NAME).')
param verifiedIdClientName string = 'Account recovery'

@description('IDV providers as the JSON array IDV_PROVIDERS expects (name, adapter, displayName, verificationUrl, acceptedIssuers, ...).')
param idvProviders string

@description('Object id of the Entra group whose members may recover; builds the first policy profile (Evaluation mode, first provider). Ignored when policyProfiles is set.')
param recoveryGroupObjectId string = ''

@description('The whole policy document as JSON (POLICY_PROFILES). Empty: one Evaluation-mode profile for recoveryGroupObjectId.')
param policyProfiles string = ''

@description('Front-end origins allowed by CORS, comma-separated (https://signin.contoso.com). Empty: none.')
param corsAllowedOrigins string = ''

@description('Public origin of the app when it is served through a custom domain or front door (PUBLIC_BASE_URL). Empty: the Function App\'s default host name.')
param publicBaseUrl string = ''

@description('Where the browser returns after the IDV provider (FRONTEND_RETURN_URL). Empty: the reference page.')
param frontendReturnUrl string = ''

@description('Prefix of the app\'s table names (RECOVERY_TABLE_PREFIX).')
param tablePrefix string = 'recovery'

@description('Maximum instances the Flex Consumption plan may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Create the admin API app registration and grant the Microsoft Graph and Verified ID permissions (needs Entra admin roles, see docs/deploy.md). false: do it by hand.')
param deployEntra bool = true

@description('Grant the Verified ID Request Service permission (needs Verified ID set up in the tenant).')
param grantVerifiedIdPermission bool = true

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var names = {
  resourceGroup: 'rg-${environmentName}'
  identity: 'id-recovery-${resourceToken}'
  logAnalytics: 'log-${resourceToken}'
  applicationInsights: 'appi-${resourceToken}'
  storage: 'st${resourceToken}'
  keyVault: 'kv-${resourceToken}'
  plan: 'plan-${resourceToken}'
  functionApp: 'func-recovery-${resourceToken}'
  scheduler: 'dts-${resourceToken}'
  deploymentContainer: 'app-package'
  adminApi: 'recovery-admin-api-${environmentName}'
}

var useScheduler = durableBackend == 'DurableTaskScheduler'

var firstPolicy = {
  profiles: [
    {
      id: 'default'
      displayName: 'Everyone in the recovery group (evaluation)'
      priority: 100
      mode: 'evaluation'
      includeGroups: [recoveryGroupObjectId]
      providers: { default: json(idvProviders)[0].name }
    }
  ]
}

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
    deploymentContainerName: names.deploymentContainer
    grantQueueAccess: !useScheduler
  }
}

module keyVault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
    officerPrincipalId: principalId
    officerPrincipalType: principalType
  }
}

module scheduler 'modules/durableTaskScheduler.bicep' = if (useScheduler) {
  name: 'durable-task-scheduler'
  scope: rg
  params: {
    name: names.scheduler
    location: location
    tags: tags
    taskHubName: taskHubName
    appPrincipalId: identity.outputs.principalId
  }
}

module functionApp 'modules/functionApp.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerUrl: storage.outputs.deploymentContainerUrl
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    durableBackend: durableBackend
    durableTaskSchedulerEndpoint: scheduler.?outputs.endpoint ?? ''
    taskHubName: taskHubName
    corsAllowedOrigins: empty(corsAllowedOrigins) ? [] : map(split(corsAllowedOrigins, ','), origin => trim(origin))
    publicBaseUrl: publicBaseUrl
    frontendReturnUrl: frontendReturnUrl
    maximumInstanceCount: maximumInstanceCount
    // The settings src/config.ts reads (README "Settings"); none is a secret.
    recoverySettings: {
      RECOVERY_STORAGE_ACCOUNT_URL: storage.outputs.tableEndpoint
      RECOVERY_TABLE_PREFIX: tablePrefix
      TENANT_ID: tenant().tenantId
      AZURE_CREDENTIAL: 'default'
      VERIFIED_ID_AUTHORITY: verifiedIdAuthority
      VERIFIED_ID_CLIENT_NAME: verifiedIdClientName
      IDV_PROVIDERS: idvProviders
      POLICY_PROFILES: empty(policyProfiles) ? string(firstPolicy) : policyProfiles
      SECRETS_PROVIDER: 'keyvault'
      KEY_VAULT_URL: keyVault.outputs.uri
      // Admin API tokens: v2 access tokens carry the client id as aud (src/admin/auth.ts).
      ADMIN_API_CLIENT_ID: entra.?outputs.adminApiClientId ?? ''
      ADMIN_API_IDENTIFIER_URI: entra.?outputs.adminApiIdentifierUri ?? ''
    }
  }
}

module entra 'modules/entra.bicep' = if (deployEntra) {
  name: 'entra'
  scope: rg
  params: {
    adminApiUniqueName: names.adminApi
    adminApiDisplayName: 'Account recovery admin API (${environmentName})'
    // Not the Function App's output (that module reads this one's client id): the same origin, computed.
    adminConsoleRedirectUris: [
      '${empty(publicBaseUrl) ? 'https://${names.functionApp}.azurewebsites.net' : publicBaseUrl}/admin'
    ]
    appPrincipalId: identity.outputs.principalId
    grantVerifiedId: grantVerifiedIdPermission
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output FUNCTION_APP_NAME string = functionApp.outputs.name
output PUBLIC_BASE_URL string = functionApp.outputs.publicBaseUrl
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URL string = keyVault.outputs.uri
output MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output MANAGED_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output IDV_WEBHOOK_URL_TEMPLATE string = '${functionApp.outputs.publicBaseUrl}/api/idv/{provider}/webhook'
output IDV_RETURN_URL_TEMPLATE string = '${functionApp.outputs.publicBaseUrl}/api/idv/{provider}/return'
output VERIFIED_ID_CALLBACK_URL string = '${functionApp.outputs.publicBaseUrl}/api/verified-id/callback'
output JWKS_URL string = '${functionApp.outputs.publicBaseUrl}/api/.well-known/jwks.json'
output ADMIN_API_CLIENT_ID string = entra.?outputs.adminApiClientId ?? ''
output ADMIN_API_IDENTIFIER_URI string = entra.?outputs.adminApiIdentifierUri ?? ''
output DURABLE_BACKEND string = durableBackend
