import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { createError } from '../errors/errors.ts';
import type { Logger } from '../log/logger.ts';
import { transactionEnded, transactionOpened } from './after-commit.ts';
import type { PgQueryable, Store } from './store.ts';

export interface CreateStoreOptions {
  /** A PostgreSQL URL; without one, the embedded PGlite in `dataDir` serves. */
  url?: string | undefined;
  dataDir: string;
  poolMax: number;
  /** Work inside this schema (created when missing): tests use it for isolation. */
  schema?: string | undefined;
  /**
   * The embedded database only: refuse a data dir another live process owns
   * (WOW_ERR_STORE_LOCKED) instead of talking to that process's server. A runtime
   * (`wow start`) is exclusive; a command beside it is not.
   */
  exclusive?: boolean;
  log: Logger;
}

/** The URL with its password removed, safe for logs and error messages. */
export function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password !== '') u.password = '***';
  return u.toString();
}

export async function createStore(opts: CreateStoreOptions): Promise<Store> {
  if (opts.url !== undefined) {
    const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolMax, ...searchPath(opts.schema) });
    return openPoolStore(pool, {
      kind: 'postgres',
      location: redactUrl(opts.url),
      schema: opts.schema,
      close: () => Promise.resolve(),
    });
  }
  const dir = join(opts.dataDir, 'pglite');
  await mkdir(dir, { recursive: true });
  // PGlite loads only for a process on the embedded database.
  const { startEmbeddedPostgres } = await import('./start-embedded-postgres.ts');
  const embedded = await startEmbeddedPostgres(dir, { exclusive: opts.exclusive === true });
  // PGlite is one session: a second pooled connection would interleave its statements
  // with another's open transaction, so the embedded store has exactly one connection.
  const pool = new pg.Pool({
    host: embedded.host,
    port: embedded.port,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    ...searchPath(opts.schema),
  });
  opts.log.debug(
    { dir, shared: embedded.shared },
    embedded.shared ? 'embedded PostgreSQL (PGlite) of a running process' : 'embedded PostgreSQL (PGlite) started',
  );
  return openPoolStore(pool, {
    kind: 'embedded',
    location: embedded.shared ? `pglite:${dir} (served by the process that owns it)` : `pglite:${dir}`,
    schema: opts.schema,
    close: () => embedded.stop(),
    ...(embedded.dumpDataDir === undefined ? {} : { dumpDataDir: embedded.dumpDataDir }),
  });
}

function searchPath(schema: string | undefined): { options?: string } {
  return schema === undefined ? {} : { options: `-c search_path=${schema}` };
}

/**
 * `create schema if not exists` is not atomic: two sessions creating the same schema at
 * once can both pass the check, and the loser fails on pg_namespace's unique index
 * (23505). The schema then exists, which is all the caller asked for.
 */
async function createSchema(pool: pg.Pool, schema: string): Promise<void> {
  try {
    await pool.query(`create schema if not exists "${schema.replace(/"/g, '""')}"`);
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
  }
}

async function openPoolStore(
  pool: pg.Pool,
  meta: {
    kind: Store['kind'];
    location: string;
    schema: string | undefined;
    close: () => Promise<void>;
    dumpDataDir?: () => Promise<Blob>;
  },
): Promise<Store> {
  // An idle client's network error must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  try {
    if (meta.schema !== undefined) await createSchema(pool, meta.schema);
    else await pool.query('select 1');
  } catch (err) {
    await pool.end();
    await meta.close();
    throw createError(
      'WOW_ERR_STORE_UNREACHABLE',
      { location: meta.location, reason: (err as Error).message },
      { cause: err },
    );
  }
  const query: PgQueryable['query'] = async (text, values) => pool.query(text, values);
  return {
    kind: meta.kind,
    location: meta.location,
    query,
    async transaction(fn) {
      const client = await pool.connect();
      let broken: Error | undefined;
      const tx: PgQueryable = { query: (text, values) => client.query(text, values) };
      transactionOpened(tx);
      let outcome: 'committed' | 'rolled-back' = 'rolled-back';
      try {
        await client.query('begin');
        const result = await fn(tx);
        await client.query('commit');
        outcome = 'committed';
        return result;
      } catch (err) {
        try {
          await client.query('rollback');
        } catch (rollbackErr) {
          // A connection that cannot roll back is destroyed; the server then rolls back.
          broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
        }
        throw err;
      } finally {
        client.release(broken);
        transactionEnded(tx, outcome);
      }
    },
    async session(fn) {
      const client = await pool.connect();
      try {
        return await fn({ query: (text, values) => client.query(text, values) });
      } finally {
        client.release();
      }
    },
    async ping() {
      await pool.query('select 1');
    },
    ...(meta.dumpDataDir === undefined ? {} : { dumpDataDir: meta.dumpDataDir }),
    async close() {
      await pool.end();
      await meta.close();
    },
  };
}
