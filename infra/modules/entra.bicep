// The Entra side, through the Microsoft Graph Bicep extension (declarative, so a re-run
// changes nothing that is already right):
//  - the admin API's app registration with the app roles Recovery.Admin,
//    Recovery.Reader and Recovery.Helpdesk, and its service principal (assignment required: only users or apps
//    given a role get a token for it); the same registration is the admin console's
//    single-page app (SPA platform, redirect URI {PUBLIC_BASE_URL}/admin: authorization code
//    with PKCE, no secret), which asks for tokens for itself ({clientId}/.default);
//  - the Microsoft Graph application permissions the recovery flow needs (docs/facts.md §8),
//    granted to the app's managed identity — and nothing more;
//  - the Verified ID Request Service permission to create presentation requests.
// Deploying this needs, in Entra: Application Administrator (or Cloud Application
// Administrator) to create the registration and Privileged Role Administrator to grant
// application permissions. Without them, set deployEntra=false and follow docs/deploy.md.
extension 'br:mcr.microsoft.com/bicep/extensions/microsoftgraph/v1.0:1.0.0'

@description('Unique name of the admin API app registration in the tenant (the idempotency key of the registration).')
param adminApiUniqueName string

@description('Display name of the admin API app registration.')
param adminApiDisplayName string

@description('Redirect URIs of the admin console (SPA platform): {PUBLIC_BASE_URL}/admin.')
param adminConsoleRedirectUris string[]

@description('Principal (object) id of the app\'s managed identity.')
param appPrincipalId string

@description('Grant the Verified ID Request Service permission (needs Verified ID set up in the tenant, so its service principal exists).')
param grantVerifiedId bool = true

// Well-known application ids (the same in every tenant).
var microsoftGraphAppId = '00000003-0000-0000-c000-000000000000'
var verifiedIdRequestServiceAppId = '3db474b9-6a0c-4840-96ac-1fceb342124f'

// docs/facts.md §8: exactly what the flow and the preflight diagnostics call (the same list as
// src/admin/diagnostics/permissions.ts). Least privilege: User.RevokeSessions.All rather than
// User.ReadWrite.All; Policy.Read.All only reads the TAP and Conditional Access policies;
// RoleManagement.Read.Directory rather than Directory.Read.All.
var graphPermissions = [
  'UserAuthenticationMethod.ReadWrite.All' // delete methods, create the TAP
  'User.Read.All' // find the account, its names, namesakes
  'GroupMember.Read.All' // profile scope: checkMemberGroups
  'AuditLog.Read.All' // signInActivity (prior successful sign-in)
  'User.RevokeSessions.All' // revokeSignInSessions
  'Policy.Read.All' // the Temporary Access Pass policy
  'Mail.Send' // recovery notices (NIST 800-63B-4): restrict it to the sender mailbox with Exchange RBAC for Applications
  'RoleManagement.Read.Directory' // preflight diagnostics: holders of privileged directory roles in Production scope
]

var adminRoles = [
  {
    value: 'Recovery.Admin'
    displayName: 'Recovery administrator'
    description: 'Manage policy profiles, run diagnostics and read recoveries with their audit trail.'
  }
  {
    value: 'Recovery.Reader'
    displayName: 'Recovery reader'
    description: 'Read policy profiles, diagnostics, recoveries and their audit trail.'
  }
  {
    value: 'Recovery.Helpdesk'
    displayName: 'Recovery helpdesk agent'
    description: 'Have a caller verified by the recovery flow (helpdesk verification links) and read the verdicts: never a Temporary Access Pass.'
  }
]

resource adminApi 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: adminApiUniqueName
  displayName: adminApiDisplayName
  signInAudience: 'AzureADMyOrg'
  identifierUris: ['api://${tenant().tenantId}/${adminApiUniqueName}']
  api: {
    requestedAccessTokenVersion: 2
  }
  spa: {
    redirectUris: adminConsoleRedirectUris
  }
  appRoles: [
    for role in adminRoles: {
      id: guid(adminApiUniqueName, role.value)
      value: role.value
      displayName: role.displayName
      description: role.description
      allowedMemberTypes: ['User', 'Application']
      isEnabled: true
    }
  ]
}

resource adminApiPrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: adminApi.appId
  appRoleAssignmentRequired: true
}

resource microsoftGraph 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: microsoftGraphAppId
}

resource graphGrants 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for permission in graphPermissions: {
    appRoleId: filter(microsoftGraph.appRoles, role => role.value == permission)[0].id
    principalId: appPrincipalId
    resourceId: microsoftGraph.id
  }
]

resource verifiedIdService 'Microsoft.Graph/servicePrincipals@v1.0' existing = if (grantVerifiedId) {
  appId: verifiedIdRequestServiceAppId
}

resource verifiedIdGrant 'Microsoft.Graph/appRoleAssignedTo@v1.0' = if (grantVerifiedId) {
  appRoleId: filter(verifiedIdService!.appRoles, role => role.value == 'VerifiableCredential.Create.PresentRequest')[0].id
  principalId: appPrincipalId
  resourceId: verifiedIdService!.id
}

output adminApiClientId string = adminApi.appId
output adminApiIdentifierUri string = 'api://${tenant().tenantId}/${adminApiUniqueName}'
output grantedGraphPermissions string[] = graphPermissions
