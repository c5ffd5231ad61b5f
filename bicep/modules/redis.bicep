// Azure Cache for Redis: TLS only (the non-TLS port is disabled, TLS 1.2 at least), reachable
// only through its private endpoint. The app connects with rediss://:<access key>@host:6380
// (REDIS-URL in Key Vault, written by key-vault-secrets.bicep): its Redis client authenticates
// with a password, so this is the one access key the deployment relies on. Rotate it with
// `az redis regenerate-keys` followed by a redeployment of key-vault-secrets (docs/deploy.md).
param location string
param tags object
param name string

@description('{ name: Basic|Standard|Premium, family: C|P, capacity: 0..6 }')
param sku object

param privateEndpointName string
param privateEndpointSubnetId string
param privateDnsZoneId string

resource cache 'Microsoft.Cache/redis@2024-03-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: {
      name: sku.name
      family: sku.family
      capacity: sku.capacity
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    redisVersion: '6'
    redisConfiguration: {
      // Leaderboards and idempotency records must not be evicted to make room: fail writes loudly
      // instead (the gateway answers 503), and alert on memory.
      'maxmemory-policy': 'noeviction'
    }
  }
}

module endpoint 'private-endpoint.bicep' = {
  name: 'pep-redis'
  params: {
    location: location
    tags: tags
    name: privateEndpointName
    subnetId: privateEndpointSubnetId
    privateLinkServiceId: cache.id
    groupId: 'redisCache'
    privateDnsZoneId: privateDnsZoneId
  }
}

output id string = cache.id
output name string = cache.name
