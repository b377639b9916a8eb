import type { PgQueryable } from '#platform';

/**
 * The version of what an organisation's pages show of its account (billing time zone,
 * trials, subscriptions, invoices): "0" until the first change; any write to those rows
 * changes it (triggers, migration 0101). A page may keep what it read while it stands.
 */
export async function accountVersionOf(db: PgQueryable, organisationId: string): Promise<string> {
  const { rows } = await db.query<{ version: string }>(
    'select version::text as version from commerce_account_versions where organisation_id = $1',
    [organisationId],
  );
  return rows[0]?.version ?? '0';
}
