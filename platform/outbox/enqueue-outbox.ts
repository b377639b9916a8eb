import { assertEventValid, type CloudEvent } from '../bus/envelope.ts';
import { readSql } from '../store/read-sql.ts';
import type { PgQueryable } from '../store/store.ts';

const insertSql = readSql(import.meta.url, 'insert-outbox-event');

/**
 * Writes `event` in the caller's transaction: it reaches the bus exactly when the
 * transaction commits, and never when it rolls back. Trace context is kept as written.
 */
export async function enqueueOutbox(tx: PgQueryable, event: CloudEvent): Promise<void> {
  await tx.query(insertSql, [JSON.stringify(assertEventValid(event))]);
}
