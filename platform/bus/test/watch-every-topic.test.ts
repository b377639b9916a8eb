import { afterAll, describe, expect, it } from 'vitest';
import { createBus } from '../create-bus.ts';
import { createEvent, type CloudEvent } from '../envelope.ts';
import { topicsOf, watchEveryTopic } from '../watch-every-topic.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { eventually, quietLog, testBusDefaults } from '../../testing/index.ts';

const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(prefix);
});

const drivers: [string, () => ReturnType<typeof createBus>][] = [
  [
    'Redis Streams',
    () => {
      const keyPrefix = `${uniqueName('watch')}:`;
      prefixes.push(keyPrefix);
      return createBus({
        redisUrl: testRedisUrl,
        keyPrefix,
        streamMaxLen: 1000,
        defaults: testBusDefaults,
        log: quietLog,
      });
    },
  ],
  ['in-process', () => createBus({ streamMaxLen: 1000, defaults: testBusDefaults, log: quietLog })],
];

describe('topicsOf', () => {
  it('names the topic of each type and "<domain>.<entity>.*" pattern, and none for a wider pattern', () => {
    expect(topicsOf(['github.*', 'github.pull_request.*', 'support.ticket.opened', 'agent.deployed'])).toEqual([
      'agent.deployed',
      'github.pull_request',
      'support.ticket',
    ]);
  });
});

describe.each(drivers)('watching every topic on %s', (_name, makeBus) => {
  it('sees every type of the known topics, and a topic first published later from its start, never answering requests', async () => {
    const bus = await makeBus();
    try {
      const seen: CloudEvent[] = [];
      const watcher = await watchEveryTopic({
        bus,
        group: 'archive.watch',
        consumer: 'test',
        known: ['test.known.*'],
        handler: async (e) => void seen.push(e),
        concurrency: 4,
        rescanMs: 100,
        log: quietLog,
      });
      const answers = await bus.subscribe({
        group: 'answerer',
        types: ['test.known.ask'],
        handler: async () => 'mine',
      });
      const known = createEvent({ type: 'test.known', data: {}, source: 'urn:wow:test' });
      const deeper = createEvent({ type: 'test.known.deeper', data: {}, source: 'urn:wow:test' });
      await bus.publish(known);
      await bus.publish(deeper);
      expect(
        await bus.request(createEvent({ type: 'test.known.ask', data: {}, source: 'urn:wow:test' }), {
          timeoutMs: 5000,
        }),
      ).toBe('mine');
      const late = createEvent({ type: 'test.late.arrived', data: {}, source: 'urn:wow:test' });
      await bus.publish(late);
      await eventually(() => seen.length === 4, 'the watcher saw all four');
      expect(seen.map((e) => e.type).sort()).toEqual([
        'test.known',
        'test.known.ask',
        'test.known.deeper',
        'test.late.arrived',
      ]);
      expect(watcher.topics()).toEqual(['test.known', 'test.late']);
      expect(await watcher.stop({ timeoutMs: 1000 })).toEqual({ drained: true, abandoned: 0 });
      await answers.stop();
    } finally {
      await bus.close();
    }
  });
});
