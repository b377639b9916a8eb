import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readSql, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';
import { getCustomer, toCustomer, type Customer, type CustomerRow } from './customers.ts';

const sql = {
  insertKey: readSql(import.meta.url, 'insert-api-key'),
  revokeKey: readSql(import.meta.url, 'revoke-api-key'),
  selectByKey: readSql(import.meta.url, 'select-customer-by-key'),
};

/** `wow_sk_` and 8 characters: enough to name a key in a list, far too little to use it. */
const prefixLength = 'wow_sk_'.length + 8;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * A new API key for the customer. The plaintext is returned this once; only its sha256
 * is stored, so a lost key is revoked and replaced, never recovered.
 */
export async function issueApiKey(
  db: PgQueryable,
  customerSlug: string,
): Promise<{ key: string; prefix: string; customer: Customer }> {
  const customer = await getCustomer(db, customerSlug);
  const key = `wow_sk_${randomBytes(24).toString('base64url')}`;
  const prefix = key.slice(0, prefixLength);
  await db.query(sql.insertKey, [randomUUID(), customer.id, prefix, sha256(key)]);
  return { key, prefix, customer };
}

/** Stops the key with this prefix from working; revoking it again keeps the first time. */
export async function revokeApiKey(
  db: PgQueryable,
  prefix: string,
): Promise<{ prefix: string; customerSlug: string; revokedAt: string }> {
  const row = (await db.query<{ prefix: string; slug: string; revoked_at: Date }>(sql.revokeKey, [prefix])).rows[0];
  if (row === undefined) throw createError('WOW_ERR_API_KEY_NOT_FOUND', { prefix });
  return { prefix: row.prefix, customerSlug: row.slug, revokedAt: new Date(row.revoked_at).toISOString() };
}

/**
 * The customer an `Authorization: Bearer wow_sk_…` header belongs to, or
 * WOW_ERR_API_KEY_INVALID (missing, malformed, never issued) or WOW_ERR_API_KEY_REVOKED.
 * The key is looked up by its sha256, so the plaintext is never compared or stored.
 */
export async function authenticateApiKey(db: PgQueryable, authorization: string | undefined): Promise<Customer> {
  if (authorization === undefined || authorization.trim() === '')
    throw createError('WOW_ERR_API_KEY_INVALID', { reason: 'the request has no Authorization header' });
  const key = /^Bearer\s+(wow_sk_[A-Za-z0-9_-]+)\s*$/i.exec(authorization)?.[1];
  if (key === undefined)
    throw createError('WOW_ERR_API_KEY_INVALID', { reason: 'the Authorization header is not "Bearer wow_sk_…"' });
  const row = (await db.query<CustomerRow & { revoked_at: Date | null }>(sql.selectByKey, [sha256(key)])).rows[0];
  if (row === undefined)
    throw createError('WOW_ERR_API_KEY_INVALID', { reason: `no key ${key.slice(0, prefixLength)}… was ever issued` });
  if (row.revoked_at !== null)
    throw createError('WOW_ERR_API_KEY_REVOKED', {
      prefix: key.slice(0, prefixLength),
      revokedAt: new Date(row.revoked_at).toISOString(),
    });
  return toCustomer(row);
}
