/**
 * Reading the deployment files: `kubectl kustomize` builds, YAML documents as typed Kubernetes
 * objects, and a few path helpers. The deploy tests need kubectl (it bundles kustomize); without
 * it they fail and say so, they never skip.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const K8S_ROOT = path.join(REPO_ROOT, 'k8s-keda');
export const OVERLAYS = ['dev', 'prod'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** The part of every Kubernetes object the tests rely on; the rest is checked by the schemas. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw new Error(`${where} is not a map`);
  const entries = Object.entries(value).map(([key, v]) => {
    if (typeof v !== 'string') throw new Error(`${where}.${key} is not a string`);
    return [key, v] as const;
  });
  return Object.fromEntries(entries);
}

function toKubeObject(value: unknown, where: string): KubeObject {
  if (!isRecord(value)) throw new Error(`${where}: not a YAML mapping`);
  const { apiVersion, kind, metadata } = value;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') throw new Error(`${where}: apiVersion and kind are required`);
  if (!isRecord(metadata) || typeof metadata.name !== 'string') throw new Error(`${where}: metadata.name is required`);
  const namespace = metadata.namespace;
  if (namespace !== undefined && typeof namespace !== 'string') throw new Error(`${where}: metadata.namespace is not a string`);
  return {
    ...value,
    apiVersion,
    kind,
    metadata: {
      ...metadata,
      name: metadata.name,
      namespace,
      labels: stringRecord(metadata.labels, `${where} labels`),
      annotations: stringRecord(metadata.annotations, `${where} annotations`),
    },
  };
}

/** Every document of a multi-document YAML text, as Kubernetes objects. */
export function parseObjects(text: string, source: string): KubeObject[] {
  return parseAllDocuments(text).flatMap((doc, index) => {
    if (doc.errors.length > 0) throw new Error(`${source} document ${index + 1}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return [];
    return [toKubeObject(value, `${source} document ${index + 1}`)];
  });
}

export function readObjects(file: string): KubeObject[] {
  return parseObjects(readFileSync(file, 'utf8'), path.relative(REPO_ROOT, file));
}

const builds = new Map<string, KubeObject[]>();

/**
 * `kubectl kustomize <dir>` (relative to the repo root), parsed. Cached: every overlay is built once
 * per test file.
 */
export function kustomize(dir: string): KubeObject[] {
  const cached = builds.get(dir);
  if (cached !== undefined) return cached;
  const result = spawnSync('kubectl', ['kustomize', path.join(REPO_ROOT, dir)], { encoding: 'utf8', timeout: 60_000 });
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed (or not on PATH): the deploy tests build the Kubernetes overlays with `kubectl kustomize`. ' +
          'Install kubectl (it bundles kustomize) and run the tests again.',
      );
    }
    throw new Error(`kubectl kustomize ${dir} could not run: ${result.error.message}`);
  }
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed (exit ${String(result.status)}):\n${result.stderr}`);
  const objects = parseObjects(result.stdout, `kustomize ${dir}`);
  builds.set(dir, objects);
  return objects;
}

export function overlayObjects(overlay: Overlay): KubeObject[] {
  return kustomize(`k8s-keda/overlays/${overlay}`);
}

export function ofKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function named(objects: readonly KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (found === undefined) throw new Error(`no ${kind} named ${name}`);
  return found;
}

/** `a.b.0.c` of an object (numbers index lists), or undefined when any step is missing. */
export function field(value: unknown, dotted: string): unknown {
  let current: unknown = value;
  for (const key of dotted.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = (current as unknown[])[Number(key)];
    else if (isRecord(current)) current = current[key];
    else return undefined;
  }
  return current;
}

export function readText(relative: string): string {
  return readFileSync(path.join(REPO_ROOT, relative), 'utf8');
}
