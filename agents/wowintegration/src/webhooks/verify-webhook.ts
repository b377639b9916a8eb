import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Connector } from '../connectors/connector.ts';
import { createError } from '../errors.ts';

type Webhook = NonNullable<Connector['webhook']>;

export interface InboundWebhook {
  /** The raw body as received: the signature is over these bytes, not over a re-serialisation. */
  body: Buffer;
  /** Header names lower-cased, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
}

const header = (headers: InboundWebhook['headers'], name: string): string | undefined => {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
};

const hmacHex = (secret: string, parts: readonly (string | Buffer)[]) => {
  const mac = createHmac('sha256', secret);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

// Compares in constant time; a candidate that is not hex of the right length is simply unequal.
function matches(expected: Buffer, candidateHex: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(candidateHex)) return false;
  return timingSafeEqual(expected, Buffer.from(candidateHex, 'hex'));
}

function assertFresh(name: string, timestamp: string | undefined, config: Webhook, now: Date): string {
  if (timestamp === undefined || !/^\d{1,12}$/.test(timestamp))
    throw createError('WOW_ERR_INTEGRATION_WEBHOOK', {
      name,
      problem: 'no timestamp of unix seconds with the signature',
    });
  const skew = Math.abs(now.getTime() / 1000 - Number(timestamp));
  if (skew > config.toleranceSeconds)
    throw createError('WOW_ERR_INTEGRATION_WEBHOOK', {
      name,
      problem: `its timestamp is ${Math.round(skew)} s from now, beyond the ${config.toleranceSeconds} s tolerated (a replay, or a clock to set right)`,
    });
  return timestamp;
}

/**
 * Checks an inbound webhook's signature as its connector declares, or throws
 * WOW_ERR_INTEGRATION_WEBHOOK saying why:
 * (1) stripe: `t=<unix seconds>,v1=<hex>[,v1=<hex>…]`, each v1 an HMAC-SHA256 of "t.body"
 *     (several while the provider rolls its secret); t within the tolerance.
 * (2) hmac-sha256: the header holds the hex HMAC-SHA256 (optionally "sha256=" first) of the
 *     body, or of "timestamp.body" when the connector names a timestamp header, whose value
 *     must then be within the tolerance.
 */
export function verifyWebhook(connector: Connector, secret: string, inbound: InboundWebhook, now: Date): void {
  const config = connector.webhook;
  const name = connector.name;
  if (config === undefined)
    throw createError('WOW_ERR_INTEGRATION_WEBHOOK', { name, problem: 'the connector declares no webhook' });
  const signature = header(inbound.headers, config.header);
  if (signature === undefined || signature.length > 2000)
    throw createError('WOW_ERR_INTEGRATION_WEBHOOK', { name, problem: `no ${config.header} header` });
  if (config.scheme === 'stripe') {
    const pairs = signature.split(',').map((p) => p.trim().split('=', 2) as [string, string | undefined]);
    const t = assertFresh(name, pairs.find(([k]) => k === 't')?.[1], config, now);
    const expected = hmacHex(secret, [t, '.', inbound.body]);
    if (!pairs.some(([k, v]) => k === 'v1' && v !== undefined && matches(expected, v)))
      throw createError('WOW_ERR_INTEGRATION_WEBHOOK', { name, problem: 'no v1 signature matches the body' });
    return;
  }
  const parts =
    config.timestampHeader === undefined
      ? [inbound.body]
      : [assertFresh(name, header(inbound.headers, config.timestampHeader), config, now), '.', inbound.body];
  if (!matches(hmacHex(secret, parts), signature.replace(/^sha256=/, '')))
    throw createError('WOW_ERR_INTEGRATION_WEBHOOK', { name, problem: 'the signature does not match the body' });
}
