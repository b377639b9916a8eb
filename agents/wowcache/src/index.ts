// WowCache: tunes the platform's three-level cache (ctx.cache, platform/cache) per namespace
// and answers for its figures. Every process adds each namespace's counts per minute to
// cache_namespace_minutes and reads cache_tuning back; this agent judges the figures on a
// schedule, writes the tuning within its settings' bounds and records every change with
// its reason, and answers cache.stats requests (WowSupport's L2 performance specialist asks).
import { answering, defineAgent, type HandlerContext } from '#platform';
import { cacheSettings, type CacheSettings } from './cache-settings.ts';
import { cacheStatsProtocol, readCacheStats } from './stats/cache-stats.ts';
import { cacheTuneProtocol, tuneNamespace } from './tuning/cache-tune.ts';
import { pruneFigures, tuneCaches } from './tuning/tune-caches.ts';

// The CLI reads the same figures; tests drive the tuning directly, as the schedule does.
export { cacheSettings, type CacheSettings } from './cache-settings.ts';
// The protocol callers ask with (`ctx.request(cacheStatsProtocol, {})`); agent.yml `answers` it.
export {
  cacheStatsProtocol,
  cacheStatsRequest,
  readCacheStats,
  type CacheStats,
  type CacheStatsRequest,
} from './stats/cache-stats.ts';
export type { NamespaceStats } from './stats/read-cache-stats.ts';
export { decideTuning, type TuningBounds } from './tuning/decide-tuning.ts';
export type { RecordedChange, TuningChange } from './tuning/tuning-changes.ts';
export { pruneFigures, tuneCaches } from './tuning/tune-caches.ts';
// The protocol a playbook's remedy retunes a namespace with (WowSupport), undone with its `previous`.
export { cacheTuneProtocol, cacheTuneRequest, tuneNamespace, type CacheTuneResult } from './tuning/cache-tune.ts';

export default defineAgent({
  settings: cacheSettings,
  on: {
    'cache.stats': answering(cacheStatsProtocol, (ctx, request) => readCacheStats(ctx.store, request, ctx.clock())),
    'cache.tune': answering(cacheTuneProtocol, (ctx: HandlerContext<CacheSettings, undefined>, request) =>
      tuneNamespace(ctx.store, ctx.settings, request, ctx.clock()),
    ),
  },
  every: {
    tune: {
      interval: (settings) => settings.tuneIntervalMs,
      async handle(ctx) {
        const now = ctx.clock();
        const changes = await tuneCaches(ctx.store, ctx.settings, now);
        for (const c of changes)
          ctx.log.info(
            { namespace: c.namespace, setting: c.setting, from: c.from, to: c.to },
            `cache tuned: ${c.reason}`,
          );
        const pruned = await pruneFigures(ctx.store, new Date(now.getTime() - ctx.settings.retentionDays * 86_400_000));
        if (pruned > 0) ctx.log.info({ pruned }, 'pruned cache figures past their retention');
      },
    },
  },
});
