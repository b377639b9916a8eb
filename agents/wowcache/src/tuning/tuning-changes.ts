import type { PgQueryable } from '#platform';

export type TunedSetting = 'ttl_factor' | 'l1_max_entries';

/** One change WowCache made, and why. */
export interface TuningChange {
  namespace: string;
  setting: TunedSetting;
  from: number;
  to: number;
  reason: string;
}

export interface RecordedChange extends TuningChange {
  at: string;
}

/** The newest changes first, at most `limit`. */
export async function lastTuningChanges(db: PgQueryable, limit: number): Promise<RecordedChange[]> {
  const { rows } = await db.query<{
    namespace: string;
    setting: TunedSetting;
    old_value: number;
    new_value: number;
    reason: string;
    at: Date;
  }>(
    'select namespace, setting, old_value, new_value, reason, at from cache_tuning_changes order by id desc limit $1',
    [limit],
  );
  return rows.map((r) => ({
    namespace: r.namespace,
    setting: r.setting,
    from: r.old_value,
    to: r.new_value,
    reason: r.reason,
    at: r.at.toISOString(),
  }));
}
