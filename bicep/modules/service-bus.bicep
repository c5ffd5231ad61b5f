// The Service Bus namespace with exactly the entities of src/core/config/topology.json (passed in
// by main.bicep, which reads it with loadJsonContent): names AND properties come from that file,
// so the app's defaults, the emulator config, the manifests and Azure cannot drift apart
// (tests/deploy checks that every property in the file is mapped here).
//
// Premium: private endpoints (the pods reach Service Bus only through one) and predictable
// latency for session-heavy traffic. Local (SAS key) authentication is off: Entra identities only.
param location string
param tags object
param name string

@minValue(1)
param capacity int

@description('Contents of src/core/config/topology.json.')
param topology object

param privateEndpointName string
param privateEndpointSubnetId string
param privateDnsZoneId string

var ingress = topology.ingressQueue
var verified = topology.verifiedTopic
var parked = topology.parkedQueue

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Premium'
    tier: 'Premium'
    capacity: capacity
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    zoneRedundant: true
  }
}

// Sessions (sessionId = playerId: per-player order), duplicate detection (messageId = eventId),
// dead-lettering after maxDeliveryCount and on expiry (DESIGN §3).
resource ingressQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: ingress.name
  properties: {
    requiresSession: ingress.requiresSession
    requiresDuplicateDetection: ingress.requiresDuplicateDetection
    duplicateDetectionHistoryTimeWindow: ingress.duplicateDetectionHistoryTimeWindow
    maxDeliveryCount: ingress.maxDeliveryCount
    lockDuration: ingress.lockDuration
    defaultMessageTimeToLive: ingress.defaultMessageTimeToLive
    deadLetteringOnMessageExpiration: ingress.deadLetteringOnMessageExpiration
  }
}

// Poison messages the Functions host cannot dead-letter one at a time (docs/production-path.md):
// no sessions, no duplicate detection (a replayed message may be parked again), no consumer.
resource parkedQueue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: parked.name
  properties: {
    requiresSession: parked.requiresSession
    requiresDuplicateDetection: parked.requiresDuplicateDetection
    maxDeliveryCount: parked.maxDeliveryCount
    lockDuration: parked.lockDuration
    defaultMessageTimeToLive: parked.defaultMessageTimeToLive
    deadLetteringOnMessageExpiration: parked.deadLetteringOnMessageExpiration
  }
}

resource verifiedTopic 'Microsoft.ServiceBus/namespaces/topics@2022-10-01-preview' = {
  parent: namespace
  name: verified.name
  properties: {
    requiresDuplicateDetection: verified.requiresDuplicateDetection
    duplicateDetectionHistoryTimeWindow: verified.duplicateDetectionHistoryTimeWindow
    defaultMessageTimeToLive: verified.defaultMessageTimeToLive
  }
}

// One per entry of verifiedTopic.subscriptions (progression, leaderboard), sessions on.
resource subscriptions 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2022-10-01-preview' = [
  for subscription in items(verified.subscriptions): {
    parent: verifiedTopic
    name: subscription.value.name
    properties: {
      requiresSession: subscription.value.requiresSession
      maxDeliveryCount: subscription.value.maxDeliveryCount
      lockDuration: subscription.value.lockDuration
      deadLetteringOnMessageExpiration: subscription.value.deadLetteringOnMessageExpiration
    }
  }
]

module endpoint 'private-endpoint.bicep' = {
  name: 'pep-servicebus'
  params: {
    location: location
    tags: tags
    name: privateEndpointName
    subnetId: privateEndpointSubnetId
    privateLinkServiceId: namespace.id
    groupId: 'namespace'
    privateDnsZoneId: privateDnsZoneId
  }
}

output id string = namespace.id
output name string = namespace.name
// What SERVICEBUS_NAMESPACE and the host's SERVICEBUS_CONNECTION__fullyQualifiedNamespace hold.
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
