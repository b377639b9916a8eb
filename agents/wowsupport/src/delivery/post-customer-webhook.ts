import { createHmac, timingSafeEqual } from 'node:crypto';
import { createError } from '../../../runtime/src/index.ts';

/** What a customer's endpoint checks: `sha256=` HMAC-SHA256 of `${timestamp}.${body}` with their webhook secret. */
export function signCustomerWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Sends one event to a customer's webhook, signed so they can tell it is ours and fresh
 * (the timestamp is signed too, against replays). The delivery id stays the same across
 * retries, so the customer can drop a repeat.
 */
export async function postCustomerWebhook(opts: { url: string; secret: string; deliveryId: string; event: { type: string; data: unknown }; fetch?: typeof fetch; now?: () => Date }): Promise<{ status: number }> {
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
  });
  if (!response.ok) throw createError('WOW_ERR_CUSTOMER_WEBHOOK', [opts.url, String(response.status)]);
  return { status: response.status };
}

/** For customers (and tests): whether a delivery is signed with `secret` and no older than `toleranceSeconds`. */
export function verifyCustomerWebhook(opts: { secret: string; body: string; headers: Record<string, string | string[] | undefined>; toleranceSeconds?: number; now?: () => Date }): boolean {
  const timestamp = opts.headers['x-wow-timestamp'];
  const signature = opts.headers['x-wow-signature-256'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  const age = Math.abs((opts.now?.() ?? new Date()).getTime() / 1000 - Number(timestamp));
  if (!(age <= (opts.toleranceSeconds ?? 300))) return false;
  const expected = Buffer.from(signCustomerWebhook(opts.secret, timestamp, opts.body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
