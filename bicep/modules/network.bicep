// VNet with three subnets: AKS nodes, private endpoints, and the MySQL VM (the "on-prem" database
// of the original architecture, reached over the private network only). A NAT gateway gives the
// nodes and the VM a fixed outbound address (image pulls, apt).
param location string
param tags object
param vnetName string
param natGatewayName string
param natPublicIpName string
param nsgNamePrefix string
param addressPrefix string
param aksSubnetPrefix string
param privateEndpointSubnetPrefix string
param mysqlSubnetPrefix string

@description('Principal of the AKS control plane identity; it manages load balancers and routes in this VNet.')
param aksIdentityPrincipalId string

var networkContributorRoleId = '4d97b98b-1d4f-4787-a291-c67834d212e7'

resource natIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: natPublicIpName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    publicIPAllocationMethod: 'Static'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-05-01' = {
  name: natGatewayName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 10
    publicIpAddresses: [
      {
        id: natIp.id
      }
    ]
  }
}

// The MySQL VM: 3306 from the AKS subnet and nothing else (no SSH from anywhere: administer it with
// `az vm run-command`, docs/deploy.md). The explicit deny at the lowest priority also overrides
// Azure's default AllowVnetInBound, so no other subnet of the VNet reaches it either.
resource mysqlNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${nsgNamePrefix}-mysql'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'allow-mysql-from-aks'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: aksSubnetPrefix
          sourcePortRange: '*'
          destinationAddressPrefix: mysqlSubnetPrefix
          destinationPortRange: '3306'
        }
      }
      {
        name: 'deny-all-inbound'
        properties: {
          priority: 4096
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

// Private endpoints: only the AKS subnet, only the service ports (Service Bus AMQP 5671 and HTTPS,
// Key Vault and Storage HTTPS, Redis TLS 6380). Enforced because the subnet turns on network
// policies for private endpoints below.
resource privateEndpointNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: '${nsgNamePrefix}-pep'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'allow-services-from-aks'
        properties: {
          priority: 100
          direction: 'Inbound'
          access: 'Allow'
          protocol: 'Tcp'
          sourceAddressPrefix: aksSubnetPrefix
          sourcePortRange: '*'
          destinationAddressPrefix: privateEndpointSubnetPrefix
          destinationPortRanges: ['443', '5671', '6380']
        }
      }
      {
        name: 'deny-all-inbound'
        properties: {
          priority: 4096
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: '*'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: vnetName
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [addressPrefix]
    }
    subnets: [
      {
        // Nodes only: pods get overlay addresses (Azure CNI Overlay) and leave the node SNATed to
        // its address in this subnet, which is what the MySQL NSG admits.
        name: 'snet-aks'
        properties: {
          addressPrefix: aksSubnetPrefix
          natGateway: {
            id: natGateway.id
          }
        }
      }
      {
        name: 'snet-private-endpoints'
        properties: {
          addressPrefix: privateEndpointSubnetPrefix
          networkSecurityGroup: {
            id: privateEndpointNsg.id
          }
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
      {
        name: 'snet-mysql'
        properties: {
          addressPrefix: mysqlSubnetPrefix
          networkSecurityGroup: {
            id: mysqlNsg.id
          }
          natGateway: {
            id: natGateway.id
          }
        }
      }
    ]
  }
}

// AKS with a user-assigned control plane identity in a VNet it does not own needs Network
// Contributor there before the cluster is created.
resource aksNetworkContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vnet.id, aksIdentityPrincipalId, networkContributorRoleId)
  scope: vnet
  properties: {
    principalId: aksIdentityPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', networkContributorRoleId)
  }
}

output vnetId string = vnet.id
output aksSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'snet-aks')
output privateEndpointSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'snet-private-endpoints')
output mysqlSubnetId string = resourceId('Microsoft.Network/virtualNetworks/subnets', vnet.name, 'snet-mysql')
