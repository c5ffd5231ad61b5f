// Least-privilege data-plane roles, each at the narrowest scope that works:
//
// app identity (every LiveOps pod, through service account liveops-functions)
//   Azure Service Bus Data Sender    ingress queue (gateway publishes), verified topic (fairness
//                                    publishes; delayed redelivery reschedules onto it), parked
//                                    queue (consumers under the Functions host park poison)
//   Azure Service Bus Data Receiver  ingress queue (fairness), each topic subscription
//                                    (progression, leaderboard)
//   Storage Table Data Contributor   the storage account (fairness audit trail, quarantine)
//   Storage Blob Data Owner          the storage account: what the Functions host needs for
//                                    AzureWebJobsStorage (timer schedule and singleton leases)
//   Key Vault Secrets User           the vault (read secrets: the CSI driver, the app's fallback)
//
// KEDA identity (the add-on's operator)
//   Azure Service Bus Data Owner     the ingress queue and the verified topic only: counting
//                                    messages reads runtime properties, which needs Manage.
param appIdentityName string
param kedaIdentityName string
param serviceBusName string

@description('Contents of src/core/config/topology.json (entity names).')
param topology object
param storageName string
param keyVaultName string

var roles = {
  serviceBusDataSender: '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39'
  serviceBusDataReceiver: '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0'
  serviceBusDataOwner: '090c5cfd-751d-490a-894a-3ce6f1109419'
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

var subscriptionNames = map(items(topology.verifiedTopic.subscriptions), s => s.value.name)

resource app 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: appIdentityName
}

resource keda 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: kedaIdentityName
}

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' existing = {
  name: serviceBusName
}

resource ingressQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = {
  parent: namespace
  name: topology.ingressQueue.name
}

resource parkedQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' existing = {
  parent: namespace
  name: topology.parkedQueue.name
}

resource verifiedTopic 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' existing = {
  parent: namespace
  name: topology.verifiedTopic.name
}

resource topicSubscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' existing = [
  for name in subscriptionNames: {
    parent: verifiedTopic
    name: name
  }
]

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource queueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ingressQueue.id, app.id, roles.serviceBusDataSender)
  scope: ingressQueue
  properties: {
    principalId: app.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
  }
}

resource queueReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ingressQueue.id, app.id, roles.serviceBusDataReceiver)
  scope: ingressQueue
  properties: {
    principalId: app.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
  }
}

// Consumers under the Functions host send poison messages here (src/functions/bus/park-poison.ts).
resource parkedSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(parkedQueue.id, app.id, roles.serviceBusDataSender)
  scope: parkedQueue
  properties: {
    principalId: app.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
  }
}

resource topicSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(verifiedTopic.id, app.id, roles.serviceBusDataSender)
  scope: verifiedTopic
  properties: {
    principalId: app.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataSender)
  }
}

resource subscriptionReceivers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (name, i) in subscriptionNames: {
    name: guid(topicSubscriptions[i].id, app.id, roles.serviceBusDataReceiver)
    scope: topicSubscriptions[i]
    properties: {
      principalId: app.properties.principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataReceiver)
    }
  }
]

resource tableContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, app.id, roles.storageTableDataContributor)
  scope: storage
  properties: {
    principalId: app.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageTableDataContributor)
  }
}

resource hostBlobOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, app.id, roles.storageBlobDataOwner)
  scope: storage
  properties: {
    principalId: app.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, roles.keyVaultSecretsUser)
  scope: vault
  properties: {
    principalId: app.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.keyVaultSecretsUser)
  }
}

resource kedaQueueOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(ingressQueue.id, keda.id, roles.serviceBusDataOwner)
  scope: ingressQueue
  properties: {
    principalId: keda.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataOwner)
  }
}

resource kedaTopicOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(verifiedTopic.id, keda.id, roles.serviceBusDataOwner)
  scope: verifiedTopic
  properties: {
    principalId: keda.properties.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.serviceBusDataOwner)
  }
}
