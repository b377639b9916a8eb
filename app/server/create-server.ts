import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { type Bus, type Config, createError, type Logger, type Metrics, type Store } from '../../agents/runtime/src/index.ts';
import { acceptWebhook } from '../webhooks/accept-webhook.ts';
import { checkReadiness } from './check-readiness.ts';
import { supportForm } from '../tickets/support-form.ts';
import { ticketRoutes } from '../tickets/ticket-routes.ts';

export interface ServerDeps {
  config: Config;
  bus: Bus;
  store: Store;
  log: Logger;
  metrics: Metrics;
  /** The ticket API's rate-limit windows are read from it; tests pin it. */
  clock?: () => Date;
}

/** The HTTP door: GitHub webhooks in, health and metrics out. Tests drive it with `inject`. */
export async function createServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, bus, metrics } = deps;
  // Typed as the base logger so the instance has Fastify's default generics for callers.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
  const app = Fastify({ loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger, logController: new LogController({ disableRequestLogging: true }) });
  // The signature covers the exact bytes GitHub sent, so the body stays raw.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.post('/api/github/webhooks', async (req, reply) => {
    const name = typeof req.headers['x-github-event'] === 'string' ? req.headers['x-github-event'] : 'unknown';
    if (config.webhooks.secret === undefined) {
      metrics.webhooksReceived.inc({ event: name, outcome: 'rejected' });
      const err = createError('WOW_ERR_WEBHOOK_INVALID', ['this server has no WEBHOOK_SECRET, so it cannot verify deliveries; set WEBHOOK_SECRET to the App\'s webhook secret']);
      return reply.code(503).send({ code: err.code, message: err.message });
    }
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const outcome = await acceptWebhook({ headers: req.headers, body }, { bus, secret: config.webhooks.secret, dedupeTtlSeconds: config.webhooks.dedupeTtlSeconds });
    if ('error' in outcome) {
      metrics.webhooksReceived.inc({ event: name, outcome: 'rejected' });
      req.log.warn({ code: outcome.error.code, delivery: req.headers['x-github-delivery'] }, outcome.error.message);
      return reply.code(outcome.status).send({ code: outcome.error.code, message: outcome.error.message });
    }
    metrics.webhooksReceived.inc({ event: name, outcome: outcome.body.duplicate ? 'duplicate' : 'queued' });
    return reply.code(202).send(outcome.body);
  });

  // The support desk's customer doors: the ticket API and the web form.
  await app.register(ticketRoutes, { store: deps.store, rateLimitPerMinute: config.support.rateLimitPerMinute, clock: deps.clock ?? (() => new Date()) });
  await app.register(supportForm, { store: deps.store });

  app.get('/healthz', () => ({ status: 'ok' }));

  app.get('/readyz', async (_req, reply) => {
    const checks = await checkReadiness({ database: () => deps.store.ping(), bus: () => bus.ping() }, 2000);
    return reply.code(Object.values(checks).every((c) => c === 'ok') ? 200 : 503).send(checks);
  });

  app.get('/metrics', async (_req, reply) => reply.type(metrics.registry.contentType).send(await metrics.metricsText()));

  app.setErrorHandler((err, req, reply) => {
    const status = (err as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) req.log.error({ err }, 'request failed');
    return reply.code(status).send({ code: (err as { code?: string }).code ?? 'WOW_ERR_UNEXPECTED', message: err instanceof Error ? err.message : String(err) });
  });

  await app.ready();
  return app;
}
