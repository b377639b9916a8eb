import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { findTicket, supportSettings } from '#domains/support';
import { storeBackends } from '../../test/support/test-stores.ts';

// The web form is open to anyone, so what anyone can do with it is bounded: how often, and
// whose ticket they can see. Over the HTTP door (inject), on both stores.
const log = createLogger('silent');
// Twenty past ten: the hour's window ends in 40 minutes.
const now = new Date('2026-12-03T10:20:00.000Z');

describe.each(storeBackends('webform_abuse'))('the support web form against abuse, on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let bus: Bus;
  let server: FastifyInstance;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
    bus = await createBus({
      streamMaxLen: 1000,
      defaults: { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 },
      log,
    });
    server = await createServer({
      config: loadConfig({}),
      support: readSharedSettings(supportSettings, {
        SUPPORT_FORM_PER_IP_PER_HOUR: '3',
        SUPPORT_FORM_PER_EMAIL_PER_HOUR: '2',
      }),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
      clock: () => now,
    });
  });
  afterAll(async () => {
    await server.close();
    await bus.close();
    await close();
  });

  let ip = 0;
  /** A client address of its own for each test, so their counts do not mix. */
  const nextIp = () => `198.51.100.${(ip += 1)}`;
  const post = (fields: Record<string, string>, remoteAddress: string) =>
    server.inject({
      method: 'POST',
      url: '/support',
      remoteAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  const tickets = async () =>
    (await store.query<{ n: number }>('select count(*)::int as n from support_tickets')).rows[0]?.n;
  const referenceIn = (page: string) => /id="ticket-reference">([0-9a-f-]{36})</.exec(page)?.[1];
  const tokenIn = (page: string) => /name="submission" value="([^"]+)"/.exec(page)?.[1] ?? '';

  it('limits the posts from one client address per hour: 429 with Retry-After and a page that says when to try again', async () => {
    const client = nextIp();
    const answers = [];
    for (let i = 0; i < 5; i++)
      answers.push(
        await post({ email: `person-${i}@example.com`, subject: `Question ${i}`, message: 'Hello.' }, client),
      );
    expect(answers.map((a) => a.statusCode)).toEqual([201, 201, 201, 429, 429]);
    const refused = answers[3];
    expect(refused?.headers['retry-after']).toBe('2400');
    expect(refused?.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(refused?.body).toContain('<h1>Too many requests</h1>');
    expect(refused?.body).toContain('Try again after 11:00 UTC (in 40 minutes)');
    expect(refused?.body).not.toContain('Question 3');
    // A post with errors counts too: the limit is on what a client sends, not on tickets.
    const other = nextIp();
    for (let i = 0; i < 3; i++)
      expect((await post({ email: 'not-an-email', subject: '', message: '' }, other)).statusCode).toBe(422);
    expect((await post({ email: 'ok@example.com', subject: 'Fine', message: 'Fine.' }, other)).statusCode).toBe(429);
    // IPv6 clients count by their /64, which one household or one server gets whole.
    const v6 = ['2001:db8:1:2::1', '2001:db8:1:2:ffff::9', '2001:0db8:0001:0002:0:0:0:abcd'];
    expect(
      (
        await Promise.all(v6.map((a, i) => post({ email: `six-${i}@example.com`, subject: 'Six', message: 'Six.' }, a)))
      ).map((a) => a.statusCode),
    ).toEqual([201, 201, 201]);
    expect(
      (await post({ email: 'six-4@example.com', subject: 'Six', message: 'Six.' }, '2001:db8:1:2:1:2:3:4')).statusCode,
    ).toBe(429);
    expect(
      (await post({ email: 'six-5@example.com', subject: 'Six', message: 'Six.' }, '2001:db8:1:3::1')).statusCode,
    ).toBe(201);
  });

  it('limits the tickets for one email address per hour, from any client address, and writes nothing past it', async () => {
    const victim = 'victim@example.com';
    const sent = [];
    for (let i = 0; i < 3; i++)
      sent.push(await post({ email: victim.toUpperCase(), subject: `Spam ${i}`, message: 'Click here.' }, nextIp()));
    expect(sent.map((a) => a.statusCode)).toEqual([201, 201, 429]);
    expect(sent[2]?.body).toContain('Try again after 11:00 UTC (in 40 minutes)');
    expect(
      (await store.query('select 1 from support_tickets where lower(requester_email) = $1', [victim])).rows,
    ).toHaveLength(2);
  });

  it("counts an address's plus-tags, and a Gmail address's dots, as the address itself", async () => {
    const statuses = async (emails: string[]) => {
      const answers = [];
      for (const [i, email] of emails.entries())
        answers.push((await post({ email, subject: `Spam ${i}`, message: 'Click here.' }, nextIp())).statusCode);
      return answers;
    };
    expect(await statuses(['eve+1@tagged.example', 'Eve+2@Tagged.example', 'eve+spam+3@tagged.example'])).toEqual([
      201, 201, 429,
    ]);
    expect(await statuses(['v.i.c.t.i.m@gmail.com', 'victim+x@googlemail.com', 'Vic.Tim@gmail.com'])).toEqual([
      201, 201, 429,
    ]);
    // Elsewhere a dot is part of the name: two people.
    expect(await statuses(['a.b@dots.example', 'ab@dots.example', 'a.b+1@dots.example'])).toEqual([201, 201, 201]);
  });

  it('counts the tickets for all the addresses of one domain too, against a higher limit of its own', async () => {
    const domainServer = await createServer({
      config: loadConfig({}),
      support: readSharedSettings(supportSettings, {
        SUPPORT_FORM_PER_IP_PER_HOUR: '100',
        SUPPORT_FORM_PER_EMAIL_PER_HOUR: '2',
        SUPPORT_FORM_PER_DOMAIN_PER_HOUR: '4',
      }),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
      clock: () => now,
    });
    try {
      const sent = [];
      for (let i = 0; i < 6; i++)
        sent.push(
          await domainServer.inject({
            method: 'POST',
            url: '/support',
            remoteAddress: nextIp(),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: new URLSearchParams({
              email: `person-${i}@Victim-Corp.example`,
              subject: 'Invoice',
              message: 'Open the attachment.',
            }).toString(),
          }),
        );
      expect(sent.map((a) => a.statusCode)).toEqual([201, 201, 201, 201, 429, 429]);
      expect(sent[4]?.body).toContain('Try again after 11:00 UTC (in 40 minutes)');
      expect(
        (await store.query("select 1 from support_tickets where requester_email ilike '%@victim-corp.example'")).rows,
      ).toHaveLength(4);
    } finally {
      await domainServer.close();
    }
  });

  it("never shows or replays another person's ticket for a submission id a stranger chose or planted", async () => {
    const attacker = nextIp();
    // A chosen id: a UUID the stranger makes up and plants in a page that posts to the form.
    const chosen = crypto.randomUUID();
    // A planted token: one the stranger fetched from the form itself.
    const planted = tokenIn((await server.inject({ method: 'GET', url: '/support', remoteAddress: attacker })).body);
    for (const submission of [chosen, planted]) {
      const victim = await post(
        {
          email: 'grace@example.com',
          name: 'Grace',
          subject: 'My invoice 4711',
          message: 'Private details.',
          submission,
        },
        nextIp(),
      );
      expect(victim.statusCode).toBe(201);
      const victimTicket = referenceIn(victim.body);

      const before = await tickets();
      const replay = await post(
        { email: 'mallory@example.com', subject: 'Anything', message: 'Show me.', submission },
        attacker,
      );
      expect(replay.statusCode).toBe(201);
      expect(referenceIn(replay.body)).not.toBe(victimTicket);
      expect(replay.headers['content-type']).toBe('text/html; charset=utf-8');
      for (const secret of ['grace@example.com', 'My invoice 4711', victimTicket ?? 'none'])
        expect(replay.body).not.toContain(secret);
      expect(await tickets()).toBe((before ?? 0) + 1);
      expect(await findTicket(store, victimTicket ?? '')).toMatchObject({ requester: { email: 'grace@example.com' } });
    }
  });

  it('still makes one ticket of the same form posted twice (a reload, a double click)', async () => {
    const client = nextIp();
    const submission = tokenIn((await server.inject({ method: 'GET', url: '/support', remoteAddress: client })).body);
    expect(submission).toMatch(/^[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    const fields = { email: 'ada@example.com', subject: 'Twice', message: 'Once, really.', submission };
    const first = await post(fields, client);
    const again = await post(fields, client);
    expect([first.statusCode, again.statusCode]).toEqual([201, 201]);
    expect(referenceIn(again.body)).toBe(referenceIn(first.body));
  });
});
