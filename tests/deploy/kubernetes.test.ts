/**
 * k8s-keda: every overlay builds with `kubectl kustomize`, every object matches its schema, and
 * the invariants that keep the deployment honest hold — roles vs the function catalogue, KEDA vs
 * the entities each role consumes, topology names vs topology.json and the app's defaults, pod
 * security, probes, limits, secrets, network policy.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { IContainer, IPodSpec, IProbe } from 'kubernetes-models/v1';
import type { IDeployment } from 'kubernetes-models/apps/v1';
import type { IJob } from 'kubernetes-models/batch/v1';
import type { INetworkPolicy, INetworkPolicyPort } from 'kubernetes-models/networking.k8s.io/v1';
import type { IScaledObject, ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import type { IPodMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import TOPOLOGY from '../../src/core/config/topology.json';
import { SECRET_SETTINGS } from '../../src/core/config/secrets.js';
import { parseSettings } from '../../src/core/config/settings.js';
import { bindingSetting, bindingSettings, catalogueTriggers, knownTriggers, type Trigger } from './support/functions.js';
import { OVERLAYS, REPO_ROOT, field, isRecord, named, ofKind, overlayObjects, type KubeObject, type Overlay } from './support/manifests.js';
import { validateObject } from './support/schemas.js';

/** Function-host settings the ConfigMap may hold besides the app's own (local.settings.example.json). */
const HOST_SETTINGS = new Set([
  'AZURE_FUNCTIONS_ENVIRONMENT',
  'AzureWebJobsSecretStorageType',
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__clientId',
  'SERVICEBUS_CONNECTION__fullyQualifiedNamespace',
  'SERVICEBUS_CONNECTION__clientId',
]);

/** Secrets the overlays deliberately do not mount: both services are reached with the workload identity. */
const IDENTITY_INSTEAD_OF_SECRET = new Set(['SERVICEBUS_CONNECTION', 'TABLES_CONNECTION']);

/** Functions every role enables, because the kubelet probes them. */
const PROBE_FUNCTIONS = new Set(['healthz', 'readyz']);

const FUNCTION_ENV = /^AzureFunctionsJobHost__functions__(\d+)$/;

const exampleSettings = (() => {
  const parsed: unknown = JSON.parse(readFileSync(path.join(REPO_ROOT, 'local.settings.example.json'), 'utf8'));
  const values = field(parsed, 'Values');
  if (!isRecord(values)) throw new Error('local.settings.example.json has no Values');
  return new Set(Object.keys(values));
})();

// --- typed views (after schema validation) -------------------------------------------------------

const asDeployment = (o: KubeObject): IDeployment => o as unknown as IDeployment;
const asScaledObject = (o: KubeObject): IScaledObject => o as unknown as IScaledObject;

function podSpec(o: KubeObject): IPodSpec {
  const spec = o.kind === 'Job' ? (o as unknown as IJob).spec?.template.spec : asDeployment(o).spec?.template.spec;
  if (spec === undefined) throw new Error(`${o.kind} ${o.metadata.name} has no pod spec`);
  return spec;
}

function container(spec: IPodSpec, name: string): IContainer {
  const found = spec.containers.find((c) => c.name === name);
  if (found === undefined) throw new Error(`no container ${name}`);
  return found;
}

function settingsOf(objects: readonly KubeObject[]): Record<string, string> {
  const maps = ofKind(objects, 'ConfigMap').filter((c) => c.metadata.name.startsWith('liveops-settings'));
  expect(maps, 'exactly one liveops-settings ConfigMap').toHaveLength(1);
  const data = field(maps[0], 'data');
  if (!isRecord(data)) throw new Error('liveops-settings has no data');
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, String(v)]));
}

function setting(settings: Readonly<Record<string, string>>, name: string): string {
  const value = settings[name];
  if (value === undefined) throw new Error(`liveops-settings has no ${name}`);
  return value;
}

/** AzureFunctionsJobHost__functions__N of a Deployment's host container, in index order. */
function enabledFunctions(deployment: KubeObject): string[] {
  const env = container(podSpec(deployment), 'host').env ?? [];
  const indexed = env.flatMap((e) => {
    const match = FUNCTION_ENV.exec(e.name);
    return match === null ? [] : [{ index: Number(match[1]), name: e.value ?? '' }];
  });
  indexed.sort((a, b) => a.index - b.index);
  expect(
    indexed.map((e) => e.index),
    `${deployment.metadata.name}: AzureFunctionsJobHost__functions__N must count 0, 1, 2, …`,
  ).toEqual(indexed.map((_e, i) => i));
  return indexed.map((e) => e.name);
}

function resolve(settings: Readonly<Record<string, string>>, value: string): string {
  const name = bindingSetting(value);
  return name === undefined ? value : setting(settings, name);
}

interface Entity {
  readonly queueName?: string;
  readonly topicName?: string;
  readonly subscriptionName?: string;
}

function consumedEntity(trigger: Trigger, settings: Readonly<Record<string, string>>): Entity | undefined {
  if (trigger.kind === 'serviceBusQueue') return { queueName: resolve(settings, trigger.queueName) };
  if (trigger.kind === 'serviceBusTopic') {
    return { topicName: resolve(settings, trigger.topicName), subscriptionName: resolve(settings, trigger.subscriptionName) };
  }
  return undefined;
}

function httpGetPath(probe: IProbe | undefined): string | undefined {
  return probe?.httpGet?.path;
}

function portsOf(policy: INetworkPolicy): number[] {
  const ports: INetworkPolicyPort[] = (policy.spec?.egress ?? []).flatMap((rule) => rule.ports ?? []);
  return ports.map((p) => Number(p.port));
}

function annotation(o: KubeObject, key: string): string | undefined {
  return o.metadata.annotations?.[key];
}

function secretObjectNames(objects: readonly KubeObject[]): string[] {
  const spc = named(objects, 'SecretProviderClass', 'liveops-keyvault');
  const text = field(spc, 'spec.parameters.objects');
  if (typeof text !== 'string') throw new Error('SecretProviderClass has no objects');
  const parsed: unknown = parseYaml(text);
  const array = field(parsed, 'array');
  if (!Array.isArray(array)) throw new Error('objects.array is not a list');
  return array.map((entry: unknown) => {
    const item: unknown = typeof entry === 'string' ? parseYaml(entry) : entry;
    const name = field(item, 'objectName');
    if (typeof name !== 'string') throw new Error('an object has no objectName');
    expect(field(item, 'objectType')).toBe('secret');
    return name;
  });
}

describe.each(OVERLAYS)('k8s-keda/overlays/%s', (overlay: Overlay) => {
  const objects = (): KubeObject[] => overlayObjects(overlay);
  const deployments = (): KubeObject[] => ofKind(objects(), 'Deployment');

  it('builds with kubectl kustomize and every object matches its schema', () => {
    const all = objects();
    expect(all.length).toBeGreaterThan(20);
    for (const o of all) validateObject(o);
    const ids = all.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`);
    expect(new Set(ids).size, 'no object twice').toBe(ids.length);
  });

  it('has the five roles of the one image, named as in issue #8', () => {
    expect(deployments().map((d) => d.metadata.name).sort()).toEqual(['fairness', 'gateway', 'leaderboard', 'progression', 'snapshot']);
  });

  it('puts everything in one restricted namespace, and no Azure placeholder is left', () => {
    const namespaces = ofKind(objects(), 'Namespace');
    expect(namespaces).toHaveLength(1);
    const ns = namespaces[0]!;
    expect(ns.metadata.labels?.['pod-security.kubernetes.io/enforce']).toBe('restricted');
    for (const o of objects().filter((x) => x.kind !== 'Namespace')) {
      expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(ns.metadata.name);
    }
    const text = JSON.stringify(objects());
    expect(text).not.toMatch(/placeholder|from-liveops-settings/);
  });

  it('uses one image, tagged with a commit, never latest', () => {
    const images = new Set<string>();
    for (const o of [...deployments(), ...ofKind(objects(), 'Job')]) {
      const spec = podSpec(o);
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
        const image = c.image ?? '';
        const tag = /:([^:/@]+)$/.exec(image)?.[1];
        expect(tag, `${o.metadata.name}/${c.name}: ${image} has no tag`).toBeDefined();
        expect(tag).not.toBe('latest');
        expect(tag, `${image}: Jenkins tags images with the commit`).toMatch(/^[0-9a-f]{12,40}$/);
        images.add(image);
      }
    }
    expect([...images]).toHaveLength(1);
  });

  it('runs every container non-root, read-only, without capabilities, with requests and limits', () => {
    for (const o of [...deployments(), ...ofKind(objects(), 'Job')]) {
      const spec = podSpec(o);
      expect(spec.securityContext?.runAsNonRoot, `${o.metadata.name}: pod runAsNonRoot`).toBe(true);
      expect(spec.securityContext?.runAsUser ?? 0).toBeGreaterThan(0);
      expect(spec.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const c of spec.containers) {
        const where = `${o.metadata.name}/${c.name}`;
        const sc = c.securityContext;
        expect(sc?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot, `${where}: runAsNonRoot`).toBe(true);
        expect(sc?.runAsUser ?? spec.securityContext?.runAsUser ?? 0, `${where}: uid`).toBeGreaterThan(0);
        expect(sc?.allowPrivilegeEscalation, `${where}: allowPrivilegeEscalation`).toBe(false);
        expect(sc?.readOnlyRootFilesystem, `${where}: readOnlyRootFilesystem`).toBe(true);
        expect(sc?.capabilities?.drop, `${where}: drop ALL`).toContain('ALL');
        expect(sc?.capabilities?.add ?? []).toEqual([]);
        for (const resource of ['cpu', 'memory']) {
          expect(c.resources?.requests?.[resource], `${where}: requests.${resource}`).toBeDefined();
          expect(c.resources?.limits?.[resource], `${where}: limits.${resource}`).toBeDefined();
        }
      }
    }
  });

  it('gives every Deployment container liveness and readiness probes (healthz and readyz for the host)', () => {
    for (const d of deployments()) {
      const spec = podSpec(d);
      for (const c of spec.containers) {
        expect(c.livenessProbe, `${d.metadata.name}/${c.name}: livenessProbe`).toBeDefined();
        expect(c.readinessProbe, `${d.metadata.name}/${c.name}: readinessProbe`).toBeDefined();
      }
      const host = container(spec, 'host');
      expect(httpGetPath(host.livenessProbe)).toBe('/api/healthz');
      expect(httpGetPath(host.readinessProbe)).toBe('/api/readyz');
      expect(host.ports?.find((p) => p.name === 'http')?.containerPort).toBe(8080);
    }
  });

  it('gives writable emptyDirs where the host writes, and nothing else writable', () => {
    for (const d of deployments()) {
      const spec = podSpec(d);
      const host = container(spec, 'host');
      const mounts = new Map((host.volumeMounts ?? []).map((m) => [m.mountPath, m.name]));
      for (const pathWritten of ['/tmp', '/azure-functions-host/Secrets']) {
        const volume = spec.volumes?.find((v) => v.name === mounts.get(pathWritten));
        expect(volume?.emptyDir, `${d.metadata.name}: emptyDir at ${pathWritten}`).toBeDefined();
        expect(volume?.emptyDir?.sizeLimit, `${d.metadata.name}: bounded emptyDir at ${pathWritten}`).toBeDefined();
      }
    }
  });

  it('runs the metrics sidecar in every pod, scraped by a PodMonitor', () => {
    // k8s-keda/observability adds a second PodMonitor (KEDA's queue depth); this one is the app's.
    const monitor = named(objects(), 'PodMonitor', 'liveops-functions') as unknown as IPodMonitor;
    const selector = monitor.spec.selector.matchLabels ?? {};
    const ports = new Set(monitor.spec.podMetricsEndpoints.map((e) => e.port));
    for (const d of deployments()) {
      const spec = podSpec(d);
      const sidecar = container(spec, 'metrics');
      expect(sidecar.command).toEqual(['node', 'dist/src/sidecar/main.js']);
      expect(sidecar.image).toBe(container(spec, 'host').image);
      expect(sidecar.ports?.find((p) => p.name === 'metrics')?.containerPort).toBe(9464);
      expect(ports.has('metrics')).toBe(true);
      const labels = asDeployment(d).spec?.template.metadata?.labels ?? {};
      for (const [key, value] of Object.entries(selector)) expect(labels[key], `${d.metadata.name} selected by the PodMonitor`).toBe(value);
    }
  });

  it('lets in-flight work finish: terminationGracePeriodSeconds exceeds preStop plus SHUTDOWN_GRACE_S', () => {
    const grace = Number(setting(settingsOf(objects()), 'SHUTDOWN_GRACE_S'));
    expect(grace).toBe(25);
    for (const d of deployments()) {
      const spec = podSpec(d);
      const preStop = container(spec, 'host').lifecycle?.preStop?.exec?.command ?? [];
      const pause = preStop[0] === '/bin/sleep' ? Number(preStop[1]) : 0;
      expect(spec.terminationGracePeriodSeconds ?? 30, d.metadata.name).toBeGreaterThan(grace + pause);
    }
  });

  it('enables in each role only functions of the catalogue (or PLANNED), each trigger in exactly one role', () => {
    const known = knownTriggers();
    const roles = new Map<string, string[]>();
    for (const d of deployments()) {
      const names = enabledFunctions(d);
      expect(names.length, `${d.metadata.name} enables functions`).toBeGreaterThan(PROBE_FUNCTIONS.size);
      for (const probe of PROBE_FUNCTIONS) expect(names, `${d.metadata.name} serves its probes`).toContain(probe);
      for (const name of names) {
        expect(known.has(name), `${d.metadata.name}: function '${name}' is neither in src/functions/catalog.ts nor PLANNED`).toBe(true);
        if (!PROBE_FUNCTIONS.has(name)) roles.set(name, [...(roles.get(name) ?? []), d.metadata.name]);
      }
    }
    for (const [name, where] of roles) expect(where, `function '${name}' enabled once`).toHaveLength(1);
    // HTTP functions belong to the gateway: only it has a Service and an Ingress.
    for (const [name, where] of roles) {
      if (known.get(name)?.kind === 'http') expect(where, `HTTP function '${name}'`).toEqual(['gateway']);
    }
  });

  it('gives each role the host settings its non-HTTP triggers need, from its own environment', () => {
    const objectsNow = objects();
    const settings = settingsOf(objectsNow);
    const clientId = annotation(named(objectsNow, 'ServiceAccount', 'liveops-functions'), 'azure.workload.identity/client-id');
    const known = knownTriggers();
    for (const d of deployments()) {
      const host = container(podSpec(d), 'host');
      const fromConfigMap = (host.envFrom ?? []).some((e) => e.configMapRef?.name?.startsWith('liveops-settings') === true);
      const env: Record<string, string> = { ...(fromConfigMap ? settings : {}) };
      for (const e of host.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
      const kinds = new Set(enabledFunctions(d).map((name) => known.get(name)?.kind));
      const role = d.metadata.name;
      if (kinds.has('serviceBusQueue') || kinds.has('serviceBusTopic')) {
        // SERVICE_BUS_CONNECTION_SETTING as an identity-based connection (no secret in the pod).
        expect(env.SERVICEBUS_CONNECTION__fullyQualifiedNamespace, `${role}: SERVICEBUS_CONNECTION__fullyQualifiedNamespace`).toMatch(/\.servicebus\.windows\.net$/);
        expect(env.SERVICEBUS_CONNECTION__clientId, `${role}: SERVICEBUS_CONNECTION__clientId`).toBe(clientId);
        expect(env.SERVICEBUS_CONNECTION, `${role}: no connection string`).toBeUndefined();
      }
      if (kinds.has('timer')) {
        // The timer's schedule monitor and singleton lease live in AzureWebJobsStorage.
        expect(env.AzureWebJobsStorage__accountName ?? env.AzureWebJobsStorage, `${role}: AzureWebJobsStorage`).toBeDefined();
        expect(env.AzureWebJobsStorage__clientId, `${role}: AzureWebJobsStorage__clientId`).toBe(clientId);
      }
    }
  });

  it('deploys every function of the catalogue somewhere', () => {
    const enabled = new Set(deployments().flatMap((d) => enabledFunctions(d)));
    const missing = [...catalogueTriggers().keys()].filter((name) => !enabled.has(name));
    expect(missing, 'catalogue functions no Deployment enables (add them to a role in k8s-keda/base)').toEqual([]);
  });

  it('puts every binding expression the enabled triggers use into the ConfigMap', () => {
    const settings = settingsOf(objects());
    const known = knownTriggers();
    for (const d of deployments()) {
      for (const name of enabledFunctions(d)) {
        const trigger = known.get(name);
        if (trigger === undefined) continue;
        for (const needed of bindingSettings(trigger)) expect(settings[needed], `${name} binds %${needed}%`).toBeDefined();
      }
    }
  });

  it('scales every consumer with exactly one ScaledObject on the entity it consumes', () => {
    const all = objects();
    const settings = settingsOf(all);
    const known = knownTriggers();
    const scaled = ofKind(all, 'ScaledObject').map(asScaledObject);
    const auth = new Map(ofKind(all, 'TriggerAuthentication').map((t) => [t.metadata.name, t as unknown as ITriggerAuthentication]));
    const shortNamespace = setting(settings, 'SERVICEBUS_NAMESPACE').split('.')[0];
    let consumers = 0;

    for (const d of deployments()) {
      const entities = enabledFunctions(d).flatMap((name) => {
        const trigger = known.get(name);
        const entity = trigger === undefined ? undefined : consumedEntity(trigger, settings);
        return entity === undefined ? [] : [entity];
      });
      const own = scaled.filter((s) => s.spec.scaleTargetRef.name === d.metadata.name);
      if (entities.length === 0) continue;
      consumers += 1;
      expect(entities, `${d.metadata.name} consumes one entity`).toHaveLength(1);
      expect(own, `${d.metadata.name} has exactly one ScaledObject`).toHaveLength(1);
      const scaledObject = own[0]!;
      expect(scaledObject.spec.minReplicaCount, `${d.metadata.name} scales to zero`).toBe(0);
      expect(scaledObject.spec.maxReplicaCount ?? 100).toBeLessThanOrEqual(20);
      expect(asDeployment(d).spec?.replicas, `${d.metadata.name}: replicas belong to KEDA`).toBeUndefined();
      const triggers = scaledObject.spec.triggers.filter((t) => t.type === 'azure-servicebus');
      expect(triggers, `${d.metadata.name}: one azure-servicebus trigger`).toHaveLength(1);
      const trigger = triggers[0]!;
      const metadata = trigger.metadata as Record<string, string | undefined>;
      const entity = entities[0]!;
      expect({ queueName: metadata.queueName, topicName: metadata.topicName, subscriptionName: metadata.subscriptionName }).toEqual({
        queueName: entity.queueName,
        topicName: entity.topicName,
        subscriptionName: entity.subscriptionName,
      });
      expect(metadata.namespace).toBe(shortNamespace);
      expect(Number(metadata.messageCount)).toBeGreaterThan(0);
      const ref = trigger.authenticationRef?.name ?? '';
      expect(auth.get(ref)?.spec.podIdentity?.provider, `${d.metadata.name}: workload identity for KEDA`).toBe('azure-workload');
    }
    expect(consumers).toBe(3);

    const gateway = scaled.filter((s) => s.spec.scaleTargetRef.name === 'gateway');
    expect(gateway).toHaveLength(1);
    expect(gateway[0]!.spec.triggers.map((t) => t.type)).toEqual(['cpu']);
    expect(gateway[0]!.spec.minReplicaCount ?? 0).toBeGreaterThanOrEqual(1);
    expect(scaled.filter((s) => s.spec.scaleTargetRef.name === 'snapshot')).toEqual([]);
    expect(asDeployment(named(all, 'Deployment', 'snapshot')).spec?.replicas).toBe(1);
    for (const s of scaled) expect(deployments().map((d) => d.metadata.name)).toContain(s.spec.scaleTargetRef.name);
  });

  it('agrees with topology.json and the app defaults on every Service Bus name', () => {
    const all = objects();
    const settings = settingsOf(all);
    const defaults = parseSettings({}).bus;
    const expected = {
      BUS_INGRESS_QUEUE: TOPOLOGY.ingressQueue.name,
      BUS_VERIFIED_TOPIC: TOPOLOGY.verifiedTopic.name,
      BUS_SUB_PROGRESSION: TOPOLOGY.verifiedTopic.subscriptions.progression.name,
      BUS_SUB_LEADERBOARD: TOPOLOGY.verifiedTopic.subscriptions.leaderboard.name,
      BUS_MAX_DELIVERY_COUNT: String(TOPOLOGY.ingressQueue.maxDeliveryCount),
    };
    expect({
      BUS_INGRESS_QUEUE: defaults.ingressQueue,
      BUS_VERIFIED_TOPIC: defaults.verifiedTopic,
      BUS_SUB_PROGRESSION: defaults.progressionSubscription,
      BUS_SUB_LEADERBOARD: defaults.leaderboardSubscription,
      BUS_MAX_DELIVERY_COUNT: String(defaults.maxDeliveryCount),
    }).toEqual(expected);
    for (const [name, value] of Object.entries(expected)) expect(settings[name], name).toBe(value);
    for (const sub of Object.values(TOPOLOGY.verifiedTopic.subscriptions)) expect(sub.maxDeliveryCount).toBe(TOPOLOGY.ingressQueue.maxDeliveryCount);

    const scaledEntities = ofKind(all, 'ScaledObject')
      .flatMap((s) => asScaledObject(s).spec.triggers)
      .filter((t) => t.type === 'azure-servicebus')
      .map((t) => t.metadata as Record<string, string | undefined>);
    const queues = scaledEntities.flatMap((m) => (m.queueName === undefined ? [] : [m.queueName]));
    const subscriptions = scaledEntities.flatMap((m) => (m.topicName === undefined ? [] : [`${m.topicName}/${m.subscriptionName ?? ''}`]));
    expect(queues).toEqual([TOPOLOGY.ingressQueue.name]);
    expect(subscriptions.sort()).toEqual(
      Object.values(TOPOLOGY.verifiedTopic.subscriptions)
        .map((s) => `${TOPOLOGY.verifiedTopic.name}/${s.name}`)
        .sort(),
    );
  });

  it('holds only known, non-secret settings, and the app accepts them', () => {
    const settings = settingsOf(objects());
    for (const name of Object.keys(settings)) {
      expect(exampleSettings.has(name) || HOST_SETTINGS.has(name), `${name} is a setting of local.settings.example.json or the host`).toBe(true);
    }
    for (const secret of SECRET_SETTINGS) expect(settings[secret], `${secret} belongs in Key Vault`).toBeUndefined();
    expect(settings.BUS_KIND).toBe('servicebus');

    // The pod's environment as the app will see it, with made-up secrets in place of the Key Vault files.
    const adminKids = (settings.ADMIN_KEY_IDS ?? '').split(',').filter((kid) => kid !== '');
    const serverKids = (settings.SERVER_KEY_IDS ?? '').split(',').filter((kid) => kid !== '');
    const ring = Object.fromEntries(['game-1', ...adminKids, ...serverKids].map((kid) => [kid, `${kid}-`.padEnd(40, 'x')]));
    const parsed = parseSettings({
      ...settings,
      HMAC_KEYS: JSON.stringify(ring),
      RECEIPT_KEYS: JSON.stringify({ 'receipts-1': 'r'.repeat(40) }),
      PLAYER_TOKEN_KEYS: JSON.stringify({ 'tokens-1': 't'.repeat(40) }),
      REDIS_URL: 'rediss://:secret@redis.example:6380',
      MYSQL_URL: 'mysql://liveops:secret@10.0.0.10:3306/liveops',
    });
    expect(parsed.bus.kind).toBe('servicebus');
    expect(parsed.bus.namespace).toBe(settings.SERVICEBUS_NAMESPACE);
    expect(parsed.bus.connectionString).toBeUndefined();
    expect(parsed.secrets.dir).toBe(settings.SECRETS_DIR);
    expect(parsed.signing.adminKeyIds).toEqual(adminKids);
    expect(adminKids.length, 'ADMIN_KEY_IDS is set per overlay').toBeGreaterThan(0);
    expect(parsed.signing.serverKeyIds).toEqual(serverKids);
    expect(serverKids.length, 'SERVER_KEY_IDS is set per overlay').toBeGreaterThan(0);
  });

  it('mounts every secret the app reads from Key Vault at SECRETS_DIR, with the service account identity', () => {
    const all = objects();
    const settings = settingsOf(all);
    const expected = SECRET_SETTINGS.filter((s) => !IDENTITY_INSTEAD_OF_SECRET.has(s)).map((s) => s.replaceAll('_', '-'));
    expect(secretObjectNames(all).sort()).toEqual([...expected].sort());

    const spc = named(all, 'SecretProviderClass', 'liveops-keyvault');
    const account = named(all, 'ServiceAccount', 'liveops-functions');
    const clientId = account.metadata.annotations?.['azure.workload.identity/client-id'];
    expect(clientId).toMatch(/^[0-9a-f-]{36}$/);
    expect(field(spc, 'spec.parameters.clientID')).toBe(clientId);
    expect(field(spc, 'spec.parameters.usePodIdentity')).toBe('false');
    expect(field(spc, 'spec.secretObjects'), 'no copy of a secret in a Kubernetes Secret').toBeUndefined();
    const keda = ofKind(all, 'TriggerAuthentication')[0] as unknown as ITriggerAuthentication;
    expect(keda.spec.podIdentity?.identityId, 'KEDA uses its own identity, not the app one').not.toBe(clientId);

    for (const o of [...deployments(), ...ofKind(all, 'Job')]) {
      const spec = podSpec(o);
      expect(spec.serviceAccountName).toBe('liveops-functions');
      expect(asDeployment(o).spec?.template.metadata?.labels?.['azure.workload.identity/use']).toBe('true');
      const volume = spec.volumes?.find((v) => v.csi?.volumeAttributes?.secretProviderClass === 'liveops-keyvault');
      expect(volume?.csi?.readOnly, `${o.metadata.name}: Key Vault volume`).toBe(true);
      const mount = spec.containers.flatMap((c) => c.volumeMounts ?? []).find((m) => m.name === volume?.name);
      expect(mount?.mountPath, `${o.metadata.name}: mounted at SECRETS_DIR`).toBe(settings.SECRETS_DIR);
      expect(mount?.readOnly).toBe(true);
    }
  });

  it('denies all traffic by default and allows only DNS, the ingress controller, Prometheus and the Azure services', () => {
    const policies = ofKind(objects(), 'NetworkPolicy').map((p) => p as unknown as INetworkPolicy);
    const denyAll = policies.find((p) => Object.keys(p.spec?.podSelector.matchLabels ?? {}).length === 0 && p.spec?.ingress === undefined && p.spec?.egress === undefined);
    expect(denyAll?.spec?.policyTypes?.sort()).toEqual(['Egress', 'Ingress']);

    const egressPorts = new Set(policies.flatMap(portsOf));
    expect([...egressPorts].sort((a, b) => a - b)).toEqual([53, 443, 3306, 5671, 6380]);
    for (const p of policies) {
      for (const rule of p.spec?.egress ?? []) {
        expect(rule.ports?.length, `${p.metadata?.name ?? ''}: egress names its ports`).toBeGreaterThan(0);
        if ((rule.ports ?? []).some((port) => Number(port.port) === 3306)) {
          expect(rule.ports?.map((port) => Number(port.port))).toEqual([3306]);
          expect(rule.to?.map((peer) => peer.ipBlock?.cidr)).toEqual([field(named(objects(), 'NetworkPolicy', 'allow-mysql-vm'), 'spec.egress.0.to.0.ipBlock.cidr')]);
        }
        for (const peer of rule.to ?? []) {
          if (peer.ipBlock?.cidr === '0.0.0.0/0') {
            expect(rule.ports?.map((port) => Number(port.port)), 'only HTTPS to public addresses').toEqual([443]);
            expect(peer.ipBlock.except).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']));
          }
        }
      }
    }
    const ingress = policies.filter((p) => (p.spec?.ingress ?? []).length > 0);
    const toGateway = ingress.find((p) => p.spec?.podSelector.matchLabels?.['app.kubernetes.io/component'] === 'gateway');
    expect(toGateway?.spec?.ingress?.[0]?.ports?.map((port) => port.port)).toEqual([8080]);
    expect(toGateway?.spec?.ingress?.[0]?.from?.[0]?.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name']).toBe('app-routing-system');
    const scrape = ingress.find((p) => p !== toGateway);
    expect(scrape?.spec?.ingress?.[0]?.ports?.map((port) => port.port)).toEqual([9464]);
  });

  it('exposes only the gateway, through a Service and an Ingress that reach its pods', () => {
    const all = objects();
    const services = ofKind(all, 'Service');
    expect(services.map((s) => s.metadata.name)).toEqual(['gateway']);
    const selector = field(services[0], 'spec.selector');
    const labels = asDeployment(named(all, 'Deployment', 'gateway')).spec?.template.metadata?.labels ?? {};
    expect(isRecord(selector) && Object.entries(selector).every(([k, v]) => labels[k] === v)).toBe(true);
    expect(field(services[0], 'spec.ports.0.targetPort')).toBe('http');
    const ingresses = ofKind(all, 'Ingress');
    expect(ingresses).toHaveLength(1);
    expect(field(ingresses[0], 'spec.rules.0.http.paths.0.backend.service.name')).toBe('gateway');
    expect(field(ingresses[0], 'spec.tls.0.hosts.0')).toBe(field(ingresses[0], 'spec.rules.0.host'));
  });

  it('has a PodDisruptionBudget per role that never blocks a drain', () => {
    const all = objects();
    const budgets = ofKind(all, 'PodDisruptionBudget');
    for (const d of deployments()) {
      const labels = asDeployment(d).spec?.template.metadata?.labels ?? {};
      const matching = budgets.filter((b) => {
        const selector = field(b, 'spec.selector.matchLabels');
        return isRecord(selector) && Object.entries(selector).every(([k, v]) => labels[k] === v);
      });
      expect(matching, `${d.metadata.name}: one PDB`).toHaveLength(1);
      expect(field(matching[0], 'spec.maxUnavailable')).toBe(1);
    }
  });

  it('orders the Argo CD sync: configuration, then migrations, then workloads', () => {
    const all = objects();
    const wave = (o: KubeObject): number => Number(annotation(o, 'argocd.argoproj.io/sync-wave') ?? '0');
    const migrate = named(all, 'Job', 'liveops-migrate');
    expect(annotation(migrate, 'argocd.argoproj.io/hook')).toBe('Sync');
    expect((migrate as unknown as IJob).spec?.template.spec?.containers[0]?.command).toEqual(['node', 'dist/src/local/migrate.js']);
    for (const kind of ['ConfigMap', 'ServiceAccount', 'SecretProviderClass', 'TriggerAuthentication', 'NetworkPolicy']) {
      for (const o of ofKind(all, kind)) expect(wave(o), `${kind} ${o.metadata.name}`).toBeLessThan(wave(migrate));
    }
    for (const kind of ['Deployment', 'Service', 'Ingress', 'ScaledObject', 'PodDisruptionBudget', 'PodMonitor']) {
      for (const o of ofKind(all, kind)) expect(wave(o), `${kind} ${o.metadata.name}`).toBeGreaterThan(wave(migrate));
    }
  });
});
