import { z } from 'zod';
import type { HandlerContext, Logger } from '#platform';

/**
 * One namespace's cache figures as WowCache's cache.stats reply carries them, read with
 * WowSupport's own schema: the fields the performance specialist relies on.
 */
const namespaceFigures = z.object({
  namespace: z.string(),
  reads: z.number(),
  l1HitRate: z.number(),
  l2HitRate: z.number(),
  hitRate: z.number(),
  loadMsMean: z.number().nullable(),
  evictions: z.number(),
  stampedeWaits: z.number(),
});
export type CacheFigures = z.infer<typeof namespaceFigures>;

const statsReply = z.object({ windowMinutes: z.number(), namespaces: z.array(namespaceFigures) });
export type CacheStatsReply = z.infer<typeof statsReply>;

/** A cache figure is worth a finding, never worth holding a ticket: WowCache gets this long. */
const statsTimeoutMs = 5_000;

/**
 * The cache's figures per agent over the last hour, asked of WowCache (cache.stats), or
 * undefined when it does not answer in time or answers what this cannot read: the
 * diagnosis goes on without them. Never inside a transaction, as for WowSearch.
 */
export async function askWowCache(
  ctx: Pick<HandlerContext<unknown, unknown>, 'request'> & { log: Logger },
): Promise<CacheStatsReply | undefined> {
  try {
    const reply = await ctx.request(
      { type: 'cache.stats', data: { windowMinutes: 60, changes: 0 } },
      { timeoutMs: statsTimeoutMs },
    );
    const parsed = statsReply.safeParse(reply);
    if (parsed.success) return parsed.data;
    ctx.log.warn(
      { problems: parsed.error.issues.length },
      'WowCache answered cache.stats with what WowSupport cannot read',
    );
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
  return `${f.namespace}: cache hit rate ${pct(f.hitRate)} over ${f.reads} reads in the last ${windowMinutes} minutes (L1 ${pct(f.l1HitRate)}, L2 ${pct(f.l2HitRate)} of L1’s misses); ${load}, ${f.evictions} evictions, ${f.stampedeWaits} stampede waits.`;
}
