// dev: the same shape as prod, smaller. Secrets come from the environment of whoever deploys:
//   export LIVEOPS_MYSQL_APP_PASSWORD=$(openssl rand -hex 24)   # keep it: it goes into MYSQL-URL
//   export LIVEOPS_VM_SSH_PUBLIC_KEY="$(cat ~/.ssh/id_ed25519.pub)"
//   az deployment sub create --location koreacentral --template-file bicep/main.bicep \
//     --parameters bicep/main.dev.bicepparam
using './main.bicep'

param environmentName = 'dev'
param location = 'koreacentral'

// Must equal k8s-keda/overlays/dev `namespace` (tests/deploy checks it).
param kubernetesNamespace = 'liveops-dev'

// The private endpoint and MySQL prefixes must equal k8s-keda/overlays/dev/azure-deployment.yaml
// (the pods' NetworkPolicy egress; tests/deploy checks it).
param vnetAddressPrefix = '10.40.0.0/16'
param aksSubnetPrefix = '10.40.0.0/22'
param privateEndpointSubnetPrefix = '10.40.4.0/24'
param mysqlSubnetPrefix = '10.40.5.0/24'
param mysqlPrivateIp = '10.40.5.10'

param aksTier = 'Free'
param aksNodeVmSize = 'Standard_D2s_v5'
param aksNodeMinCount = 2
param aksNodeMaxCount = 3
param redisSku = {
  name: 'Basic'
  family: 'C'
  capacity: 0
}
param storageSku = 'Standard_LRS'
// dev vaults are thrown away and recreated; purge protection would block reusing the name.
param keyVaultPurgeProtection = false
param mysqlVmSize = 'Standard_B2s'

param vmAdminSshPublicKey = readEnvironmentVariable('LIVEOPS_VM_SSH_PUBLIC_KEY')
param mysqlAppPassword = readEnvironmentVariable('LIVEOPS_MYSQL_APP_PASSWORD')
