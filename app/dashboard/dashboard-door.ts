import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
// The OpenAPI words of route schemas (summary, tags, hide): the API document is generated from them.
import type {} from '@fastify/swagger';
import { isWowError, type Logger, type Store } from '#platform';
import { commerceErrors, signedInMember, type Membership, type Pricing, type User } from '#domains/commerce';
import {
  agentTasks,
  customerErrors,
  getDeliverable,
  rateTask,
  recordRevenue,
  requestTask,
  setHourlyCost,
  type Entitlement,
  type TaskAgent,
} from '#domains/customer';
import { authorizeApiCall } from '#domains/support';
import { accountCookies } from '../accounts/account-cookies.ts';
import { seeOther } from '../accounts/accounts-context.ts';
import { formFields, fieldProblems } from '../accounts/form-fields.ts';
import { renderProblem } from '../accounts/problem-pages.ts';
import { createError } from '../errors.ts';
import { loadCatalog, type CatalogAgent } from '../marketplace/load-catalog.ts';
import { html } from '../tickets/html.ts';
import { readFormBody } from '../tickets/read-form-body.ts';
import { renderAgentTasks } from './agent-tasks-page.ts';
import { chartAssetRoutes } from './chart-assets.ts';
import { readDashboard, type Viewer } from './dashboard-data.ts';
import { dashboardJson, dashboardQuerySchema, dashboardResponseSchema } from './dashboard-json.ts';
import { dashboardPage, sendDashboardPage } from './dashboard-layout.ts';
import { renderDashboard, type FormState } from './dashboard-page.ts';
import { recordsReader } from './organisation-records.ts';
import { taskFields, typedInput, type TaskFormState } from './task-form.ts';
import { apiErrorSchema } from '../tickets/ticket-list-schema.ts';

export interface DashboardDoorOptions {
  store: Store;
  /** AGENTS_DIR: the agents' names and each task type's minutesSaved come from their manifests. */
  agentsDir: string;
  /** Billing's prices: plan names, and the time zone of an organisation that named none. */
  pricing: Pricing;
  /** PUBLIC_URL: https makes the accounts' cookies `__Host-`, and the dashboard reads the same ones. */
  publicUrl: string;
  /** The ticket API's limit per organisation and minute, for `GET /api/dashboard` with a key. */
  apiRateLimitPerMinute: number;
  /** The agents customers send tasks to, as the task API loads them: the forms are generated from their input schemas. */
  agents: () => Promise<ReadonlyMap<string, TaskAgent>>;
  /** The task API's check that the organisation may send the agent work. */
  entitled: Entitlement;
  clock: () => Date;
  log: Logger;
}

const notices: Record<string, string> = {
  hourly: 'The hourly cost is saved; the value of the time saved is computed with it.',
  revenue: 'The revenue is recorded.',
};

const taskNotices: Record<string, string> = {
  task: 'The task is sent. This page shows it working, then done with its deliverables.',
  rated: 'Thank you: your rating is saved.',
};

/** A page's form with the task's HTML: the task API's 256 KiB of JSON, URL-encoded (up to three bytes a character). */
const taskFormBodyLimit = 1024 * 1024;

/** The signed-in person, the organisation asked for (or their only one), and their other organisations. */
type PageViewer = { user: User; memberships: Membership[]; viewer: Viewer | undefined };

const viewerOf = (m: Membership): Viewer => ({
  organisation: { id: m.id, slug: m.slug, name: m.name },
  role: m.role === 'owner' ? 'owner' : 'member',
});

/**
 * The customer dashboard: `/dashboard` (the signed-in person's organisation: their only
 * one, or the one `?organisation=` names), its forms for the ROI's hourly cost (owners) and
 * revenue (members), `/dashboard/agents/:id` (an agent's tasks and deliverables), and the
 * same figures as JSON at `GET /api/dashboard` (a session or the organisation's `wow_sk_`
 * key). The accounts' cookies and CSRF token, as billing reads them.
 */
export const dashboardDoor: FastifyPluginAsync<DashboardDoorOptions> = async (app, opts) => {
  const { store } = opts;
  const cookies = accountCookies(opts.publicUrl.startsWith('https:'));
  await app.register(fastifyCookie);
  await app.register(fastifyCsrf, {
    sessionPlugin: '@fastify/cookie',
    cookieKey: cookies.names.csrf,
    cookieOpts: cookies.options,
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: 16 * 1024 },
    (_req, body, done) => {
      try {
        done(null, readFormBody(body as Buffer));
      } catch (err) {
        done(err as Error);
      }
    },
  );
  await chartAssetRoutes(app);
  const catalog: ReadonlyMap<string, CatalogAgent> = new Map((await loadCatalog(opts.agentsDir)).map((a) => [a.id, a]));
  // One reader per door: what it keeps of an organisation is this process's.
  const deps = { store, catalog, pricing: opts.pricing, records: recordsReader({ store, pricing: opts.pricing }) };
  const csrf = { preHandler: app.csrfProtection.bind(app) };

  /** The page's organisation: one the person is a member of (WOW_ERR_NOT_MEMBER otherwise), or undefined to choose. */
  const pageViewer = async (req: FastifyRequest, named: unknown): Promise<PageViewer> => {
    const secret = cookies.readSession(req);
    const member = secret === undefined ? undefined : await signedInMember(store, secret, opts.clock());
    if (member === undefined) throw commerceErrors.createError('WOW_ERR_SESSION_REQUIRED', { who: 'customer' });
    const { user, memberships } = member;
    if (typeof named === 'string' && named !== '') {
      const chosen = memberships.find((m) => m.slug === named);
      if (chosen === undefined)
        throw commerceErrors.createError('WOW_ERR_NOT_MEMBER', { organisation: named.slice(0, 100) });
      return { user, memberships, viewer: viewerOf(chosen) };
    }
    const [only] = memberships;
    return { user, memberships, viewer: memberships.length === 1 && only !== undefined ? viewerOf(only) : undefined };
  };

  const dashboardPageOf = async (
    req: FastifyRequest,
    reply: FastifyReply,
    at: PageViewer,
    status: number,
    form?: FormState,
  ): Promise<FastifyReply> => {
    const csrfToken = reply.generateCsrf();
    if (at.viewer === undefined) return sendDashboardPage(reply, 200, chooseOrganisation(at, csrfToken));
    const notice = (req.query as { notice?: unknown }).notice;
    return sendDashboardPage(
      reply,
      status,
      renderDashboard({
        dashboard: await readDashboard(deps, at.viewer, opts.clock()),
        user: at.user,
        organisations: at.memberships.map((m) => ({ slug: m.slug, name: m.name })),
        csrf: csrfToken,
        notice: status === 200 && typeof notice === 'string' ? notices[notice] : undefined,
        form,
      }),
    );
  };

  app.get<{ Querystring: { organisation?: string } }>('/dashboard', { schema: { hide: true } }, async (req, reply) =>
    dashboardPageOf(req, reply, await pageViewer(req, req.query.organisation), 200),
  );

  /** A form's change, then back to the dashboard with its notice, or the dashboard again with the form's problems. */
  const formAction =
    (
      form: FormState['form'],
      act: (viewer: Viewer, user: User, fields: Record<string, string | undefined>) => Promise<unknown>,
    ) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const fields = formFields(req.body);
      const at = await pageViewer(req, fields.organisation ?? '');
      if (at.viewer === undefined)
        throw customerErrors.createError('WOW_ERR_DASHBOARD_ORGANISATION', { count: at.memberships.length });
      try {
        await act(at.viewer, at.user, fields);
      } catch (err) {
        const errors = fieldProblems(err) ?? (isWowError(err, 'WOW_ERR_ROI_INPUT') ? roiProblems(err) : undefined);
        if (errors !== undefined) return dashboardPageOf(req, reply, at, 422, { form, values: fields, errors });
        throw err;
      }
      return seeOther(
        reply,
        `/dashboard?organisation=${encodeURIComponent(at.viewer.organisation.slug)}&notice=${form}`,
      );
    };

  app.post(
    '/dashboard/hourly-cost',
    { ...csrf, schema: { hide: true } },
    formAction('hourly', async (viewer, user, fields) => {
      if (viewer.role !== 'owner')
        throw commerceErrors.createError('WOW_ERR_NOT_OWNER', {
          organisation: viewer.organisation.name,
          action: 'change the hourly cost',
        });
      await setHourlyCost(store, {
        organisationId: viewer.organisation.id,
        userId: user.id,
        hourlyCost: fields.hourlyCost,
        now: opts.clock(),
      });
    }),
  );

  app.post(
    '/dashboard/revenue',
    { ...csrf, schema: { hide: true } },
    formAction('revenue', async (viewer, user, fields) => {
      await recordRevenue(store, {
        organisationId: viewer.organisation.id,
        userId: user.id,
        fields: { amount: fields.amount, note: fields.note, date: fields.date },
        now: opts.clock(),
      });
    }),
  );

  let taskAgents: Promise<ReadonlyMap<string, TaskAgent>> | undefined;
  const taskAgentOf = async (id: string) => (await (taskAgents ??= opts.agents())).get(id);

  /** An agent's tasks page for the viewer's organisation (WOW_ERR_DASHBOARD_AGENT for one it has not hired). */
  const agentPageOf = async (
    reply: FastifyReply,
    at: PageViewer & { viewer: Viewer },
    agentId: string,
    status: number,
    extra: { notice?: string | undefined; form?: TaskFormState; still?: boolean },
  ): Promise<FastifyReply> => {
    const dashboard = await readDashboard(deps, at.viewer, opts.clock());
    const agent = dashboard.agents.find((a) => a.id === agentId);
    if (agent === undefined)
      throw customerErrors.createError('WOW_ERR_DASHBOARD_AGENT', { agent: agentId.slice(0, 64) });
    return sendDashboardPage(
      reply,
      status,
      renderAgentTasks({
        viewer: at.viewer,
        agent,
        tasks: await agentTasks(store, at.viewer.organisation.id, agent.id, 100),
        timeZone: dashboard.timeZone,
        titleOf: (type) => catalog.get(agent.id)?.tasks.find((t) => t.type === type)?.title ?? type,
        taskAgent: await taskAgentOf(agent.id),
        user: at.user,
        csrf: reply.generateCsrf(),
        ...extra,
      }),
    );
  };

  /** The form's organisation: the viewer must be a member of it (one named, or their only one). */
  const formViewer = async (req: FastifyRequest, fields: Record<string, string | undefined>) => {
    const at = await pageViewer(req, fields.organisation ?? '');
    if (at.viewer === undefined)
      throw customerErrors.createError('WOW_ERR_DASHBOARD_ORGANISATION', { count: at.memberships.length });
    return { ...at, viewer: at.viewer };
  };

  app.get<{ Params: { id: string }; Querystring: { organisation?: string; notice?: string; reload?: string } }>(
    '/dashboard/agents/:id',
    { schema: { hide: true } },
    async (req, reply) => {
      const at = await pageViewer(req, req.query.organisation);
      if (at.viewer === undefined) return dashboardPageOf(req, reply, at, 200);
      const notice = req.query.notice;
      return agentPageOf(reply, { ...at, viewer: at.viewer }, req.params.id, 200, {
        notice: typeof notice === 'string' && Object.hasOwn(taskNotices, notice) ? taskNotices[notice] : undefined,
        still: req.query.reload === 'off',
      });
    },
  );

  // A task from the agent's page: the task API's own checks (entitlement, the input's schema),
  // and the form's nonce as its Idempotency-Key, so a second press of the button sends nothing new.
  app.post<{ Params: { id: string } }>(
    '/dashboard/agents/:id/tasks',
    { ...csrf, bodyLimit: taskFormBodyLimit, schema: { hide: true } },
    async (req, reply) => {
      const fields = formFields(req.body);
      const at = await formViewer(req, fields);
      const agent = await taskAgentOf(req.params.id);
      const type = fields.type ?? '';
      const terms = agent !== undefined && Object.hasOwn(agent.tasks, type) ? agent.tasks[type] : undefined;
      const formOf = terms === undefined ? undefined : taskFields(terms);
      try {
        await requestTask(store, {
          organisation: at.viewer.organisation,
          requestedBy: at.user.id,
          agentId: req.params.id,
          agent,
          idempotencyKey: fields.nonce === undefined ? undefined : `dashboard-${fields.nonce}`,
          body: { type, input: formOf === undefined ? {} : typedInput(formOf, fields) },
          entitled: opts.entitled,
          now: opts.clock(),
        });
      } catch (err) {
        if (!isWowError(err, 'WOW_ERR_TASK_INPUT') || formOf === undefined) throw err;
        return agentPageOf(reply, at, req.params.id, 422, { form: { type, values: fields, errors: roiProblems(err) } });
      }
      return seeOther(
        reply,
        `/dashboard/agents/${encodeURIComponent(req.params.id)}?organisation=${encodeURIComponent(at.viewer.organisation.slug)}&notice=task`,
      );
    },
  );

  app.post<{ Params: { taskId: string } }>(
    '/dashboard/tasks/:taskId/rating',
    { ...csrf, schema: { hide: true } },
    async (req, reply) => {
      const fields = formFields(req.body);
      const at = await formViewer(req, fields);
      const stars = fields.stars ?? '';
      const task = await rateTask(store, {
        organisation: at.viewer.organisation,
        taskId: req.params.taskId,
        body: { stars: /^[1-5]$/.test(stars) ? Number(stars) : stars },
        now: opts.clock(),
      });
      return seeOther(
        reply,
        `/dashboard/agents/${encodeURIComponent(task.agentId)}?organisation=${encodeURIComponent(at.viewer.organisation.slug)}&notice=rated`,
      );
    },
  );

  app.get<{ Params: { taskId: string; name: string }; Querystring: { organisation?: string } }>(
    '/dashboard/tasks/:taskId/:name',
    { schema: { hide: true } },
    async (req, reply) => {
      const at = await pageViewer(req, req.query.organisation);
      if (at.viewer === undefined)
        throw customerErrors.createError('WOW_ERR_DASHBOARD_ORGANISATION', { count: at.memberships.length });
      const file = await getDeliverable(store, at.viewer.organisation.id, req.params.taskId, req.params.name);
      return (
        reply
          // As the task API serves it: a file to save, never a page of this origin.
          .header('Content-Type', 'application/octet-stream')
          .header('Content-Disposition', `attachment; filename="${req.params.name.replace(/[^A-Za-z0-9._-]/g, '_')}"`)
          .header('X-Content-Type-Options', 'nosniff')
          .header('Content-Security-Policy', "default-src 'none'; sandbox")
          .header('Cache-Control', 'private, no-store')
          .send(file.bytes)
      );
    },
  );

  app.get<{ Querystring: { organisation?: string } }>(
    '/api/dashboard',
    {
      schema: {
        summary: "The organisation's dashboard: hired agents' work, ROI, usage by day, invoices and tickets",
        tags: ['dashboard'],
        querystring: dashboardQuerySchema,
        response: { 200: dashboardResponseSchema, 400: apiErrorSchema, 401: apiErrorSchema, 404: apiErrorSchema },
      },
    },
    async (req) => {
      if (req.headers.authorization !== undefined) {
        const customer = await authorizeApiCall(store, {
          authorization: req.headers.authorization,
          limitPerMinute: opts.apiRateLimitPerMinute,
          now: opts.clock(),
        });
        const viewer: Viewer = {
          organisation: { id: customer.id, slug: customer.slug, name: customer.name },
          role: 'key',
        };
        return dashboardJson(await readDashboard(deps, viewer, opts.clock()));
      }
      const at = await pageViewer(req, req.query.organisation);
      if (at.viewer === undefined)
        throw customerErrors.createError('WOW_ERR_DASHBOARD_ORGANISATION', { count: at.memberships.length });
      return dashboardJson(await readDashboard(deps, at.viewer, opts.clock()));
    },
  );

  app.setErrorHandler((err, req, reply) =>
    req.url.startsWith('/api/') ? apiError(err, req, reply) : pageError(err, req, reply),
  );
};

const roiProblems = (err: { data?: Record<string, unknown> }) =>
  (err.data?.errors as { field: string; message: string }[] | undefined) ?? [];

/** Several organisations and none named: a link to each one's dashboard. */
function chooseOrganisation(at: PageViewer, csrf: string): string {
  const main =
    at.memberships.length === 0
      ? html`<h1>Dashboard</h1><p>You belong to no organisation yet. An owner can invite you to theirs;
<a href="/account">your account</a> shows the invitations you accepted.</p>`
      : html`<h1>Which organisation?</h1><p>You belong to several organisations. Choose the dashboard to open:</p>
<ul>${at.memberships.map((m) => html`<li><a href="/dashboard?organisation=${encodeURIComponent(m.slug)}">${m.name}</a></li>`)}</ul>`;
  return dashboardPage({ title: 'Dashboard', main, signed: { name: at.user.name, csrf } });
}

function apiError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const status = isWowError(err) ? err.status : ((err as { statusCode?: number }).statusCode ?? 500);
  if (status >= 500) {
    req.log.error({ err, requestId: req.id }, 'dashboard API request failed');
    const internal = createError('WOW_ERR_INTERNAL', { requestId: req.id });
    return reply.code(status).send({ code: internal.code, message: internal.message, retryable: true });
  }
  if (status === 401) void reply.header('WWW-Authenticate', 'Bearer realm="waooaw"');
  if (isWowError(err, 'WOW_ERR_RATE_LIMITED'))
    void reply.header('Retry-After', String(Number(err.data?.retryAfterSeconds ?? 60)));
  return reply.code(status).send({
    code: (err as { code?: string }).code ?? 'WOW_ERR_UNEXPECTED',
    message: (err as Error).message,
    retryable: isWowError(err) ? err.retryable : false,
  });
}

function pageError(err: unknown, req: FastifyRequest, reply: FastifyReply) {
  const code = (err as { code?: string }).code;
  const back = { href: '/dashboard', label: 'Back to the dashboard' };
  if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET')
    return sendDashboardPage(
      reply,
      403,
      renderProblem({
        title: 'The form has expired',
        text:
          'The form was not sent from this site, or it was open too long (or cookies are off). ' +
          'Nothing was done. Go back, reload the page and send it again.',
        back,
      }),
    );
  if (isWowError(err, 'WOW_ERR_SESSION_REQUIRED'))
    return req.method === 'GET'
      ? reply
          .code(303)
          .header('Location', `/login?next=${encodeURIComponent(req.url)}`)
          .send()
      : sendDashboardPage(
          reply,
          401,
          renderProblem({ title: 'You are signed out', text: err.message, back: { href: '/login', label: 'Sign in' } }),
        );
  if (isWowError(err) && err.status < 500)
    return sendDashboardPage(reply, err.status, renderProblem({ title: 'That did not work', text: err.message, back }));
  req.log.error({ err, requestId: req.id }, 'dashboard page failed');
  return sendDashboardPage(
    reply,
    500,
    renderProblem({
      title: 'Something went wrong',
      text: `Something went wrong on our side and nothing was done. Try again; if it keeps failing, tell us the reference ${req.id}.`,
      back,
    }),
  );
}
