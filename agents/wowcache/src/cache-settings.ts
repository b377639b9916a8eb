import { z } from 'zod';

const int = (min: number, max: number, fallback: number) => {
  const error = `expected an integer from ${min} to ${max}`;
  return z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }).default(fallback);
};
const ratio = (min: number, max: number, fallback: number) => {
  const error = `expected a number from ${min} to ${max}`;
  return z.coerce.number({ error }).min(min, { error }).max(max, { error }).default(fallback);
};

/**
 * WowCache's settings, each from its WOWCACHE_* variable (.env.example): the bounds its
 * tuning stays within, and what it judges a namespace by.
 */
export const cacheSettings = z
  .object({
    /** WOWCACHE_TUNE_INTERVAL_MS: how often it looks at every namespace; 0 never tunes. */
    tuneIntervalMs: int(0, 86_400_000, 300_000),
    /** WOWCACHE_WINDOW_MINUTES: the minutes of figures each look judges. */
    windowMinutes: int(5, 1440, 15),
    /** WOWCACHE_MIN_READS: a namespace read fewer times in the window is left as it is. */
    minReads: int(1, 10_000_000, 100),
    /** WOWCACHE_L1_MIN_ENTRIES and WOWCACHE_L1_MAX_ENTRIES: the bounds of each namespace's L1 size. */
    l1MinEntries: int(1, 10_000_000, 100),
    l1MaxEntries: int(1, 10_000_000, 20_000),
    /** WOWCACHE_TTL_FACTOR_MIN and WOWCACHE_TTL_FACTOR_MAX: the bounds of the factor each entry's TTL is multiplied by. */
    ttlFactorMin: ratio(0.05, 20, 0.5),
    ttlFactorMax: ratio(0.05, 20, 4),
    /** WOWCACHE_EVICTION_RATE: evictions per read above which L1 is too small. */
    evictionRate: ratio(0, 1, 0.05),
    /** WOWCACHE_EXPIRED_RATE: reads finding their entry expired, per read, above which TTLs are too short. */
    expiredRate: ratio(0, 1, 0.1),
    /** WOWCACHE_RETENTION_DAYS: figures older than this are pruned. */
    retentionDays: int(1, 366, 7),
  })
  .refine((s) => s.l1MinEntries <= s.l1MaxEntries, {
    error: 'expected WOWCACHE_L1_MIN_ENTRIES at most WOWCACHE_L1_MAX_ENTRIES',
  })
  .refine((s) => s.ttlFactorMin <= s.ttlFactorMax, {
    error: 'expected WOWCACHE_TTL_FACTOR_MIN at most WOWCACHE_TTL_FACTOR_MAX',
  });

export type CacheSettings = z.infer<typeof cacheSettings>;
