import { readSql } from '../store/read-sql.ts';
import type { PgQueryable } from '../store/store.ts';

const userTablesSql = readSql(import.meta.url, 'user-tables');

/** What a backup must bring back: each schema's applied migrations, and each table's row count. */
export interface DatabaseContents {
  /** By schema: `version name checksum` of every applied migration, in order. */
  migrations: Record<string, string[]>;
  /** By `schema.table`. */
  rows: Record<string, number>;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Reads the contents a backup is checked against. Run it in the transaction whose snapshot
 * the dump uses, so both see the same rows.
 */
export async function readDatabaseContents(db: PgQueryable): Promise<DatabaseContents> {
  const { rows: tables } = await db.query<{ schema: string; name: string }>(userTablesSql);
  const contents: DatabaseContents = { migrations: {}, rows: {} };
  for (const { schema, name } of tables) {
    const table = `${ident(schema)}.${ident(name)}`;
    const { rows } = await db.query<{ n: string }>(`select count(*) as n from ${table}`);
    contents.rows[`${schema}.${name}`] = Number(rows[0]?.n ?? 0);
    if (name === 'schema_migrations') {
      const applied = await db.query<{ line: string }>(
        `select version || ' ' || name || ' ' || checksum as line from ${table} order by version`,
      );
      contents.migrations[schema] = applied.rows.map((r) => r.line);
    }
  }
  return contents;
}

/** The differences between what a backup held and what a restore brought back, one line each. */
export function compareContents(expected: DatabaseContents, actual: DatabaseContents): string[] {
  const problems: string[] = [];
  for (const [schema, lines] of Object.entries(expected.migrations)) {
    const got = actual.migrations[schema] ?? [];
    if (got.join('\n') !== lines.join('\n'))
      problems.push(
        `${schema}: migrations differ (backup has ${lines.length}, restored has ${got.length} or other checksums)`,
      );
  }
  for (const [table, count] of Object.entries(expected.rows)) {
    const got = actual.rows[table];
    if (got === undefined) problems.push(`${table}: missing`);
    else if (got !== count) problems.push(`${table}: ${got} rows, the backup has ${count}`);
  }
  return problems;
}

export const totalRows = (contents: DatabaseContents) => Object.values(contents.rows).reduce((a, b) => a + b, 0);
