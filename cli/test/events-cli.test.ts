import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createEvent, createLogger, createStore, migrate, type CloudEvent, type Store } from '#platform';
import { eventually, quietLog, testBusDefaults } from '#platform/testing';
import { archiveEvent } from '../../agents/wowevent/src/index.ts';
import { wow } from '../../test/support/run-wow.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../../test/support/servers.ts';

// The commands open the database by URL: this file gets a database of its own, and a Redis
// key prefix of its own for the bus.
const prefix = `${uniqueName('eventscli')}:`;
let database: { url: string; drop: () => Promise<void> };
let store: Store;
// The support domain's ticket events carry these (its model checks them when replayed).
const event = (type: string, extra: Partial<CloudEvent> = {}): CloudEvent => ({
  ...createEvent({
    type,
    data: { ticketId: randomUUID(), messageId: randomUUID() },
    source: 'urn:wow:agent:wowsupport',
  }),
  ...extra,
});

beforeAll(async () => {
  database = await createTestDatabase('eventscli');
  store = await createStore({ url: database.url, dataDir: '.data', poolMax: 2, log: createLogger('silent') });
  await migrate(store, { log: quietLog });
});
afterAll(async () => {
  await store.close();
  await database.drop();
  await deleteRedisKeys(prefix);
});

describe('wow events who-wakes|tail|replay and wow trace', () => {
  it('has --help with exit codes on each command', async () => {
    for (const argv of [['events', 'who-wakes'], ['events', 'tail'], ['events', 'replay'], ['trace']]) {
      const run = await wow([...argv, '--help']);
      expect({ argv, code: run.code }).toEqual({ argv, code: 0 });
      expect(run.stdout).toContain('Exit codes: 0');
    }
  });

  it('who-wakes: the agents a type wakes, by which wakesOn, and who watches everything; 1 when nobody', async () => {
    const text = await wow(['events', 'who-wakes', 'support.ticket.opened']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('  wakes:    wowsupport (on support.ticket.opened, with a data schema)\n');
    expect(text.stdout).toContain('  watched:  wowevent (every event)\n');
    const json = JSON.parse((await wow(['events', 'who-wakes', 'support.ticket.opened', '--json'])).stdout) as {
      woken: { agent: string; wakesOn: string }[];
    };
    expect(json.woken).toContainEqual({ agent: 'wownotification', wakesOn: 'support.ticket.*', schema: true });
    const nobody = await wow(['events', 'who-wakes', 'github.push']);
    expect(nobody).toMatchObject({ code: 1 });
    expect(nobody.stdout).toContain('sent by:  platform\n  wakes:    nobody');
    expect((await wow(['events', 'who-wakes', 'NotAType'])).code).toBe(2);
  });

  it('trace: the chain one event caused as an indented tree, or JSON; exit 1 for an id not archived', async () => {
    const root = event('github.pull_request.opened', { source: 'urn:wow:platform' });
    const review = event('vision.review.completed', {
      traceparent: root.traceparent.replace(/-[0-9a-f]{16}-/, '-00000000000000a1-'),
      causedby: root.id,
      time: new Date(Date.parse(root.time) + 120).toISOString(),
      source: 'urn:wow:agent:wowvision',
    });
    const asked = event('search.articles', {
      traceparent: root.traceparent.replace(/-[0-9a-f]{16}-/, '-00000000000000a2-'),
      causedby: review.id,
      correlationid: 'c-1',
      time: new Date(Date.parse(root.time) + 2500).toISOString(),
    });
    // A second request that failed: its outcome is shown on its line, not as an event of its own.
    const again = event('search.articles', {
      traceparent: root.traceparent.replace(/-[0-9a-f]{16}-/, '-00000000000000a3-'),
      causedby: review.id,
      correlationid: 'c-2',
      time: new Date(Date.parse(root.time) + 3000).toISOString(),
    });
    const failed = event('communication.request.completed', {
      traceparent: root.traceparent.replace(/-[0-9a-f]{16}-/, '-00000000000000a4-'),
      causedby: again.id,
      time: new Date(Date.parse(root.time) + 8000).toISOString(),
      data: {
        request: again.id,
        type: 'search.articles',
        status: 'failed',
        code: 'WOW_ERR_REQUEST_TIMEOUT',
        durationMs: 5000,
      },
    });
    for (const e of [root, review, asked, again, failed]) await archiveEvent(store, e, { maxDataBytes: 4096 });
    const env = { DATABASE_URL: database.url };
    const text = await wow(['trace', root.id], env);
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout.split('\n')).toEqual([
      `github.pull_request.opened  urn:wow:platform  ${root.time}  +0ms  ${root.id}`,
      `└─ vision.review.completed  urn:wow:agent:wowvision  ${review.time}  +120ms  ${review.id}`,
      `   ├─ search.articles (request, no reply recorded)  urn:wow:agent:wowsupport  ${asked.time}  +2.50s  ${asked.id}`,
      `   └─ search.articles (request, reply failed WOW_ERR_REQUEST_TIMEOUT in 5000ms)  urn:wow:agent:wowsupport  ${again.time}  +3.00s  ${again.id}`,
      '',
    ]);
    const json = JSON.parse((await wow(['trace', review.id, '--json'], env)).stdout) as {
      event: { id: string };
      children: { event: { id: string }; offsetMs: number; request: boolean }[];
    };
    expect(json.event.id).toBe(review.id);
    expect(json.children.map((c) => [c.event.id, c.offsetMs, c.request])).toEqual([
      [asked.id, 2380, true],
      [again.id, 2880, true],
    ]);
    const missing = await wow(['trace', 'no-such-event'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('error WOW_ERR_ARCHIVED_EVENT_NOT_FOUND: No event no-such-event in the archive');
  });

  it('replay: a dry run lists from the archive; sending goes to the one group only, and needs REDIS_URL', async () => {
    const opened = event('support.ticket.opened', { subject: 'ticket-replay' });
    const other = event('support.ticket.escalated');
    for (const e of [opened, other]) await archiveEvent(store, e, { maxDataBytes: 4096 });
    const since = new Date(Date.parse(opened.time) - 1000).toISOString();
    const args = ['events', 'replay', '--type', 'support.ticket.*', '--since', since, '--to', 'wowsupport'];
    const env = { DATABASE_URL: database.url };
    const dry = await wow([...args, '--dry-run'], env);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('dry run, nothing sent: 1 event(s) would be sent again to wowsupport, 1 skipped');
    expect(dry.stdout).toMatch(new RegExp(`^would send .*support\\.ticket\\.opened .*${opened.id}`, 'm'));
    expect(dry.stdout).toMatch(/^skipped .*wowsupport does not wake on support\.ticket\.escalated/m);
    // A span back from now reads the same events (the archive holds nothing older here).
    const spanned = await wow([...args.slice(0, 4), '--since', '1h', '--to', 'wowsupport', '--dry-run', '--json'], env);
    expect((JSON.parse(spanned.stdout) as { sent: { id: string }[] }).sent.map((e) => e.id)).toEqual([opened.id]);

    const noBus = await wow(args, env);
    expect(noBus.code).toBe(2);
    expect(noBus.stderr).toContain('sending needs the Redis bus, and REDIS_URL is not set');

    const bus = await createBus({
      redisUrl: testRedisUrl,
      keyPrefix: prefix,
      streamMaxLen: 1000,
      defaults: testBusDefaults,
      log: quietLog,
    });
    try {
      const got = new Map<string, CloudEvent[]>([
        ['wowsupport', []],
        ['wownotification', []],
      ]);
      for (const [group, list] of got)
        await bus.subscribe({ group, types: ['support.ticket.*'], handler: async (e) => void list.push(e) });
      const sent = await wow([...args, '--json'], {
        ...env,
        REDIS_URL: testRedisUrl,
        BUS_KEY_PREFIX: prefix,
        BUS_SIGNING: 'off',
      });
      expect(sent.code).toBe(0);
      const report = JSON.parse(sent.stdout) as { sent: { id: string }[]; dryRun: boolean };
      expect(report).toMatchObject({ dryRun: false, sent: [{ id: opened.id }] });
      await eventually(() => got.get('wowsupport')?.length === 1, 'wowsupport got the replay');
      const [replayed] = got.get('wowsupport') ?? [];
      const { signature: _s, ...original } = opened;
      expect(replayed).toEqual(original);
      expect(got.get('wownotification')).toEqual([]);
    } finally {
      await bus.close();
    }
    expect((await wow([...args.slice(0, -2), '--to', 'nosuch', '--dry-run'], env)).stderr).toContain(
      'no agent "nosuch"',
    );
    expect((await wow([...args.slice(0, 5), 'yesterday-ish', '--to', 'wowsupport', '--dry-run'], env)).code).toBe(2);
  });

  it('tail: follows new events of the pattern on the Redis bus (no consumer group) and in the archive', async () => {
    const bus = await createBus({
      redisUrl: testRedisUrl,
      keyPrefix: prefix,
      streamMaxLen: 1000,
      defaults: testBusDefaults,
      log: quietLog,
    });
    try {
      await bus.publish(event('test.tail.before'));
      const redisEnv = { REDIS_URL: testRedisUrl, BUS_KEY_PREFIX: prefix, DATABASE_URL: database.url };
      const onRedis = wow(['events', 'tail', 'test.tail.*', '--json', '--count', '2'], redisEnv);
      // Until the tail has printed twice: it may start reading after the first few.
      let done = false;
      void onRedis.then(() => (done = true));
      while (!done) {
        await bus.publish(event('test.other.noise'));
        await bus.publish(event('test.tail.seen'));
        await new Promise((r) => setTimeout(r, 50));
      }
      const run = await onRedis;
      expect(run.code).toBe(0);
      const lines = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { type: string });
      expect(lines.map((l) => l.type)).toEqual(['test.tail.seen', 'test.tail.seen']);
      // It joined no group: the streams it read have none.
      const tailed = (await bus.stats()).topics.find((t) => t.topic === 'test.tail');
      expect(tailed?.groups).toEqual([]);
    } finally {
      await bus.close();
    }

    const fromArchive = wow(['events', 'tail', 'test.archive.*', '--count', '1'], { DATABASE_URL: database.url });
    let finished = false;
    void fromArchive.then(() => (finished = true));
    while (!finished) {
      await archiveEvent(store, event('test.archive.tailed', { subject: 'row' }), { maxDataBytes: 4096 });
      await new Promise((r) => setTimeout(r, 100));
    }
    const archived = await fromArchive;
    expect(archived.code).toBe(0);
    expect(archived.stdout).toMatch(/^\S+Z {2}test\.archive\.tailed {2}urn:wow:agent:wowsupport {2}row {2}\S+\n$/);
    expect((await wow(['events', 'tail', 'Bad Pattern'], { DATABASE_URL: database.url })).code).toBe(2);
  });
});
