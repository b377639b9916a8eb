import type { FastifyInstance } from 'fastify';
import type { Metrics } from '#platform';

// Polled every few seconds by health checks and Prometheus: counted, not logged.
const quietRoutes = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * Every answer carries its request id (X-Request-Id), is counted by declared route and
 * status in `/metrics`, and, but for the polled routes, leaves one log line under that id.
 * Routes are the declared patterns (`/api/tickets/:id`), never a URL a client chose.
 */
export function observeRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRequest', async (req, reply) => void reply.header('X-Request-Id', req.id));
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.http.requested({ method: req.method, route, status: reply.statusCode, seconds });
    if (!quietRoutes.has(route))
      req.log.info(
        { method: req.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) },
        'answered',
      );
  });
}
