import type { PgQueryable } from './store.ts';

// The transactions a store has open now, each with what waits for its commit.
const open = new WeakMap<PgQueryable, (() => void)[]>();

/** Called by a store's `transaction` with the connection view it hands out, before `fn` runs. */
export function transactionOpened(tx: PgQueryable): void {
  open.set(tx, []);
}

/**
 * Called by a store's `transaction` once it is over: runs what waited for the commit, or
 * drops it on a rollback. A waiter that throws neither fails the transaction (its data is
 * committed) nor keeps the other waiters from running.
 */
export function transactionEnded(tx: PgQueryable, outcome: 'committed' | 'rolled-back'): void {
  const waiting = open.get(tx);
  open.delete(tx);
  if (outcome === 'rolled-back' || waiting === undefined) return;
  for (const fn of waiting) {
    try {
      fn();
    } catch {
      // The committed data stands; a waiter is a notification, and it has its own fallbacks.
    }
  }
}

/**
 * Runs `fn` once what `db` wrote is committed: after the commit of the store's transaction
 * `db` belongs to, or at once when `db` is not one (a pool, a store: each statement commits
 * by itself). For notifications only — the outbox relay's wake-up — never for work that
 * must happen: a crash between the commit and `fn` loses the call.
 */
export function afterCommit(db: PgQueryable, fn: () => void): void {
  const waiting = open.get(db);
  if (waiting === undefined) fn();
  else waiting.push(fn);
}
