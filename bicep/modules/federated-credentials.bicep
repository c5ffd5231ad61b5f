// Workload identity federation: Entra ID accepts tokens the cluster's OIDC issuer signs for these
// two Kubernetes service accounts, as the corresponding user-assigned identity. No secret exists.
param appIdentityName string
param kedaIdentityName string
param oidcIssuerUrl string

@description('Namespace and name of the LiveOps service account (k8s-keda/base/serviceaccount.yaml).')
param kubernetesNamespace string
param kubernetesServiceAccount string

resource app 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: appIdentityName
}

resource keda 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' existing = {
  name: kedaIdentityName
}

// Every LiveOps pod, and the Key Vault CSI driver mounting secrets for them, present this
// service account's token.
resource appFederation 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: app
  name: 'aks-${kubernetesNamespace}-${kubernetesServiceAccount}'
  properties: {
    issuer: oidcIssuerUrl
    subject: 'system:serviceaccount:${kubernetesNamespace}:${kubernetesServiceAccount}'
    audiences: ['api://AzureADTokenExchange']
  }
}

// The KEDA add-on's operator runs as kube-system/keda-operator; TriggerAuthentication
// servicebus-keda-identity names this identity's client ID (podIdentity azure-workload).
resource kedaFederation 'Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials@2023-01-31' = {
  parent: keda
  name: 'aks-kube-system-keda-operator'
  properties: {
    issuer: oidcIssuerUrl
    subject: 'system:serviceaccount:kube-system:keda-operator'
    audiences: ['api://AzureADTokenExchange']
  }
}
