// The secrets Azure itself knows, written straight into Key Vault by the deployment, so no person
// and no pipeline log ever sees them. The others (HMAC-KEYS, PLAYER-TOKEN-KEYS, RECEIPT-KEYS, MYSQL-URL) are set by
// an operator: docs/deploy.md "Secrets".
param keyVaultName string
param redisName string
param appInsightsName string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource redis 'Microsoft.Cache/redis@2024-03-01' existing = {
  name: redisName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

// rediss:// (TLS) on the SSL port; the key is URL-encoded because it may contain '/', '+' or '='.
resource redisUrl 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'REDIS-URL'
  properties: {
    contentType: 'text/uri'
    value: 'rediss://:${uriComponent(redis.listKeys().primaryKey)}@${redis.properties.hostName}:${redis.properties.sslPort}'
  }
}

resource appInsightsConnection 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'APPLICATIONINSIGHTS-CONNECTION-STRING'
  properties: {
    contentType: 'text/plain'
    value: appInsights.properties.ConnectionString
  }
}
