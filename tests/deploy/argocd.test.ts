/**
 * k8s-keda/argocd: the projects and the app-of-apps validate, every Application points at a real
 * overlay with automated sync, prune and self-heal, and the workload project admits exactly the
 * kinds the overlays contain.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { IAppProject, IApplication } from '@kubernetes-models/argo-cd/argoproj.io/v1alpha1';
import { describe, expect, it } from 'vitest';
import { K8S_ROOT, OVERLAYS, REPO_ROOT, kustomize, overlayObjects, readObjects, type KubeObject } from './support/manifests.js';
import { validateObject } from './support/schemas.js';

const ARGOCD = path.join(K8S_ROOT, 'argocd');
const topLevel = (): KubeObject[] =>
  readdirSync(ARGOCD)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => readObjects(path.join(ARGOCD, f)));
const asApplication = (o: KubeObject): IApplication => o as unknown as IApplication;
const projects = (): Map<string, IAppProject> =>
  new Map(topLevel().filter((o) => o.kind === 'AppProject').map((o) => [o.metadata.name, o as unknown as IAppProject]));
const childApps = (overlay: string): IApplication[] => kustomize(`k8s-keda/argocd/apps/${overlay}`).map(asApplication);

describe('k8s-keda/argocd', () => {
  it('validates every project and Application against the Argo CD schemas', () => {
    const objects = [...topLevel(), ...OVERLAYS.flatMap((o) => kustomize(`k8s-keda/argocd/apps/${o}`))];
    expect(objects.length).toBeGreaterThanOrEqual(6);
    for (const o of objects) validateObject(o);
  });

  it('has one root Application per environment, syncing that environment\'s apps directory', () => {
    const roots = topLevel().filter((o) => o.kind === 'Application').map(asApplication);
    expect(roots.map((r) => r.spec.source?.path).sort()).toEqual(OVERLAYS.map((o) => `k8s-keda/argocd/apps/${o}`).sort());
    for (const root of roots) {
      expect(root.spec.project).toBe('liveops-bootstrap');
      expect(root.spec.destination.namespace).toBe('argocd');
      expect(root.spec.syncPolicy?.automated).toMatchObject({ prune: true, selfHeal: true });
    }
    const bootstrap = projects().get('liveops-bootstrap');
    expect(bootstrap?.spec.namespaceResourceWhitelist).toEqual([{ group: 'argoproj.io', kind: 'Application' }]);
    expect(bootstrap?.spec.clusterResourceWhitelist ?? []).toEqual([]);
  });

  it.each(OVERLAYS)('deploys overlays/%s with automated sync, prune, self-heal and a sync wave', (overlay) => {
    const apps = childApps(overlay);
    expect(apps).toHaveLength(1);
    const app = apps[0]!;
    expect(app.spec.source?.path).toBe(`k8s-keda/overlays/${overlay}`);
    expect(existsSync(path.join(REPO_ROOT, app.spec.source?.path ?? '', 'kustomization.yaml'))).toBe(true);
    expect(app.spec.syncPolicy?.automated).toMatchObject({ prune: true, selfHeal: true });
    expect(app.metadata.annotations?.['argocd.argoproj.io/sync-wave']).toBeDefined();
    const namespace = overlayObjects(overlay).find((o) => o.kind === 'Namespace')?.metadata.name;
    expect(app.spec.destination.namespace).toBe(namespace);
    expect(app.spec.project).toBe('liveops');
    expect(projects().get('liveops')?.spec.destinations?.map((d) => d.namespace)).toContain(namespace);
  });

  it('lets the workload project deploy exactly the kinds the overlays contain', () => {
    const project = projects().get('liveops');
    const allowed = new Set(
      [...(project?.spec.namespaceResourceWhitelist ?? []), ...(project?.spec.clusterResourceWhitelist ?? [])].map((k) => `${k.group}/${k.kind}`),
    );
    const used = new Set(
      OVERLAYS.flatMap((o) => overlayObjects(o)).map((o) => {
        const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
        return `${group ?? ''}/${o.kind}`;
      }),
    );
    expect([...used].filter((k) => !allowed.has(k)), 'kinds the project would refuse').toEqual([]);
    expect([...allowed].filter((k) => !used.has(k)), 'kinds allowed but never used').toEqual([]);
  });

  it('uses one Git repository everywhere', () => {
    const repos = new Set([
      ...topLevel().flatMap((o) => (o.kind === 'AppProject' ? ((o as unknown as IAppProject).spec.sourceRepos ?? []) : [asApplication(o).spec.source?.repoURL ?? ''])),
      ...OVERLAYS.flatMap((o) => childApps(o).map((a) => a.spec.source?.repoURL ?? '')),
    ]);
    expect(repos.size).toBe(1);
  });
});
