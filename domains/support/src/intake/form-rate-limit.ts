import { createHash } from 'node:crypto';
import { readSql, type PgQueryable } from '#platform';
import { createError } from '../errors.ts';

const countSubmission = readSql(import.meta.url, 'count-form-submission');
const windowMs = 3_600_000;

/**
 * What one web-form count is against: the client's address, or the email address a
 * ticket is for, or that address's domain (every address there together).
 */
export type FormLimit = { kind: 'client' | 'email' | 'domain'; address: string };

/**
 * Counts one post (or one ticket) against its fixed one-hour window, or throws
 * WOW_ERR_FORM_RATE_LIMITED with `retryAfterSeconds` and `retryAt` in its data. The count
 * is its own statement, outside any transaction, so what fails later still counts.
 */
export async function admitFormSubmission(
  db: PgQueryable,
  limit: FormLimit,
  perHour: number,
  now: Date,
): Promise<void> {
  const windowStart = Math.floor(now.getTime() / windowMs) * windowMs;
  const mailbox = limit.kind === 'client' ? undefined : mailboxKey(limit.address);
  const bucket = createHash('sha256')
    .update(
      mailbox === undefined
        ? `ip:${clientKey(limit.address)}`
        : limit.kind === 'email'
          ? `email:${mailbox.address}`
          : `domain:${mailbox.domain}`,
    )
    .digest('hex');
  const submissions =
    (await db.query<{ submissions: number }>(countSubmission, [bucket, new Date(windowStart)])).rows[0]?.submissions ??
    0;
  if (submissions <= perHour) return;
  const retryAt = new Date(windowStart + windowMs);
  const retryAfterSeconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  const from =
    mailbox === undefined
      ? 'your network'
      : limit.kind === 'email'
        ? 'this email address'
        : `addresses at ${mailbox.domain}`;
  throw createError(
    'WOW_ERR_FORM_RATE_LIMITED',
    {
      limit: perHour,
      sender: from,
      retryAt: retryAt.toISOString().slice(11, 16),
      minutes: Math.ceil(retryAfterSeconds / 60),
    },
    { data: { retryAfterSeconds, retryAt: retryAt.toISOString() } },
  );
}

// Google's two domains for one mailbox, where dots in the name are ignored.
const gmail = new Set(['gmail.com', 'googlemail.com']);

/**
 * The mailbox an email address reaches, as the limits count it: lowercase, without a
 * +tag (name+anything@ reaches name@ at nearly every provider), and for Gmail without
 * dots and under one domain, so a stranger cannot mail one person many times by
 * spelling their address many ways. Elsewhere a dot is part of the name.
 */
export function mailboxKey(email: string): { address: string; domain: string } {
  const lower = email.trim().toLowerCase();
  const at = lower.lastIndexOf('@');
  let domain = lower.slice(at + 1).replace(/\.$/, '');
  let name = lower.slice(0, at).split('+')[0] ?? '';
  if (gmail.has(domain)) {
    domain = 'gmail.com';
    name = name.replaceAll('.', '');
  }
  return { address: `${name}@${domain}`, domain };
}

/**
 * The address a client is counted by: an IPv4 address as it is (an IPv4-mapped IPv6
 * address as its IPv4), an IPv6 address by its /64, which a provider hands one household
 * or one server whole.
 */
export function clientKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address)?.[1];
  if (mapped !== undefined) return mapped;
  if (!address.includes(':')) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]?.split('::') ?? [];
  const left = head === '' ? [] : head.split(':');
  const right = address.includes('::') ? (tail === '' ? [] : tail.split(':')) : [];
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
