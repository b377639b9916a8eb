import Stripe from 'stripe';
import type { StripeApi } from './stripe-settings.ts';

/**
 * The official SDK, pointed at `api` (api.stripe.com, or a local double in tests). It pins
 * the API version it was generated for, retries a request that failed on the network or
 * with 409/429/5xx under the same idempotency key, and sends no telemetry.
 */
export function createStripeClient(api: StripeApi): Stripe {
  return new Stripe(api.secretKey, {
    host: api.host,
    port: api.port,
    protocol: api.protocol,
    maxNetworkRetries: api.maxNetworkRetries,
    timeout: api.timeoutMs,
    telemetry: false,
    appInfo: { name: 'WAOOAW' },
  });
}
