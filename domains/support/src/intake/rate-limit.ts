import { readSql, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';
import type { Customer } from './customers.ts';

const countRequest = readSql(import.meta.url, 'count-request');
const windowMs = 60_000;

/**
 * Counts one request against the customer's fixed one-minute window, or throws
 * WOW_ERR_RATE_LIMITED with `retryAfterSeconds` (to the window's end) in its data. The
 * count is its own statement, outside the request's transaction, so a request that
 * fails later still counts.
 */
export async function admitRequest(
  db: PgQueryable,
  customer: Customer,
  limitPerMinute: number,
  now: Date,
): Promise<void> {
  const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
  const requests =
    (await db.query<{ requests: number }>(countRequest, [customer.id, new Date(windowStart)])).rows[0]?.requests ?? 0;
  if (requests <= limitPerMinute) return;
  const retryAfterSeconds = Math.max(1, Math.ceil((windowStart + windowMs - now.getTime()) / 1000));
  throw createError(
    'WOW_ERR_RATE_LIMITED',
    { limit: limitPerMinute, customer: customer.slug, retryAfterSeconds },
    {
      data: { retryAfterSeconds },
    },
  );
}
