import type { PgQueryable } from '#platform';
import type { CliIo } from './cli-io.ts';

/**
 * The registered agents that read `table` (in their manifest's `stores` or `uses`): each may
 * cache its rows in `ctx.cache`, so a command that writes the table drops their tags
 * (forgetCached). The registry holds the manifests the runtimes run, so no agents folder
 * is needed where the command runs.
 */
export async function cachedReaders(db: PgQueryable, table: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select id from agents
     where manifest->'stores' ? $1 or manifest->'uses' ? $1 or manifest->'uses' ? ($1 || ':write')
     order by id`,
    [table],
  );
  return rows.map((r) => r.id);
}

/**
 * Drops `tags` in the cache namespace of each of `agents`, in every process, through Redis
 * beside the bus. On the in-process bus (no REDIS_URL) no other process can be reached:
 * what the agents cached expires on its own TTL, which their readers keep short for that.
 */
export async function forgetCached(io: CliIo, agents: readonly string[], tags: readonly string[]): Promise<void> {
  const { createCache, createLogger, loadConfig } = await import('#platform');
  const config = loadConfig(io.env);
  if (config.redis.url === undefined || agents.length === 0) return;
  const cache = await createCache({
    redisUrl: config.redis.url,
    keyPrefix: config.bus.keyPrefix,
    log: createLogger('silent'),
  });
  try {
    for (const agent of agents) await cache.namespace(agent).invalidateTags(tags);
  } finally {
    await cache.close();
  }
}
