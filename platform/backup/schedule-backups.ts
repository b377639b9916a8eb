import { hostname } from 'node:os';
import { createScheduleRunner, type ScheduleRunner } from '../agent/run-schedules.ts';
import type { Config } from '../config/load-config.ts';
import type { Logger } from '../log/logger.ts';
import { readSql } from '../store/read-sql.ts';
import type { Store } from '../store/store.ts';
import { backupDatabase, backupFileName } from './backup-database.ts';
import { pruneBackups } from './keep-backups.ts';

const sql = {
  declare: readSql(import.meta.url, 'declare-backup-schedule'),
  last: readSql(import.meta.url, 'last-backup'),
};

/** The schedule's row in agent_schedules: the platform's own, beside the agents'. */
const owner = { agentId: 'platform', name: 'backup' };

/** When the newest good backup of `store` finished, in Unix seconds, and of which kind of database. */
export async function lastBackupAt(store: Store): Promise<{ kind: string; seconds: number } | undefined> {
  const { rows } = await store.query<{ kind: string; finished: number }>(sql.last);
  const [row] = rows;
  return row === undefined ? undefined : { kind: row.kind, seconds: row.finished };
}

/**
 * Takes a backup every `BACKUP_INTERVAL_SECONDS` into `BACKUP_DIR`, then deletes the
 * scheduled ones retention no longer keeps. It runs on the agents' schedule runner, so
 * however many runtimes share the database, one of them takes each backup.
 */
export async function scheduleBackups(opts: {
  config: Config;
  store: Store;
  log: Logger;
}): Promise<ScheduleRunner | undefined> {
  const { config, store, log } = opts;
  const { intervalSeconds, dir, keep } = config.backup;
  if (intervalSeconds === 0) return undefined;
  const intervalMs = intervalSeconds * 1000;
  await store.query(sql.declare, [owner.agentId, owner.name, intervalMs]);
  const runner = createScheduleRunner({
    store,
    log,
    agentId: owner.agentId,
    instanceId: `${hostname()}:${process.pid}:backup`,
    intervals: new Map([[owner.name, intervalMs]]),
    async run() {
      const file = backupFileName(dir, store.kind, new Date());
      const { manifest } = await backupDatabase({ store, url: config.database.url, file, scheduled: true });
      const pruned = await pruneBackups(store, keep);
      log.info({ file, bytes: manifest.bytes, pruned: pruned.length }, 'scheduled backup taken');
    },
  });
  await runner.start();
  return runner;
}
