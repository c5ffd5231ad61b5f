/** Prometheus text exposition, parsed just enough for the Health panel's rates and quantiles. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = LINE.exec(line);
    if (m?.[1] === undefined || m[3] === undefined) continue;
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) if (l[1] !== undefined && l[2] !== undefined) labels[l[1]] = l[2].replace(/\\(.)/g, '$1');
    samples.push({ name: m[1], labels, value });
  }
  return samples;
}

/** Sum of `name` per value of `label` (other labels summed away). */
export function sumBy(samples: readonly Sample[], name: string, label: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const s of samples) {
    if (s.name !== name) continue;
    const key = s.labels[label] ?? '';
    out.set(key, (out.get(key) ?? 0) + s.value);
  }
  return out;
}

/**
 * The q-quantile per `label` from the growth of a cumulative histogram between two scrapes
 * (what Prometheus' histogram_quantile does on a rate): the upper bound of the first bucket that
 * holds q of the new observations. Undefined for a label with no new observations.
 */
export function quantileBy(options: { readonly before: readonly Sample[]; readonly after: readonly Sample[]; readonly name: string; readonly label: string; readonly q: number }): Map<string, number> {
  const buckets = (samples: readonly Sample[]): Map<string, Map<number, number>> => {
    const out = new Map<string, Map<number, number>>();
    for (const s of samples) {
      if (s.name !== `${options.name}_bucket` || s.labels.le === undefined) continue;
      const key = s.labels[options.label] ?? '';
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
      const byLe = out.get(key) ?? new Map<number, number>();
      byLe.set(le, (byLe.get(le) ?? 0) + s.value);
      out.set(key, byLe);
    }
    return out;
  };
  const was = buckets(options.before);
  const result = new Map<string, number>();
  for (const [key, now] of buckets(options.after)) {
    const bounds = [...now.keys()].sort((a, b) => a - b);
    const growth = bounds.map((le) => (now.get(le) ?? 0) - (was.get(key)?.get(le) ?? 0));
    const total = growth[growth.length - 1] ?? 0;
    if (total <= 0) continue;
    const index = growth.findIndex((n) => n >= options.q * total);
    const bound = bounds[index];
    if (bound !== undefined) result.set(key, bound);
  }
  return result;
}
