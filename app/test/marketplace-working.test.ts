import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createEvent, createMetrics, loadConfig, type Bus, type Store } from '#platform';
import { eventuallyPasses, quietLog, testBusDefaults } from '#platform/testing';
import { createServer } from '../server/create-server.ts';
import { storeBackends } from '../../test/support/test-stores.ts';

// The marketplace's Working status from real tasks: an agent shows Working while a task of
// it is recorded working (from its customer.task.started), and Available again once it ends.
const agentsDir = fileURLToPath(new URL('fixtures/marketplace-agents', import.meta.url));
const [postgres] = storeBackends('marketplace-working');
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
    marketplace: { freshMs: 0, activityPollMs: 50 },
  });
  await store.query(`insert into support_customers (id, slug, name) values ($1, 'working-org', 'Working Org')`, [
    organisationId,
  ]);
  // Deal Desk and Tutor Tara run (an idle instance each); SEO Sage runs nowhere.
  await store.query(
    `insert into agents (id, name, version, description, manifest) values ('deal-desk', 'Deal Desk', '1.0.0', 'x', '{}'),
     ('tutor-tara', 'Tutor Tara', '1.0.0', 'x', '{}')`,
  );
  await store.query(
    `insert into agent_instances (instance_id, agent_id, host, pid, in_flight) values ('a', 'deal-desk', 'h', 1, 0),
     ('b', 'tutor-tara', 'h', 2, 0)`,
  );
});
afterAll(async () => {
  await server.close();
  await bus.close();
  await close();
});

/** A task sent to `agentId`, queued as the task API writes it. */
async function queuedTask(agentId: string): Promise<string> {
  const id = randomUUID();
  await store.query(
    `insert into customer_tasks (id, organisation_id, agent_id, task_type, input, request_sha256) values ($1, $2, $3, $4, '{}', 'x')`,
    [id, organisationId, agentId, `${agentId}.audit`],
  );
  return id;
}

const fromAgent = (agentId: string, type: string, taskId: string, data: Record<string, unknown> = {}) =>
  bus.publish(
    createEvent({ type, source: `urn:wow:agent:${agentId}`, data: { taskId, organisationId, agentId, ...data } }),
  );

const statuses = async () => {
  const res = await server.inject({ url: '/api/catalog' });
  return Object.fromEntries(
    res.json<{ agents: { id: string; status: string }[] }>().agents.map((a) => [a.id, a.status]),
  );
};

describe('Working from real tasks', () => {
  it('Given a task of a running agent, when it starts, then the catalogue and its profile say Working, and Available once it is done', async () => {
    expect(await statuses()).toMatchObject({ 'deal-desk': 'Available', 'tutor-tara': 'Available' });
    const taskId = await queuedTask('deal-desk');
    await fromAgent('deal-desk', 'customer.task.started', taskId);
    await eventuallyPasses(async () => expect((await statuses())['deal-desk']).toBe('Working'), 5_000);
    expect((await statuses())['tutor-tara']).toBe('Available');
    const profile = await server.inject({ url: '/agents/deal-desk' });
    expect(profile.body).toContain('<span class="visually-hidden">Status: </span>Working');

    await fromAgent('deal-desk', 'customer.task.completed', taskId, {
      taskType: 'deal-desk.audit',
      deliverables: [{ name: 'audit.md', mediaType: 'text/markdown', encoding: 'utf8', content: '# Audit' }],
      summary: 'forecast a pipeline',
    });
    await eventuallyPasses(async () => expect((await statuses())['deal-desk']).toBe('Available'), 5_000);
  });

  it('keeps an agent Offline when nothing runs it, and ignores a task working past the window (its end was lost)', async () => {
    const offline = await queuedTask('seo-sage');
    await fromAgent('seo-sage', 'customer.task.started', offline);
    const stale = await queuedTask('tutor-tara');
    await store.query(
      `update customer_tasks set state = 'working', started_at = now() - interval '16 minutes' where id = $1`,
      [stale],
    );
    await eventuallyPasses(async () => {
      const state = await store.query<{ state: string }>('select state from customer_tasks where id = $1', [offline]);
      expect(state.rows[0]?.state).toBe('working');
    }, 5_000);
    expect(await statuses()).toMatchObject({ 'seo-sage': 'Offline', 'tutor-tara': 'Available' });
  });
});
