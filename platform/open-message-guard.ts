import type { Redis } from 'ioredis';
import type { MessageGuard } from './bus/bus.ts';
import { platformEventTypes } from './bus/platform-events.ts';
import { connectRedis } from './bus/redis/connect-redis.ts';
import type { Config } from './config/load-config.ts';
import { loadDomains } from './domain/load-domains.ts';
import type { Identity } from './identity/create-identity.ts';
import { createMemoryReplayCache, createRedisReplayCache, type ReplayCache } from './identity/messages/replay-cache.ts';

// The domains ship with the platform's code, wherever AGENTS_DIR points.
const domainsDir = new URL('../domains/', import.meta.url).pathname;

/**
 * The message guard of this process's bus (docs/security.md, "Signed messages"), or
 * undefined when BUS_SIGNING is off. On both stores: on the embedded one the outbox
 * relay publishes outside any transaction, so the signer's key read does not wait behind
 * one on PGlite's single session. The platform signs what it sends itself: GitHub's
 * webhooks, deploys and what the domains declare in domain.yml. Ids accepted are kept as
 * openReplayCache says.
 */
export async function openMessageGuard(
  config: Config,
  identity: Identity,
): Promise<{ guard: MessageGuard; close(): Promise<void> } | undefined> {
  const { signing } = config.bus;
  if (signing === 'off') return undefined;
  // What the platform sends itself (webhooks, the outbox's first run) needs its key at once.
  await identity.ensure('platform', { actor: 'wow runtime' });
  const platformTypes = [
    ...new Set([...platformEventTypes, ...(await loadDomains(domainsDir)).flatMap((d) => d.domain.emits)]),
  ];
  const opened = await openReplayCache(config);
  return { guard: identity.messageGuard({ platformTypes, replay: opened.replay }), close: () => opened.close() };
}

/**
 * Where the guard keeps the ids it accepted: in Redis beside the bus (every process on it
 * shares them), or in this process with the in-process bus. On a connection of its own
 * that writes each command as it is asked: a read's claim (one call for the read) is sent
 * before the read's checks run, and answered while they do. Pipelined automatically, as
 * it once was, the claim waited for the next turn of the event loop, after the checks.
 */
export async function openReplayCache(config: Config): Promise<{ replay: ReplayCache; close: () => Promise<void> }> {
  if (config.redis.url === undefined) return { replay: createMemoryReplayCache(), close: () => Promise.resolve() };
  const client: Redis = await connectRedis(config.redis.url, 'wow-replay');
  return {
    replay: createRedisReplayCache(client, config.bus.keyPrefix),
    async close() {
      await client.quit();
    },
  };
}
