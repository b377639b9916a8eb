import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { isWowError, type Store } from '#platform';
import { commerceErrors, findSession, getUser, organisationsOf, type User } from '#domains/commerce';
import { listAgentRequests, requestAgent } from '#domains/customer';
import { accountCookies } from '../accounts/account-cookies.ts';
import { seeOther, sendPage } from '../accounts/accounts-context.ts';
import type { FieldProblem } from '../accounts/account-layout.ts';
import { sendApiProblem, sendPageProblem, useAccountForms } from '../accounts/form-door.ts';
import { formFields } from '../accounts/form-fields.ts';
import { renderRequestPage } from './agent-request-pages.ts';

export interface AgentRequestsDoorOptions {
  store: Store;
  /** PUBLIC_URL: the accounts' cookies (`__Host-` over https), and the link back in the request's issue. */
  publicUrl: string;
  clock: () => Date;
}

/**
 * "Request an agent" (`/agents/request`, signed-in members of an organisation) and
 * `GET /api/agent-requests`: an organisation asks for an agent the marketplace lacks, and
 * follows its requests to the questionnaire issues WowAgentFactory opens for them.
 */
export const agentRequestsDoor: FastifyPluginAsync<AgentRequestsDoorOptions> = async (app, opts) => {
  const cookies = accountCookies(opts.publicUrl.startsWith('https:'));
  await useAccountForms(app, cookies);
  const link = `${opts.publicUrl.replace(/\/$/, '')}/agents/request`;
  const csrf = { preHandler: app.csrfProtection.bind(app) };

  const requireUser = async (req: FastifyRequest): Promise<User> => {
    const secret = cookies.readSession(req);
    const session = secret === undefined ? undefined : await findSession(opts.store, secret, opts.clock());
    const user =
      session === undefined || !('userId' in session.subject)
        ? undefined
        : await getUser(opts.store, session.subject.userId);
    if (user === undefined) throw commerceErrors.createError('WOW_ERR_SESSION_REQUIRED', { who: 'customer' });
    return user;
  };
  // The organisation named, or the person's only one.
  const organisationOf = async (user: User, slug: unknown) => {
    const organisations = await organisationsOf(opts.store, user.id);
    const chosen =
      organisations.find((o) => o.slug === slug) ?? (organisations.length === 1 ? organisations[0] : undefined);
    return { organisations, chosen };
  };

  const page = async (
    reply: FastifyReply,
    status: number,
    user: User,
    slug: unknown,
    extra: {
      values?: Record<string, string | undefined>;
      errors?: FieldProblem[];
      problem?: string;
      sent?: boolean;
    } = {},
  ) => {
    const { organisations, chosen } = await organisationOf(user, slug);
    return sendPage(
      reply,
      status,
      renderRequestPage({
        user,
        organisations,
        chosen,
        requests: chosen === undefined ? [] : await listAgentRequests(opts.store, chosen.id),
        csrf: reply.generateCsrf(),
        values: extra.values ?? {},
        errors: extra.errors ?? [],
        problem: extra.problem,
        sent: extra.sent ?? false,
      }),
    );
  };

  app.get('/agents/request', async (req, reply) => {
    const query = req.query as { organisation?: unknown; sent?: unknown };
    return page(reply, 200, await requireUser(req), query.organisation, { sent: query.sent === '1' });
  });

  app.post('/agents/request', csrf, async (req, reply) => {
    const user = await requireUser(req);
    const fields = formFields(req.body);
    const { chosen } = await organisationOf(user, fields.organisation);
    if (chosen === undefined)
      return page(reply, 422, user, undefined, {
        values: fields,
        problem: 'Choose the organisation the agent is for.',
      });
    const optional = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);
    try {
      await requestAgent(opts.store, {
        organisation: chosen,
        userId: user.id,
        now: opts.clock(),
        link,
        body: {
          name: fields.name ?? '',
          purpose: fields.purpose ?? '',
          industry: optional(fields.industry),
          task: {
            title: fields['task.title'] ?? '',
            input: fields['task.input'] ?? '',
            output: fields['task.output'] ?? '',
            minutesSaved: fields['task.minutesSaved'] ?? '',
          },
        },
      });
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_AGENT_REQUEST_INPUT'))
        return page(reply, 422, user, chosen.slug, { values: fields, errors: fieldErrors(err.data?.errors) });
      if (isWowError(err, 'WOW_ERR_AGENT_REQUESTS_LIMIT'))
        return page(reply, 429, user, chosen.slug, { values: fields, problem: err.message });
      throw err;
    }
    return seeOther(reply, `/agents/request?organisation=${encodeURIComponent(chosen.slug)}&sent=1`);
  });

  app.get('/api/agent-requests', async (req, reply) => {
    const user = await requireUser(req);
    const { chosen } = await organisationOf(user, (req.query as { organisation?: unknown }).organisation);
    if (chosen === undefined)
      throw commerceErrors.createError('WOW_ERR_ACCOUNT_INPUT', {
        problems: 'organisation: name one of your organisations by its slug (?organisation=…)',
      });
    return reply.send({ requests: await listAgentRequests(opts.store, chosen.id) });
  });

  app.setErrorHandler((err, req, reply) =>
    req.url.startsWith('/api/')
      ? sendApiProblem(err, req, reply, 'agent requests API')
      : sendPageProblem(err, req, reply, { href: '/agents', label: 'Back to the agents' }, 'agent request page'),
  );
};

/** The domain's field errors as the form shows them, each message a sentence about its field. */
function fieldErrors(errors: unknown): FieldProblem[] {
  const labels: Record<string, string> = {
    name: 'The name',
    purpose: 'What it should do',
    industry: 'The industry',
    'task.title': 'The work',
    'task.input': 'What you would send',
    'task.output': 'What you want back',
    'task.minutesSaved': 'The minutes saved',
  };
  return ((errors as { field: string; message: string }[] | undefined) ?? []).map((e) => ({
    field: e.field,
    message: `${labels[e.field] ?? e.field}: ${e.message}`,
  }));
}
