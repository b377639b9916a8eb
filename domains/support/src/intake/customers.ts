import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { readSql, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';
import { parseInput } from './parse-input.ts';
import { sealWebhookSecret } from './webhook-secrets.ts';

const sql = {
  insertCustomer: readSql(import.meta.url, 'insert-customer'),
  selectCustomers: readSql(import.meta.url, 'select-customers'),
  selectBySlug: readSql(import.meta.url, 'select-customer-by-slug'),
};

/** A customer organisation that uses the ticket API. Its webhook secret is never read back. */
export interface Customer {
  id: string;
  slug: string;
  name: string;
  webhookUrl: string | null;
  createdAt: string;
}

const newCustomer = z.object({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, {
    error: 'expected lowercase letters, digits and hyphens, starting with a letter or digit (e.g. acme-corp)',
  }),
  name: z.string().trim().min(1).max(200),
  webhookUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
  // The customer's endpoint checks the HMAC with it, so a short one is guessable.
  webhookSecret: z.string().min(16, { error: 'must be at least 16 characters' }).max(200).optional(),
});

export interface CustomerRow extends Record<string, unknown> {
  id: string;
  slug: string;
  name: string;
  webhook_url: string | null;
  created_at: Date;
}

export const toCustomer = (r: CustomerRow): Customer => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  webhookUrl: r.webhook_url,
  createdAt: new Date(r.created_at).toISOString(),
});

/**
 * Adds a customer. With a webhook URL and no secret, a fresh secret is made: it is
 * returned here and nowhere else, so the caller shows it once. The secret is stored only
 * sealed with `secretsKey` (SUPPORT_SECRETS_KEY): without a key, a customer with a webhook
 * is refused (WOW_ERR_SECRETS_KEY_MISSING) rather than stored with its secret readable.
 */
export async function createCustomer(
  db: PgQueryable,
  input: { slug: string; name: string; webhookUrl?: string | undefined; webhookSecret?: string | undefined },
  opts: { secretsKey?: Buffer | undefined } = {},
): Promise<Customer & { webhookSecret: string | null }> {
  const { slug, name, webhookUrl, webhookSecret } = parseInput(newCustomer, input);
  if (webhookSecret !== undefined && webhookUrl === undefined)
    throw createError(
      'WOW_ERR_SUPPORT_INPUT',
      { problems: 'webhookSecret: give a webhook URL with it' },
      {
        data: { errors: [{ field: 'webhookSecret', message: 'give a webhook URL with it' }] },
      },
    );
  if (webhookUrl !== undefined && opts.secretsKey === undefined)
    throw createError('WOW_ERR_SECRETS_KEY_MISSING', { consequence: 'a customer with a webhook cannot be added' });
  const id = randomUUID();
  const secret = webhookSecret ?? (webhookUrl === undefined ? null : `whsec_${randomBytes(32).toString('base64url')}`);
  const sealed =
    secret === null || opts.secretsKey === undefined ? undefined : sealWebhookSecret(opts.secretsKey, id, secret);
  const row = (
    await db.query<CustomerRow>(sql.insertCustomer, [
      id,
      slug,
      name,
      webhookUrl ?? null,
      sealed?.keyId ?? null,
      sealed?.sealed ?? null,
    ])
  ).rows[0];
  if (row === undefined) throw createError('WOW_ERR_CUSTOMER_EXISTS', { slug });
  return { ...toCustomer(row), webhookSecret: secret };
}

/** Every customer by slug, with the prefixes of its keys that still work. */
export async function listCustomers(db: PgQueryable): Promise<(Customer & { activeKeys: string[] })[]> {
  const { rows } = await db.query<CustomerRow & { active_keys: string[] }>(sql.selectCustomers);
  return rows.map((r) => ({ ...toCustomer(r), activeKeys: r.active_keys }));
}

export async function getCustomer(db: PgQueryable, slug: string): Promise<Customer> {
  const row = (await db.query<CustomerRow>(sql.selectBySlug, [slug])).rows[0];
  if (row === undefined) throw createError('WOW_ERR_CUSTOMER_NOT_FOUND', { slug });
  return toCustomer(row);
}
