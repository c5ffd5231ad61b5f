// Log Analytics (AKS container logs) and workspace-based Application Insights (the app exports to
// it when APPLICATIONINSIGHTS_CONNECTION_STRING is set; key-vault-secrets.bicep puts the
// connection string into Key Vault). Metrics themselves go to Prometheus (k8s-keda PodMonitor).
param location string
param tags object
param logAnalyticsName string
param appInsightsName string

@description('Days of retention in Log Analytics.')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

output logAnalyticsWorkspaceId string = workspace.id
output appInsightsName string = appInsights.name
