import type { HandlerContext, Logger, ReplyOf } from '#platform';
import { cacheStatsProtocol } from '../../../wowcache/src/index.ts';

export type CacheStatsReply = ReplyOf<typeof cacheStatsProtocol>;
export type CacheFigures = CacheStatsReply['namespaces'][number];

/** A cache figure is worth a finding, never worth holding a ticket: WowCache gets this long. */
const statsTimeoutMs = 5_000;

/**
 * The cache's figures per agent over the last hour, asked of WowCache (cache.stats), or
 * undefined when it does not answer in time or answers what its protocol does not allow:
 * the diagnosis goes on without them. Never inside a transaction, as for WowSearch.
 */
export async function askWowCache(
  ctx: Pick<HandlerContext<unknown, unknown>, 'request'> & { log: Logger },
): Promise<CacheStatsReply | undefined> {
  try {
    return await ctx.request(cacheStatsProtocol, { windowMinutes: 60, changes: 0 }, { timeoutMs: statsTimeoutMs });
  } catch (err) {
    ctx.log.warn(
      { err },
      'WowCache did not answer cache.stats; the performance diagnosis goes on without cache figures',
    );
  }
  return undefined;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The finding on one agent's cache, for the people on the ticket. */
export function describeCache(f: CacheFigures, windowMinutes: number): string {
  const load = f.loadMsMean === null ? 'no load' : `loads take ${f.loadMsMean.toFixed(1)} ms on average`;
  const levels = `L1 ${pct(f.l1HitRate)}, L2 ${pct(f.l2HitRate)} of L1’s misses`;
  return (
    `${f.namespace}: cache hit rate ${pct(f.hitRate)} over ${f.reads} reads in the last ${windowMinutes} minutes ` +
    `(${levels}); ${load}, ${f.evictions} evictions, ${f.stampedeWaits} stampede waits.`
  );
}
