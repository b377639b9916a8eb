import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import fastifyCookie from '@fastify/cookie';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
// The OpenAPI words of route schemas (summary, tags, hide): the API document is generated from them.
import type {} from '@fastify/swagger';
import { isWowError, type Bus, type Logger, type Store } from '#platform';
import { findSession, organisationsOf } from '#domains/commerce';
import { projectFigures, recentActivity } from '#domains/customer';
import { accountCookies } from '../accounts/account-cookies.ts';
import { createError as createServerError } from '../errors.ts';
import { html } from '../tickets/html.ts';
import { activityFeedScript, activityFeedScriptPath } from './activity-feed-script.ts';
import { activityLength, createActivityHub } from './activity-stream.ts';
import { catalogJson, catalogResponseSchema, errorSchema, profileJson, profileResponseSchema } from './catalog-json.ts';
import { renderCatalog } from './catalog-page.ts';
import { catalogQuerySchema, selectAgents, type CatalogQuery } from './catalog-query.ts';
import { createError } from './errors.ts';
import { freshFor } from './fresh-for.ts';
import { createLiveCatalog, type CatalogEntry, type LiveCatalog } from './live-catalog.ts';
import { loadCatalog } from './load-catalog.ts';
import { marketplacePage, sendMarketplacePage } from './marketplace-layout.ts';
import { readMonthlyPrices } from './prices.ts';
import { renderProfile } from './profile-page.ts';
import { shownText } from './shown-text.ts';

export interface MarketplaceOptions {
  store: Store;
  bus: Bus;
  log: Logger;
  /** The agents folder (AGENTS_DIR): its customer-facing manifests are the catalogue. */
  agentsDir: string;
  /** The registry's heartbeat timeout (HEARTBEAT_TIMEOUT_MS): an agent without a fresher heartbeat is Offline. */
  heartbeatTimeoutMs: number;
  clock: () => Date;
  /** PUBLIC_URL: which accounts' session cookie to read (`__Host-` over https), for the viewer's custom agents. */
  publicUrl: string;
  /** The pricing file (config/pricing.yml, relative to the working folder): each price tier's plan a month; without it, the list prices. */
  pricingFile?: string;
  /** How long one read of the registry and the figures, or of an agent's recent work, serves (ms); default 1000, tests 0. */
  freshMs?: number;
  /** How often a followed agent's work is read for its live feed (ms); default 2000. */
  activityPollMs?: number;
  /** Live feeds this server holds at once; default 1000. */
  maxActivityStreams?: number;
}

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', description: 'The agent id, e.g. "seo".' } },
} as const;
const agentIdPattern = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The marketplace: `/` and `/agents` (the catalogue, filtered by GET parameters), the
 * profiles `/agents/<id>` with their live feed `/agents/<id>/activity`, and the same as
 * JSON at `/api/catalog` and `/api/agents/<id>`. It also keeps the figures it shows up to
 * date: this server takes its share of the task and subscription events from the bus.
 */
export const marketplace: FastifyPluginAsync<MarketplaceOptions> = async (app, opts) => {
  const catalog = createLiveCatalog({
    agents: await loadCatalog(opts.agentsDir),
    store: opts.store,
    heartbeatTimeoutMs: opts.heartbeatTimeoutMs,
    monthlyPaise: await readMonthlyPrices(opts.pricingFile ?? 'config/pricing.yml'),
    freshMs: opts.freshMs ?? 1000,
  });
  // A summary is an agent's text, written with the customer's input at hand: shown as text, and cleaned like a manifest's.
  // Fresh as long as the catalogue's figures, so a profile under load costs a query a second; only listed agents are read.
  const readActivity = freshFor(opts.freshMs ?? 1000, async (agentId: string) =>
    (await recentActivity(opts.store, agentId, activityLength)).map((a) => ({ ...a, summary: shownText(a.summary) })),
  );
  const hub = createActivityHub({
    read: readActivity,
    pollMs: opts.activityPollMs ?? 2000,
    maxStreams: opts.maxActivityStreams ?? 1000,
    log: opts.log,
  });
  const projection = await projectFigures({
    bus: opts.bus,
    store: opts.store,
    consumer: `marketplace@${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  });
  // Before the server stops listening: open feeds would otherwise hold its close for ever.
  app.addHook('preClose', async () => hub.close());
  app.addHook('onClose', async () => {
    await projection.stop();
  });

  // The signed-in viewer's organisations: their custom agents are listed to them alone.
  const cookies = accountCookies(opts.publicUrl.startsWith('https:'));
  await app.register(fastifyCookie);
  const viewerOf = async (req: FastifyRequest): Promise<Viewer> => {
    const secret = cookies.readSession(req);
    const session = secret === undefined ? undefined : await findSession(opts.store, secret, opts.clock());
    if (session === undefined || !('userId' in session.subject)) return new Set();
    return new Set((await organisationsOf(opts.store, session.subject.userId)).map((o) => o.id));
  };

  const listed = async (id: string, viewer: Viewer): Promise<CatalogEntry> => {
    const entry = await catalog.entry(id);
    if (entry === undefined || !sees(viewer, entry))
      throw createError('WOW_ERR_AGENT_NOT_LISTED', {
        id: agentIdPattern.test(id) && id.length <= 64 ? id : '(not an agent id)',
      });
    return entry;
  };

  for (const [url, home] of [
    ['/', true],
    ['/agents', false],
  ] as const)
    app.get<{ Querystring: CatalogQuery }>(
      url,
      { schema: { querystring: catalogQuerySchema, hide: true } },
      async (req, reply) =>
        sendMarketplacePage(
          reply,
          200,
          renderCatalog({ home, query: req.query, ...(await select(catalog, req.query, await viewerOf(req))) }),
        ),
    );

  app.get<{ Params: { id: string } }>(
    '/agents/:id',
    { schema: { params: idParams, hide: true } },
    async (req, reply) => {
      const entry = await listed(req.params.id, await viewerOf(req));
      return sendMarketplacePage(
        reply,
        200,
        renderProfile({ entry, activity: await readActivity(entry.agent.id), now: opts.clock() }),
      );
    },
  );

  app.get<{ Params: { id: string } }>(
    '/agents/:id/activity',
    { schema: { params: idParams, hide: true } },
    async (req, reply) => {
      const entry = await listed(req.params.id, await viewerOf(req));
      if (hub.full()) {
        void reply.header('Retry-After', '60');
        throw createError('WOW_ERR_ACTIVITY_STREAMS_FULL', { max: opts.maxActivityStreams ?? 1000 });
      }
      reply.hijack();
      await hub.follow(entry.agent.id, reply.raw);
    },
  );

  app.get(activityFeedScriptPath, { schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('Content-Type', 'text/javascript; charset=utf-8')
      .header('Cache-Control', 'public, max-age=300')
      .header('X-Content-Type-Options', 'nosniff')
      .send(activityFeedScript),
  );

  app.get<{ Querystring: CatalogQuery }>(
    '/api/catalog',
    {
      schema: {
        summary: 'The customer-facing agents, filtered, sorted and paged',
        tags: ['marketplace'],
        querystring: catalogQuerySchema,
        response: { 200: catalogResponseSchema, 400: errorSchema },
      },
    },
    async (req) =>
      catalogJson((await select(catalog, req.query, await viewerOf(req))).selection, req.query.page, catalog),
  );

  app.get<{ Params: { id: string } }>(
    '/api/agents/:id',
    {
      schema: {
        summary: "One agent's profile: its card, task types, figures and recent work",
        tags: ['marketplace'],
        params: idParams,
        response: { 200: profileResponseSchema, 404: errorSchema },
      },
    },
    async (req) => {
      const entry = await listed(req.params.id, await viewerOf(req));
      return profileJson(entry, await readActivity(entry.agent.id));
    },
  );

  app.setErrorHandler(async (err, req, reply) => {
    const problem =
      (err as { validation?: unknown }).validation === undefined
        ? err
        : createError('WOW_ERR_CATALOG_QUERY', { problem: err instanceof Error ? err.message : String(err) });
    if (!isWowError(problem) || problem.status >= 500) {
      req.log.error({ err, requestId: req.id }, 'marketplace request failed');
      return isApi(req)
        ? reply.code(500).send(internal(req))
        : problemPage(reply, 500, 'Something went wrong', internal(req).message);
    }
    if (isApi(req)) return reply.code(problem.status).send({ code: problem.code, message: problem.message });
    return problemPage(
      reply,
      problem.status,
      problem.status === 404 ? 'No such agent' : 'That did not work',
      problem.message,
    );
  });
};

/** The organisations a viewer belongs to (none when signed out). */
type Viewer = ReadonlySet<string>;

/** Every agent but other organisations' custom agents. */
const sees = (viewer: Viewer, entry: CatalogEntry) =>
  entry.agent.privateTo === undefined || viewer.has(entry.agent.privateTo);

async function select(catalog: LiveCatalog, query: CatalogQuery, viewer: Viewer) {
  const { sorted } = await catalog.snapshot();
  const shown = (entries: readonly CatalogEntry[]) => entries.filter((e) => sees(viewer, e));
  const visible = { name: shown(sorted.name), rating: shown(sorted.rating), price: shown(sorted.price) };
  return {
    selection: selectAgents(visible, query),
    industries: catalog.industries,
    skills: catalog.skills,
  };
}

const isApi = (req: FastifyRequest) => req.url.startsWith('/api/');

const internal = (req: FastifyRequest) => {
  const err = createServerError('WOW_ERR_INTERNAL', { requestId: req.id });
  return { code: err.code, message: err.message };
};

function problemPage(reply: FastifyReply, status: number, title: string, text: string): FastifyReply {
  return sendMarketplacePage(
    reply,
    status,
    marketplacePage({
      title,
      description: title,
      main: html`<h1>${title}</h1><p>${text}</p><p><a href="/agents">See every agent</a></p>`,
    }),
  );
}
