import { z } from 'zod';
import { defineProtocol, type Store } from '#platform';
import type { CacheSettings } from '../cache-settings.ts';

/**
 * cache.tune: a playbook's remedy (WowSupport) retunes one namespace. The values are kept
 * within WowCache's bounds, the change is recorded like the schedule's, and the previous
 * settings are returned, so the same request with them undoes it.
 */
export const cacheTuneRequest = z.strictObject({
  namespace: z.string().regex(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/, { error: 'expected an agent id, e.g. "wowsearch"' }),
  ttlFactor: z.number().positive().max(1000).optional(),
  l1MaxEntries: z.int().positive().max(100_000_000).optional(),
  reason: z.string().min(1).max(300),
});

const tuning = z.strictObject({ ttlFactor: z.number(), l1MaxEntries: z.int() });

export const cacheTuneProtocol = defineProtocol({
  type: 'cache.tune',
  input: cacheTuneRequest,
  output: z.strictObject({ namespace: z.string(), previous: tuning, current: tuning }),
});

export type CacheTuneResult = z.infer<typeof cacheTuneProtocol.output>;

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, value));

export async function tuneNamespace(
  store: Store,
  settings: CacheSettings,
  request: z.output<typeof cacheTuneRequest>,
  now: Date,
): Promise<CacheTuneResult> {
  return store.transaction(async (tx) => {
    // The row locked while it changes: two remedies at once apply one after the other.
    const { rows } = await tx.query<{ ttl_factor: number; l1_max_entries: number }>(
      'select ttl_factor, l1_max_entries from cache_tuning where namespace = $1 for update',
      [request.namespace],
    );
    const previous = {
      ttlFactor: rows[0]?.ttl_factor ?? 1,
      l1MaxEntries: rows[0]?.l1_max_entries ?? settings.l1MaxEntries,
    };
    const current = {
      ttlFactor: clamp(request.ttlFactor ?? previous.ttlFactor, settings.ttlFactorMin, settings.ttlFactorMax),
      l1MaxEntries: clamp(request.l1MaxEntries ?? previous.l1MaxEntries, settings.l1MinEntries, settings.l1MaxEntries),
    };
    await tx.query(
      `insert into cache_tuning (namespace, ttl_factor, l1_max_entries, updated_at) values ($1, $2, $3, $4)
       on conflict (namespace) do update set ttl_factor = $2, l1_max_entries = $3, updated_at = $4`,
      [request.namespace, current.ttlFactor, current.l1MaxEntries, now],
    );
    const changes = [
      { setting: 'ttl_factor', from: previous.ttlFactor, to: current.ttlFactor },
      { setting: 'l1_max_entries', from: previous.l1MaxEntries, to: current.l1MaxEntries },
    ].filter((c) => c.from !== c.to);
    for (const c of changes)
      await tx.query(
        `insert into cache_tuning_changes (namespace, at, setting, old_value, new_value, reason, figures)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [
          request.namespace,
          now,
          c.setting,
          c.from,
          c.to,
          `requested: ${request.reason}`,
          JSON.stringify({ requested: true }),
        ],
      );
    return { namespace: request.namespace, previous, current };
  });
}
