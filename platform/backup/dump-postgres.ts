import pg from 'pg';
import { readDatabaseContents, type DatabaseContents } from './database-contents.ts';
import { pgToolConnection, runPgTool } from './run-pg-tool.ts';

/**
 * Dumps the database at `url` into `file` (pg_dump's custom format) and counts its rows in
 * the same snapshot: a repeatable-read transaction exports its snapshot, pg_dump imports
 * it, and the counts are read inside that transaction while the dump runs. The manifest
 * then describes exactly the rows in the file, however busy the database is.
 */
export async function dumpPostgres(url: string, file: string): Promise<DatabaseContents> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('begin isolation level repeatable read read only');
    const { rows } = await client.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
    const snapshot = rows[0]?.snapshot ?? '';
    const { dbname, env } = pgToolConnection(url);
    const [contents] = await Promise.all([
      readDatabaseContents(client),
      runPgTool('pg_dump', ['--format=custom', `--snapshot=${snapshot}`, `--file=${file}`, `--dbname=${dbname}`], env),
    ]);
    await client.query('commit');
    return contents;
  } finally {
    await client.end();
  }
}
