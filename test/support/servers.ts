import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Store } from '#platform';

/**
 * The real servers the suites talk to. CI starts them (.ci/run); locally they default to
 * this machine's PostgreSQL and Redis. Each test file works in its own Redis key prefix
 * and PostgreSQL schema so files can run in parallel.
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const testRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A name no other test run uses: `prefix_<hex>`. Valid as a schema name and a key prefix. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomBytes(5).toString('hex')}`;
}

/** Removes every Redis key under `prefix` that a test file wrote. */
export async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(testRedisUrl);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
}

/** Closes a test's store and drops the PostgreSQL schema it worked in (none to drop on `public`). */
export async function closeAndDropSchema(store: Store): Promise<void> {
  const schema = (await store.query<{ s: string }>('select current_schema() as s')).rows[0]?.s;
  await store.close();
  if (schema === undefined || schema === 'public') return;
  const c = new pg.Client({ connectionString: testDatabaseUrl });
  await c.connect();
  await c.query(`drop schema if exists "${schema.replace(/"/g, '""')}" cascade`);
  await c.end();
}

/**
 * A database of its own on the test server (a backup dumps a whole database, so a schema
 * is not enough): its URL, and `drop` to remove it with any sessions left on it.
 */
export async function createTestDatabase(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = uniqueName(prefix);
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: testDatabaseUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database "${name}"`);
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists "${name}" with (force)`) };
}
