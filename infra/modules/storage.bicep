// One storage account for the Functions host (AzureWebJobsStorage), the Durable task hub
// (Azure Storage backend), the app's own tables and the Flex Consumption deployment
// package. Shared-key access is disabled: everything, the host included, authenticates
// with the managed identity. The data roles are granted on this account only.

@description('Name of the storage account (3–24 lowercase letters and digits).')
param name string

@description('Azure region.')
param location string

@description('Tags for the resources.')
param tags { *: string }

@description('Principal (object) id of the app\'s managed identity.')
param appPrincipalId string

@description('Blob container that holds the deployment package (Flex Consumption).')
param deploymentContainerName string

@description('Grant the queue data role: the Azure Storage Durable backend keeps its control and work-item queues here. Not needed with the Durable Task Scheduler.')
param grantQueueAccess bool

var roles = {
  // The Functions host keeps its locks (blob leases) and keys in blobs and reads the
  // deployment package; the host storage guidance asks for Owner, not Contributor.
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // The app's tables (recoveries, locks, audit, ...) and the Durable history/instances tables.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
}

var granted = union(
  {
    blob: roles.storageBlobDataOwner
    table: roles.storageTableDataContributor
  },
  grantQueueAccess ? { queue: roles.storageQueueDataContributor } : {}
)

resource storage 'Microsoft.Storage/storageAccounts@2026-09-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }

  resource blobService 'blobServices' = {
    name: 'default'

    resource deploymentContainer 'containers' = {
      name: deploymentContainerName
      properties: { publicAccess: 'None' }
    }
  }
}

resource dataRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(granted): {
    name: guid(storage.id, appPrincipalId, role.value)
    scope: storage
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
      principalId: appPrincipalId
      principalType: 'ServicePrincipal'
    }
  }
]

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output tableEndpoint string = storage.properties.primaryEndpoints.table
output deploymentContainerUrl string = '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
