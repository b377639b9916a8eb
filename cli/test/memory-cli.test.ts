import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig, migrate, openStore, type Store } from '#platform';
import { createMemory, memorySettings } from '../../agents/wowmemory/src/index.ts';
import { wow } from '../../test/support/run-wow.ts';
import { testDatabaseUrl, uniqueName } from '../../test/support/servers.ts';

const log = createLogger('silent');
const stores = (
  parse(await readFile(new URL('../../agents/wowmemory/agent.yml', import.meta.url), 'utf8')) as {
    stores: string[];
  }
).stores;

// The CLI opens the database its environment names: a database of this file's own on the
// real server, and an embedded one in a folder of its own.
const targets = [
  {
    name: 'PostgreSQL',
    async open() {
      const database = uniqueName('wowmem');
      const admin = new pg.Client({ connectionString: testDatabaseUrl });
      await admin.connect();
      await admin.query(`create database ${database}`);
      const url = new URL(testDatabaseUrl);
      url.pathname = `/${database}`;
      return {
        env: { DATABASE_URL: url.toString() },
        async close() {
          await admin.query(`drop database if exists ${database} with (force)`);
          await admin.end();
        },
      };
    },
  },
  {
    name: 'embedded PGlite',
    async open() {
      const dir = await mkdtemp(join(tmpdir(), 'wow-memory-cli-'));
      return { env: { DATA_DIR: dir }, close: () => rm(dir, { recursive: true, force: true }) };
    },
  },
];

/** Runs `fn` on the database of `env`, migrated, closed after (the embedded one takes one process at a time). */
async function onDatabase<T>(env: Record<string, string>, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(loadConfig({ ...env, LOG_LEVEL: 'silent' }), log);
  try {
    await migrate(store, { log });
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Every row of WowMemory's tables (agent.yml `stores`) that belongs to the customer. */
async function rowsOf(store: Store, slug: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of stores) {
    const { rows: columns } = await store.query<{ column_name: string }>(
      'select column_name from information_schema.columns where table_schema = current_schema() and table_name = $1',
      [table],
    );
    const names = columns.map((c) => c.column_name);
    if (names.length === 0) continue; // memory_embeddings: only where pgvector exists
    if (names.includes('owner')) {
      const { rows } = await store.query<{ n: number }>(
        `select count(*)::int as n from ${table} where owner_kind = 'customer' and owner = $1`,
        [slug],
      );
      counts[table] = rows[0]?.n ?? 0;
    } else if (table === 'memory_embeddings') {
      const { rows } = await store.query<{ n: number }>(
        `select count(*)::int as n from memory_embeddings where recall_id not in (select id from memory_recall)`,
      );
      counts[table] = rows[0]?.n ?? 0;
    } else expect(table).toBe('memory_features');
  }
  return counts;
}

describe.each(targets)('wow memory on $name', (target) => {
  let env: Record<string, string>;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ env, close } = await target.open());
    await onDatabase(env, async (store) => {
      const memory = createMemory(store, {
        settings: memorySettings.parse({ maxFactsPerCustomer: '2' }),
      });
      const by = { agent: 'wowsupport', eventId: 'evt-1' };
      for (const key of ['plan', 'product', 'region'])
        await memory.remember({ kind: 'customer', id: 'acme' }, { key, value: `${key} of acme` }, by);
      await memory.append({ kind: 'customer', id: 'acme' }, { role: 'customer', text: 'Hello' }, by);
      await memory.remember({ kind: 'customer', id: 'globex' }, { key: 'plan', value: 'Team' }, by);
      await memory.remember({ kind: 'agent', id: 'wowsupport' }, { key: 'note', value: 'mine' }, by);
    });
  });
  afterAll(() => close());

  it('has --help with exit codes on each command', async () => {
    for (const sub of ['show', 'forget']) {
      const run = await wow(['memory', sub, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Exit codes: 0 done');
      expect(run.stdout).toContain('--customer <slug>');
    }
  });

  it('shows how much is remembered of a customer and how much the limits evicted, as text or JSON', async () => {
    const json = JSON.parse((await wow(['memory', 'show', '--customer', 'acme', '--json'], env)).stdout) as Record<
      string,
      unknown
    >;
    expect(json).toMatchObject({
      owner: { kind: 'customer', id: 'acme' },
      facts: 2,
      messages: 1,
      recall: 3,
      embeddings: 0,
      evicted: { facts: 1, messages: 0 },
    });
    const text = await wow(['memory', 'show', '--customer', 'acme'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^facts\s+2\s+\d+\s+1\s*$/m);
  });

  it('refuses a missing or malformed --customer with exit code 2, erasing nothing', async () => {
    const bad = await wow(['memory', 'forget', '--customer', "acme'; drop table memory_facts; --"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--customer takes a customer');
    expect((await wow(['memory', 'forget'], env)).code).toBe(2);
    expect(await onDatabase(env, (store) => rowsOf(store, 'acme'))).toMatchObject({ memory_facts: 2 });
  });

  it('forgets a customer everywhere, says how much per kind, leaves nothing of them and everything else', async () => {
    const run = await wow(['memory', 'forget', '--customer', 'acme', '--json'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual({
      customer: 'acme',
      facts: 2,
      messages: 1,
      recall: 3,
      embeddings: 0,
      evictions: 1,
    });
    await onDatabase(env, async (store) => {
      const left = await rowsOf(store, 'acme');
      expect(Object.keys(left)).toEqual(
        expect.arrayContaining(['memory_facts', 'memory_messages', 'memory_recall', 'memory_evictions']),
      );
      expect(Object.values(left).every((n) => n === 0)).toBe(true);
      expect((await rowsOf(store, 'globex')).memory_facts).toBe(1);
      const { rows } = await store.query(
        `select 1 from memory_facts where owner_kind = 'agent' and owner = 'wowsupport'`,
      );
      expect(rows).toHaveLength(1);
    });
    const again = await wow(['memory', 'forget', '--customer', 'acme'], env);
    expect(again).toMatchObject({ code: 0, stdout: 'Nothing was remembered of customer acme: nothing to erase.\n' });
  });
});
