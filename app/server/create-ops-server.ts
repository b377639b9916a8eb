import type { FastifyInstance } from 'fastify';
import type { Bus, Logger, Metrics, Store } from '#platform';
import { createFastify } from './create-fastify.ts';
import { opsRoutes } from './ops-routes.ts';

/**
 * The HTTP listener of an agent worker (`wow agents run --port`): only `/healthz`,
 * `/readyz` and `/metrics`, for the container's health check and Prometheus.
 */
export async function createOpsServer(deps: {
  bus: Bus;
  store: Store;
  log: Logger;
  metrics: Metrics;
}): Promise<FastifyInstance> {
  const app = createFastify({ log: deps.log, metrics: deps.metrics });
  await app.register(opsRoutes, deps);
  await app.ready();
  return app;
}
