import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createStore } from '../create-store.ts';
import { testDatabaseUrl, uniqueName } from '../../../test/support/servers.ts';
import { describeStoreContract, silentLog } from './store-contract.ts';

const schemas: string[] = [];
afterAll(async () => {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  for (const schema of schemas) await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
});

function makeSchema(): string {
  const schema = uniqueName('store');
  schemas.push(schema);
  return schema;
}

describeStoreContract('PostgreSQL', () =>
  createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 4, schema: makeSchema(), log: silentLog }),
);

const migrateScript = new URL('../../../test/fixtures/migrate-process.ts', import.meta.url).pathname;
const slowDir = new URL('../../../test/fixtures/migrations/slow', import.meta.url).pathname;

function migrateInChildProcess(schema: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [migrateScript, testDatabaseUrl, schema, slowDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('migrations from two processes at once', () => {
  it('applies each migration exactly once; both processes succeed', async () => {
    const schema = makeSchema();
    const [a, b] = await Promise.all([migrateInChildProcess(schema), migrateInChildProcess(schema)]);
    expect(a.code, a.output).toBe(0);
    expect(b.code, b.output).toBe(0);
    const appliedBy = (output: string) => (JSON.parse(output) as { applied: string[] }).applied;
    const applied = [...appliedBy(a.output), ...appliedBy(b.output)].sort();
    expect(applied).toEqual(['0001_slow.sql', '0002_after.sql']);
    const store = await createStore({ url: testDatabaseUrl, dataDir: '.data', poolMax: 1, schema, log: silentLog });
    try {
      expect((await store.query('select id from slow_once order by id')).rows).toEqual([{ id: 1 }, { id: 2 }]);
      expect((await store.query('select count(*)::int as n from schema_migrations')).rows).toEqual([{ n: 2 }]);
    } finally {
      await store.close();
    }
  });

  it('names the server when it is unreachable', async () => {
    const err: unknown = await createStore({
      url: 'postgres://postgres:secret@127.0.0.1:1/none',
      dataDir: '.data',
      poolMax: 1,
      log: silentLog,
    }).catch((e: unknown) => e);
    expect((err as Error).message).toContain('PostgreSQL at postgres://postgres:***@127.0.0.1:1/none is unreachable');
  });
});
