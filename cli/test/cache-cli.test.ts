import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wow } from '../../test/support/run-wow.ts';
import { createTestDatabase } from '../../test/support/servers.ts';

// The CLI opens the database by URL, so this file gets a database of its own.
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase('wowcache_cli');
  env = { DATABASE_URL: database.url };
});
afterAll(async () => {
  await database.drop();
});

describe('wow cache stats', () => {
  it('has --help with its exit codes, and refuses a bad window as usage (exit 2)', async () => {
    const help = await wow(['cache', 'stats', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes: 0 done, 1 the figures could not be read, 2 bad usage');
    const bad = await wow(['cache', 'stats', '--window', 'soon'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--window');
  });

  it("prints each namespace's figures and the last tuning changes, as text or JSON", async () => {
    const empty = await wow(['cache', 'stats'], env);
    expect(empty).toMatchObject({ code: 0, stderr: '' });
    expect(empty.stdout).toContain('No cache reads since');
    expect(empty.stdout).toContain('WowCache has changed no tuning yet.');

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      await client.query(
        `insert into cache_namespace_minutes (namespace, minute, l1_hits, l2_hits, loads, load_ms_sum, evictions, stampede_waits, l1_entries_max, l1_bound)
         values ('wowsearch', date_trunc('minute', now()), 80, 10, 10, 40, 3, 2, 700, 1000)`,
      );
      await client.query(
        `insert into cache_tuning_changes (namespace, setting, old_value, new_value, reason, figures)
         values ('wowsearch', 'l1_max_entries', 500, 1000, 'L1 evicted 30 entries in 300 reads', '{}')`,
      );
    } finally {
      await client.end();
    }
    const text = await wow(['cache', 'stats'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^wowsearch\s+100\s+80\.0%\s+50\.0%\s+90\.0%\s+4\.0\s+3\s+0\s+2\s+0\s+700\/1000\s+1 \(default\)$/m,
    );
    expect(text.stdout).toMatch(/wowsearch {2}l1_max_entries 500 → 1000: L1 evicted 30 entries in 300 reads$/m);

    const json = JSON.parse((await wow(['cache', 'stats', '--namespace', 'wowsearch', '--json'], env)).stdout) as {
      namespaces: { namespace: string; hitRate: number }[];
      changes: unknown[];
    };
    expect(json.namespaces).toEqual([expect.objectContaining({ namespace: 'wowsearch', hitRate: 0.9 })]);
    expect(json.changes).toHaveLength(1);
    const other = JSON.parse((await wow(['cache', 'stats', '--namespace', 'wowsupport', '--json'], env)).stdout) as {
      namespaces: unknown[];
    };
    expect(other.namespaces).toEqual([]);
  });
});
