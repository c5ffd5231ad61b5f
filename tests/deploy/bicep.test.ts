/**
 * bicep/: there is no Bicep compiler here (docs/deploy.md lists what runs only on a machine with
 * `az bicep`), so these are text checks on the contracts the templates share with the rest of the
 * repo: the Service Bus entities come from topology.json, the parameter files agree with the
 * overlays, the outputs feed the overlays, and every referenced file exists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import TOPOLOGY from '../../src/core/config/topology.json';
import { K8S_ROOT, OVERLAYS, REPO_ROOT, field, isRecord, named, overlayObjects, readObjects, type Overlay } from './support/manifests.js';

const BICEP = path.join(REPO_ROOT, 'bicep');

function bicepFiles(dir: string = BICEP): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return bicepFiles(full);
    return entry.endsWith('.bicep') || entry.endsWith('.bicepparam') ? [full] : [];
  });
}

const read = (file: string): string => readFileSync(file, 'utf8');
/** The text without // comments, so a commented-out line cannot satisfy a check. */
const code = (file: string): string =>
  read(file)
    .split('\n')
    .map((line) => line.replace(/(^|\s)\/\/.*$/, ''))
    .join('\n');

const main = (): string => code(path.join(BICEP, 'main.bicep'));
const paramFile = (overlay: Overlay): string => code(path.join(BICEP, `main.${overlay}.bicepparam`));

/** `param name = 'value'` of a .bicepparam file. */
function paramValue(text: string, name: string): string | undefined {
  return new RegExp(`^param ${name} = '([^']*)'`, 'm').exec(text)?.[1];
}

function azureOutputs(overlay: Overlay): Record<string, string> {
  const [config] = readObjects(path.join(K8S_ROOT, 'overlays', overlay, 'azure-deployment.yaml'));
  const data = field(config, 'data');
  if (!isRecord(data)) throw new Error('azure-deployment.yaml has no data');
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)]));
}

function ipv4(address: string): number {
  return address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
}

function inCidr(address: string, cidr: string): boolean {
  const [base = '', bits = '32'] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(ipv4(base) / size) * size;
  return ipv4(address) >= start && ipv4(address) < start + size;
}

describe('bicep/', () => {
  it('reads the Service Bus topology from src/core/config/topology.json with loadJsonContent', () => {
    const match = /loadJsonContent\('([^']+)'\)/g;
    const paths = [...main().matchAll(match)].map((m) => m[1]!).filter((p) => p.includes('topology'));
    expect(paths).toEqual(['../src/core/config/topology.json']);
    expect(path.resolve(BICEP, paths[0]!)).toBe(path.join(REPO_ROOT, 'src/core/config/topology.json'));
    // …and passes it to both modules that need entity names.
    expect(main()).toMatch(/module serviceBus 'modules\/service-bus\.bicep'[\s\S]*?topology: topology/);
    expect(main()).toMatch(/module roles 'modules\/app-roles\.bicep'[\s\S]*?topology: topology/);
  });

  it('maps every property of every topology entity onto the Service Bus resources', () => {
    const serviceBus = code(path.join(BICEP, 'modules/service-bus.bicep'));
    const { name: _queueName, ...queue } = TOPOLOGY.ingressQueue;
    const { name: _topicName, subscriptions, ...topic } = TOPOLOGY.verifiedTopic;
    for (const key of Object.keys(queue)) expect(serviceBus, `ingressQueue.${key}`).toContain(`${key}: ingress.${key}`);
    const { name: _parkedName, $comment: _parkedComment, ...parked } = TOPOLOGY.parkedQueue;
    for (const key of Object.keys(parked)) expect(serviceBus, `parkedQueue.${key}`).toContain(`${key}: parked.${key}`);
    for (const key of Object.keys(topic)) expect(serviceBus, `verifiedTopic.${key}`).toContain(`${key}: verified.${key}`);
    for (const sub of Object.values(subscriptions)) {
      const { name: _subName, ...properties } = sub;
      for (const key of Object.keys(properties)) expect(serviceBus, `subscription ${key}`).toContain(`${key}: subscription.value.${key}`);
    }
    expect(serviceBus).toContain('name: ingress.name');
    expect(serviceBus).toContain('name: parked.name');
    expect(serviceBus).toContain('name: verified.name');
    expect(serviceBus).toContain('for subscription in items(verified.subscriptions)');
    expect(serviceBus).toContain('disableLocalAuth: true');
  });

  it('never spells an entity name itself', () => {
    const names = [TOPOLOGY.ingressQueue.name, TOPOLOGY.parkedQueue.name, TOPOLOGY.verifiedTopic.name, ...Object.values(TOPOLOGY.verifiedTopic.subscriptions).map((s) => `'${s.name}'`)];
    for (const file of bicepFiles()) {
      for (const name of names) expect(code(file), `${path.relative(REPO_ROOT, file)} hardcodes ${name}`).not.toContain(name);
    }
  });

  it('names resources in the azd style (abbreviations.json and a resource token)', () => {
    expect(main()).toContain("var abbrs = loadJsonContent('abbreviations.json')");
    expect(main()).toContain('var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))');
    expect(main()).toMatch(/^targetScope = 'subscription'$/m);
    const abbreviations: unknown = JSON.parse(read(path.join(BICEP, 'abbreviations.json')));
    if (!isRecord(abbreviations)) throw new Error('abbreviations.json is not an object');
    for (const [, key] of main().matchAll(/abbrs\.(\w+)/g)) expect(abbreviations[key!], `abbreviations.json has ${key ?? ''}`).toBeTypeOf('string');
  });

  it('refers only to files that exist', () => {
    for (const file of bicepFiles()) {
      const text = code(file);
      const refs = [
        ...[...text.matchAll(/^module \w+ '([^']+)'/gm)].map((m) => m[1]!),
        ...[...text.matchAll(/load(?:Json|Text)Content\('([^']+)'/g)].map((m) => m[1]!),
        ...[...text.matchAll(/^using '([^']+)'/gm)].map((m) => m[1]!),
      ];
      for (const ref of refs) {
        expect(statSync(path.resolve(path.dirname(file), ref), { throwIfNoEntry: false })?.isFile(), `${path.relative(REPO_ROOT, file)} → ${ref}`).toBe(true);
      }
    }
  });

  it.each(OVERLAYS)('main.%s.bicepparam sets every required parameter and only declared ones', (overlay) => {
    const text = paramFile(overlay);
    expect(text).toMatch(/^using '\.\/main\.bicep'$/m);
    const declared = new Map([...main().matchAll(/^param (\w+) (\w+)( = .*)?$/gm)].map((m) => [m[1]!, m[3] !== undefined]));
    const set = [...text.matchAll(/^param (\w+) =/gm)].map((m) => m[1]!);
    for (const name of set) expect(declared.has(name), `${name} is declared in main.bicep`).toBe(true);
    for (const [name, hasDefault] of declared) if (!hasDefault) expect(set, `required ${name}`).toContain(name);
    // Secrets are read from the deployer's environment, never written in the file.
    expect(text).toMatch(/^param mysqlAppPassword = readEnvironmentVariable\('/m);
  });

  it.each(OVERLAYS)('main.%s.bicepparam matches the %s overlay (namespace, service account, subnets)', (overlay) => {
    const text = paramFile(overlay);
    const objects = overlayObjects(overlay);
    const namespace = objects.find((o) => o.kind === 'Namespace')?.metadata.name;
    expect(paramValue(text, 'kubernetesNamespace')).toBe(namespace);
    const account = named(objects, 'ServiceAccount', 'liveops-functions').metadata.name;
    expect(main()).toContain(`param kubernetesServiceAccount string = '${account}'`);

    const outputs = azureOutputs(overlay);
    expect(paramValue(text, 'privateEndpointSubnetPrefix')).toBe(outputs.PRIVATE_ENDPOINT_SUBNET_CIDR);
    expect(paramValue(text, 'mysqlSubnetPrefix')).toBe(outputs.MYSQL_SUBNET_CIDR);
    const vnet = paramValue(text, 'vnetAddressPrefix') ?? '';
    const mysqlIp = paramValue(text, 'mysqlPrivateIp') ?? '';
    expect(inCidr(mysqlIp, outputs.MYSQL_SUBNET_CIDR ?? ''), 'the MySQL IP is in its subnet').toBe(true);
    for (const prefix of ['aksSubnetPrefix', 'privateEndpointSubnetPrefix', 'mysqlSubnetPrefix']) {
      const subnet = paramValue(text, prefix) ?? '';
      expect(inCidr(subnet.split('/')[0] ?? '', vnet), `${prefix} inside the VNet`).toBe(true);
    }
  });

  it('outputs every value the overlays take from the deployment', () => {
    const outputs = new Set([...main().matchAll(/^output (\w+) /gm)].map((m) => m[1]!));
    for (const overlay of OVERLAYS) {
      for (const key of Object.keys(azureOutputs(overlay))) expect(outputs.has(key), `main.bicep output ${key}`).toBe(true);
    }
  });

  it('federates exactly the pods\' and KEDA\'s service accounts', () => {
    const federation = code(path.join(BICEP, 'modules/federated-credentials.bicep'));
    expect(federation).toContain("subject: 'system:serviceaccount:${kubernetesNamespace}:${kubernetesServiceAccount}'");
    expect(federation).toContain("subject: 'system:serviceaccount:kube-system:keda-operator'");
    expect(federation.match(/audiences: \['api:\/\/AzureADTokenExchange'\]/g)).toHaveLength(2);
  });

  it('turns on what the manifests rely on in AKS, and keeps Redis and MySQL locked down', () => {
    const aks = code(path.join(BICEP, 'modules/aks.bicep'));
    for (const needle of [
      /oidcIssuerProfile: \{\s*enabled: true/,
      /workloadIdentity: \{\s*enabled: true/,
      /workloadAutoScalerProfile: \{\s*keda: \{\s*enabled: true/,
      /azureKeyvaultSecretsProvider: \{\s*enabled: true/,
      /webAppRouting: \{\s*enabled: true/,
      /networkPlugin: 'azure'/,
      /networkPolicy: 'cilium'/,
    ]) {
      expect(aks).toMatch(needle);
    }
    const redis = code(path.join(BICEP, 'modules/redis.bicep'));
    expect(redis).toContain('enableNonSslPort: false');
    expect(redis).toContain("minimumTlsVersion: '1.2'");
    const network = code(path.join(BICEP, 'modules/network.bicep'));
    expect(network).toMatch(/sourceAddressPrefix: aksSubnetPrefix[\s\S]{0,120}destinationPortRange: '3306'/);
    const storage = code(path.join(BICEP, 'modules/storage.bicep'));
    expect(storage).toContain('allowSharedKeyAccess: false');
    const keyVault = code(path.join(BICEP, 'modules/key-vault.bicep'));
    expect(keyVault).toContain('enableRbacAuthorization: true');
    const cloudInit = read(path.join(BICEP, 'modules/cloud-init/mysql.yaml'));
    expect(cloudInit).toMatch(/^#cloud-config/);
    expect(cloudInit).toContain('require_secure_transport = ON');
    expect(cloudInit).toContain('mysql-server');
  });

  it('grants the app\'s identity data-plane roles only, never Owner or Contributor', () => {
    const roles = code(path.join(BICEP, 'modules/app-roles.bicep'));
    const granted = [...roles.matchAll(/roles\.(\w+)\)/g)].map((m) => m[1]!);
    expect(new Set(granted)).toEqual(
      new Set(['serviceBusDataSender', 'serviceBusDataReceiver', 'serviceBusDataOwner', 'storageTableDataContributor', 'storageBlobDataOwner', 'keyVaultSecretsUser']),
    );
    // Data Owner (Manage) goes to the KEDA identity only.
    for (const match of roles.matchAll(/resource (\w+) 'Microsoft\.Authorization\/roleAssignments@[^']+' = \{[\s\S]*?\n\}/g)) {
      if (match[0].includes('roles.serviceBusDataOwner')) expect(match[0], match[1]).toContain('keda.properties.principalId');
    }
  });
});
