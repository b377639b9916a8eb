import { randomUUID } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createEvent, createMetrics, loadConfig, type Bus, type CloudEvent, type Store } from '#platform';
import { eventuallyPasses, quietLog, testBusDefaults } from '#platform/testing';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';

// The marketplace with the fixture agents (four for sale, one platform agent) on
// PostgreSQL and the in-process bus; the browser test runs it on the embedded defaults,
// and domains/customer's test the figures on both.
const agentsDir = fileURLToPath(new URL('fixtures/marketplace-agents', import.meta.url));
const now = new Date('2026-12-01T10:00:00Z');
const minutesAgo = (n: number) => new Date(now.getTime() - n * 60_000).toISOString();
const [postgres] = storeBackends('marketplace');
if (postgres === undefined) throw new Error('storeBackends lists PostgreSQL first');

let store: Store;
let close: () => Promise<void>;
let bus: Bus;
let server: FastifyInstance;
const organisationId = randomUUID();

beforeAll(async () => {
  ({ store, close } = await postgres.open());
  bus = await createBus({ streamMaxLen: 10_000, defaults: testBusDefaults, log: quietLog });
  server = await createServer({
    config: loadConfig({ AGENTS_DIR: agentsDir }),
    bus,
    store,
    log: quietLog,
    metrics: createMetrics({ defaultMetrics: false }),
    clock: () => now,
    marketplace: { freshMs: 0, activityPollMs: 50 },
  });
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await close();
});

const event = (type: string, data: Record<string, unknown>, time: string): CloudEvent => ({
  ...createEvent({ type, source: 'test', data }),
  time,
});

/** A task the agent started and completed (`minutes` long, ending `endedAgo` minutes ago), rated `stars` if given. */
async function work(agentId: string, opts: { minutes: number; endedAgo: number; stars?: number; summary: string }) {
  const taskId = randomUUID();
  const ids = { taskId, organisationId, agentId };
  await bus.publish(event('customer.task.started', ids, minutesAgo(opts.endedAgo + opts.minutes)));
  await bus.publish(
    event(
      'customer.task.completed',
      {
        ...ids,
        taskType: `${agentId}.audit`,
        deliverables: [{ name: 'audit.md', mediaType: 'text/markdown', encoding: 'utf8', content: '# Audit' }],
        summary: opts.summary,
      },
      minutesAgo(opts.endedAgo),
    ),
  );
  if (opts.stars !== undefined)
    await bus.publish(event('customer.task.rated', { ...ids, stars: opts.stars }, minutesAgo(opts.endedAgo)));
}

const catalog = async (query = '') => {
  const res = await server.inject({ url: `/api/catalog${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json<{ agents: { id: string; status: string; rating: { mean: number | null } }[]; total: number }>();
};
const ids = async (query = '') => (await catalog(query)).agents.map((a) => a.id);

describe('the catalogue', () => {
  it('lists every customer-facing agent with its price and status, and no platform agent', async () => {
    const body = await catalog('?sort=name');
    expect(body.agents.map((a) => a.id)).toEqual(['brand-voice', 'deal-desk', 'seo-sage', 'tutor-tara']);
    expect(body).toMatchObject({ total: 4, page: 1, pages: 1 });
    const seo = body.agents.find((a) => a.id === 'seo-sage');
    expect(seo).toEqual({
      id: 'seo-sage',
      name: 'SEO Sage',
      avatar: '🔎',
      specialty: 'Search audits and keyword plans',
      industries: ['E-commerce', 'B2B SaaS'],
      skills: ['seo', 'keyword-research', 'content-audit'],
      status: 'Offline',
      rating: { mean: null, count: 0 },
      price: { tier: 'standard', monthlyPaise: 1_200_000, currency: 'inr' },
      tasksCompleted: 0,
      url: '/agents/seo-sage',
    });
    expect((await server.inject({ url: '/api/agents/keeper' })).json()).toMatchObject({
      code: 'WOW_ERR_AGENT_NOT_LISTED',
    });
  });

  it('filters by industry and skill, searches name, specialty and skills, and sorts by price', async () => {
    expect(await ids('?industry=Healthcare&sort=name')).toEqual(['brand-voice', 'tutor-tara']);
    expect(await ids('?skill=seo&sort=name')).toEqual(['brand-voice', 'seo-sage']);
    expect(await ids('?q=OUTREACH')).toEqual(['deal-desk']);
    expect(await ids('?q=tara%20quizzes')).toEqual(['tutor-tara']);
    expect(await ids('?q=keyword-research')).toEqual(['seo-sage']);
    expect(await ids('?q=nobody')).toEqual([]);
    expect(await ids('?sort=price')).toEqual(['tutor-tara', 'brand-voice', 'seo-sage', 'deal-desk']);
    // A campaign's extra parameters are no filter.
    expect(await ids('?sort=name&utm_source=mail')).toHaveLength(4);
  });

  it('refuses a malformed filter, naming it, as JSON for the API and as a page for the browser', async () => {
    for (const query of ['?sort=cheapest', '?minRating=6', '?minRating=high', '?page=0', `?q=${'x'.repeat(101)}`]) {
      const api = await server.inject({ url: `/api/catalog${query}` });
      expect(api.statusCode, query).toBe(400);
      expect(api.json()).toMatchObject({ code: 'WOW_ERR_CATALOG_QUERY' });
      const page = await server.inject({ url: `/agents${query}` });
      expect(page.statusCode, query).toBe(400);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('The catalogue cannot be filtered that way');
    }
    expect((await server.inject({ url: '/api/catalog?sort=cheapest' })).json<{ message: string }>().message).toContain(
      'sort',
    );
  });

  it('shows Available or Working from the registry', async () => {
    await store.query(
      `insert into agents (id, name, version, description, manifest) values ('deal-desk', 'Deal Desk', '1.0.0', 'x', '{}'),
       ('tutor-tara', 'Tutor Tara', '1.0.0', 'x', '{}')`,
    );
    await store.query(
      `insert into agent_instances (instance_id, agent_id, host, pid, in_flight) values ('a', 'deal-desk', 'h', 1, 0),
       ('b', 'tutor-tara', 'h', 2, 3)`,
    );
    const status = Object.fromEntries((await catalog()).agents.map((a) => [a.id, a.status]));
    expect(status).toEqual({
      'deal-desk': 'Available',
      'tutor-tara': 'Working',
      'seo-sage': 'Offline',
      'brand-voice': 'Offline',
    });
    const page = await server.inject({ url: '/agents?industry=Real%20estate' });
    expect(page.body).toContain('<span class="visually-hidden">Status: </span>Available');
  });

  it('serves the pages at / and /agents, server-rendered, with a strict CSP', async () => {
    const home = await server.inject({ url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.headers['content-security-policy']).toContain("default-src 'none'");
    expect(home.headers['content-security-policy']).toContain("script-src 'self'");
    expect(home.body).toContain('<h1>AI agents for your business</h1>');
    expect(home.body).toContain('<h2>4 agents</h2>');
    expect(home.body).not.toContain('<script');
    const filtered = await server.inject({ url: '/agents?industry=Education&q=quiz' });
    expect(filtered.body).toContain('<h2>1 agent</h2>');
    expect(filtered.body).toContain('<a href="/agents/tutor-tara">Tutor Tara</a>');
    expect(filtered.body).toContain('₹8,000');
    expect(filtered.body).toContain('<option value="Education" selected>');
    const none = await server.inject({ url: '/agents?q=nobody' });
    expect(none.body).toContain('No agents match');
    expect(none.body).toContain('<a href="/agents">Clear the filters</a>');
  });
});

describe('a profile', () => {
  it('says "New" for each figure without enough data, with the task types as sample deliverables', async () => {
    const res = await server.inject({ url: '/agents/seo-sage' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>SEO Sage</h1>');
    expect(res.body).toContain('fewer than 5 ratings yet');
    expect(res.body).toContain('fewer than 5 subscriptions have come up for renewal');
    expect(res.body).toContain('fewer than 5 tasks done yet');
    expect(res.body).toContain('<h3>Plan keywords</h3>');
    expect(res.body).toContain('Saves about 4 hours of work each time.');
    expect(res.body).toContain('No work done yet');
    expect(res.body).toContain('<script src="/marketplace/activity-feed.js" defer></script>');
    expect((await server.inject({ url: '/agents/nobody' })).statusCode).toBe(404);
    expect((await server.inject({ url: '/agents/keeper' })).body).toContain('No such agent');
  });

  it('shows the figures computed from published events, and its recent work', async () => {
    const ratings = [5, 5, 4, 5, 4];
    for (const [i, stars] of ratings.entries())
      await work('seo-sage', {
        minutes: i + 1,
        endedAgo: 60 - i,
        stars,
        summary: `audited page ${i + 1} for an E-commerce business`,
      });
    for (const [i, change] of ['renewed', 'renewed', 'renewed', 'renewed', 'cancelled'].entries())
      await bus.publish(
        event(
          'commerce.subscription.changed',
          {
            subscriptionId: randomUUID(),
            organisationId,
            agentId: 'seo-sage',
            planId: 'seo-sage-standard',
            status: change === 'cancelled' ? 'cancelled' : 'active',
            change,
            periodEnd: minutesAgo(i),
          },
          minutesAgo(i),
        ),
      );
    await eventuallyPasses(async () => {
      const profile = (await server.inject({ url: '/api/agents/seo-sage' })).json<Record<string, unknown>>();
      expect(profile.figures).toEqual({
        newThreshold: 5,
        rating: { mean: 4.6, count: 5 },
        retention: { share: 0.8, renewed: 4, decided: 5 },
        responseTime: { medianMs: 3 * 60_000, p95Ms: 4.8 * 60_000, count: 5 },
        tasksCompleted: 5,
      });
    });
    const api = (await server.inject({ url: '/api/agents/seo-sage' })).json<{
      activity: { summary: string; at: string }[];
    }>();
    expect(api.activity[0]).toMatchObject({ summary: 'audited page 5 for an E-commerce business', at: minutesAgo(56) });

    const page = (await server.inject({ url: '/agents/seo-sage' })).body;
    expect(page).toContain('<strong>4.6</strong>');
    expect(page).toContain('(5 ratings)');
    expect(page).toContain('<strong>80%</strong><small>of 5 subscriptions renewed</small>');
    expect(page).toContain('<strong>3 min</strong><small>median; 95% within 5 min</small>');
    expect(page).toMatch(/audited page 5 for an E-commerce business <time datetime="[^"]+">56 min ago<\/time>/);
    expect(await ids('?minRating=4.5')).toEqual(['seo-sage']);
    expect((await ids())[0]).toBe('seo-sage');
  });

  it('streams new work to a live feed as server-sent events', async () => {
    const base = await server.listen({ host: '127.0.0.1', port: 0 });
    const res = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${base}/agents/brand-voice/activity`, resolve).on('error', reject),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    let received = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => (received += chunk));
    await eventuallyPasses(() => expect(received).toContain('retry: 5000'));
    await work('brand-voice', {
      minutes: 3,
      endedAgo: 2,
      summary: 'drafted a blog post for a <b>Healthcare</b> clinic',
    });
    await eventuallyPasses(() => expect(received).toContain('event: activity'));
    const data = /data: (.*)\n/.exec(received)?.[1] ?? '{}';
    expect(JSON.parse(data)).toMatchObject({
      summary: 'drafted a blog post for a <b>Healthcare</b> clinic',
      at: minutesAgo(2),
    });
    res.destroy();
    const unknown = await new Promise<IncomingMessage>((resolve, reject) =>
      get(`${base}/agents/nobody/activity`, resolve).on('error', reject),
    );
    expect(unknown.statusCode).toBe(404);
    unknown.resume();
  });
});
