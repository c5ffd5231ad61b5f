import { describe, expect, it } from 'vitest';
import { parseMetrics, quantileBy, sumBy } from '../../../console/src/metrics.js';

const scrape = (fast: number, slow: number): string => `# HELP x
liveops_fairness_verdicts_total{verdict="pass"} ${fast}
liveops_fairness_verdicts_total{verdict="flag"} 2
liveops_http_request_duration_seconds_bucket{function="postEvent",route="events",le="0.005"} ${fast}
liveops_http_request_duration_seconds_bucket{function="postEvent",route="events",le="0.05"} ${fast + slow}
liveops_http_request_duration_seconds_bucket{function="postEvent",route="events",le="+Inf"} ${fast + slow}
liveops_http_request_duration_seconds_count{function="postEvent",route="events"} ${fast + slow}
`;

describe("the console's metrics reading", () => {
  it('sums a counter per label', () => {
    expect(sumBy(parseMetrics(scrape(10, 0)), 'liveops_fairness_verdicts_total', 'verdict')).toEqual(new Map([['pass', 10], ['flag', 2]]));
  });

  it('takes a p95 from the growth of the buckets between two scrapes, not from their totals', () => {
    // Before: 100 fast requests. Then 90 fast and 10 slow: the new p95 is in the 50 ms bucket.
    const p95 = quantileBy({ before: parseMetrics(scrape(100, 0)), after: parseMetrics(scrape(190, 10)), name: 'liveops_http_request_duration_seconds', label: 'function', q: 0.95 });
    expect(p95).toEqual(new Map([['postEvent', 0.05]]));
    expect(quantileBy({ before: parseMetrics(scrape(100, 0)), after: parseMetrics(scrape(100, 0)), name: 'liveops_http_request_duration_seconds', label: 'function', q: 0.95 }).size).toBe(0);
  });
});
