import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createCache, type Cache, type PgQueryable } from '#platform';
import { quietLog, startTestAgent, type TestAgent } from '#platform/testing';
import { createCustomer, openTicket, ticketMessages, type Ticket } from '#domains/support';
import { outboxed } from '#domains/support/testing';
import { wow } from '../../../test/support/run-wow.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { addCustomerAgent } from '../../wowanalytics/src/index.ts';
import { importArticles } from '../../wowsearch/src/index.ts';
import { customerAgents } from '../src/specialists/find-agents.ts';

// WowSupport reads the kill switch on every ticket event and a customer's agents for every
// ticket L2 routes: both through ctx.cache, dropped by the commands that change them.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const kb = fileURLToPath(new URL('../../../test/fixtures/support/kb', import.meta.url));
const question = { subject: 'API key', body: 'How do I reset my API key?' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(prefix);
});

/** The platform's real servers: a database of the test's own (the CLI opens it by URL) and Redis under a fresh prefix. */
async function realServers() {
  const database = await createTestDatabase('deskcache');
  const keyPrefix = `${uniqueName('deskcache')}:`;
  prefixes.push(keyPrefix);
  cleanups.push(database.drop);
  const openCache = async () => {
    const cache = await createCache({ redisUrl: testRedisUrl, keyPrefix, log: quietLog });
    cleanups.push(() => cache.close());
    return cache;
  };
  // What `wow` reads in another process: the same database, Redis and key prefix.
  const cliEnv = { DATABASE_URL: database.url, REDIS_URL: testRedisUrl, BUS_KEY_PREFIX: keyPrefix };
  return { postgres: { url: database.url, schema: 'public' }, openCache, cliEnv };
}

/** WowSupport (WowSearch beside it, the sample articles loaded) on a runtime whose process cache is `cache`. */
async function deskWith(cache: Cache, postgres?: { url: string; schema: string }) {
  const agent = await startTestAgent({ agentsDir, id: 'wowsupport', alongside: ['wowsearch'], cache, postgres });
  cleanups.push(() => agent.stop());
  await importArticles(agent.store, kb);
  return agent;
}

/** Opens a ticket as intake does; `publish` hands its event to the agent (again, for a second delivery). */
async function openQuestion(agent: TestAgent): Promise<{ ticket: Ticket; publish: () => Promise<string> }> {
  const ticket = await agent.store.transaction((tx) =>
    openTicket(tx, { ...question, channel: 'api', requester: { email: 'ada@example.com', name: 'Ada' } }),
  );
  const [opened] = await outboxed(agent.store, 'support.ticket.opened', ticket.id);
  const publish = async () =>
    (
      await agent.publish({
        type: 'support.ticket.opened',
        subject: ticket.id,
        partitionkey: ticket.id,
        data: opened?.data,
      })
    ).id;
  return { ticket, publish };
}

/** L1's answer to the delivery `eventId`. */
const answerTo = (agent: TestAgent, eventId: string) =>
  agent.emitted('support.ticket.answered', (e) => e.causedby === eventId);

const deskFigures = (cache: Cache) => cache.figures().find((f) => f.namespace === 'wowsupport');

/** A store that counts the queries its loaders send. */
function counting(db: PgQueryable): PgQueryable & { queries: number } {
  const counted = {
    queries: 0,
    query: ((text: string, values?: unknown[]) => {
      counted.queries += 1;
      return db.query(text, values);
    }) as PgQueryable['query'],
  };
  return counted;
}

const platforms = [
  {
    name: 'PostgreSQL and Redis',
    open: async () => {
      const servers = await realServers();
      return { cache: await servers.openCache(), postgres: servers.postgres };
    },
  },
  {
    name: 'the embedded defaults (PGlite, L1 and the loader)',
    open: async () => {
      const cache = await createCache({ log: quietLog });
      cleanups.push(() => cache.close());
      return { cache, postgres: undefined };
    },
  },
];

describe.each(platforms)("WowSupport's cached desk reads on $name", ({ open }) => {
  it('reads the kill switch once for the tickets that follow, from its cache', async () => {
    const { cache, postgres } = await open();
    const agent = await deskWith(cache, postgres);
    for (let i = 0; i < 3; i++) {
      const { publish } = await openQuestion(agent);
      await answerTo(agent, await publish());
    }
    // One load of the switch; the two tickets after it were answered from L1.
    expect(deskFigures(cache)).toMatchObject({ loads: 1, l1Hits: 2 });
  }, 90_000);

  it("reads a customer's agents from the database once, however often L2 asks", async () => {
    const { cache, postgres } = await open();
    const agent = await deskWith(cache, postgres);
    const customer = await createCustomer(agent.store, { slug: 'initech', name: 'Initech' });
    await addCustomerAgent(agent.store, customer.id, 'wowvision');
    const db = counting(agent.store);
    const desk = cache.namespace('wowsupport');
    for (let i = 0; i < 3; i++) expect(await customerAgents(desk, db, customer.id)).toEqual(['wowvision']);
    expect(db.queries).toBe(1);
  }, 90_000);
});

describe("WowSupport's cached desk reads, changed by the CLI in another process", () => {
  it('sees the kill switch turned by `wow support kill-switch` at once, through Redis', async () => {
    const { openCache, postgres, cliEnv } = await realServers();
    const cache = await openCache();
    const agent = await deskWith(cache, postgres);
    const first = await openQuestion(agent);
    await answerTo(agent, await first.publish());
    const desk = cache.namespace('wowsupport');
    expect(await desk.get('support:kill-switch')).toMatchObject({ on: false });

    expect((await wow(['support', 'kill-switch', 'on', '--by', 'ada'], cliEnv)).code).toBe(0);
    // The CLI's invalidation reached this runtime's L1 (and L2 holds nothing older).
    await expect.poll(() => desk.get('support:kill-switch')).toBeUndefined();
    const held = await openQuestion(agent);
    const heldEvent = await held.publish();
    // The delivery read the switch afresh, and found it on: the ticket waits.
    await expect.poll(() => desk.get('support:kill-switch')).toMatchObject({ on: true, by: 'ada' });

    expect((await wow(['support', 'kill-switch', 'off', '--by', 'grace'], cliEnv)).code).toBe(0);
    await expect.poll(() => desk.get('support:kill-switch')).toBeUndefined();
    // The ticket's next delivery comes after the held one (ordered by ticket) and is answered.
    await answerTo(agent, await held.publish());
    expect(agent.events.filter((e) => e.causedby === heldEvent)).toEqual([]);
    expect((await ticketMessages(agent.store, held.ticket.id)).filter((m) => m.direction === 'outbound')).toHaveLength(
      1,
    );
    expect(deskFigures(cache)).toMatchObject({ loads: 3 });
  }, 90_000);

  it("drops a customer's cached agents in every process when `wow support customers uses` records another", async () => {
    const { openCache, postgres, cliEnv } = await realServers();
    const [first, second] = [await openCache(), await openCache()];
    // A runtime hosting WowSupport registers it: the CLI finds whose cache reads the table there.
    const agent = await deskWith(first, postgres);
    const customer = await createCustomer(agent.store, { slug: 'initech', name: 'Initech' });
    await addCustomerAgent(agent.store, customer.id, 'wowvision');
    const db = counting(agent.store);
    const read = (cache: Cache) => customerAgents(cache.namespace('wowsupport'), db, customer.id);
    expect(await read(first)).toEqual(['wowvision']);
    // The second process finds it in Redis (L2): still one query.
    expect(await read(second)).toEqual(['wowvision']);
    expect(db.queries).toBe(1);

    expect((await wow(['support', 'customers', 'uses', 'initech', 'factory'], cliEnv)).code).toBe(0);
    for (const cache of [first, second])
      await expect.poll(() => cache.namespace('wowsupport').get(`customer-agents:${customer.id}`)).toBeUndefined();
    expect(await read(second)).toEqual(['factory', 'wowvision']);
    expect(await read(first)).toEqual(['factory', 'wowvision']);
    expect(db.queries).toBe(2);
  }, 90_000);
});
