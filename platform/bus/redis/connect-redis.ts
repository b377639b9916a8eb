import { Redis } from 'ioredis';
import { createError } from '../../errors/errors.ts';

export function redactRedisUrl(url: string): string {
  const u = new URL(url);
  if (u.password !== '') u.password = '***';
  return u.toString();
}

/**
 * A connected client, or WOW_ERR_REDIS_UNREACHABLE at once: a platform that cannot reach
 * its bus at start-up should say so, not retry silently forever. Replies use RESP2, whose
 * stream replies are plain arrays.
 */
export async function connectRedis(url: string, name: string, opts: { autoPipelining?: boolean } = {}): Promise<Redis> {
  const client = new Redis(url, {
    lazyConnect: true,
    protocol: 2,
    connectionName: name,
    connectTimeout: 5000,
    maxRetriesPerRequest: 3,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    enableAutoPipelining: opts.autoPipelining ?? false,
  });
  // Errors after start-up are logged by the commands that fail; the client reconnects.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    throw createError(
      'WOW_ERR_REDIS_UNREACHABLE',
      { url: redactRedisUrl(url), reason: (err as Error).message },
      { cause: err },
    );
  }
  return client;
}
