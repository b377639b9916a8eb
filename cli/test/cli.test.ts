import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createEvent } from '#platform';
import { eventually, quietLog, testBusDefaults } from '#platform/testing';
import { wow } from '../../test/support/run-wow.ts';
import { createTestDatabase, deleteRedisKeys, testRedisUrl, uniqueName } from '../../test/support/servers.ts';

// The CLI opens the database by URL, so this file gets a database of its own.
let database: { url: string; drop: () => Promise<void> };
let databaseUrl: string;
beforeAll(async () => {
  database = await createTestDatabase('wowcli');
  databaseUrl = database.url;
});

const keyPrefix = `${uniqueName('wowcli')}:`;
afterAll(async () => {
  await database.drop();
  await deleteRedisKeys(keyPrefix);
});

describe('wow', () => {
  it('prints help listing every command, exit 0', async () => {
    const run = await wow(['--help']);
    expect(run.code).toBe(0);
    for (const command of ['start', 'agents', 'db', 'bus']) expect(run.stdout).toContain(command);
  });

  it('has --help on sub-commands', async () => {
    const run = await wow(['bus', 'dlq', 'redrive', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('<agent>');
  });

  it('exits 2 on no command or an unknown one', async () => {
    expect((await wow([])).code).toBe(2);
    const run = await wow(['deploy-everything']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'deploy-everything'");
  });

  it('exits 2 and names the variable on bad configuration', async () => {
    const run = await wow(['db', 'migrate'], { DATABASE_URL: 'mysql://nope' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('error WOW_ERR_CONFIG');
    expect(run.stderr).toContain('DATABASE_URL: expected a URL starting with postgres://');
  });

  it('migrates, then finds nothing to do', async () => {
    const first = await wow(['db', 'migrate', '--json'], { DATABASE_URL: databaseUrl });
    expect(first.code).toBe(0);
    const applied = JSON.parse(first.stdout) as { applied: string[]; current: string };
    expect(applied.applied.length).toBeGreaterThan(0);
    const second = await wow(['db', 'migrate'], { DATABASE_URL: databaseUrl });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('up to date');
  });

  it('lists an empty registry as JSON, on a database nothing has migrated yet', async () => {
    const fresh = await createTestDatabase('wowcli_fresh');
    try {
      const run = await wow(['agents', 'list', '--json'], { DATABASE_URL: fresh.url });
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(JSON.parse(run.stdout)).toEqual([]);
      expect(await wow(['db', 'backups'], { DATABASE_URL: fresh.url })).toMatchObject({
        code: 0,
        stdout: expect.stringContaining('no backups yet') as unknown,
      });
    } finally {
      await fresh.drop();
    }
  });

  it('explains that bus commands need REDIS_URL', async () => {
    const run = await wow(['bus', 'stats']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('REDIS_URL is not set');
  });

  it('rejects a bad --limit with exit 2', async () => {
    const run = await wow(['bus', 'dlq', 'list', '--limit', 'lots'], { REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--limit expects a positive integer');
  });

  it('shows bus stats, lists dead letters and redrives them, as text and JSON', async () => {
    const env = { REDIS_URL: testRedisUrl, BUS_KEY_PREFIX: keyPrefix };
    const bus = await createBus({
      redisUrl: testRedisUrl,
      keyPrefix,
      streamMaxLen: 1000,
      defaults: { ...testBusDefaults, maxAttempts: 1 },
      log: quietLog,
    });
    let healthy = false;
    let handled = 0;
    await bus.subscribe({
      group: 'billing',
      types: ['test.invoice.*'],
      handler: async () => {
        if (!healthy) throw new Error('ledger offline');
        handled++;
      },
    });
    await bus.publish(createEvent({ type: 'test.invoice.issued', data: { id: 1 }, source: 'urn:wow:test' }));
    await eventually(async () => (await bus.deadLetters.list({ group: 'billing' })).length === 1, 'dead letter');

    const stats = await wow(['bus', 'stats'], env);
    expect(stats.code).toBe(0);
    expect(stats.stdout).toMatch(/TOPIC\s+LENGTH\s+GROUP/);
    expect(stats.stdout).toMatch(/test\.invoice\s+1\s+billing/);
    expect(stats.stdout).toMatch(/billing\s+1/);
    const statsJson = JSON.parse((await wow(['bus', 'stats', '--json'], env)).stdout) as { deadLetters: unknown[] };
    expect(statsJson.deadLetters).toEqual([{ group: 'billing', count: 1 }]);

    const list = await wow(['bus', 'dlq', 'list'], env);
    expect(list.stdout).toContain('WOW_ERR_UNEXPECTED: ledger offline');
    const [entry] = JSON.parse((await wow(['bus', 'dlq', 'list', '--agent', 'billing', '--json'], env)).stdout) as {
      id: string;
      event: { type: string };
    }[];
    expect(entry?.event.type).toBe('test.invoice.issued');

    const missing = await wow(['bus', 'dlq', 'redrive', 'billing', '0-1'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('WOW_ERR_DLQ_ENTRY_NOT_FOUND');

    healthy = true;
    const redrive = await wow(['bus', 'dlq', 'redrive', 'billing', entry?.id ?? '', '--json'], env);
    expect(redrive.code).toBe(0);
    expect(JSON.parse(redrive.stdout)).toEqual({ redriven: 1 });
    await eventually(() => handled === 1, 'redriven message handled');
    expect((await wow(['bus', 'dlq', 'list'], env)).stdout).toContain('No dead-lettered messages.');
    await bus.close();
  });

  it('says which Redis it cannot reach', async () => {
    const run = await wow(['bus', 'stats'], { REDIS_URL: 'redis://127.0.0.1:1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('WOW_ERR_REDIS_UNREACHABLE');
    expect(run.stderr).toContain('redis://127.0.0.1:1');
  });
});
