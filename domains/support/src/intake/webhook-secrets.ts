import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readSql, type PgQueryable, type Store } from '#platform';
import { createError } from '../errors.ts';

const sql = {
  selectPlain: readSql(import.meta.url, 'select-plain-webhook-secrets'),
  countPlain: readSql(import.meta.url, 'count-plain-webhook-secrets'),
  seal: readSql(import.meta.url, 'seal-webhook-secret'),
};

/**
 * A customer's webhook secret as stored: sealed with SUPPORT_SECRETS_KEY (AES-256-GCM, the
 * id of the key beside it), or in plain text in a row written before secrets were sealed
 * (migration 0014), until `wow support secrets seal` moves it.
 */
export type StoredWebhookSecret = { plain: string } | { keyId: string; sealed: Buffer };

/** The columns of support_customers that hold it. */
export interface WebhookSecretColumns extends Record<string, unknown> {
  webhook_secret: string | null;
  webhook_secret_key_id: string | null;
  webhook_secret_sealed: Buffer | Uint8Array | null;
}

// Sealed bytes: a version byte, the 12-byte IV, the 16-byte GCM tag, then the ciphertext.
const version = 1;
const ivLength = 12;
const tagLength = 16;

/**
 * A key's id: enough to tell which key sealed a secret (and so to roll keys out row by
 * row later), nothing that helps to guess the key.
 */
export function secretsKeyId(key: Buffer): string {
  return createHash('sha256').update('waooaw-support-secrets-key-id:').update(key).digest('hex').slice(0, 16);
}

/**
 * Seals a customer's webhook secret. The customer's id is the additional authenticated
 * data: sealed bytes copied onto another customer's row do not open there.
 */
export function sealWebhookSecret(key: Buffer, customerId: string, secret: string): { keyId: string; sealed: Buffer } {
  const iv = randomBytes(ivLength);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength }).setAAD(Buffer.from(customerId));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return {
    keyId: secretsKeyId(key),
    sealed: Buffer.concat([Buffer.from([version]), iv, cipher.getAuthTag(), ciphertext]),
  };
}

/** The secret, to sign with; WOW_ERR_SECRETS_KEY_WRONG when `key` is not the one that sealed it. */
export function openWebhookSecret(stored: StoredWebhookSecret, customerId: string, key: Buffer | undefined): string {
  if ('plain' in stored) return stored.plain;
  if (key === undefined)
    throw createError('WOW_ERR_SECRETS_KEY_WRONG', {
      customer: customerId,
      keyId: stored.keyId,
      problem: 'SUPPORT_SECRETS_KEY is not set',
    });
  if (secretsKeyId(key) !== stored.keyId)
    throw createError('WOW_ERR_SECRETS_KEY_WRONG', {
      customer: customerId,
      keyId: stored.keyId,
      problem: `SUPPORT_SECRETS_KEY is the key ${secretsKeyId(key)}`,
    });
  try {
    if (stored.sealed[0] !== version) throw new Error(`unknown format ${String(stored.sealed[0])}`);
    const decipher = createDecipheriv('aes-256-gcm', key, stored.sealed.subarray(1, 1 + ivLength), {
      authTagLength: tagLength,
    }).setAAD(Buffer.from(customerId));
    decipher.setAuthTag(stored.sealed.subarray(1 + ivLength, 1 + ivLength + tagLength));
    return Buffer.concat([
      decipher.update(stored.sealed.subarray(1 + ivLength + tagLength)),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    // The right key and still no secret: the bytes were changed, or copied from another customer's row.
    throw createError('WOW_ERR_SECRETS_KEY_WRONG', {
      customer: customerId,
      keyId: stored.keyId,
      problem: 'its sealed bytes do not open with it (changed, or copied from another customer)',
    });
  }
}

/** What a customer row holds; null for a customer without a webhook secret. */
export function storedWebhookSecret(row: WebhookSecretColumns): StoredWebhookSecret | null {
  if (row.webhook_secret_key_id !== null && row.webhook_secret_sealed !== null)
    return { keyId: row.webhook_secret_key_id, sealed: Buffer.from(row.webhook_secret_sealed) };
  return row.webhook_secret === null ? null : { plain: row.webhook_secret };
}

/**
 * The data migration behind `wow support secrets seal`: every secret still stored in plain
 * text is sealed with `key` and its plain text cleared, in one transaction. Returns how
 * many it sealed; run again, it finds none.
 */
export async function sealPlainWebhookSecrets(store: Store, key: Buffer): Promise<number> {
  return store.transaction(async (tx) => {
    const { rows } = await tx.query<{ id: string; webhook_secret: string }>(sql.selectPlain);
    for (const row of rows) {
      const { keyId, sealed } = sealWebhookSecret(key, row.id, row.webhook_secret);
      await tx.query(sql.seal, [row.id, keyId, sealed]);
    }
    return rows.length;
  });
}

/** How many customers' webhook secrets are still stored in plain text, for `wow support secrets seal` to seal. */
export async function countPlainWebhookSecrets(db: PgQueryable): Promise<number> {
  return (await db.query<{ plain: number }>(sql.countPlain)).rows[0]?.plain ?? 0;
}
