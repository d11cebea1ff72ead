// What `azd up` passes to main.bicep: azd compiles this file with `bicep build-params`, its
// environment (`azd env set NAME value`) readable through readEnvironmentVariable; azd adds
// AZURE_PRINCIPAL_ID (the signed-in admin). A variable without a default here must be set
// before `azd up` (docs/deploy.md, "Parameters").
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME')
param location = readEnvironmentVariable('AZURE_LOCATION')
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param durableBackend = readEnvironmentVariable('RECOVERY_DURABLE_BACKEND', 'AzureStorage')
param verifiedIdAuthority = readEnvironmentVariable('RECOVERY_VERIFIED_ID_AUTHORITY')
param verifiedIdClientName = readEnvironmentVariable('RECOVERY_VERIFIED_ID_CLIENT_NAME', 'Account recovery')
param idvProviders = readEnvironmentVariable('RECOVERY_IDV_PROVIDERS')
param recoveryGroupObjectId = readEnvironmentVariable('RECOVERY_GROUP_OBJECT_ID', '')
param policyProfiles = readEnvironmentVariable('RECOVERY_POLICY_PROFILES', '')
param corsAllowedOrigins = readEnvironmentVariable('RECOVERY_CORS_ALLOWED_ORIGINS', '')
param publicBaseUrl = readEnvironmentVariable('RECOVERY_PUBLIC_BASE_URL', '')
param frontendReturnUrl = readEnvironmentVariable('RECOVERY_FRONTEND_RETURN_URL', '')
param deployEntra = bool(readEnvironmentVariable('RECOVERY_DEPLOY_ENTRA', 'true'))
param grantVerifiedIdPermission = bool(readEnvironmentVariable('RECOVERY_GRANT_VERIFIED_ID', 'true'))
