import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authorizeApiCall } from '#domains/support';
import {
  organisationsOf,
  startTrial,
  trialsOf,
  type Organisation,
  type Trial,
  type TrialStarter,
} from '#domains/commerce';
import { readJsonBody } from '../tickets/read-json-body.ts';
import { trialListResponseSchema, trialStartedResponseSchema } from './trial-api-schema.ts';
import type { TrialsContext } from './trials-context.ts';

/** Who calls: an organisation by its `wow_sk_` key, or a signed-in customer acting for the organisations they are in. */
type Caller = { organisation: Organisation } | { userId: string; organisations: Organisation[] };

/**
 * `GET /api/trials` (the caller's organisations' trials) and `POST /api/trials` (start one:
 * `{ agentId, organisation?, industry, goals, audience, tone, goodResult }`; 201 with the
 * trial and its first task). A request with an Authorization header is the key's
 * organisation's, rate-limited as the ticket API; without one, the session's. JSON only,
 * so another site's form cannot post here with a visitor's cookie.
 */
export function trialApiRoutes(app: FastifyInstance, ctx: TrialsContext): void {
  const callerOf = async (req: FastifyRequest): Promise<Caller> => {
    const user = req.headers.authorization === undefined ? await ctx.currentUser(req) : undefined;
    if (user !== undefined) return { userId: user.id, organisations: await organisationsOf(ctx.store, user.id) };
    // No session either: the key's refusal says what to send.
    const customer = await authorizeApiCall(ctx.store, {
      authorization: req.headers.authorization,
      limitPerMinute: ctx.apiRateLimitPerMinute,
      now: ctx.clock(),
    });
    return { organisation: { id: customer.id, slug: customer.slug, name: customer.name } };
  };

  app.get(
    '/api/trials',
    {
      schema: {
        summary: "The organisation's trials, with their state and end",
        tags: ['trials'],
        response: { 200: trialListResponseSchema },
      },
    },
    async (req) => {
      const caller = await callerOf(req);
      const organisations = 'userId' in caller ? caller.organisations : [caller.organisation];
      const trials: (Trial & { organisation: string })[] = [];
      for (const o of organisations)
        trials.push(...(await trialsOf(ctx.store, o.id)).map((t) => ({ ...t, organisation: o.slug })));
      return { trials };
    },
  );

  app.post(
    '/api/trials',
    {
      schema: {
        summary: 'Start a 7-day trial of an agent, with the business context',
        description:
          'JSON body: agentId, organisation (with a session, when you belong to several), industry, goals, audience, ' +
          'tone, goodResult. A second trial of the same agent by the same organisation is refused.',
        tags: ['trials'],
        response: { 201: trialStartedResponseSchema },
      },
    },
    async (req, reply) => {
      const caller = await callerOf(req);
      const body = readJsonBody(req.body, req.headers['content-type']);
      const fields =
        body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
      const text = (name: string) => (typeof fields[name] === 'string' ? fields[name] : undefined);
      const by: TrialStarter =
        'userId' in caller ? { userId: caller.userId, organisation: text('organisation') } : caller;
      const started = await startTrial(ctx.store, {
        agents: await ctx.agents(),
        agentId: text('agentId') ?? '',
        by,
        fields,
        now: ctx.clock(),
      });
      return reply.code(201).send({ trial: started.trial, firstTask: started.firstTask ?? null });
    },
  );
}
