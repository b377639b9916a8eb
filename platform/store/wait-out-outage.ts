import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log/logger.ts';
import type { Store } from './store.ts';

// Connection exceptions (class 08) and a server shutting down or starting (57P01–57P03).
const unavailableCodes = /^(08|57P0[123])/;
const unavailableErrnos = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
// What node-postgres throws itself when a connection ends under it (no code).
const unavailableMessages = /Connection terminated|connection error and is not queryable|Connection ended/;

/** True when `err`, or an error it wraps, says the database could not be reached, not that a query was wrong. */
export function isStoreUnavailable(err: unknown): boolean {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (unavailableCodes.test(code) || unavailableErrnos.has(code))) return true;
    if (unavailableMessages.test(e.message)) return true;
    if (e instanceof AggregateError && e.errors.some(isStoreUnavailable)) return true;
  }
  return false;
}

/**
 * Waits until the store answers again, or `signal` aborts. A handler that failed because
 * PostgreSQL was down (restarted, failed over) is run again afterwards instead of spending
 * its retries and landing in the dead letters: the outage is nobody's fault in the message.
 */
export async function waitOutOutage(store: Store, signal: AbortSignal, log: Logger, pollMs = 500): Promise<boolean> {
  log.warn('the database is unreachable; waiting for it before running the handler again');
  while (!signal.aborted) {
    try {
      await sleep(pollMs, undefined, { signal });
      await store.ping();
      log.info('the database answers again');
      return true;
    } catch {
      // Still down, or aborted: the loop looks at the signal.
    }
  }
  return false;
}
