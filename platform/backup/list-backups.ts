import { readSql } from '../store/read-sql.ts';
import type { Store } from '../store/store.ts';

const listSql = readSql(import.meta.url, 'list-backups');

export interface BackupRow {
  id: string;
  file: string;
  kind: Store['kind'];
  scheduled: boolean;
  startedAt: Date;
  finishedAt: Date;
  bytes: number;
  sha256: string;
  tables: number;
  rows: number;
}

/** The recorded good backups, newest first: only the scheduled ones, only the others, or (undefined) all. */
export async function listBackups(store: Store, scheduled?: boolean): Promise<BackupRow[]> {
  const { rows } = await store.query<{
    id: string;
    file: string;
    kind: Store['kind'];
    scheduled: boolean;
    started_at: Date;
    finished_at: Date;
    bytes: string;
    sha256: string;
    tables: number;
    row_count: string;
  }>(listSql, [scheduled ?? null]);
  return rows.map((r) => ({
    id: r.id,
    file: r.file,
    kind: r.kind,
    scheduled: r.scheduled,
    startedAt: new Date(r.started_at),
    finishedAt: new Date(r.finished_at),
    bytes: Number(r.bytes),
    sha256: r.sha256,
    tables: r.tables,
    rows: Number(r.row_count),
  }));
}
