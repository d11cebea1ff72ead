// The Function App on the Flex Consumption plan (Linux, Node.js 22), running as the
// user-assigned identity. HTTPS only, TLS 1.2 minimum, FTP and basic-auth publishing off,
// CORS limited to the configured front-end origins. App settings hold no secret: storage,
// telemetry, Key Vault and the Durable backend are all reached with the identity.

@description('Name of the Function App.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region.')
param location string

@description('Tags for the resources (the app also gets azd-service-name).')
param tags { *: string }

@description('Resource id of the app\'s user-assigned managed identity.')
param identityId string

@description('Client id of that identity (DefaultAzureCredential and the identity-based connections pick it by this).')
param identityClientId string

@description('Name of the storage account (host storage, task hub, app tables).')
param storageAccountName string

@description('Blob container URL of the deployment package.')
param deploymentContainerUrl string

@description('Application Insights connection string (identifies the component; not a secret).')
param applicationInsightsConnectionString string

@description('Durable backend: AzureStorage or DurableTaskScheduler.')
@allowed(['AzureStorage', 'DurableTaskScheduler'])
param durableBackend string

@description('Durable Task Scheduler endpoint (DurableTaskScheduler backend only).')
param durableTaskSchedulerEndpoint string = ''

@description('Durable task hub name.')
param taskHubName string

@description('Front-end origins allowed by CORS (https://...). Empty: no cross-origin browser calls.')
param corsAllowedOrigins string[]

@description('Settings the app reads (src/config.ts SETTINGS), computed by main.bicep; PUBLIC_BASE_URL and FRONTEND_RETURN_URL are added here.')
param recoverySettings { *: string }

@description('Public origin of the app (custom domain or front door). Empty: https://<default host name>.')
param publicBaseUrl string = ''

@description('Where the browser returns after the IDV provider. Empty: the reference page, <public origin>/recover.')
param frontendReturnUrl string = ''

@description('Maximum number of instances Flex Consumption may scale out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory per instance in MB (2048 or 4096).')
@allowed([2048, 4096])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: deploymentContainerUrl
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  resource ftp 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: { allow: false }
  }

  resource scm 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: { allow: false }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: union(platformSettings, durableSettings, recoverySettings, urlSettings)
  }
}

// Read by the Functions host and the Azure SDK, not by src/config.ts (docs/deploy.md lists both).
var platformSettings = {
  // Host storage through the identity: no connection string, no key.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // DefaultAzureCredential picks the user-assigned identity by this.
  AZURE_CLIENT_ID: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  // The bundle is minified: map stack traces back to src/.
  NODE_OPTIONS: '--enable-source-maps'
  DURABLE_TASK_HUB_NAME: taskHubName
}

// host.json names the Azure Storage backend; the Durable Task Scheduler replaces it through
// the host's AzureFunctionsJobHost__ overrides, so one package serves both backends.
var durableSettings = durableBackend == 'DurableTaskScheduler'
  ? {
      DURABLE_TASK_SCHEDULER_CONNECTION_STRING: 'Endpoint=${durableTaskSchedulerEndpoint};Authentication=ManagedIdentity;ClientID=${identityClientId}'
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__type: 'azureManaged'
      AzureFunctionsJobHost__extensions__durableTask__storageProvider__connectionStringName: 'DURABLE_TASK_SCHEDULER_CONNECTION_STRING'
    }
  : {}

var publicOrigin = empty(publicBaseUrl) ? 'https://${functionApp.properties.defaultHostName}' : publicBaseUrl
var urlSettings = {
  PUBLIC_BASE_URL: publicOrigin
  FRONTEND_RETURN_URL: empty(frontendReturnUrl) ? '${publicOrigin}/recover' : frontendReturnUrl
}

output publicBaseUrl string = publicOrigin
output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
