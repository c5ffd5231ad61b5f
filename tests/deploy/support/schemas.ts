/**
 * Schema validation of built manifests with the kubernetes-models packages: the Kubernetes API
 * (kubernetes-models), KEDA (@kubernetes-models/keda), Argo CD (@kubernetes-models/argo-cd) and
 * the prometheus-operator (@kubernetes-models/prometheus-operator). The schemas catch wrong types,
 * missing required fields and bad enum values; like the API server's OpenAPI schemas they accept
 * unknown fields, so the invariant tests check the fields that matter by name.
 *
 * SecretProviderClass (secrets-store.csi.x-k8s.io) has no published model package; it is checked
 * by hand below against the fields the Azure provider reads.
 */
import { AppProject, Application, type IAppProject, type IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { ScaledObject, TriggerAuthentication, type IScaledObject, type ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PodMonitor, PrometheusRule, type IPodMonitor, type IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { field, isRecord, type KubeObject } from './manifests.js';

/** The kinds the manifests may contain, each with its validator. */
const VALIDATORS: Readonly<Record<string, (object: KubeObject) => void>> = {
  'v1/ConfigMap': (o) => {
    new ConfigMap(o).validate();
  },
  'v1/Namespace': (o) => {
    new Namespace(o).validate();
  },
  'v1/Service': (o) => {
    new Service(o).validate();
  },
  'v1/ServiceAccount': (o) => {
    new ServiceAccount(o).validate();
  },
  'apps/v1/Deployment': (o) => {
    new Deployment(o).validate();
  },
  'batch/v1/Job': (o) => {
    new Job(o).validate();
  },
  'networking.k8s.io/v1/Ingress': (o) => {
    new Ingress(o).validate();
  },
  'networking.k8s.io/v1/NetworkPolicy': (o) => {
    new NetworkPolicy(o).validate();
  },
  'policy/v1/PodDisruptionBudget': (o) => {
    new PodDisruptionBudget(o).validate();
  },
  'keda.sh/v1alpha1/ScaledObject': (o) => {
    new ScaledObject(o as unknown as IScaledObject).validate();
  },
  'keda.sh/v1alpha1/TriggerAuthentication': (o) => {
    new TriggerAuthentication(o as unknown as ITriggerAuthentication).validate();
  },
  'monitoring.coreos.com/v1/PodMonitor': (o) => {
    new PodMonitor(o as unknown as IPodMonitor).validate();
  },
  'monitoring.coreos.com/v1/PrometheusRule': (o) => {
    new PrometheusRule(o as unknown as IPrometheusRule).validate();
  },
  'argoproj.io/v1alpha1/Application': (o) => {
    new Application(o as unknown as IApplication).validate();
  },
  'argoproj.io/v1alpha1/AppProject': (o) => {
    new AppProject(o as unknown as IAppProject).validate();
  },
  'secrets-store.csi.x-k8s.io/v1/SecretProviderClass': validateSecretProviderClass,
};

/** Throws with the object's kind and name when it does not match its schema. */
export function validateObject(object: KubeObject): void {
  const key = `${object.apiVersion}/${object.kind}`;
  const validator = VALIDATORS[key];
  if (validator === undefined) throw new Error(`${key} ${object.metadata.name}: no schema known for this kind (add a validator in tests/deploy/support/schemas.ts)`);
  try {
    validator(object);
  } catch (error: unknown) {
    throw new Error(`${key} ${object.metadata.name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** The CSI driver's v1 API and the Azure provider's parameters (all strings). */
function validateSecretProviderClass(object: KubeObject): void {
  const spec = object.spec;
  if (!isRecord(spec)) throw new Error('spec is required');
  if (spec.provider !== 'azure') throw new Error(`spec.provider must be azure (got ${String(spec.provider)})`);
  const parameters = spec.parameters;
  if (!isRecord(parameters)) throw new Error('spec.parameters is required');
  for (const [name, value] of Object.entries(parameters)) {
    if (typeof value !== 'string') throw new Error(`spec.parameters.${name} must be a string`);
  }
  for (const required of ['keyvaultName', 'tenantId', 'clientID', 'objects']) {
    const value = parameters[required];
    if (typeof value !== 'string' || value.trim() === '') throw new Error(`spec.parameters.${required} is required`);
  }
  const secretObjects = field(spec, 'secretObjects');
  if (secretObjects !== undefined && !Array.isArray(secretObjects)) throw new Error('spec.secretObjects must be a list');
}
