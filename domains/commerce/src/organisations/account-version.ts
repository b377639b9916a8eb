/**
 * The version of what an organisation's pages show of its account (billing time zone,
 * trials, subscriptions, invoices), as an SQL expression of text over `$1`, the
 * organisation's id: "0" until the first change; any write to those rows changes it
 * (triggers, migration 0101). Pages ask it beside other versions in one statement, and
 * keep what they read while it stands.
 */
export const accountVersionSql =
  "coalesce((select version::text from commerce_account_versions where organisation_id = $1), '0')";
