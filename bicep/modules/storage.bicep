// Storage for Table Storage (fairness audit trail, quarantine: TABLES_ENDPOINT) and for the
// Functions host's own state (AzureWebJobsStorage__accountName: timer schedule, singleton leases).
// Shared keys are disabled: only Entra identities (app-roles.bicep), through private endpoints.
param location string
param tags object
param name string

@allowed(['Standard_LRS', 'Standard_ZRS'])
param sku string

param privateEndpointNamePrefix string
param privateEndpointSubnetId string
param blobDnsZoneId string
param tableDnsZoneId string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: sku
  }
  properties: {
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
    }
  }
}

module blobEndpoint 'private-endpoint.bicep' = {
  name: 'pep-blob'
  params: {
    location: location
    tags: tags
    name: '${privateEndpointNamePrefix}-blob'
    subnetId: privateEndpointSubnetId
    privateLinkServiceId: account.id
    groupId: 'blob'
    privateDnsZoneId: blobDnsZoneId
  }
}

module tableEndpoint 'private-endpoint.bicep' = {
  name: 'pep-table'
  params: {
    location: location
    tags: tags
    name: '${privateEndpointNamePrefix}-table'
    subnetId: privateEndpointSubnetId
    privateLinkServiceId: account.id
    groupId: 'table'
    privateDnsZoneId: tableDnsZoneId
  }
}

output id string = account.id
output name string = account.name
output tableEndpoint string = account.properties.primaryEndpoints.table
