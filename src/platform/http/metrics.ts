import fp from 'fastify-plugin';
import type { Histogram, Registry } from 'prom-client';

const NAME = 'http_request_duration_seconds';
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Series {
  labels: { method: string; route: string; status_code: string };
  /** Observations per bucket (not cumulative); the last slot is above every bound (`+Inf`). */
  counts: Float64Array;
  sum: number;
  count: number;
}

/**
 * Request latency by method, route pattern and status, as a Prometheus histogram. Observing is
 * finding the series in three small maps and counting into its bucket: no string keys, label
 * objects or hashing per request, which prom-client's `Histogram.observe` does on every call (it
 * sorts and joins the labels to find the series). prom-client still owns the registry and the
 * exposition: this object gives it the same values its own histogram would.
 */
export class RequestDurations {
  readonly name = NAME;
  readonly help = 'HTTP request latency by route pattern, method and status';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly labelNames = ['method', 'route', 'status_code'];
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();

  observe(method: string, route: string, statusCode: number, seconds: number): void {
    let byMethod = this.byRoute.get(route);
    if (!byMethod) this.byRoute.set(route, (byMethod = new Map<string, Map<number, Series>>()));
    let byStatus = byMethod.get(method);
    if (!byStatus) byMethod.set(method, (byStatus = new Map<number, Series>()));
    let series = byStatus.get(statusCode);
    if (!series) {
      series = {
        labels: { method, route, status_code: String(statusCode) },
        counts: new Float64Array(BUCKETS.length + 1),
        sum: 0,
        count: 0,
      };
      byStatus.set(statusCode, series);
    }
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]) i++;
    series.counts[i]++;
    series.sum += seconds;
    series.count++;
  }

  /** What prom-client's registry reads to expose a metric (the shape of its `Histogram.get()`). */
  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const byMethod of this.byRoute.values())
      for (const byStatus of byMethod.values())
        for (const { labels, counts, sum, count } of byStatus.values()) {
          let cumulative = 0;
          BUCKETS.forEach((le, i) => {
            cumulative += counts[i];
            values.push({ labels: { le, ...labels }, value: cumulative, metricName: `${NAME}_bucket` });
          });
          values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${NAME}_bucket` });
          values.push({ labels, value: sum, metricName: `${NAME}_sum` });
          values.push({ labels, value: count, metricName: `${NAME}_count` });
        }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.byRoute.clear();
  }
}

/** Per-route request counts and latency (a histogram's `_count` is the request count). */
export const metricsPlugin = fp<{ registry: Registry }>(
  async (app, { registry }) => {
    const durations = new RequestDurations();
    // The registry accepts any object with prom-client's metric interface (name, get, reset); its
    // type lists only prom-client's own classes.
    registry.registerMetric(durations as unknown as Histogram);
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (route !== '/metrics')
        durations.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
      done();
    });
    app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_req, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'agora-metrics' },
);
