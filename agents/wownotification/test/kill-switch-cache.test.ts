import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '#platform';
import { quietLog, startTestAgent, type TestAgent } from '#platform/testing';
import { openTicket, recordDeskMessage, verifyCustomerWebhook } from '#domains/support';
import { wow } from '../../../test/support/run-wow.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';

// WowNotification reads the kill switch before every delivery (and every sync): through
// ctx.cache, dropped in every process by `wow support kill-switch`.
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));
const secret = 'whsec-kill-switch-cache';
let endpoint: Server;
let endpointUrl: string;
const received: string[] = [];

beforeAll(async () => {
  endpoint = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ok = verifyCustomerWebhook({ secret, body, headers: req.headers });
      if (ok) received.push(body);
      res.writeHead(ok ? 204 : 401).end();
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  endpointUrl = `http://127.0.0.1:${(endpoint.address() as { port: number }).port}/hooks/wow`;
});
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
const prefixes: string[] = [];
afterAll(async () => {
  await new Promise((resolve) => endpoint.close(resolve));
  for (const prefix of prefixes) await deleteRedisKeys(prefix);
});

/** WowNotification on a runtime whose process cache is `cache`, the outbox relayed, with one customer on the endpoint. */
async function notifierWith(cache: Cache, postgres?: { url: string; schema: string }) {
  const agent = await startTestAgent({ agentsDir, id: 'wownotification', relayOutbox: true, cache, postgres });
  cleanups.push(() => agent.stop());
  const customerId = randomUUID();
  await agent.store.query(
    'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5)',
    [customerId, `c-${customerId.slice(0, 8)}`, 'Initech', endpointUrl, secret],
  );
  /** An answer written for the customer: the outbox announces it, and WowNotification delivers it unless stopped. */
  const answer = (body: string) =>
    agent.store.transaction(async (tx) => {
      const ticket = await openTicket(tx, {
        subject: 'Where is my invoice?',
        body: 'I cannot find the invoice for March.',
        channel: 'api',
        customerId,
        requester: { email: 'ada@initech.example', name: 'Ada' },
      });
      return (
        await recordDeskMessage(tx, ticket.id, {
          direction: 'outbound',
          author: { kind: 'human', id: 'grace' },
          body,
          autoSubmitted: false,
        })
      ).messageId;
    });
  return { agent, answer };
}

const delivered = (agent: TestAgent, messageId: string) =>
  agent.emitted('support.message.delivered', (e) => (e.data as { messageId?: string }).messageId === messageId);

async function realServers() {
  const database = await createTestDatabase('notifycache');
  cleanups.push(database.drop);
  const keyPrefix = `${uniqueName('notifycache')}:`;
  prefixes.push(keyPrefix);
  const cache = await createCache({ redisUrl: testRedisUrl, keyPrefix, log: quietLog });
  cleanups.push(() => cache.close());
  // What `wow` reads in another process: the same database, Redis and key prefix.
  const cliEnv = { DATABASE_URL: database.url, REDIS_URL: testRedisUrl, BUS_KEY_PREFIX: keyPrefix };
  return { cache, postgres: { url: database.url, schema: 'public' }, cliEnv };
}

const platforms = [
  { name: 'PostgreSQL and Redis', open: realServers },
  {
    name: 'the embedded defaults (PGlite, L1 and the loader)',
    open: async () => {
      const cache = await createCache({ log: quietLog });
      cleanups.push(() => cache.close());
      return { cache, postgres: undefined };
    },
  },
];

const switchOf = (cache: Cache) => cache.namespace('wownotification').get('support:kill-switch');

describe.each(platforms)("WowNotification's cached kill switch on $name", ({ open }) => {
  it('reads the switch once for the deliveries that follow', async () => {
    const { cache, postgres } = await open();
    const { agent, answer } = await notifierWith(cache, postgres);
    for (const body of ['First answer.', 'Second answer.', 'Third answer.']) await delivered(agent, await answer(body));
    // No SUPPORT_REPO here: the syncs stop before reading it, and each delivery reads it once.
    expect(cache.figures().find((f) => f.namespace === 'wownotification')).toMatchObject({ loads: 1, l1Hits: 2 });
  }, 90_000);
});

describe("WowNotification's cached kill switch, turned by the CLI in another process", () => {
  it('holds the next answer as soon as `wow support kill-switch on` has run, through Redis', async () => {
    const { cache, postgres, cliEnv } = await realServers();
    const { agent, answer } = await notifierWith(cache, postgres);
    await delivered(agent, await answer('Before the stop.'));
    expect(await switchOf(cache)).toMatchObject({ on: false });

    expect((await wow(['support', 'kill-switch', 'on', '--by', 'ada'], cliEnv)).code).toBe(0);
    await expect.poll(() => switchOf(cache)).toBeUndefined();
    await answer('During the stop.');
    // The delivery read the switch afresh and found it on.
    await expect.poll(() => switchOf(cache)).toMatchObject({ on: true, by: 'ada' });

    expect((await wow(['support', 'kill-switch', 'off', '--by', 'grace'], cliEnv)).code).toBe(0);
    await expect.poll(() => switchOf(cache)).toBeUndefined();
    await delivered(agent, await answer('After the stop.'));
    expect(received.some((b) => b.includes('During the stop.'))).toBe(false);
    expect(received.some((b) => b.includes('After the stop.'))).toBe(true);
    expect(cache.figures().find((f) => f.namespace === 'wownotification')).toMatchObject({ loads: 3 });
  }, 90_000);
});
