import fastifyCookie from '@fastify/cookie';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
// The OpenAPI words of route schemas (summary, tags): the API document is generated from them.
import type {} from '@fastify/swagger';
import { isWowError, type Metrics, type Store } from '#platform';
import { createError } from '../errors.ts';
import {
  authorizeApiCall,
  listTickets,
  readTicket,
  submitMessage,
  submitRating,
  submitTicket,
  supportErrors,
  type Customer,
  type IntakeAnswer,
} from '#domains/support';
import { taskCaller } from '../tasks/task-caller.ts';
import { readJsonBody } from './read-json-body.ts';
import { apiErrorSchema, ticketListQuerySchema, ticketListResponseSchema } from './ticket-list-schema.ts';

export interface TicketRoutesOptions {
  store: Store;
  /** The desk's SUPPORT_RATE_LIMIT_PER_MINUTE: requests per customer per minute. */
  rateLimitPerMinute: number;
  /** A key presented and refused is counted as a security violation. */
  metrics: Metrics;
  clock: () => Date;
  /** Reads the accounts' session cookie: a signed-in member may list the organisation's tickets too. */
  readSession?: (req: FastifyRequest) => string | undefined;
}

/**
 * The customers' ticket API: `POST /api/tickets`, `POST /api/tickets/:id/messages`,
 * `POST /api/tickets/:id/rating`, `GET /api/tickets/:id`, each with `Authorization: Bearer wow_sk_…`, and `GET /api/tickets`
 * (the organisation's tickets, also with a member's session). The engine does the
 * work; this plugin maps HTTP to it and its errors to `{ code, message, retryable, errors? }`.
 */
export const ticketRoutes: FastifyPluginAsync<TicketRoutesOptions> = async (app, opts) => {
  const { store } = opts;
  // First: awaiting a plugin after a route would add that route before this plugin's error handler.
  await app.register(fastifyCookie);
  const authorize = (req: FastifyRequest): Promise<Customer> =>
    authorizeApiCall(store, {
      authorization: req.headers.authorization,
      limitPerMinute: opts.rateLimitPerMinute,
      now: opts.clock(),
    });

  app.post('/api/tickets', async (req, reply) => {
    const customer = await authorize(req);
    return send(
      reply,
      await submitTicket(
        store,
        { customer, idempotencyKey: idempotencyKey(req) },
        readJsonBody(req.body, req.headers['content-type']),
      ),
    );
  });

  app.post<{ Params: { id: string } }>('/api/tickets/:id/messages', async (req, reply) => {
    const customer = await authorize(req);
    return send(
      reply,
      await submitMessage(
        store,
        { customer, idempotencyKey: idempotencyKey(req) },
        req.params.id,
        readJsonBody(req.body, req.headers['content-type']),
      ),
    );
  });

  app.post<{ Params: { id: string } }>('/api/tickets/:id/rating', async (req, reply) => {
    const customer = await authorize(req);
    return send(
      reply,
      await submitRating(
        store,
        { customer, idempotencyKey: idempotencyKey(req) },
        req.params.id,
        readJsonBody(req.body, req.headers['content-type']),
      ),
    );
  });

  app.get<{ Querystring: Record<string, unknown> }>(
    '/api/tickets',
    {
      schema: {
        summary: "The organisation's support tickets, newest first, with tier, status and SLA state",
        tags: ['support'],
        querystring: ticketListQuerySchema,
        response: { 200: ticketListResponseSchema, 401: apiErrorSchema, 422: apiErrorSchema },
      },
    },
    async (req) => {
      // A key's organisation, or a session's as the task API names it (X-Organisation, or the only one).
      const { organisation } = await taskCaller({ ...opts, readSession: opts.readSession ?? (() => undefined) }, req);
      return listTickets(store, organisation.id, req.query, opts.clock());
    },
  );

  app.get<{ Params: { id: string } }>('/api/tickets/:id', async (req) =>
    readTicket(store, await authorize(req), req.params.id),
  );

  app.setErrorHandler((thrown, req, reply) => {
    // The query's schema refused it before the engine saw it: answered as the engine's own refusal.
    const err =
      (thrown as { validation?: unknown }).validation === undefined
        ? thrown
        : supportErrors.createError('WOW_ERR_SUPPORT_INPUT', { problems: (thrown as Error).message.slice(0, 500) });
    const status = isWowError(err) ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
    // A failure on our side says nothing of how we are built (SQLSTATEs, table names, URLs):
    // the cause is logged under the request id the answer gives.
    if (status >= 500) {
      req.log.error({ err, requestId: req.id }, 'ticket API request failed');
      const internal = createError('WOW_ERR_INTERNAL', { requestId: req.id });
      return reply.code(status).send({
        code: internal.code,
        message: `${internal.message} Nothing was created; retry with the same Idempotency-Key.`,
        requestId: req.id,
        retryable: isWowError(err) ? err.retryable : true,
      });
    }
    // Fastify's own refusals (415 media type, 413 too large) keep their status and message.
    if (!isWowError(err))
      return reply.code(status).send({
        code: (err as { code?: string }).code ?? 'WOW_ERR_UNEXPECTED',
        message: (err as Error).message,
        retryable: false,
      });
    if (err.code === 'WOW_ERR_RATE_LIMITED')
      void reply.header('Retry-After', String(Number(err.data?.retryAfterSeconds ?? 60)));
    if (err.status === 401) {
      void reply.header('WWW-Authenticate', 'Bearer realm="waooaw-support"');
      // No header at all is a client not yet set up; a key refused is someone holding a wrong or revoked one.
      if (req.headers.authorization !== undefined)
        opts.metrics.securityViolation('api_key', { source: 'ticket api', reason: 'an unknown or revoked API key' });
    }
    const errors = err.data?.errors;
    return reply.code(err.status).send({
      code: err.code,
      message: err.message,
      retryable: err.retryable,
      ...(errors === undefined ? {} : { errors }),
    });
  });
};

function idempotencyKey(req: FastifyRequest): string | undefined {
  const value = req.headers['idempotency-key'];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A replayed answer is the first one byte for byte, marked so the client can tell. */
function send(reply: FastifyReply, answer: IntakeAnswer): FastifyReply {
  if (answer.replayed) void reply.header('Idempotent-Replayed', 'true');
  return reply.code(answer.status).send(answer.body);
}
