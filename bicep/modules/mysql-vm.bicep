// The "on-prem" MySQL 8 server of the original architecture: an Ubuntu VM in its own subnet,
// private address only, SSH keys only (and no SSH rule in its NSG: run-command is the way in).
// cloud-init (cloud-init/mysql.yaml) installs MySQL 8 from Ubuntu's archive, generates a private
// CA and a server certificate for the VM's private IP, requires TLS for every connection and
// creates the `liveops` database and user.
param location string
param tags object
param name string
param nicName string
param subnetId string
param privateIp string
param vmSize string
param adminUsername string
param sshPublicKey string

@secure()
param mysqlAppPassword string

@description('OS disk size; MySQL keeps its data in /var/lib/mysql on it.')
param osDiskSizeGB int = 128

// The password travels base64-encoded, so no character of it can break the YAML or the shell
// script; the script decodes it and escapes it for SQL.
var cloudInit = replace(
  replace(loadTextContent('cloud-init/mysql.yaml'), '__MYSQL_APP_PASSWORD_B64__', base64(mysqlAppPassword)),
  '__MYSQL_PRIVATE_IP__',
  privateIp
)

resource nic 'Microsoft.Network/networkInterfaces@2024-05-01' = {
  name: nicName
  location: location
  tags: tags
  properties: {
    ipConfigurations: [
      {
        name: 'ipconfig1'
        properties: {
          subnet: {
            id: subnetId
          }
          // Static: the TLS certificate and MYSQL-URL name this address.
          privateIPAllocationMethod: 'Static'
          privateIPAddress: privateIp
        }
      }
    ]
  }
}

resource vm 'Microsoft.Compute/virtualMachines@2024-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    hardwareProfile: {
      vmSize: vmSize
    }
    osProfile: {
      computerName: 'mysql'
      adminUsername: adminUsername
      customData: base64(cloudInit)
      linuxConfiguration: {
        disablePasswordAuthentication: true
        ssh: {
          publicKeys: [
            {
              path: '/home/${adminUsername}/.ssh/authorized_keys'
              keyData: sshPublicKey
            }
          ]
        }
      }
    }
    storageProfile: {
      imageReference: {
        publisher: 'Canonical'
        offer: 'ubuntu-24_04-lts'
        sku: 'server'
        version: 'latest'
      }
      osDisk: {
        createOption: 'FromImage'
        diskSizeGB: osDiskSizeGB
        deleteOption: 'Delete'
        managedDisk: {
          storageAccountType: 'Premium_LRS'
        }
      }
    }
    networkProfile: {
      networkInterfaces: [
        {
          id: nic.id
          properties: {
            deleteOption: 'Delete'
          }
        }
      ]
    }
    securityProfile: {
      securityType: 'TrustedLaunch'
      uefiSettings: {
        secureBootEnabled: true
        vTpmEnabled: true
      }
    }
    diagnosticsProfile: {
      bootDiagnostics: {
        enabled: true
      }
    }
  }
}

output name string = vm.name
