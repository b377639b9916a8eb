import { resolve } from 'node:path';
import type { CliIo } from './cli-io.ts';

/** The agents that may cache a table's rows, and how a command that wrote the table drops what they cached. */
export interface CachedReaders {
  /** The ids (cache namespaces) of the agents whose manifest reads the table. */
  readonly agents: readonly string[];
  /**
   * Drops `tags` in each of their namespaces, in every process, through Redis beside the
   * bus. On the in-process bus (no REDIS_URL) no other process can be reached: what the
   * agents cached expires on its own TTL, which their readers keep short for that reason.
   */
  forget(tags: readonly string[]): Promise<void>;
}

/**
 * The agents of AGENTS_DIR that read `table` (in their manifest's `stores` or `uses`): each
 * may cache it in its `ctx.cache`, so a command that writes it drops their tags. Asked
 * before the write, so that a command that could not find them fails before changing anything.
 */
export async function cachedReaders(io: CliIo, table: string): Promise<CachedReaders> {
  const { createCache, createLogger, loadConfig, loadManifests } = await import('#platform');
  const config = loadConfig(io.env);
  const agents = (await loadManifests(resolve(config.agents.dir)))
    .map((m) => m.manifest)
    .filter((m) => m.stores.includes(table) || m.uses.some((u) => u.replace(/:write$/, '') === table))
    .map((m) => m.id);
  return {
    agents,
    async forget(tags) {
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
    },
  };
}
