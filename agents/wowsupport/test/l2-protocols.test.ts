import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from '#platform/testing';
import { findTicket, openTicket, ticketMessages } from '#domains/support';
import { outboxed } from '#domains/support/testing';
import { importArticles } from '../../wowsearch/src/index.ts';

// L2 asking other agents over their declared protocols, all on the real runtime: WowSearch
// (search.articles), WowAnalytics (analytics.health.report) and WowCommunication
// (communication.protocols.map) hosted beside WowSupport on the in-process bus.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = new URL('../../../test/fixtures/support/', import.meta.url);
let agent: TestAgent;

beforeAll(async () => {
  agent = await startTestAgent({
    agentsDir,
    id: 'wowsupport',
    alongside: ['wowsearch', 'wowanalytics', 'wowcommunication'],
  });
  await importArticles(agent.store, fileURLToPath(new URL('kb', fixtures)));
});

afterAll(async () => {
  await agent.stop();
});

describe('WowSupport L2 over declared protocols', () => {
  it(
    'notes how the agents a performance ticket names are doing, as WowAnalytics judges them, ' +
      'and the requests to them failing fast as WowCommunication sees them',
    async () => {
      const { rows } = await agent.store.query<{ instance_id: string }>(
        "select instance_id from agent_instances where agent_id = 'wowsupport' and stopped_at is null",
      );
      const instance = rows[0]?.instance_id ?? '';
      const at = new Date().toISOString();
      // This runtime's circuit to WowSearch opened, as the host publishes it.
      await agent.publish({
        type: 'communication.circuit.changed',
        data: { type: 'search.articles', state: 'open', reason: 'WOW_ERR_REQUEST_TIMEOUT', instance, at },
      });
      await agent.eventually(async () => {
        const { rows: kept } = await agent.store.query('select 1 from communication_circuits where instance = $1', [
          instance,
        ]);
        expect(kept).toHaveLength(1);
      });
      const ticket = await agent.store.transaction((tx) =>
        openTicket(tx, {
          subject: 'WowSearch is slow',
          body: 'WowSearch has become really slow this week, searches take minutes.',
          channel: 'api',
          requester: { email: 'ada@example.com', name: 'Ada' },
        }),
      );
      // The event intake wrote to the outbox, as the relay would publish it.
      const [opened] = await outboxed(agent.store, 'support.ticket.opened', ticket.id);
      await agent.publish({ type: 'support.ticket.opened', subject: ticket.id, data: opened?.data });
      await agent.eventually(async () => expect((await findTicket(agent.store, ticket.id))?.topic).toBe('performance'));
      const note = (await ticketMessages(agent.store, ticket.id)).find((m) => m.author.id === 'wowsupport/performance');
      // WowAnalytics' judgement: a week of handling it has not seen yet.
      expect(note?.body).toMatch(
        /wowsearch: (no handling on record in the last week|\d+ events in the baseline, fewer than 30)\./,
      );
      expect(note?.body).toContain(
        `wowsearch: requests to search.articles fail fast in runtime ${instance}: its circuit is open since ${at} (WOW_ERR_REQUEST_TIMEOUT).`,
      );
    },
  );
});

describe('WowSupport L2 when the agents it asks do not run', () => {
  let alone: TestAgent;
  beforeAll(async () => {
    alone = await startTestAgent({ agentsDir, id: 'wowsupport', alongside: ['wowsearch'] });
    await importArticles(alone.store, fileURLToPath(new URL('kb', fixtures)));
  });
  afterAll(async () => {
    await alone.stop();
  });

  it('routes the ticket all the same, and its note says whom it could not ask', async () => {
    const ticket = await alone.store.transaction((tx) =>
      openTicket(tx, {
        subject: 'WowSearch is slow',
        body: 'WowSearch has become really slow this week, searches take minutes.',
        channel: 'api',
        requester: { email: 'ada@example.com', name: 'Ada' },
      }),
    );
    // The event intake wrote to the outbox, as the relay would publish it.
    const [opened] = await outboxed(alone.store, 'support.ticket.opened', ticket.id);
    await alone.publish({ type: 'support.ticket.opened', subject: ticket.id, data: opened?.data });
    await alone.eventually(async () => expect((await findTicket(alone.store, ticket.id))?.topic).toBe('performance'), {
      timeoutMs: 20_000,
    });
    const note = (await ticketMessages(alone.store, ticket.id)).find((m) => m.author.id === 'wowsupport/performance');
    expect(note?.body).toContain(
      'WowAnalytics (analytics.health.report) did not answer (WOW_ERR_REQUEST_TIMEOUT); routed without it.',
    );
    expect(note?.body).toContain(
      'WowCommunication (communication.protocols.map) did not answer (WOW_ERR_REQUEST_TIMEOUT); routed without it.',
    );
  }, 30_000);
});
