import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { readSql, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';
import { sealWebhookSecret } from './webhook-secrets.ts';

const sql = { set: readSql(import.meta.url, 'set-customer-webhook') };

const maxUrl = 2000;

/**
 * Why a customer's own webhook URL is refused, or undefined when it is taken: an https
 * URL of a public host name, without credentials. The platform posts to it, so a URL of
 * this network (a loopback, private or link-local address, a single-label host such as
 * `localhost`) would let a customer reach what only the platform should.
 */
export function webhookUrlProblem(raw: string): string | undefined {
  if (raw.length > maxUrl) return `must be at most ${maxUrl} characters`;
  if (!URL.canParse(raw)) return 'expected a URL, e.g. https://example.com/hooks/waooaw';
  const url = new URL(raw);
  if (url.protocol !== 'https:') return 'expected an https:// URL';
  if (url.username !== '' || url.password !== '') return 'expected no user or password in it';
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(host) !== 0) return 'expected a host name, not an IP address';
  if (!host.includes('.') || /\.(localhost|local|internal|lan|home\.arpa)$/.test(host))
    return 'expected a public host name';
  return undefined;
}

/**
 * Sets, replaces or (with null) removes an organisation's webhook. Setting one makes a
 * fresh secret, returned here and nowhere else so the owner is shown it once, and stored
 * only sealed with `secretsKey` (SUPPORT_SECRETS_KEY; without it, WOW_ERR_SECRETS_KEY_MISSING).
 * A URL that is not taken: WOW_ERR_SUPPORT_INPUT with the field's problem.
 */
export async function setCustomerWebhook(
  db: PgQueryable,
  input: { customerId: string; webhookUrl: string | null },
  opts: { secretsKey: Buffer | undefined },
): Promise<{ webhookUrl: string | null; webhookSecret: string | null }> {
  if (input.webhookUrl === null) {
    await db.query(sql.set, [input.customerId, null, null, null]);
    return { webhookUrl: null, webhookSecret: null };
  }
  const url = input.webhookUrl.trim();
  const problem = webhookUrlProblem(url);
  if (problem !== undefined)
    throw createError(
      'WOW_ERR_SUPPORT_INPUT',
      { problems: `webhookUrl: ${problem}` },
      { data: { errors: [{ field: 'webhookUrl', message: problem }] } },
    );
  if (opts.secretsKey === undefined)
    throw createError('WOW_ERR_SECRETS_KEY_MISSING', { consequence: 'a webhook cannot be set' });
  const secret = `whsec_${randomBytes(32).toString('base64url')}`;
  const sealed = sealWebhookSecret(opts.secretsKey, input.customerId, secret);
  await db.query(sql.set, [input.customerId, url, sealed.keyId, sealed.sealed]);
  return { webhookUrl: url, webhookSecret: secret };
}
