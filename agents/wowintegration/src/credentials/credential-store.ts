import { z } from 'zod';
import type { PgQueryable, SecretBox } from '#platform';
import { createError } from '../errors.ts';

/** What is sealed per connector: never stored, logged or answered in the clear. */
export const credentialSecrets = z.strictObject({
  clientId: z.string().min(1).max(500),
  clientSecret: z.string().min(1).max(2000),
  /** For oauth2-refresh-token connectors: the long-lived token access tokens are taken from. */
  refreshToken: z.string().min(1).max(4000).optional(),
  accessToken: z.string().min(1).max(8000).optional(),
  /** The HMAC key inbound webhooks are signed with. */
  webhookSecret: z.string().min(16).max(500).optional(),
});
export type CredentialSecrets = z.infer<typeof credentialSecrets>;

// The sealed value's name, bound to the seal with the agent's id: a row copied to another
// connector does not open there.
const secretName = (integration: string) => `integration ${integration} credential`;

interface SealedRow extends Record<string, unknown> {
  master_key_id: string;
  sealed_data_key: Buffer;
  sealed_value: Buffer;
}

/** Seals and stores a connector's secrets; the credential's record of health starts afresh. */
export async function saveCredential(
  db: PgQueryable,
  secrets: SecretBox,
  integration: string,
  value: CredentialSecrets,
): Promise<void> {
  const sealed = await secrets.seal(JSON.stringify(credentialSecrets.parse(value)), secretName(integration));
  await db.query(
    `insert into integration_credentials (integration, master_key_id, sealed_data_key, sealed_value)
     values ($1, $2, $3, $4)
     on conflict (integration) do update set master_key_id = excluded.master_key_id, sealed_data_key = excluded.sealed_data_key,
       sealed_value = excluded.sealed_value, expires_at = null, token_rejected_at = null, consecutive_failures = 0, updated_at = now()`,
    [integration, sealed.masterKeyId, sealed.sealedDataKey, sealed.sealedValue],
  );
}

export async function openCredential(
  db: PgQueryable,
  secrets: SecretBox,
  integration: string,
): Promise<CredentialSecrets> {
  const { rows } = await db.query<SealedRow>(
    'select master_key_id, sealed_data_key, sealed_value from integration_credentials where integration = $1',
    [integration],
  );
  const [row] = rows;
  if (row === undefined) throw createError('WOW_ERR_CREDENTIAL_MISSING', { name: integration });
  const text = await secrets.open(
    { masterKeyId: row.master_key_id, sealedDataKey: row.sealed_data_key, sealedValue: row.sealed_value },
    secretName(integration),
  );
  return credentialSecrets.parse(JSON.parse(text));
}

/** A new token was taken: the secrets sealed again with it, its expiry kept, the rejection cleared. */
export async function recordRefresh(
  db: PgQueryable,
  secrets: SecretBox,
  integration: string,
  value: CredentialSecrets,
  opts: { expiresAt: Date | null; now: Date },
): Promise<void> {
  const sealed = await secrets.seal(JSON.stringify(credentialSecrets.parse(value)), secretName(integration));
  await db.query(
    `update integration_credentials set master_key_id = $2, sealed_data_key = $3, sealed_value = $4, expires_at = $5,
       refreshed_at = $6, token_rejected_at = null, updated_at = $6 where integration = $1`,
    [integration, sealed.masterKeyId, sealed.sealedDataKey, sealed.sealedValue, opts.expiresAt, opts.now],
  );
}

/** A call with the credential worked (a delivery, a token grant). */
export async function recordSuccess(db: PgQueryable, integration: string, now: Date): Promise<void> {
  await db.query(
    'update integration_credentials set last_success_at = $2, consecutive_failures = 0, updated_at = $2 where integration = $1',
    [integration, now],
  );
}

/**
 * A call with the credential failed. `error` is an HTTP status and the API's error code,
 * never a body (it may echo a secret); `tokenRejected` when the API refused the token.
 */
export async function recordFailure(
  db: PgQueryable,
  integration: string,
  opts: { error: string; tokenRejected: boolean; now: Date },
): Promise<void> {
  await db.query(
    `update integration_credentials set last_failure_at = $2, last_error = $3, consecutive_failures = consecutive_failures + 1,
       token_rejected_at = case when $4 then $2 else token_rejected_at end, updated_at = $2 where integration = $1`,
    [integration, opts.now, opts.error.slice(0, 300), opts.tokenRejected],
  );
}
