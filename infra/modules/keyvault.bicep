// Key Vault for the app's secrets (hand-off signing key, TAP hand-off key, IDV webhook
// secrets). RBAC mode (no access policies), soft delete and purge protection on. The app
// reads secrets (Key Vault Secrets User); it uses no Key Vault keys, so it gets no
// crypto role. The deploying admin may get Key Vault Secrets Officer here, on this vault
// only, to load the provider secrets after `azd up`.

@description('Name of the vault (3–24 letters, digits and hyphens, globally unique).')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags { *: string }

@description('Principal (object) id of the app\'s managed identity.')
param appPrincipalId string

@description('Principal (object) id of the admin who deploys; gets Key Vault Secrets Officer on this vault. Empty: nobody.')
param officerPrincipalId string = ''

@description('Type of that principal: User, Group or ServicePrincipal.')
@allowed(['User', 'Group', 'ServicePrincipal'])
param officerPrincipalType string = 'User'

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'
var keyVaultSecretsOfficer = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    enabledForDeployment: false
    enabledForTemplateDeployment: false
    enabledForDiskEncryption: false
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

resource appReadsSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource adminManagesSecrets 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(officerPrincipalId)) {
  name: guid(vault.id, officerPrincipalId, keyVaultSecretsOfficer)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsOfficer)
    principalId: officerPrincipalId
    principalType: officerPrincipalType
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
