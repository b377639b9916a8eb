import { createHmac, timingSafeEqual } from 'node:crypto';
import { isWowError } from '#platform';
import { createError } from '../errors.ts';
import { urlForLogs } from '../intake/url-for-logs.ts';

/**
 * Why a delivery failed, when the cause is at the customer's end, in terms they may be
 * told: the status their webhook answered, or why it could not be reached. Never our own
 * error text, which names codes, settings and URLs.
 */
export type CustomerFailure =
  | { kind: 'status'; status: number }
  | { kind: 'unreachable'; reason: 'refused' | 'dns' | 'timeout' | 'reset' | 'tls' | 'other' };

/** What a customer's endpoint checks: `sha256=` HMAC-SHA256 of `${timestamp}.${body}` with their webhook secret. */
export function signCustomerWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Sends one event to a customer's webhook, signed so they can tell it is ours and fresh
 * (the timestamp is signed too, against replays). The delivery id stays the same across
 * retries, so the customer can drop a repeat. Its errors name the URL by its origin only:
 * WOW_ERR_CUSTOMER_WEBHOOK for an error status, WOW_ERR_CUSTOMER_WEBHOOK_UNREACHABLE
 * when no answer came.
 */
export async function postCustomerWebhook(opts: {
  url: string;
  secret: string;
  deliveryId: string;
  event: { type: string; data: unknown };
  fetch?: typeof fetch;
  now?: () => Date;
}): Promise<{ status: number }> {
  const body = JSON.stringify(opts.event);
  const timestamp = String(Math.floor((opts.now?.() ?? new Date()).getTime() / 1000));
  const response = await (opts.fetch ?? fetch)(opts.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'waooaw-support',
      'x-wow-event': opts.event.type,
      'x-wow-delivery': opts.deliveryId,
      'x-wow-timestamp': timestamp,
      'x-wow-signature-256': signCustomerWebhook(opts.secret, timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  }).catch((err: unknown) => {
    // fetch's own errors may quote the whole URL: only the cause's code goes on, no cause object.
    const failure: CustomerFailure = { kind: 'unreachable', reason: unreachableReason(err) };
    throw createError(
      'WOW_ERR_CUSTOMER_WEBHOOK_UNREACHABLE',
      { url: urlForLogs(opts.url), reason: codeOf(err) },
      {
        data: { failure },
      },
    );
  });
  if (!response.ok) {
    const failure: CustomerFailure = { kind: 'status', status: response.status };
    throw createError(
      'WOW_ERR_CUSTOMER_WEBHOOK',
      { url: urlForLogs(opts.url), status: String(response.status) },
      {
        data: { failure },
      },
    );
  }
  return { status: response.status };
}

/** What a customer may be told of `err`, when postCustomerWebhook threw it for a cause at their end; else null. */
export function customerFailureOf(err: unknown): CustomerFailure | null {
  if (!isWowError(err, 'WOW_ERR_CUSTOMER_WEBHOOK') && !isWowError(err, 'WOW_ERR_CUSTOMER_WEBHOOK_UNREACHABLE'))
    return null;
  return (err.data?.failure as CustomerFailure | undefined) ?? null;
}

function codeOf(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  return err instanceof Error && err.name === 'TimeoutError' ? 'no answer within 10 seconds' : 'the connection failed';
}

function unreachableReason(err: unknown): Extract<CustomerFailure, { kind: 'unreachable' }>['reason'] {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timeout';
  const code = codeOf(err);
  if (code === 'ECONNREFUSED') return 'refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'dns';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET') return 'reset';
  if (/CERT|SSL|TLS|SELF_SIGNED|VERIFY/.test(code)) return 'tls';
  return 'other';
}

/** For customers (and tests): whether a delivery is signed with `secret` and no older than `toleranceSeconds`. */
export function verifyCustomerWebhook(opts: {
  secret: string;
  body: string;
  headers: Record<string, string | string[] | undefined>;
  toleranceSeconds?: number;
  now?: () => Date;
}): boolean {
  const timestamp = opts.headers['x-wow-timestamp'];
  const signature = opts.headers['x-wow-signature-256'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const age = Math.abs((opts.now?.() ?? new Date()).getTime() / 1000 - Number(timestamp));
  if (!(age <= (opts.toleranceSeconds ?? 300))) return false;
  const expected = Buffer.from(signCustomerWebhook(opts.secret, timestamp, opts.body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
