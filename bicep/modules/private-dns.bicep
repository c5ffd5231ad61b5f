// privatelink DNS zones, linked to the VNet: inside it, each service's public host name resolves to
// its private endpoint (the CNAME to privatelink.* is the service's own).
param tags object
param vnetId string

// Public-cloud zone names (Azure China or Government use other suffixes). An array, not an
// object, so the outputs below can index the zones in a known order.
var zoneNames = [
  'privatelink.servicebus.windows.net'
  'privatelink.redis.cache.windows.net'
  'privatelink.vaultcore.azure.net'
  'privatelink.blob.${environment().suffixes.storage}'
  'privatelink.table.${environment().suffixes.storage}'
]

resource zones 'Microsoft.Network/privateDnsZones@2020-06-01' = [
  for zoneName in zoneNames: {
    name: zoneName
    location: 'global'
    tags: tags
  }
]

resource links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [
  for (zoneName, i) in zoneNames: {
    parent: zones[i]
    name: 'vnet-link'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: {
        id: vnetId
      }
    }
  }
]

output serviceBusZoneId string = zones[0].id
output redisZoneId string = zones[1].id
output keyVaultZoneId string = zones[2].id
output blobZoneId string = zones[3].id
output tableZoneId string = zones[4].id
