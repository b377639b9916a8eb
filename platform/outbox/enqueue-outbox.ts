import { assertEventValid, type CloudEvent } from '../bus/envelope.ts';
import { causedByHandling } from '../bus/handling-cause.ts';
import { afterCommit } from '../store/after-commit.ts';
import { readSql } from '../store/read-sql.ts';
import { asPlatform } from '../store/role-store.ts';
import type { PgQueryable } from '../store/store.ts';
import { wakeOutboxRelays } from './wake-outbox-relays.ts';

const insertSql = readSql(import.meta.url, 'insert-outbox-event');

/**
 * Writes `event` in the caller's transaction: it reaches the bus exactly when the
 * transaction commits, and never when it rolls back. Trace context is kept as written,
 * except that an event written while an agent handles a delivery, naming no cause, is
 * that delivery's effect (its `causedby` and trace: handling-cause.ts), whoever built it.
 * An agent's transaction writes it as the platform: no agent role may write the outbox,
 * where an event of any source would be relayed. Once the row is committed, this process's
 * relays are woken to publish it at once (their poll is only the fallback: rows written by
 * another process, or left by a crash).
 */
export async function enqueueOutbox(tx: PgQueryable, event: CloudEvent): Promise<void> {
  const json = JSON.stringify(assertEventValid(causedByHandling(event)));
  await asPlatform(tx, async (db) => {
    await db.query(insertSql, [json]);
    afterCommit(db, wakeOutboxRelays);
  });
}
