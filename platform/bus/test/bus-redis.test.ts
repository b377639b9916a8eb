import { afterAll, describe, expect, it } from 'vitest';
import { createBus, type CreateBusOptions } from '../create-bus.ts';
import { createEvent } from '../envelope.ts';
import { deleteRedisKeys, testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { eventually, quietLog, testBusDefaults } from '../../testing/index.ts';
import { describeBusContract } from './bus-contract.ts';

const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(prefix);
});

/** A bus on the shared Redis under a key prefix of its own, removed after the file. */
const redisBus = (overrides?: Partial<CreateBusOptions>) => {
  const keyPrefix = `${uniqueName('bus')}:`;
  prefixes.push(keyPrefix);
  return createBus({
    redisUrl: testRedisUrl,
    keyPrefix,
    streamMaxLen: 10_000,
    defaults: testBusDefaults,
    log: quietLog,
    claimIntervalMs: 50,
    ...overrides,
  });
};

describeBusContract('Redis Streams', redisBus);

describe('Redis Streams: when Redis loses its data', () => {
  it('recreates the consumer groups, delivers what is published after, and names a new epoch', async () => {
    const bus = await redisBus();
    const keyPrefix = prefixes.at(-1) as string;
    try {
      const got: number[] = [];
      await bus.subscribe({
        group: 'reader',
        types: ['test.loss.*'],
        handler: async (e) => void got.push((e.data as { n: number }).n),
      });
      const publish = (n: number) =>
        bus.publish(createEvent({ type: 'test.loss.tick', data: { n }, source: 'urn:wow:test' }));
      await publish(1);
      await eventually(() => got.length === 1, 'before the loss');
      const epoch = await bus.epoch();
      // FLUSHALL, as far as this bus can tell: every key it had is gone.
      await deleteRedisKeys(keyPrefix);
      await publish(2);
      await eventually(() => got.length === 2, 'after the loss');
      expect(got).toEqual([1, 2]);
      expect(await bus.epoch()).not.toBe(epoch);
    } finally {
      await bus.close();
    }
  });
});
