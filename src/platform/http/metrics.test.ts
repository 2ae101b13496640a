import { describe, expect, it } from 'vitest';
import { Histogram, Registry } from 'prom-client';
import { RequestDurations } from './metrics.js';

describe('request durations', () => {
  it('expose exactly what a prom-client histogram with the same observations exposes', async () => {
    const ours = new Registry();
    const durations = new RequestDurations();
    ours.registerMetric(durations as unknown as Histogram);
    const theirs = new Registry();
    const reference = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route pattern, method and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [theirs],
    });
    const observations: [string, string, number, number][] = [
      ['GET', '/v1/me', 200, 0.0004],
      ['GET', '/v1/me', 200, 0.001], // on a bound: counted in that bucket
      ['GET', '/v1/me', 200, 0.0031],
      ['GET', '/v1/me', 401, 0.0002],
      ['POST', '/v1/auth/login', 200, 0.12],
      ['GET', 'unmatched', 404, 7.5], // above every bound: +Inf only
    ];
    for (const [method, route, status, seconds] of observations) {
      durations.observe(method, route, status, seconds);
      reference.labels(method, route, String(status)).observe(seconds);
    }
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain(
      'http_request_duration_seconds_bucket{le="0.001",method="GET",route="/v1/me",status_code="200"} 2',
    );
    expect(text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/v1/me",status_code="200"} 3',
    );
    ours.resetMetrics();
    expect(await ours.metrics()).not.toContain('/v1/me');
  });
});
