// The app's one identity: a user-assigned managed identity. Every Azure role and every
// Microsoft Graph / Verified ID permission is granted to it, never to the Function App's
// system identity, so it survives app re-creation and its grants are reviewable in one place.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region.')
param location string

@description('Tags for the resource.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
