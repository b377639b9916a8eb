import { Redis } from 'ioredis';
import { afterAll } from 'vitest';
import { createBus } from '../create-bus.ts';
import { testRedisUrl, uniqueName } from '../../../test/support/servers.ts';
import { quietLog, testBusDefaults } from '../../testing/index.ts';
import { describeBusContract } from './bus-contract.ts';

const prefixes: string[] = [];
afterAll(async () => {
  const redis = new Redis(testRedisUrl);
  for (const prefix of prefixes) {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  await redis.quit();
});

describeBusContract('Redis Streams', (overrides) => {
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
});
