// LiveOps Functions on Azure: one environment (dev or prod) in its own resource group.
//
//   az deployment sub create --location koreacentral \
//     --template-file bicep/main.bicep --parameters bicep/main.prod.bicepparam
//
// Shape (docs/deploy.md): a VNet with an AKS cluster (Azure CNI, Cilium network policy, OIDC
// issuer, workload identity, KEDA and Key Vault CSI add-ons), a MySQL VM standing in for the
// on-prem database, and Service Bus, Redis, Storage and Key Vault reached through private
// endpoints. Workloads authenticate with a user-assigned identity federated to their Kubernetes
// service account: no connection string with a key is created for the app, except the Redis URL
// (the app's Redis client authenticates with a password; Bicep writes it into Key Vault itself).
//
// The outputs in UPPER_CASE are what k8s-keda/overlays/<env>/azure-deployment.yaml holds.
targetScope = 'subscription'

@minLength(1)
@maxLength(16)
@description('Environment name (dev, prod): part of the resource group name, the resource token and the tags.')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
param location string

@description('Extra tags for every resource.')
param tags object = {}

// --- Kubernetes identity (must match k8s-keda) ---------------------------------------------------
@description('Namespace of the LiveOps workloads (k8s-keda/overlays/<env> `namespace`).')
param kubernetesNamespace string

@description('Service account of the LiveOps pods (k8s-keda/base/serviceaccount.yaml).')
param kubernetesServiceAccount string = 'liveops-functions'

// --- Network ---------------------------------------------------------------------------------------
@description('Address space of the VNet.')
param vnetAddressPrefix string

@description('Subnet of the AKS nodes (pods use the overlay network, podCidr in modules/aks.bicep).')
param aksSubnetPrefix string

@description('Subnet of the private endpoints (Service Bus, Redis, Key Vault, Storage). The pods\' NetworkPolicy allows egress to it.')
param privateEndpointSubnetPrefix string

@description('Subnet of the MySQL VM. Its NSG admits 3306 from the AKS subnet only.')
param mysqlSubnetPrefix string

@description('Static private IP of the MySQL VM, inside mysqlSubnetPrefix (its TLS certificate names it).')
param mysqlPrivateIp string

@description('Public IP ranges (CIDR) allowed to reach the Kubernetes API server; empty = any.')
param apiServerAuthorizedIpRanges array = []

@description('Public IP ranges (CIDR) of operators allowed through the Key Vault firewall to set secrets; empty = private endpoint only.')
param operatorIpRanges array = []

@description('Object ID of the Entra group (or user) that manages Key Vault secrets (Key Vault Secrets Officer); empty = none.')
param secretsOfficerPrincipalId string = ''

// --- Sizes -------------------------------------------------------------------------------------------
@description('Kubernetes version; empty = the AKS default.')
param kubernetesVersion string = ''

@allowed(['Free', 'Standard'])
@description('AKS tier: Standard gives the API server an SLA.')
param aksTier string = 'Standard'

param aksNodeVmSize string = 'Standard_D4s_v5'
param aksNodeMinCount int = 3
param aksNodeMaxCount int = 6
param availabilityZones array = ['1', '2', '3']

@description('Service Bus Premium messaging units (Premium: private endpoints, and sessions at scale).')
param serviceBusCapacity int = 1

@description('Azure Cache for Redis SKU.')
param redisSku object = {
  name: 'Standard'
  family: 'C'
  capacity: 1
}

@allowed(['Standard_LRS', 'Standard_ZRS'])
param storageSku string = 'Standard_ZRS'

@description('Key Vault purge protection (cannot be turned off again once on).')
param keyVaultPurgeProtection bool = true

param mysqlVmSize string = 'Standard_D2s_v5'
param vmAdminUsername string = 'liveopsadmin'

@description('SSH public key of the MySQL VM admin (password login is disabled).')
param vmAdminSshPublicKey string

@secure()
@minLength(24)
@description('Password of the MySQL application user `liveops` (goes into MYSQL-URL in Key Vault).')
param mysqlAppPassword string

// --- Naming (azd style) ----------------------------------------------------------------------------
var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var allTags = union(tags, {
  'azd-env-name': environmentName
  application: 'liveops-functions'
})

// THE Service Bus topology: the same file the app's setting defaults come from
// (src/core/config/settings-services.ts). Entities and their properties are created from it.
var topology = loadJsonContent('../src/core/config/topology.json')

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: '${abbrs.resourcesResourceGroups}liveops-${environmentName}'
  location: location
  tags: allTags
}

module identities 'modules/identities.bicep' = {
  name: 'identities'
  scope: rg
  params: {
    location: location
    tags: allTags
    appIdentityName: '${abbrs.managedIdentityUserAssignedIdentities}liveops-${resourceToken}'
    kedaIdentityName: '${abbrs.managedIdentityUserAssignedIdentities}keda-${resourceToken}'
    aksIdentityName: '${abbrs.managedIdentityUserAssignedIdentities}aks-${resourceToken}'
  }
}

module network 'modules/network.bicep' = {
  name: 'network'
  scope: rg
  params: {
    location: location
    tags: allTags
    vnetName: '${abbrs.networkVirtualNetworks}${resourceToken}'
    natGatewayName: '${abbrs.networkNatGateways}${resourceToken}'
    natPublicIpName: '${abbrs.networkPublicIPAddresses}ng-${resourceToken}'
    nsgNamePrefix: '${abbrs.networkNetworkSecurityGroups}${resourceToken}'
    addressPrefix: vnetAddressPrefix
    aksSubnetPrefix: aksSubnetPrefix
    privateEndpointSubnetPrefix: privateEndpointSubnetPrefix
    mysqlSubnetPrefix: mysqlSubnetPrefix
    aksIdentityPrincipalId: identities.outputs.aksIdentityPrincipalId
  }
}

module privateDns 'modules/private-dns.bicep' = {
  name: 'private-dns'
  scope: rg
  params: {
    tags: allTags
    vnetId: network.outputs.vnetId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: allTags
    logAnalyticsName: '${abbrs.operationalInsightsWorkspaces}${resourceToken}'
    appInsightsName: '${abbrs.insightsComponents}${resourceToken}'
  }
}

module acr 'modules/acr.bicep' = {
  name: 'acr'
  scope: rg
  params: {
    location: location
    tags: allTags
    name: '${abbrs.containerRegistryRegistries}${resourceToken}'
  }
}

module aks 'modules/aks.bicep' = {
  name: 'aks'
  scope: rg
  params: {
    location: location
    tags: allTags
    name: '${abbrs.containerServiceManagedClusters}${resourceToken}'
    tier: aksTier
    kubernetesVersion: kubernetesVersion
    controlPlaneIdentityName: identities.outputs.aksIdentityName
    subnetId: network.outputs.aksSubnetId
    logAnalyticsWorkspaceId: monitoring.outputs.logAnalyticsWorkspaceId
    acrName: acr.outputs.name
    nodeVmSize: aksNodeVmSize
    nodeMinCount: aksNodeMinCount
    nodeMaxCount: aksNodeMaxCount
    availabilityZones: availabilityZones
    authorizedIpRanges: apiServerAuthorizedIpRanges
  }
}

// Federated credentials need the cluster's OIDC issuer, so they come after the cluster.
module federation 'modules/federated-credentials.bicep' = {
  name: 'federated-credentials'
  scope: rg
  params: {
    appIdentityName: identities.outputs.appIdentityName
    kedaIdentityName: identities.outputs.kedaIdentityName
    oidcIssuerUrl: aks.outputs.oidcIssuerUrl
    kubernetesNamespace: kubernetesNamespace
    kubernetesServiceAccount: kubernetesServiceAccount
  }
}

// Service Bus, Redis, Storage and Key Vault each get a private endpoint in the private endpoint
// subnet, registered in its privatelink DNS zone, so their public host names resolve to private
// addresses inside the VNet (and the pods' NetworkPolicy can name that subnet).
module serviceBus 'modules/service-bus.bicep' = {
  name: 'service-bus'
  scope: rg
  params: {
    location: location
    tags: allTags
    name: '${abbrs.serviceBusNamespaces}${resourceToken}'
    capacity: serviceBusCapacity
    topology: topology
    privateEndpointName: '${abbrs.networkPrivateEndpoints}sb-${resourceToken}'
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    privateDnsZoneId: privateDns.outputs.serviceBusZoneId
  }
}

module redis 'modules/redis.bicep' = {
  name: 'redis'
  scope: rg
  params: {
    location: location
    tags: allTags
    name: '${abbrs.cacheRedis}${resourceToken}'
    sku: redisSku
    privateEndpointName: '${abbrs.networkPrivateEndpoints}redis-${resourceToken}'
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    privateDnsZoneId: privateDns.outputs.redisZoneId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: allTags
    name: '${abbrs.storageStorageAccounts}${resourceToken}'
    sku: storageSku
    privateEndpointNamePrefix: '${abbrs.networkPrivateEndpoints}st-${resourceToken}'
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    blobDnsZoneId: privateDns.outputs.blobZoneId
    tableDnsZoneId: privateDns.outputs.tableZoneId
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    location: location
    tags: allTags
    name: '${abbrs.keyVaultVaults}${resourceToken}'
    purgeProtection: keyVaultPurgeProtection
    operatorIpRanges: operatorIpRanges
    secretsOfficerPrincipalId: secretsOfficerPrincipalId
    privateEndpointName: '${abbrs.networkPrivateEndpoints}kv-${resourceToken}'
    privateEndpointSubnetId: network.outputs.privateEndpointSubnetId
    privateDnsZoneId: privateDns.outputs.keyVaultZoneId
  }
}

module mysqlVm 'modules/mysql-vm.bicep' = {
  name: 'mysql-vm'
  scope: rg
  params: {
    location: location
    tags: allTags
    name: '${abbrs.computeVirtualMachines}mysql-${resourceToken}'
    nicName: '${abbrs.networkNetworkInterfaces}mysql-${resourceToken}'
    subnetId: network.outputs.mysqlSubnetId
    privateIp: mysqlPrivateIp
    vmSize: mysqlVmSize
    adminUsername: vmAdminUsername
    sshPublicKey: vmAdminSshPublicKey
    mysqlAppPassword: mysqlAppPassword
  }
}

// Least privilege for the app's identity, the Manage right KEDA needs for its own identity.
module roles 'modules/app-roles.bicep' = {
  name: 'app-roles'
  scope: rg
  params: {
    appIdentityName: identities.outputs.appIdentityName
    kedaIdentityName: identities.outputs.kedaIdentityName
    serviceBusName: serviceBus.outputs.name
    topology: topology
    storageName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
  }
}

module secrets 'modules/key-vault-secrets.bicep' = {
  name: 'key-vault-secrets'
  scope: rg
  params: {
    keyVaultName: keyVault.outputs.name
    redisName: redis.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

// --- Outputs: k8s-keda/overlays/<env>/azure-deployment.yaml (docs/deploy.md) -------------------
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_CLIENT_ID string = identities.outputs.appIdentityClientId
output KEDA_CLIENT_ID string = identities.outputs.kedaIdentityClientId
output KEY_VAULT_NAME string = keyVault.outputs.name
output KEY_VAULT_URI string = keyVault.outputs.uri
output GATEWAY_TLS_CERT_URI string = '${keyVault.outputs.uri}certificates/liveops-gateway'
output SERVICEBUS_NAMESPACE string = serviceBus.outputs.fullyQualifiedNamespace
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output TABLES_ENDPOINT string = storage.outputs.tableEndpoint
output PRIVATE_ENDPOINT_SUBNET_CIDR string = privateEndpointSubnetPrefix
output MYSQL_SUBNET_CIDR string = mysqlSubnetPrefix

// --- Outputs for operators and Jenkins ------------------------------------------------------------
output AZURE_RESOURCE_GROUP string = rg.name
output AKS_CLUSTER_NAME string = aks.outputs.name
output ACR_NAME string = acr.outputs.name
output ACR_LOGIN_SERVER string = acr.outputs.loginServer
output MYSQL_VM_NAME string = mysqlVm.outputs.name
output MYSQL_PRIVATE_IP string = mysqlPrivateIp
output KUBERNETES_NAMESPACE string = kubernetesNamespace
