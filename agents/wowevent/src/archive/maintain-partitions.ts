import type { PgQueryable } from '#platform';

/**
 * Makes the partitions of today and `ahead` more days, and drops the days older than
 * `retentionDays`, through the migration's `wowevent_maintain_partitions` (which alone may
 * create and drop them: WowEvent's role only writes rows).
 */
export async function maintainPartitions(
  db: PgQueryable,
  opts: { ahead: number; retentionDays: number },
): Promise<{ created: number; dropped: number }> {
  const { rows } = await db.query<{ created: number; dropped: number }>(
    'select created, dropped from wowevent_maintain_partitions($1, $2)',
    [opts.ahead, opts.retentionDays],
  );
  return rows[0] ?? { created: 0, dropped: 0 };
}
