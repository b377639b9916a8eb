import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/**
 * The real servers the suites talk to. CI starts them (.ci/run); locally they default to
 * this machine's PostgreSQL and Redis. Each test file works in its own Redis key prefix
 * and PostgreSQL schema so files can run in parallel.
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A name no other test run uses: `prefix_<hex>`. Valid as a schema name and a key prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Removes every Redis key under `prefix` that a test file wrote. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}
