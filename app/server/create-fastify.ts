import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger, Metrics } from '#platform';
import { observeRequests } from './observe-requests.ts';
import { requestIdOf } from './request-id.ts';

/**
 * The Fastify instance every HTTP listener of the platform starts from: structured logs
 * under one request id (the proxy's, or a new one), each request counted and logged once.
 */
export function createFastify(opts: {
  log: Logger;
  metrics: Metrics;
  trustProxy?: string[] | undefined;
}): FastifyInstance {
  const app = Fastify({
    // Typed as the base logger so the instance has Fastify's default generics for callers.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: opts.log.child({ component: 'http' }) as FastifyBaseLogger,
    // Fastify's own two lines per request name the URL a stranger chose; observeRequests logs one, by route.
    logController: new LogController({ disableRequestLogging: true }),
    // A request id that a person can quote from an error answer and we can find in the logs.
    genReqId: (req) => requestIdOf(req.headers['x-request-id']),
    // Only the proxies the operator names may say who the client is (X-Forwarded-For).
    ...(opts.trustProxy === undefined ? {} : { trustProxy: opts.trustProxy }),
  });
  observeRequests(app, opts.metrics);
  return app;
}
