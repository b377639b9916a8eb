import type { PgQueryable } from '#platform';
import { archiveColumns, fromRow, type ArchivedEvent, type ArchiveRow } from './archived-event.ts';
import { typeCondition } from './type-pattern.ts';
import { createError } from '../errors.ts';

export interface ArchiveQuery {
  /** A type, "<prefix>.*" or "*". */
  type?: string | undefined;
  /** The sender, as the envelope names it (`urn:wow:agent:<id>`). */
  source?: string | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  traceId?: string | undefined;
  /** At most 10,000. */
  limit: number;
  order: 'oldest' | 'newest';
}

export const maxArchiveRows = 10_000;

/** Archived events matching every filter given, by time. */
export async function findArchivedEvents(db: PgQueryable, q: ArchiveQuery): Promise<ArchivedEvent[]> {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (sql: (param: number) => string, value: unknown) => {
    values.push(value);
    where.push(sql(values.length));
  };
  if (q.type !== undefined) {
    const c = typeCondition(q.type, values.length + 1);
    if (c.value === undefined) where.push(c.sql);
    else add(() => c.sql, c.value);
  }
  if (q.source !== undefined) add((n) => `source = $${n}`, q.source);
  if (q.since !== undefined) add((n) => `event_time >= $${n}`, q.since);
  if (q.until !== undefined) add((n) => `event_time < $${n}`, q.until);
  if (q.traceId !== undefined) add((n) => `trace_id = $${n}`, q.traceId);
  const limit = Math.max(1, Math.min(maxArchiveRows, Math.floor(q.limit)));
  const order = q.order === 'oldest' ? 'asc' : 'desc';
  const { rows } = await db.query<ArchiveRow>(
    `select ${archiveColumns} from event_archive where ${where.join(' and ') || 'true'} order by event_time ${order}, event_id ${order} limit ${limit}`,
    values,
  );
  return rows.map(fromRow);
}

/** The archived event with `id`, or WOW_ERR_ARCHIVED_EVENT_NOT_FOUND. */
export async function getArchivedEvent(db: PgQueryable, id: string): Promise<ArchivedEvent> {
  const { rows } = await db.query<ArchiveRow>(
    `select ${archiveColumns} from event_archive where event_id = $1 order by event_time limit 1`,
    [id],
  );
  const row = rows[0];
  if (row === undefined) throw createError('WOW_ERR_ARCHIVED_EVENT_NOT_FOUND', { id: id.slice(0, 200) });
  return fromRow(row);
}
