import { randomBytes, randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { uniqueName } from '../../../test/support/servers.ts';
import { storeBackends } from '../../../test/support/test-stores.ts';
import {
  createBus,
  createCache,
  createEvent,
  createHealthRecorder,
  createLogger,
  listAgents,
  loadManifests,
  type AgentRow,
  type Bus,
  type Cache,
  type Store,
} from '#platform';
import { agentEffects, eventually, testBusDefaults } from '#platform/testing';
import { createCustomer, openTicket, recordDeskMessage, type Ticket } from '#domains/support';
import { addCustomerAgent, checkIncidents, healthReport } from '../../wowanalytics/src/index.ts';
import { buildProtocolMap } from '../../wowcommunication/src/index.ts';
import { createCustomerChannels, deliverOutbound } from '../../wownotification/src/index.ts';
import type { CacheStatsReply } from '../src/specialists/ask-wowcache.ts';
import { classifyTopic } from '../src/specialists/classify-topic.ts';
import { agentsConcerned, customerAgents } from '../src/specialists/find-agents.ts';
import { routeToSpecialist } from '../src/specialists/route-to-specialist.ts';
import { readsAsSolved } from '../src/tiers/reads-as-solved.ts';
import { importArticles, searchArticles } from '../../wowsearch/src/index.ts';

const log = createLogger('silent');
const kb = fileURLToPath(new URL('../../../test/fixtures/support/kb', import.meta.url));
const agentsDir = fileURLToPath(new URL('../..', import.meta.url));

describe('the topic of a ticket', () => {
  it('puts what needs a person first: a leaked key is security, a failing API an outage, before integration', () => {
    expect(classifyTopic('Our API key leaked on GitHub')).toBe('security');
    expect(classifyTopic('The API is down, every call gives 503 errors')).toBe('outage');
    expect(classifyTopic('Please delete our personal data under GDPR')).toBe('privacy');
    expect(classifyTopic('Webhook signature does not match')).toBe('integration');
    expect(classifyTopic('Reviews are slow since Monday')).toBe('performance');
    expect(classifyTopic('We were charged twice on the invoice')).toBe('billing');
    expect(classifyTopic('Do you sponsor conferences?')).toBe('general');
    // The knowledge base's best article can say what the words do not.
    expect(classifyTopic('Something odd with access', 'security')).toBe('security');
  });

  it("finds the agents a ticket names, by id or name as whole words, else the customer's", () => {
    const registry = [
      { id: 'wowvision', name: 'WowVision' },
      { id: 'factory', name: 'WowAgentFactory' },
    ] as AgentRow[];
    expect(agentsConcerned('WowVision blocks every PR', registry, []).map((a) => a.id)).toEqual(['wowvision']);
    expect(agentsConcerned('the factory-like thing', registry, ['wowvision']).map((a) => a.id)).toEqual(['wowvision']);
    expect(agentsConcerned('nothing named', registry, [])).toEqual([]);
  });
});

describe('a reply that says the answer worked', () => {
  it('is a confirmation only without a question, a doubt or a "but"', () => {
    for (const yes of [
      'Thanks, that was it.',
      'Works now!',
      'Perfect, sorted.',
      'That did it, thank you\n> earlier answer quoted',
    ])
      expect(readsAsSolved(yes), yes).toBe(true);
    for (const no of [
      'Thanks, but it is still broken.',
      'Fixed? Not for me.',
      'It worked yesterday, not today',
      'That does not help',
      'Can you check again?',
    ])
      expect(readsAsSolved(no), no).toBe(false);
  });
});

const backends = storeBackends('specialists');

describe.each(backends)("L2 specialists diagnose from the platform's data on $name", (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let bus: Bus;
  // WowSupport's ctx.cache, in-process: L2 reads the customer's agents through it.
  let deskCache: Cache;
  const customerId = randomUUID();
  const quietId = randomUUID();
  const endpoints: Server[] = [];

  const ticketOf = (subject: string, body: string, customer: string | undefined = customerId) =>
    store.transaction((tx) =>
      openTicket(tx, {
        subject,
        body,
        channel: 'api',
        customerId: customer,
        requester: { email: 'peter@initech.example' },
      }),
    );
  const diagnose = async (ticket: Ticket, now = new Date(), cache?: CacheStatsReply) => {
    const text = `${ticket.subject}\n${(await store.query<{ body: string }>("select body from support_messages where ticket_id = $1 and direction = 'inbound'", [ticket.id])).rows.map((r) => r.body).join('\n')}`;
    const registry = await listAgents(store, { heartbeatTimeoutMs: 60_000 });
    return routeToSpecialist({
      db: store,
      deadLetters: bus.deadLetters,
      ticket,
      text,
      agents: agentsConcerned(
        text,
        registry,
        await customerAgents(deskCache.namespace('wowsupport'), store, ticket.customerId),
      ),
      hits: await searchArticles(store, text),
      // What WowAnalytics answers to analytics.health.report, from the same store.
      healthOf: async (ids) => (await healthReport(store, ids, now)).agents,
      // What WowCommunication answers to communication.protocols.map, from the agents folder (no circuits recorded here).
      protocolsOf: async () => buildProtocolMap({ manifests: (await loadManifests(agentsDir)).map((m) => m.manifest) }),
      unanswered: [],
      cache,
      now,
    });
  };

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    await importArticles(store, kb);
    bus = await createBus({ streamMaxLen: 1000, defaults: { ...testBusDefaults, maxAttempts: 1 }, log });
    deskCache = await createCache({ log });
    await store.query(
      "insert into agents (id, name, version, description, manifest) values ('wowvision', 'WowVision', '1.0.0', 'Reviews pull requests', '{}')",
    );
    // Running: one instance with a fresh heartbeat, so only its figures speak.
    await store.query(
      "insert into agent_instances (instance_id, agent_id, host, pid) values ('host-1', 'wowvision', 'host-1', 1)",
    );
    await store.query(
      'insert into support_customers (id, slug, name, webhook_url, webhook_secret) values ($1, $2, $3, $4, $5), ($6, $7, $8, null, null)',
      [customerId, 'initech', 'Initech', 'https://hooks.initech.example/wow', 'secret-1', quietId, 'hooli', 'Hooli'],
    );
    await addCustomerAgent(store, customerId, 'wowvision');
  }, 60_000);

  afterAll(async () => {
    await Promise.all(endpoints.map((e) => new Promise((resolve) => e.close(resolve))));
    await bus.close();
    await deskCache.close();
    await close();
  });

  /** A customer whose webhook answers `status`, and an API ticket of theirs with `count` answers that failed to reach it. */
  async function failingCustomer(opts: { status: number; count: number; openWithKey: boolean }) {
    const endpoint = createHttpServer((_req, res) => res.writeHead(opts.status).end('Internal Server Error'));
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
    endpoints.push(endpoint);
    const port = (endpoint.address() as AddressInfo).port;
    const key = randomBytes(32);
    const customer = await createCustomer(
      store,
      {
        slug: uniqueName('globex').replace(/_/g, '-'),
        name: 'Globex',
        webhookUrl: `http://127.0.0.1:${port}/hooks/globex-secret-path?token=t0ken`,
      },
      { secretsKey: key },
    );
    const channels = await createCustomerChannels({
      smtpUrl: undefined,
      emailFrom: 'support@waooaw.example',
      secretsKey: opts.openWithKey ? key : undefined,
    });
    const earlier = await ticketOf('Order status', 'Where is order 7?', customer.id);
    for (let i = 0; i < opts.count; i++) {
      const sent = await store.transaction((tx) =>
        recordDeskMessage(tx, earlier.id, {
          direction: 'outbound',
          author: { kind: 'agent', id: 'wowsupport' },
          body: `It ships today (${i}).`,
          autoSubmitted: true,
        }),
      );
      await expect(deliverOutbound(store, channels, sent.messageId)).rejects.toThrow();
    }
    return { customer, host: `127.0.0.1:${port}` };
  }

  it("integration: tells the customer in their words what their webhook answered, never our error's text, and how to verify ours", async () => {
    const { customer, host } = await failingCustomer({ status: 500, count: 3, openWithKey: true });
    const diagnosis = await diagnose(
      await ticketOf('No answers arrive', 'We never get your webhook deliveries on our endpoint.', customer.id),
    );
    expect(diagnosis).toMatchObject({ topic: 'integration', tier: 'L2', assignee: 'wowsupport/integration' });
    expect(diagnosis.answer).toMatch(
      new RegExp(
        `^Our last 3 deliveries to your webhook at ${host.replace(/\./g, '\\.')} failed: it answered 500\\.\n`,
      ),
    );
    for (const internal of ['WOW_ERR', 'retried', "customer's webhook", 'secret-path', 't0ken'])
      expect(diagnosis.answer).not.toContain(internal);
    expect(diagnosis.answer).toContain('X-Wow-Signature-256');
    // The team reads what happened in the internal note, in our words.
    expect(diagnosis.findings[0]).toContain('answered 500; the delivery is retried');
  });

  it('integration: answers the customer nothing when the deliveries failed on our side, and hands the evidence to the team', async () => {
    // The secret was sealed with a key this process does not have.
    const { customer } = await failingCustomer({ status: 204, count: 2, openWithKey: false });
    const diagnosis = await diagnose(
      await ticketOf('No answers arrive', 'We never get your webhook deliveries on our endpoint.', customer.id),
    );
    expect(diagnosis).toMatchObject({ topic: 'integration', tier: 'L2', assignee: 'team:integration' });
    expect(diagnosis.answer).toBeUndefined();
    expect(diagnosis.findings[0]).toContain('SUPPORT_SECRETS_KEY');
  });

  it('integration: says when the customer has no webhook, and lists what an agent gave up on', async () => {
    await bus.subscribe({
      group: 'wowvision',
      types: ['test.review.requested'],
      handler: () => Promise.reject(new Error('the diff is too large to review')),
    });
    await bus.publish(createEvent({ type: 'test.review.requested', source: 'urn:wow:test', data: {} }));
    await eventually(async () => (await bus.deadLetters.list({ group: 'wowvision' })).length === 1, 'dead letter');
    const diagnosis = await diagnose(
      await ticketOf('API integration', 'Our integration with WowVision gets no reviews back.', quietId),
    );
    expect(diagnosis.answer).toMatch(/^Your organisation has no webhook URL configured/);
    expect(diagnosis.findings.find((f) => f.startsWith('wowvision: 1 event(s) it gave up on'))).toContain(
      'the diff is too large to review',
    );
  });

  it('performance: within baseline, hands to the team with the figures; in an incident, tells the customer', async () => {
    const now = new Date();
    const minute = (m: number) => new Date(now.getTime() + m * 60_000);
    const recorder = createHealthRecorder();
    for (let m = -120; m < -15; m += 5) for (let i = 0; i < 5; i++) recorder.record('wowvision', 80, true, minute(m));
    for (let i = 0; i < 15; i++) recorder.record('wowvision', 85, true, minute(-3));
    await recorder.flush(store);
    // WowCache's figures, as its cache.stats reply carries them.
    const cache: CacheStatsReply = {
      since: new Date(now.getTime() - 3_600_000).toISOString(),
      windowMinutes: 60,
      namespaces: [
        {
          namespace: 'wowvision',
          reads: 400,
          l1Hits: 200,
          l2Hits: 40,
          loads: 160,
          l1HitRate: 0.5,
          l2HitRate: 0.2,
          hitRate: 0.6,
          loadMsMean: 12.5,
          evictions: 90,
          expired: 0,
          stampedeWaits: 3,
          oversize: 0,
          l1EntriesMax: 1000,
          l1Bound: 1000,
          tuning: null,
        },
      ],
      changes: [],
    };
    const calm = await diagnose(await ticketOf('Slow', 'WowVision reviews feel slow to us.'), now, cache);
    expect(calm).toMatchObject({ topic: 'performance', assignee: 'team:performance' });
    expect(calm.answer).toBeUndefined();
    expect(calm.findings[0]).toMatch(
      /^wowvision: within its baseline: wowvision: mean response 85 ms against a baseline of 80 ms/,
    );
    expect(calm.findings[1]).toBe(
      'wowvision: cache hit rate 60% over 400 reads in the last 60 minutes (L1 50%, L2 20% of L1’s misses); loads take 12.5 ms on average, 90 evictions, 3 stampede waits.',
    );

    for (let i = 0; i < 30; i++) recorder.record('wowvision', 400, true, minute(-2));
    await recorder.flush(store);
    // WowAnalytics' look, as its schedule runs it, opens the incident the specialists read.
    const effects = await agentEffects({ store, agentsDir, id: 'wowanalytics' });
    await checkIncidents({ store, log, ...effects, github: undefined, send: () => Promise.resolve() }, now);
    const slow = await diagnose(await ticketOf('Slow again', 'WowVision takes too long now.'), now);
    expect(slow).toMatchObject({ topic: 'performance', assignee: 'wowsupport/performance' });
    expect(slow.answer).toMatch(
      /^WowVision is slower than usual since .*; we are on it and will tell you when it is resolved\.$/,
    );
  });

  it('billing: puts the account in front of the billing team and answers nothing', async () => {
    const diagnosis = await diagnose(await ticketOf('Refund', 'We were charged twice this month, please refund.'));
    expect(diagnosis).toMatchObject({ topic: 'billing', tier: 'L2', assignee: 'team:billing' });
    expect(diagnosis.answer).toBeUndefined();
    expect(diagnosis.findings[0]).toMatch(
      /^Account: Initech \(initech\), a customer since \d{4}-\d\d-\d\d; \d+ ticket\(s\), \d+ open; agents in use: wowvision\.$/,
    );
  });

  it('L3: drafts an outage answer from the open incident, and a security answer from its article, for an approver', async () => {
    const outage = await diagnose(await ticketOf('Outage?', 'WowVision is down for us, nothing is reviewed.'));
    expect(outage).toMatchObject({ topic: 'outage', tier: 'L3', assignee: 'team:outage' });
    expect(outage.answer).toMatch(/^We are aware that wowvision is slower than usual since/);
    // An outage concerning no agent (Hooli uses none, and names none) is drafted from every incident open,
    // as WowAnalytics reports them when asked for none.
    const unnamed = await diagnose(await ticketOf('Outage?', 'Everything is down for us, nothing happens.', quietId));
    expect(unnamed).toMatchObject({ topic: 'outage', tier: 'L3' });
    expect(unnamed.findings[0]).toMatch(/^Open incident on wowvision since \S+Z( \(#\d+\))?: /);
    expect(unnamed.answer).toMatch(/^We are aware that wowvision is slower than usual since/);
    const breach = await diagnose(await ticketOf('Breach', 'Our credentials may have leaked.'));
    expect(breach).toMatchObject({ topic: 'security', tier: 'L3' });
    expect(breach.answer).toContain('(kb:data-breach-response)');
  });
});
