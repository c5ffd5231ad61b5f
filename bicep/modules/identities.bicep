// User-assigned identities. Created first: the network needs the AKS one for its role, the
// federated credentials (federated-credentials.bicep) come once the cluster's OIDC issuer exists.
param location string
param tags object

@description('The LiveOps pods (service account liveops-functions): Service Bus send/receive, Tables, host Blob storage, Key Vault secrets.')
param appIdentityName string

@description('The KEDA operator of the AKS add-on: reads Service Bus entity runtime properties to scale.')
param kedaIdentityName string

@description('The AKS control plane: manages the cluster\'s network resources in the VNet.')
param aksIdentityName string

resource app 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: appIdentityName
  location: location
  tags: tags
}

resource keda 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: kedaIdentityName
  location: location
  tags: tags
}

resource aks 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: aksIdentityName
  location: location
  tags: tags
}

output appIdentityName string = app.name
output appIdentityClientId string = app.properties.clientId
output kedaIdentityName string = keda.name
output kedaIdentityClientId string = keda.properties.clientId
output aksIdentityName string = aks.name
output aksIdentityPrincipalId string = aks.properties.principalId
