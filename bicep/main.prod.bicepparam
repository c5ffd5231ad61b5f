// prod. Secrets come from the environment of whoever deploys (docs/deploy.md):
//   export LIVEOPS_MYSQL_APP_PASSWORD=...   # the value in MYSQL-URL; never commit it
//   export LIVEOPS_VM_SSH_PUBLIC_KEY="$(cat ~/.ssh/id_ed25519.pub)"
//   az deployment sub create --location koreacentral --template-file bicep/main.bicep \
//     --parameters bicep/main.prod.bicepparam
using './main.bicep'

param environmentName = 'prod'
param location = 'koreacentral'

// Must equal k8s-keda/overlays/prod `namespace` (tests/deploy checks it).
param kubernetesNamespace = 'liveops'

// The private endpoint and MySQL prefixes must equal k8s-keda/overlays/prod/azure-deployment.yaml
// (the pods' NetworkPolicy egress; tests/deploy checks it).
param vnetAddressPrefix = '10.50.0.0/16'
param aksSubnetPrefix = '10.50.0.0/22'
param privateEndpointSubnetPrefix = '10.50.4.0/24'
param mysqlSubnetPrefix = '10.50.5.0/24'
param mysqlPrivateIp = '10.50.5.10'

param aksTier = 'Standard'
param aksNodeVmSize = 'Standard_D4s_v5'
param aksNodeMinCount = 3
param aksNodeMaxCount = 9
param availabilityZones = ['1', '2', '3']
param serviceBusCapacity = 1
param redisSku = {
  name: 'Standard'
  family: 'C'
  capacity: 1
}
param storageSku = 'Standard_ZRS'
param keyVaultPurgeProtection = true
param mysqlVmSize = 'Standard_D4s_v5'

param vmAdminSshPublicKey = readEnvironmentVariable('LIVEOPS_VM_SSH_PUBLIC_KEY')
param mysqlAppPassword = readEnvironmentVariable('LIVEOPS_MYSQL_APP_PASSWORD')
