import type { PgQueryable } from '#platform';

/**
 * The version of the organisation's figures the dashboard shows (its tasks, their ratings,
 * its hourly cost and recorded revenue): "0" until the first; any write to those rows
 * changes it (triggers, migrations 0100 and 0102).
 */
export async function figuresVersionOf(db: PgQueryable, organisationId: string): Promise<string> {
  const { rows } = await db.query<{ version: string }>(
    'select version::text as version from customer_work_versions where organisation_id = $1',
    [organisationId],
  );
  return rows[0]?.version ?? '0';
}
