import { z } from 'zod';
import { sharedSettings } from '#platform';

const range = (min: number, max: number) => `expected an integer from ${min} to ${max}`;
const int = (min: number, max: number, fallback: number) =>
  z.coerce
    .number({ error: range(min, max) })
    .int({ error: range(min, max) })
    .min(min, { error: range(min, max) })
    .max(max, { error: range(min, max) })
    .default(fallback);
const unsetWhenEmpty = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(unsetWhenEmpty, schema.optional());

/** Where the SDK sends its requests: api.stripe.com, or a local double or stripe-mock for tests and demos. */
export interface StripeApi {
  secretKey: string;
  host: string;
  port: number;
  protocol: 'http' | 'https';
  /** The SDK's own retries of a request that failed on the network or with 409/429/5xx, under one idempotency key. */
  maxNetworkRetries: number;
  timeoutMs: number;
}

export interface StripeSettings {
  /** Set by STRIPE_SECRET_KEY; without it there is no Stripe, and the manual driver bills. */
  api: StripeApi | undefined;
  /** Set by STRIPE_WEBHOOK_SECRET; without it `POST /webhooks/stripe` takes nothing. */
  webhook: { secret: string; toleranceSeconds: number } | undefined;
}

/**
 * The Stripe driver's settings, from STRIPE_* (.env.example): the secret key (a restricted
 * key with write access to Customers and PaymentIntents is enough), the webhook endpoint's
 * signing secret and how old a signed delivery may be, and the API's address. Read by the
 * doors with `readSharedSettings(stripeSettings)`.
 */
export const stripeSettings = sharedSettings(
  'STRIPE_',
  z
    .object({
      secretKey: optional(
        z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]{10,250}$/, {
          error: 'expected a secret key (sk_live_… or sk_test_…) or a restricted key (rk_…) from the Dashboard',
        }),
      ),
      webhookSecret: optional(
        z.string().regex(/^whsec_[A-Za-z0-9+/=]{10,250}$/, {
          error: "expected the webhook endpoint's signing secret, whsec_…",
        }),
      ),
      webhookToleranceSeconds: int(1, 3600, 300),
      apiUrl: z
        .string()
        .trim()
        .refine(
          (v) => URL.canParse(v) && ['https:', 'http:'].includes(new URL(v).protocol) && new URL(v).pathname === '/',
          {
            error: 'expected an origin such as https://api.stripe.com (or http://127.0.0.1:12111 for stripe-mock)',
          },
        )
        .default('https://api.stripe.com'),
      maxNetworkRetries: int(0, 10, 2),
      timeoutMs: int(1000, 120_000, 30_000),
    })
    .transform((s): StripeSettings => {
      const url = new URL(s.apiUrl);
      const protocol = url.protocol === 'http:' ? 'http' : 'https';
      return {
        api:
          s.secretKey === undefined
            ? undefined
            : {
                secretKey: s.secretKey,
                host: url.hostname,
                port: url.port === '' ? (protocol === 'http' ? 80 : 443) : Number(url.port),
                protocol,
                maxNetworkRetries: s.maxNetworkRetries,
                timeoutMs: s.timeoutMs,
              },
        webhook:
          s.webhookSecret === undefined
            ? undefined
            : { secret: s.webhookSecret, toleranceSeconds: s.webhookToleranceSeconds },
      };
    }),
);
