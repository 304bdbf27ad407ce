import type { FastifyInstance } from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics: process defaults plus request latencies by route pattern (never the raw
 * URL, whose ids would explode the label set); the histogram's `_count` is the request count.
 * One registry per app instance.
 */
export function registerMetrics(app: FastifyInstance): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'cvdesk_' });
  const labels = ['method', 'route', 'status'] as const;
  const duration = new Histogram({
    name: 'cvdesk_http_request_duration_seconds',
    help: 'Time to answer HTTP requests',
    labelNames: labels,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  // One child per (method, route, status), kept: labelling a sample is then a map lookup, not a
  // hash of the label set on every request.
  const children = new Map<string, ReturnType<typeof duration.labels>>();
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const key = `${request.method} ${reply.statusCode} ${route}`;
    let child = children.get(key);
    if (!child) {
      child = duration.labels(request.method, route, String(reply.statusCode));
      children.set(key, child);
    }
    child.observe(reply.elapsedTime / 1000);
    done();
  });
  return registry;
}
