import type { FastifyPluginAsync } from 'fastify';
import type { Bus, Metrics, Store } from '#platform';
import { checkReadiness } from './check-readiness.ts';

export interface OpsRoutesOptions {
  bus: Bus;
  store: Store;
  metrics: Metrics;
}

/**
 * What orchestrators and Prometheus ask every process, the server and the agent workers
 * alike: `/healthz` (the process answers), `/readyz` (its database and bus answer) and
 * `/metrics`. The proxy in front keeps `/metrics` to the inside network.
 */
export const opsRoutes: FastifyPluginAsync<OpsRoutesOptions> = async (app, { bus, store, metrics }) => {
  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (req, reply) => {
    const checks = await checkReadiness({ database: () => store.ping(), bus: () => bus.ping() }, 2000, (name, err) =>
      req.log.warn({ err, dependency: name }, `readiness: ${name} is unreachable`),
    );
    return reply.code(Object.values(checks).every((c) => c === 'ok') ? 200 : 503).send(checks);
  });

  app.get('/metrics', async (_req, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.metricsText()),
  );
};
