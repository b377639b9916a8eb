import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMetrics, createStore, listBackups, loadConfig, migrate, type Store } from '#platform';
import { createTestDatabase } from '../../../test/support/servers.ts';
import { lastBackupAt, scheduleBackups } from '../schedule-backups.ts';

const log = createLogger('silent');

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('gave up waiting');
}

describe('scheduled backups', () => {
  let database: { url: string; drop: () => Promise<void> };
  let store: Store;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wow-backup-schedule-'));
    database = await createTestDatabase('backup_sched');
    store = await createStore({ url: database.url, dataDir: dir, poolMax: 2, log });
    await migrate(store, { log });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('is off at 0 seconds', async () => {
    const config = loadConfig({ DATABASE_URL: database.url, BACKUP_INTERVAL_SECONDS: '0' });
    expect(await scheduleBackups({ config, store, log })).toBeUndefined();
  });

  it('takes a backup each interval, prunes the scheduled ones retention drops, and exports the last one’s time', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.watchBackups(() => lastBackupAt(store));
    expect(await metrics.metricsText()).not.toMatch(/^wow_backup_last_success_timestamp_seconds\{/m);

    const config = loadConfig({
      DATABASE_URL: database.url,
      BACKUP_INTERVAL_SECONDS: '1',
      BACKUP_DIR: join(dir, 'backups'),
      BACKUP_KEEP_DAILY: '1',
      BACKUP_KEEP_WEEKLY: '0',
    });
    const runner = await scheduleBackups({ config, store, log });
    const files = () => readdir(join(dir, 'backups')).catch(() => [] as string[]);
    try {
      const first = await until(files, (names) => names.some((n) => n.endsWith('.dump')));
      // A later backup replaces it: retention keeps one a day, and it is the newest.
      // (The new file lands before the old one is pruned: wait for the pruning too.)
      const dumps = (names: string[]) => names.filter((n) => n.endsWith('.dump'));
      const manifests = (names: string[]) => names.filter((n) => n.endsWith('.manifest.json'));
      const later = await until(
        files,
        (names) => dumps(names).length === 1 && manifests(names).length === 1 && !first.includes(dumps(names)[0] ?? ''),
      );
      expect(manifests(later)).toEqual([`${dumps(later)[0] ?? ''}.manifest.json`]);
    } finally {
      await runner?.stop({ timeoutMs: 10_000 });
    }
    const scheduled = await listBackups(store, true);
    expect(scheduled).toHaveLength(1);
    const { rows } = await store.query<{ failures: number }>(
      "select failures from agent_schedules where agent_id = 'platform' and name = 'backup'",
    );
    expect(rows).toEqual([{ failures: 0 }]);
    const text = await metrics.metricsText();
    const at = Number(/^wow_backup_last_success_timestamp_seconds\{kind="postgres"\} (\S+)$/m.exec(text)?.[1]);
    expect(at).toBeCloseTo((scheduled[0]?.finishedAt.getTime() ?? 0) / 1000, 0);
  });
});
