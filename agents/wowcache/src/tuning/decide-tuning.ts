import type { CacheSettings } from '../cache-settings.ts';
import type { NamespaceStats } from '../stats/read-cache-stats.ts';
import type { TuningChange } from './tuning-changes.ts';

export type TuningBounds = Pick<
  CacheSettings,
  'minReads' | 'l1MinEntries' | 'l1MaxEntries' | 'ttlFactorMin' | 'ttlFactorMax' | 'evictionRate' | 'expiredRate'
>;

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const clamp = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));
const twoDecimals = (x: number) => Math.round(x * 100) / 100;

/**
 * What to change in one namespace, from its figures over the window, each change with the
 * reason an operator reads in `wow cache stats`. Deterministic rules (LLMs advise, rules
 * decide), each a step at a time, within the settings' bounds:
 *
 * 1. L1 evicting more than `evictionRate` of reads: entries are pushed out before they are
 *    read again; L1 doubles.
 * 2. No eviction and L1 never a quarter full: the room is unused; L1 shrinks to twice the
 *    most it held.
 * 3. More than `expiredRate` of reads finding their entry expired: entries outlive their
 *    TTL while still read; TTLs grow by half (tags keep values right when data changes).
 * 4. L1 at its upper bound and still evicting, with no entry expiring: TTLs shrink by a third,
 *    so entries make room sooner.
 *
 * A value outside the bounds (the settings changed) is brought within them first.
 */
export function decideTuning(stats: NamespaceStats, bounds: TuningBounds): TuningChange[] {
  const { namespace, reads } = stats;
  const changes: TuningChange[] = [];
  const l1 = stats.tuning?.l1MaxEntries ?? stats.l1Bound;
  const factor = stats.tuning?.ttlFactor ?? 1;
  const change = (setting: TuningChange['setting'], from: number, to: number, reason: string) => {
    if (to !== from) changes.push({ namespace, setting, from, to, reason });
  };

  const l1Within = clamp(l1, bounds.l1MinEntries, bounds.l1MaxEntries);
  const factorWithin = clamp(factor, bounds.ttlFactorMin, bounds.ttlFactorMax);
  if (l1Within !== l1 || factorWithin !== factor) {
    change('l1_max_entries', l1, l1Within, 'outside the bounds of WowCache’s settings');
    change('ttl_factor', factor, factorWithin, 'outside the bounds of WowCache’s settings');
    return changes;
  }
  if (reads < bounds.minReads) return changes;

  const evictionShare = stats.evictions / reads;
  const expiredShare = stats.expired / reads;
  if (evictionShare > bounds.evictionRate && l1 < bounds.l1MaxEntries)
    change(
      'l1_max_entries',
      l1,
      Math.min(bounds.l1MaxEntries, l1 * 2),
      `L1 evicted ${stats.evictions} entries in ${reads} reads (${pct(evictionShare)}, over ${pct(bounds.evictionRate)}) ` +
        `with an L1 hit rate of ${pct(stats.l1HitRate)}: entries are pushed out before they are read again`,
    );
  else if (stats.evictions === 0 && stats.l1EntriesMax * 4 < l1 && l1 > bounds.l1MinEntries)
    change(
      'l1_max_entries',
      l1,
      Math.max(bounds.l1MinEntries, stats.l1EntriesMax * 2),
      `L1 held at most ${stats.l1EntriesMax} of its ${l1} entries with no eviction in ${reads} reads: the room is unused`,
    );

  if (expiredShare > bounds.expiredRate && factor < bounds.ttlFactorMax)
    change(
      'ttl_factor',
      factor,
      Math.min(bounds.ttlFactorMax, twoDecimals(factor * 1.5)),
      `${stats.expired} of ${reads} reads (${pct(expiredShare)}, over ${pct(bounds.expiredRate)}) ` +
        'found their entry expired: entries are still read after their TTL',
    );
  else if (
    stats.expired === 0 &&
    evictionShare > bounds.evictionRate &&
    l1 >= bounds.l1MaxEntries &&
    factor > bounds.ttlFactorMin
  )
    change(
      'ttl_factor',
      factor,
      Math.max(bounds.ttlFactorMin, twoDecimals(factor / 1.5)),
      `L1 is at its bound of ${l1} entries and still evicts ${pct(evictionShare)} of reads with none expiring: shorter TTLs make room sooner`,
    );
  return changes;
}
