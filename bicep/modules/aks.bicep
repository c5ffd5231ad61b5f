// The AKS cluster. Everything the manifests in k8s-keda rely on is switched on here:
// - OIDC issuer + workload identity: pods and the KEDA operator get Entra tokens for their
//   service accounts (federated-credentials.bicep), no secrets;
// - KEDA add-on (workloadAutoScalerProfile): the ScaledObjects and TriggerAuthentication;
// - Key Vault secrets provider add-on: the SecretProviderClass (with rotation);
// - application routing add-on (managed NGINX): the gateway Ingress;
// - Azure CNI (overlay) with the Cilium dataplane, which enforces the NetworkPolicies;
// - Entra ID authentication with Azure RBAC for Kubernetes, local accounts off.
param location string
param tags object
param name string

@allowed(['Free', 'Standard'])
param tier string
param kubernetesVersion string
param controlPlaneIdentityName string
param subnetId string
param logAnalyticsWorkspaceId string
param acrName string
param nodeVmSize string
param nodeMinCount int
param nodeMaxCount int
param availabilityZones array
param authorizedIpRanges array

var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource controlPlaneIdentity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: controlPlaneIdentityName
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: acrName
}

resource cluster 'Microsoft.ContainerService/managedClusters@2024-09-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Base'
    tier: tier
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${controlPlaneIdentity.id}': {}
    }
  }
  properties: {
    kubernetesVersion: empty(kubernetesVersion) ? null : kubernetesVersion
    dnsPrefix: name
    enableRBAC: true
    disableLocalAccounts: true
    aadProfile: {
      managed: true
      enableAzureRBAC: true
    }
    oidcIssuerProfile: {
      enabled: true
    }
    securityProfile: {
      workloadIdentity: {
        enabled: true
      }
      imageCleaner: {
        enabled: true
        intervalHours: 168
      }
    }
    workloadAutoScalerProfile: {
      keda: {
        enabled: true
      }
    }
    ingressProfile: {
      webAppRouting: {
        enabled: true
      }
    }
    addonProfiles: {
      azureKeyvaultSecretsProvider: {
        enabled: true
        config: {
          enableSecretRotation: 'true'
          rotationPollInterval: '2m'
        }
      }
      omsagent: {
        enabled: true
        config: {
          logAnalyticsWorkspaceResourceID: logAnalyticsWorkspaceId
        }
      }
    }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        osType: 'Linux'
        osSKU: 'AzureLinux'
        type: 'VirtualMachineScaleSets'
        vmSize: nodeVmSize
        enableAutoScaling: true
        count: nodeMinCount
        minCount: nodeMinCount
        maxCount: nodeMaxCount
        availabilityZones: availabilityZones
        vnetSubnetID: subnetId
        maxPods: 110
        upgradeSettings: {
          maxSurge: '33%'
        }
      }
    ]
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      networkDataplane: 'cilium'
      networkPolicy: 'cilium'
      // Overlay pod and service ranges: outside every VNet prefix of the parameter files.
      podCidr: '10.244.0.0/16'
      serviceCidr: '172.16.0.0/16'
      dnsServiceIP: '172.16.0.10'
      // The NAT gateway on the node subnet (network.bicep): one stable egress address.
      outboundType: 'userAssignedNATGateway'
    }
    apiServerAccessProfile: empty(authorizedIpRanges) ? null : {
      authorizedIPRanges: authorizedIpRanges
    }
    autoUpgradeProfile: {
      upgradeChannel: 'patch'
      nodeOSUpgradeChannel: 'NodeImage'
    }
  }
}

// The kubelet identity (created by AKS) pulls images: AcrPull on this registry only.
resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registry.id, cluster.id, acrPullRoleId)
  scope: registry
  properties: {
    principalId: cluster.properties.identityProfile.kubeletidentity.objectId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
  }
}

output name string = cluster.name
output oidcIssuerUrl string = cluster.properties.oidcIssuerProfile.issuerURL
