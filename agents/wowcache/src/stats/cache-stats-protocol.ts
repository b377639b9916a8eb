import { z } from 'zod';
import { defineProtocol } from '#platform';

/** A cache.stats request: one namespace (an agent id) or all, over the last `windowMinutes`. */
export const cacheStatsRequest = z.strictObject({
  namespace: z
    .string()
    .regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected an agent id, e.g. "wowsearch"' })
    .optional(),
  windowMinutes: z.int({ error: 'expected minutes from 1 to 10080' }).min(1).max(10_080).default(60),
  changes: z.int({ error: 'expected a count from 0 to 100' }).min(0).max(100).default(10),
});
export type CacheStatsRequest = z.input<typeof cacheStatsRequest>;
/** A request as the schema parsed it, its defaults applied. */
export type ParsedCacheStatsRequest = z.output<typeof cacheStatsRequest>;

const namespaceStats = z.strictObject({
  namespace: z.string(),
  reads: z.number(),
  l1Hits: z.number(),
  l2Hits: z.number(),
  loads: z.number(),
  l1HitRate: z.number(),
  l2HitRate: z.number(),
  hitRate: z.number(),
  loadMsMean: z.number().nullable(),
  evictions: z.number(),
  expired: z.number(),
  stampedeWaits: z.number(),
  oversize: z.number(),
  l1EntriesMax: z.number(),
  l1Bound: z.number(),
  tuning: z.strictObject({ ttlFactor: z.number(), l1MaxEntries: z.number() }).nullable(),
});

const recordedChange = z.strictObject({
  namespace: z.string(),
  setting: z.enum(['ttl_factor', 'l1_max_entries']),
  from: z.number(),
  to: z.number(),
  reason: z.string(),
  at: z.string(),
});

/**
 * cache.stats: any agent asks WowCache for the cache's figures per namespace and its last
 * tuning changes (WowSupport's L2 performance specialist does). The contract both sides check.
 */
export const cacheStatsProtocol = defineProtocol({
  type: 'cache.stats',
  input: cacheStatsRequest,
  output: z.strictObject({
    since: z.string(),
    windowMinutes: z.int(),
    namespaces: z.array(namespaceStats),
    changes: z.array(recordedChange),
  }),
});
