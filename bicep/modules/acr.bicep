// The image registry. Jenkins pushes with its own identity (AcrPush, granted outside this
// template: docs/deploy.md); the AKS kubelet pulls with AcrPull (aks.bicep). No admin user, no
// anonymous pull: only Entra identities.
param location string
param tags object
param name string

@allowed(['Basic', 'Standard', 'Premium'])
param sku string = 'Standard'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

output name string = registry.name
output loginServer string = registry.properties.loginServer
