import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeBackends } from '../../test/support/test-stores.ts';
import { createServer } from '../server/create-server.ts';
import {
  createBus,
  createLogger,
  createMetrics,
  loadConfig,
  readSharedSettings,
  type Bus,
  type Store,
} from '#platform';
import { createCustomer, issueApiKey, recordDeskMessage, revokeApiKey, supportSettings } from '#domains/support';
import { uniqueName } from '../../test/support/servers.ts';

const log = createLogger('silent');
const busDefaults = { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 };
// Mid-minute: the rate limit's window ends in 30 s.
const now = new Date('2026-12-03T10:00:30.000Z');

const backends = storeBackends('intake', { poolMax: 4 });

describe.each(backends)('the ticket API on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let bus: Bus;
  let server: FastifyInstance;
  const servers: FastifyInstance[] = [];
  const serve = async (env: Record<string, string>) => {
    const s = await createServer({
      config: loadConfig(env),
      support: readSharedSettings(supportSettings, env),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
      clock: () => now,
    });
    servers.push(s);
    return s;
  };

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    bus = await createBus({ streamMaxLen: 1000, defaults: busDefaults, log });
    server = await serve({ SUPPORT_RATE_LIMIT_PER_MINUTE: '10000' });
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await bus.close();
    await close();
  });

  const customer = async () => {
    const c = await createCustomer(store, { slug: uniqueName('acme').replace(/_/g, '-'), name: 'Acme' });
    const { key, prefix } = await issueApiKey(store, c.slug);
    return { ...c, key, prefix, auth: { authorization: `Bearer ${key}` } };
  };
  const counts = async (customerId: string) =>
    (
      await store.query<{ tickets: number; keys: number }>(
        'select (select count(*)::int from support_tickets where customer_id = $1) as tickets, (select count(*)::int from support_idempotency where customer_id = $1) as keys',
        [customerId],
      )
    ).rows[0];
  const postTicket = (headers: Record<string, string>, payload: unknown, on = server) =>
    on.inject({
      method: 'POST',
      url: '/api/tickets',
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });

  it("opens a ticket on the api channel for the key's customer and reads it back", async () => {
    const acme = await customer();
    const res = await postTicket(acme.auth, {
      subject: '  Login fails ',
      body: 'Since this morning, 500 on /login.',
      priority: 'high',
      requester: { email: 'ada@acme.example', name: 'Ada' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    const ticket = res.json<{ id: string }>();
    expect(ticket).toMatchObject({
      subject: 'Login fails',
      status: 'new',
      priority: 'high',
      tier: 'L1',
      channel: 'api',
      requester: { email: 'ada@acme.example', name: 'Ada' },
    });
    expect(ticket).not.toHaveProperty('customerId');
    const read = await server.inject({ method: 'GET', url: `/api/tickets/${ticket.id}`, headers: acme.auth });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      id: ticket.id,
      messages: [
        {
          direction: 'inbound',
          author: { kind: 'customer' },
          body: 'Since this morning, 500 on /login.',
          automatic: false,
        },
      ],
    });
  });

  it('names each field that fails validation, 422, and writes nothing', async () => {
    const acme = await customer();
    const res = await postTicket(acme.auth, {
      subject: '',
      body: 42,
      subjet: 'typo',
      priority: 'asap',
      requester: { email: 'not-an-email' },
    });
    expect(res.statusCode).toBe(422);
    const answer = res.json<{ code: string; message: string; errors: { field: string; message: string }[] }>();
    expect(answer.code).toBe('WOW_ERR_SUPPORT_INPUT');
    expect(answer.errors).toEqual(
      expect.arrayContaining([
        { field: 'subject', message: 'must not be empty' },
        { field: 'body', message: 'expected a string' },
        { field: 'subjet', message: 'unknown field' },
        { field: 'priority', message: 'expected one of urgent, high, normal, low' },
        { field: 'requester.email', message: 'expected an email address' },
      ]),
    );
    expect(answer.message).toContain('subject: must not be empty');
    expect((await postTicket(acme.auth, {})).json<{ errors: unknown[] }>().errors).toEqual([
      { field: 'subject', message: 'required' },
      { field: 'body', message: 'required' },
    ]);
    expect((await postTicket(acme.auth, [1])).json<{ errors: unknown[] }>().errors).toEqual([
      { field: 'body', message: 'expected an object' },
    ]);
    expect(await counts(acme.id)).toEqual({ tickets: 0, keys: 0 });
  });

  it('answers malformed or empty JSON with 400 and says so', async () => {
    const acme = await customer();
    const bad = await postTicket({ ...acme.auth, 'idempotency-key': 'k-bad-json' }, '{"subject": "Hi", ');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      code: 'WOW_ERR_JSON_MALFORMED',
      message: expect.stringMatching(/^The request body is not valid JSON \(.+\)\. Send one JSON object/) as unknown,
    });
    const empty = await server.inject({ method: 'POST', url: '/api/tickets', headers: acme.auth });
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({
      code: 'WOW_ERR_JSON_MALFORMED',
      message: expect.stringContaining('the body is empty') as unknown,
    });
    const text = await postTicket({ ...acme.auth, 'content-type': 'text/plain' }, 'subject=Hi');
    expect(text.statusCode).toBe(400);
    expect(text.json()).toMatchObject({
      code: 'WOW_ERR_JSON_MALFORMED',
      message: expect.stringContaining('the body is sent as text/plain') as unknown,
    });
    expect(await counts(acme.id)).toEqual({ tickets: 0, keys: 0 });
  });

  it('refuses a missing, malformed, unknown or revoked key with 401 and why', async () => {
    const acme = await customer();
    const body = { subject: 'Hi', body: 'Hello' };
    const missing = await postTicket({}, body);
    expect(missing.statusCode).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(missing.json()).toMatchObject({
      code: 'WOW_ERR_API_KEY_INVALID',
      message: expect.stringContaining('no Authorization header') as unknown,
    });
    expect((await postTicket({ authorization: 'Basic YWRhOnB3' }, body)).json()).toMatchObject({
      code: 'WOW_ERR_API_KEY_INVALID',
      message: expect.stringContaining('not "Bearer wow_sk_…"') as unknown,
    });
    const unknown = await postTicket({ authorization: 'Bearer wow_sk_neverIssuedNeverIssuedNeverIss' }, body);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json()).toMatchObject({
      code: 'WOW_ERR_API_KEY_INVALID',
      message: expect.stringContaining('no key wow_sk_neverIss… was ever issued') as unknown,
    });

    await revokeApiKey(store, acme.prefix);
    const revoked = await postTicket(acme.auth, body);
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json()).toMatchObject({
      code: 'WOW_ERR_API_KEY_REVOKED',
      message: expect.stringContaining(`The API key ${acme.prefix}… was revoked at`) as unknown,
    });
    expect(
      (await server.inject({ method: 'GET', url: `/api/tickets/${crypto.randomUUID()}`, headers: acme.auth }))
        .statusCode,
    ).toBe(401);
    expect(await counts(acme.id)).toEqual({ tickets: 0, keys: 0 });
  });

  it("shows a customer only its own tickets: another's, an unknown id and a non-uuid are all 404", async () => {
    const acme = await customer();
    const globex = await customer();
    const ticket = (await postTicket(acme.auth, { subject: 'Mine', body: 'Private.' })).json<{ id: string }>();
    for (const id of [ticket.id, crypto.randomUUID(), 'not-a-uuid']) {
      const read = await server.inject({ method: 'GET', url: `/api/tickets/${id}`, headers: globex.auth });
      expect(read.statusCode).toBe(404);
      expect(read.json()).toEqual({ code: 'WOW_ERR_TICKET_NOT_FOUND', message: `No ticket ${id}.`, retryable: false });
    }
    const write = await server.inject({
      method: 'POST',
      url: `/api/tickets/${ticket.id}/messages`,
      headers: { ...globex.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ body: 'Let me in' }),
    });
    expect(write.statusCode).toBe(404);
    const messages = (
      await server.inject({ method: 'GET', url: `/api/tickets/${ticket.id}`, headers: acme.auth })
    ).json<{ messages: unknown[] }>().messages;
    expect(messages).toHaveLength(1);
  });

  it('replays the stored answer for the same Idempotency-Key and request, with Idempotent-Replayed, and makes no second ticket', async () => {
    const acme = await customer();
    const headers = { ...acme.auth, 'idempotency-key': 'order-4711' };
    const first = await postTicket(headers, { subject: 'Refund', body: 'Order 4711 was charged twice.' });
    expect(first.statusCode).toBe(201);
    // The same request, keys in another order and padded: the same validated request.
    const again = await postTicket(headers, { body: 'Order 4711 was charged twice.', subject: 'Refund ' });
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await counts(acme.id)).toEqual({ tickets: 1, keys: 1 });

    const other = await postTicket(headers, { subject: 'Refund', body: 'Something else entirely.' });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({
      code: 'WOW_ERR_IDEMPOTENCY_KEY_REUSED',
      message: expect.stringContaining(
        'Idempotency-Key "order-4711" was used before for a different request',
      ) as unknown,
    });
    // Keys are per customer: another customer's same key is its own request.
    const globex = await customer();
    expect(
      (
        await postTicket(
          { ...globex.auth, 'idempotency-key': 'order-4711' },
          { subject: 'Refund', body: 'Something else entirely.' },
        )
      ).statusCode,
    ).toBe(201);
    expect(await counts(acme.id)).toEqual({ tickets: 1, keys: 1 });
    expect(
      (
        await postTicket({ ...acme.auth, 'idempotency-key': 'bad key with spaces' }, { subject: 'x', body: 'y' })
      ).json(),
    ).toMatchObject({ code: 'WOW_ERR_SUPPORT_INPUT', errors: [{ field: 'Idempotency-Key' }] });
  });

  it('makes one ticket when the same Idempotency-Key arrives several times at once', async () => {
    const acme = await customer();
    const headers = { ...acme.auth, 'idempotency-key': crypto.randomUUID() };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => postTicket(headers, { subject: 'Race', body: 'Double click.' })),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(answers.map((a) => a.json<{ id: string }>().id)).size).toBe(1);
    expect(answers.filter((a) => a.headers['idempotent-replayed'] === 'true')).toHaveLength(4);
    expect(await counts(acme.id)).toEqual({ tickets: 1, keys: 1 });
  });

  it('stores nothing for a request that fails, so a retry with the same key runs it', async () => {
    const acme = await customer();
    const headers = { ...acme.auth, 'content-type': 'application/json', 'idempotency-key': 'msg-1' };
    const missing = await server.inject({
      method: 'POST',
      url: `/api/tickets/${crypto.randomUUID()}/messages`,
      headers,
      payload: JSON.stringify({ body: 'Hello?' }),
    });
    expect(missing.statusCode).toBe(404);
    expect(await counts(acme.id)).toEqual({ tickets: 0, keys: 0 });
  });

  it("limits each customer's requests per minute with 429 and Retry-After, counting every concurrent request", async () => {
    const limited = await serve({ SUPPORT_RATE_LIMIT_PER_MINUTE: '3' });
    const acme = await customer();
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => postTicket(acme.auth, { subject: `Burst ${i}`, body: 'Again.' }, limited)),
    );
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(3);
    const refused = answers.filter((a) => a.statusCode === 429);
    expect(refused).toHaveLength(5);
    expect(refused[0]?.headers['retry-after']).toBe('30');
    expect(refused[0]?.json()).toMatchObject({
      code: 'WOW_ERR_RATE_LIMITED',
      retryable: true,
      message: expect.stringContaining('retry after 30 seconds') as unknown,
    });
    // Reads count too; another customer has a limit of its own.
    expect(
      (await limited.inject({ method: 'GET', url: `/api/tickets/${crypto.randomUUID()}`, headers: acme.auth }))
        .statusCode,
    ).toBe(429);
    const globex = await customer();
    expect((await postTicket(globex.auth, { subject: 'Fine', body: 'Here.' }, limited)).statusCode).toBe(201);
    expect(await counts(acme.id)).toEqual({ tickets: 3, keys: 0 });
  });

  it("takes the customer's message on its ticket, and a GET never shows internal notes or drafts", async () => {
    const acme = await customer();
    const ticket = (await postTicket(acme.auth, { subject: 'Export', body: 'CSV export is empty.' })).json<{
      id: string;
    }>();
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        direction: 'internal',
        author: { kind: 'human', id: 'octocat' },
        body: 'SECRET: customer is on the legacy plan',
        autoSubmitted: false,
      }),
    );
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        direction: 'outbound',
        author: { kind: 'agent', id: 'wowsupport' },
        body: 'Which date range did you pick?',
        autoSubmitted: true,
        action: 'ask_customer',
      }),
    );
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        direction: 'draft',
        author: { kind: 'agent', id: 'wowsupport' },
        body: 'DRAFT: refund offered',
        autoSubmitted: true,
      }),
    );

    const sent = await server.inject({
      method: 'POST',
      url: `/api/tickets/${ticket.id}/messages`,
      headers: { ...acme.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ body: 'Last month.', authorEmail: 'bob@acme.example' }),
    });
    expect(sent.statusCode).toBe(201);
    expect(sent.json()).toMatchObject({
      id: expect.any(String) as unknown,
      followUp: false,
      ticket: { id: ticket.id, status: 'open' },
    });
    const fieldError = await server.inject({
      method: 'POST',
      url: `/api/tickets/${ticket.id}/messages`,
      headers: { ...acme.auth, 'content-type': 'application/json' },
      payload: JSON.stringify({ body: ' ' }),
    });
    expect(fieldError.json()).toMatchObject({
      code: 'WOW_ERR_SUPPORT_INPUT',
      errors: [{ field: 'body', message: 'must not be empty' }],
    });

    const read = await server.inject({ method: 'GET', url: `/api/tickets/${ticket.id}`, headers: acme.auth });
    const view = read.json<{ status: string; messages: { direction: string; body: string; automatic: boolean }[] }>();
    expect(view.status).toBe('open');
    expect(view.messages.map((m) => [m.direction, m.body, m.automatic])).toEqual([
      ['inbound', 'CSV export is empty.', false],
      ['outbound', 'Which date range did you pick?', true],
      ['inbound', 'Last month.', false],
    ]);
    expect(read.body).not.toContain('SECRET');
    expect(read.body).not.toContain('DRAFT');
  });

  it("takes the customer's rating of a solved ticket, refuses one before it is solved, and names a bad rating's field", async () => {
    const acme = await customer();
    const ticket = (await postTicket(acme.auth, { subject: 'Rate me', body: 'Something to solve.' })).json<{
      id: string;
    }>();
    const rate = (payload: unknown) =>
      server.inject({
        method: 'POST',
        url: `/api/tickets/${ticket.id}/rating`,
        headers: { ...acme.auth, 'content-type': 'application/json' },
        payload: JSON.stringify(payload),
      });
    const early = await rate({ rating: 'good' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'WOW_ERR_CSAT_UNSOLVED' });
    await store.transaction((tx) =>
      recordDeskMessage(tx, ticket.id, {
        direction: 'outbound',
        author: { kind: 'agent', id: 'wowsupport' },
        body: 'Solved.',
        autoSubmitted: true,
        action: 'solve',
      }),
    );
    expect((await rate({ rating: 'meh' })).json()).toMatchObject({
      code: 'WOW_ERR_SUPPORT_INPUT',
      errors: [{ field: 'rating', message: 'expected "good" or "bad"' }],
    });
    const rated = await rate({ rating: 'good', comment: ' Quick. ' });
    expect(rated.statusCode).toBe(200);
    expect(rated.json()).toMatchObject({
      ticketId: ticket.id,
      rating: 'good',
      comment: 'Quick.',
      ratedAt: expect.any(String) as unknown,
    });
    expect(
      (await server.inject({ method: 'GET', url: `/api/tickets/${ticket.id}`, headers: acme.auth })).json(),
    ).toMatchObject({ status: 'solved' });
  });
});
