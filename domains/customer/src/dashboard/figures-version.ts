/**
 * The version of the organisation's figures the dashboard shows (its tasks, their ratings,
 * its hourly cost and recorded revenue), as an SQL expression of text over `$1`, the
 * organisation's id: "0" until the first; any write to those rows changes it (triggers,
 * migrations 0100 and 0102).
 */
export const figuresVersionSql =
  "coalesce((select version::text from customer_work_versions where organisation_id = $1), '0')";
