// Key Vault for the app's secrets (HMAC-KEYS, PLAYER-TOKEN-KEYS, RECEIPT-KEYS, REDIS-URL, MYSQL-URL,
// APPLICATIONINSIGHTS-CONNECTION-STRING) and the gateway's TLS certificate. Azure RBAC, not access
// policies: the app's identity gets Key Vault Secrets User (app-roles.bicep), operators Secrets
// Officer. The pods reach it through its private endpoint; operators' addresses may be allowed
// through the firewall to set secrets (operatorIpRanges).
param location string
param tags object
param name string
param purgeProtection bool
param operatorIpRanges array
param secretsOfficerPrincipalId string

param privateEndpointName string
param privateEndpointSubnetId string
param privateDnsZoneId string

var secretsOfficerRoleId = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // ARM rejects `false` here; leaving it out is how it stays off.
    enablePurgeProtection: purgeProtection ? true : null
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Deny'
      // Lets ARM itself write the secrets of key-vault-secrets.bicep during deployments.
      bypass: 'AzureServices'
      ipRules: [for range in operatorIpRanges: { value: range }]
    }
  }
}

resource secretsOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(secretsOfficerPrincipalId)) {
  name: guid(vault.id, secretsOfficerPrincipalId, secretsOfficerRoleId)
  scope: vault
  properties: {
    principalId: secretsOfficerPrincipalId
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', secretsOfficerRoleId)
  }
}

module endpoint 'private-endpoint.bicep' = {
  name: 'pep-keyvault'
  params: {
    location: location
    tags: tags
    name: privateEndpointName
    subnetId: privateEndpointSubnetId
    privateLinkServiceId: vault.id
    groupId: 'vault'
    privateDnsZoneId: privateDnsZoneId
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
