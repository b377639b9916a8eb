import { createHash } from 'node:crypto';
import { readSql, type PgQueryable, type Store } from '#platform';
import { createError } from '../errors.ts';

const sql = {
  select: readSql(import.meta.url, 'select-idempotent-response'),
  insert: readSql(import.meta.url, 'insert-idempotent-response'),
};

/** What a request answered: replayed when it was stored by an earlier request with the same key. */
export interface IntakeAnswer {
  status: number;
  body: unknown;
  replayed: boolean;
}

/** The same request, whatever the order of its keys: method, path and the validated body. */
export function requestSha256(request: { method: string; path: string; body: unknown }): string {
  return createHash('sha256').update(canonicalJson(request)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Runs `work` at most once per customer and Idempotency-Key. What it writes and the stored
 * response commit in one transaction, so a failure leaves neither; a retry after a failure
 * runs it again. The same key with another request is WOW_ERR_IDEMPOTENCY_KEY_REUSED.
 * Without a key, `work` just runs in a transaction.
 */
export async function runIdempotent(
  store: Store,
  call: { customerId: string; key: string | undefined; requestSha256: string },
  work: (tx: PgQueryable) => Promise<{ status: number; body: unknown }>,
): Promise<IntakeAnswer> {
  const { key } = call;
  if (key === undefined) return { ...(await store.transaction(work)), replayed: false };
  try {
    return await store.transaction(async (tx) => {
      const stored = await storedAnswer(tx, call.customerId, key, call.requestSha256);
      if (stored !== undefined) return stored;
      const answer = await work(tx);
      await tx.query(sql.insert, [
        call.customerId,
        key,
        call.requestSha256,
        answer.status,
        JSON.stringify(answer.body),
      ]);
      return { ...answer, replayed: false };
    });
  } catch (err) {
    // Two requests with one key at once: both did the work, the second's row hit the
    // first's key and its transaction rolled back. It answers what the first stored.
    if (
      (err as { code?: string; constraint?: string }).code !== '23505' ||
      (err as { constraint?: string }).constraint !== 'support_idempotency_pkey'
    )
      throw err;
    const stored = await storedAnswer(store, call.customerId, key, call.requestSha256);
    if (stored === undefined) throw err;
    return stored;
  }
}

async function storedAnswer(
  db: PgQueryable,
  customerId: string,
  key: string,
  sha: string,
): Promise<IntakeAnswer | undefined> {
  const row = (
    await db.query<{ request_sha256: string; response_status: number; response_body: unknown }>(sql.select, [
      customerId,
      key,
    ])
  ).rows[0];
  if (row === undefined) return undefined;
  if (row.request_sha256 !== sha) throw createError('WOW_ERR_IDEMPOTENCY_KEY_REUSED', { key });
  return { status: row.response_status, body: row.response_body, replayed: true };
}
