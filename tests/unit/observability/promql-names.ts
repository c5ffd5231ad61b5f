/**
 * The metric names a PromQL expression reads, without a full PromQL parser: label matchers,
 * grouping clauses, strings, ranges and Grafana variables are removed first, then every
 * remaining identifier that is not a function call, keyword or aggregation modifier is a metric.
 * Good enough for the expressions of this repository; the tests below pin its behaviour.
 */
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);

export function metricNamesIn(expr: string): string[] {
  let text = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // string literals (regexes in matchers, label_replace args)
    .replace(/\$\{[^}]*\}|\$\w+/g, '1') // Grafana variables ($__rate_interval, ${datasource})
    .replace(/\{[^{}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery selectors
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // label lists
  // label_values(metric, label) in Grafana variables: only the first argument is a metric.
  text = text.replace(/label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,[^)]*\)/g, ' $1 ');
  const names = new Set<string>();
  for (const match of text.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const after = text.slice((match.index) + name.length);
    const before = text.slice(0, match.index);
    if (/^\s*\(/.test(after)) continue; // a function: rate(, sum(, histogram_quantile(
    if (/[0-9.]$/.test(before)) continue; // the unit of a number such as 1e3
    if (KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}
