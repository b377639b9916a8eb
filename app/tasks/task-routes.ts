import fastifyCookie from '@fastify/cookie';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { isWowError, type Metrics, type Store } from '#platform';
import {
  getDeliverable,
  getTask,
  listTasks,
  rateTask,
  requestTask,
  type Entitlement,
  type TaskAgent,
} from '#domains/customer';
import { createError } from '../errors.ts';
import { readJsonBody } from '../tickets/read-json-body.ts';
import { taskCaller, type CallerOptions } from './task-caller.ts';
import { streamTaskEvents } from './task-events.ts';
import type { TaskFeed } from './task-feed.ts';

export interface TaskRoutesOptions extends Omit<CallerOptions, 'store'> {
  store: Store;
  /** Loads the agents customers send tasks to (loadCustomerAgents): once, when the first task is sent. */
  agents: () => Promise<ReadonlyMap<string, TaskAgent>>;
  /** Whether the organisation may send the agent work (an active trial or subscription). */
  entitled: Entitlement;
  feed: TaskFeed;
  metrics: Metrics;
}

/** A task's input is a form's worth of fields; a page to audit fits in it too. */
const taskBodyLimit = 256 * 1024;
const mediaTypePattern = /^[a-z]+\/[a-z0-9][a-z0-9.+-]*(; ?charset=[a-z0-9-]+)?$/;

/**
 * The task API: `POST /api/agents/:id/tasks`, `GET /api/tasks`, `GET /api/tasks/:id`,
 * `GET /api/tasks/:id/events` (server-sent events), `GET /api/tasks/:id/deliverables/:name`,
 * `POST /api/tasks/:id/rating` — with an organisation's API key or a member's session. A
 * session's cookie is SameSite=Lax and the bodies JSON only, so another site can neither
 * post with it nor forge a JSON post without CORS, which this API does not grant.
 */
export const taskRoutes: FastifyPluginAsync<TaskRoutesOptions> = async (app, opts) => {
  const { store } = opts;
  await app.register(fastifyCookie);
  let agents: Promise<ReadonlyMap<string, TaskAgent>> | undefined;
  const caller = (req: Parameters<typeof taskCaller>[1]) => taskCaller(opts, req);

  app.post<{ Params: { id: string } }>('/api/agents/:id/tasks', { bodyLimit: taskBodyLimit }, async (req, reply) => {
    const { organisation, userId } = await caller(req);
    const key = req.headers['idempotency-key'];
    const answer = await requestTask(store, {
      organisation,
      requestedBy: userId,
      agentId: req.params.id,
      agent: (await (agents ??= opts.agents())).get(req.params.id),
      idempotencyKey: Array.isArray(key) ? key.join(', ') : key,
      body: readJsonBody(req.body, req.headers['content-type']),
      entitled: opts.entitled,
      now: opts.clock(),
    });
    if (answer.replayed) void reply.header('Idempotent-Replayed', 'true');
    return reply
      .code(202)
      .header('Location', `/api/tasks/${answer.task.id}`)
      .send({ id: answer.task.id, state: answer.task.state, task: answer.task });
  });

  app.get<{ Querystring: { state?: string } }>('/api/tasks', async (req) => {
    const { organisation } = await caller(req);
    return { tasks: await listTasks(store, organisation.id, { state: req.query.state }) };
  });

  app.get<{ Params: { id: string } }>('/api/tasks/:id', async (req) => {
    const { organisation } = await caller(req);
    return getTask(store, organisation.id, req.params.id);
  });

  app.get<{ Params: { id: string } }>('/api/tasks/:id/events', async (req, reply) => {
    const { organisation } = await caller(req);
    const task = await getTask(store, organisation.id, req.params.id);
    await streamTaskEvents(reply, { store, feed: opts.feed, organisationId: organisation.id, taskId: task.id });
  });

  app.get<{ Params: { id: string; name: string } }>('/api/tasks/:id/deliverables/:name', async (req, reply) => {
    const { organisation } = await caller(req);
    const file = await getDeliverable(store, organisation.id, req.params.id, req.params.name);
    return (
      reply
        // Names are checked file names ([A-Za-z0-9._-]); a media type of another shape is served as bytes.
        .header('Content-Type', mediaTypePattern.test(file.mediaType) ? file.mediaType : 'application/octet-stream')
        .header('Content-Disposition', `attachment; filename="${req.params.name}"`)
        .header('X-Content-Type-Options', 'nosniff')
        .header('Content-Security-Policy', "default-src 'none'; sandbox")
        .header('Cache-Control', 'private, no-store')
        .send(file.bytes)
    );
  });

  app.post<{ Params: { id: string } }>('/api/tasks/:id/rating', { bodyLimit: 1024 }, async (req) => {
    const { organisation } = await caller(req);
    return rateTask(store, {
      organisation,
      taskId: req.params.id,
      body: readJsonBody(req.body, req.headers['content-type']),
      now: opts.clock(),
    });
  });

  app.setErrorHandler((err, req, reply) => sendError(err, req.id, reply, opts.metrics, req.headers.authorization));
};

/** Errors as the ticket API answers them: `{ code, message, retryable, errors? }`, with 402's reason and action. */
function sendError(
  err: unknown,
  requestId: string,
  reply: FastifyReply,
  metrics: Metrics,
  authorization: string | undefined,
): FastifyReply {
  const status = isWowError(err) ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
  if (status >= 500) {
    reply.log.error({ err, requestId }, 'task API request failed');
    const internal = createError('WOW_ERR_INTERNAL', { requestId });
    return reply.code(status).send({ code: internal.code, message: internal.message, requestId, retryable: true });
  }
  if (!isWowError(err))
    return reply.code(status).send({
      code: (err as { code?: string }).code ?? 'WOW_ERR_UNEXPECTED',
      message: (err as Error).message,
      retryable: false,
    });
  if (err.code === 'WOW_ERR_RATE_LIMITED')
    void reply.header('Retry-After', String(Number(err.data?.retryAfterSeconds ?? 60)));
  if (err.status === 401) {
    void reply.header('WWW-Authenticate', 'Bearer realm="waooaw-tasks"');
    if (authorization !== undefined)
      metrics.securityViolation('api_key', { source: 'task api', reason: 'an unknown or revoked API key' });
  }
  const { errors, reason, action } = err.data ?? {};
  return reply.code(err.status).send({
    code: err.code,
    message: err.message,
    retryable: err.retryable,
    ...(errors === undefined ? {} : { errors }),
    ...(reason === undefined ? {} : { reason, action }),
  });
}
