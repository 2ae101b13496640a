import fp from 'fastify-plugin';
import { Histogram, type Registry } from 'prom-client';

/** Per-route request counts and latency (a histogram's `_count` is the request count). */
export const metricsPlugin = fp<{ registry: Registry }>(
  async (app, { registry }) => {
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency by route pattern, method and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    // One labelled child per method, route pattern and status, found by a string key: prom-client
    // would otherwise sort and hash the label object on every observation.
    const series = new Map<string, Histogram.Internal<'method' | 'route' | 'status_code'>>();
    app.addHook('onResponse', (request, reply, done) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (route !== '/metrics') {
        const key = `${request.method} ${reply.statusCode} ${route}`;
        let child = series.get(key);
        if (!child) {
          child = duration.labels(request.method, route, String(reply.statusCode));
          series.set(key, child);
        }
        child.observe(reply.elapsedTime / 1000);
      }
      done();
    });
    app.get('/metrics', { schema: { hide: true }, config: { rateLimit: false } }, async (_req, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'agora-metrics' },
);
