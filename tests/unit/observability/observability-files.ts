import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Reading the dashboard and the alert rules of k8s-keda/observability for the tests. */
const ROOT = path.resolve(__dirname, '../../..');
const OBSERVABILITY = path.join(ROOT, 'k8s-keda', 'observability');

export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export function alertRules(): AlertRule[] {
  const rule = parseYaml(readFileSync(path.join(OBSERVABILITY, 'prometheusrule.yaml'), 'utf8')) as { spec: { groups: { rules: AlertRule[] }[] } };
  return rule.spec.groups.flatMap((g) => g.rules);
}

/** Every PromQL expression of the dashboard: panel targets and templating queries. */
export function dashboardExpressions(): { where: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(path.join(OBSERVABILITY, 'dashboards', 'liveops.json'), 'utf8')) as unknown;
  const found: { where: string; expr: string }[] = [];
  const walk = (value: unknown, where: string): void => {
    if (Array.isArray(value)) {
      value.forEach((v, i) => { walk(v, `${where}[${i}]`); });
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const record = value as Record<string, unknown>;
    const title = typeof record.title === 'string' ? `${where} "${record.title}"` : where;
    if (typeof record.expr === 'string') found.push({ where: title, expr: record.expr });
    if (typeof record.definition === 'string') found.push({ where: title, expr: record.definition });
    for (const [key, v] of Object.entries(record)) if (key !== 'expr') walk(v, key === 'panels' || key === 'targets' || key === 'list' ? title : `${title}.${key}`);
  };
  walk(dashboard, 'dashboard');
  return found;
}

export function readRepoText(relative: string): string {
  return readFileSync(path.join(ROOT, relative), 'utf8');
}
