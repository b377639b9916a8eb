import type { FastifyPluginAsync } from 'fastify';
import { isWowError, type Metrics, type Store } from '#platform';
import { receiveStripeEvent, type PaymentSettlement } from '#domains/commerce';

export interface StripeWebhookOptions {
  store: Store;
  /** From STRIPE_WEBHOOK_SECRET and STRIPE_WEBHOOK_TOLERANCE_SECONDS (`stripeSettings`' `webhook`). */
  webhook: { secret: string; toleranceSeconds: number };
  /** Billing's: an invoice paid, or an attempt at it failed. Called at least once per event; must be idempotent. */
  onPaymentSettled: (settlement: PaymentSettlement) => Promise<void>;
  metrics: Metrics;
  clock: () => Date;
}

// Stripe's events are a few kilobytes; a PaymentIntent with its expanded fields stays well under this.
const bodyLimit = 256 * 1024;

/**
 * `POST /webhooks/stripe`: Stripe's deliveries, verified over the raw bytes with the
 * endpoint's signing secret, then handled once per event id (see receiveStripeEvent). A
 * bad signature is 400, a security violation, and changes nothing; an event handled before
 * is answered 200 so that Stripe stops retrying it; a failure of ours is 500, and Stripe
 * delivers the event again later.
 */
export const stripeWebhook: FastifyPluginAsync<StripeWebhookOptions> = async (app, opts) => {
  // Only Stripe's JSON, kept raw for the signature; anything else is 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (_req, body, done) =>
    done(null, body),
  );

  app.post('/webhooks/stripe', { bodyLimit }, async (req, reply) => {
    const signature = req.headers['stripe-signature'];
    try {
      const received = await receiveStripeEvent(
        {
          db: opts.store,
          secret: opts.webhook.secret,
          toleranceSeconds: opts.webhook.toleranceSeconds,
          now: opts.clock(),
          onPaymentSettled: opts.onPaymentSettled,
        },
        {
          body: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
          signature: Array.isArray(signature) ? signature[0] : signature,
        },
      );
      req.log.info(received, 'stripe event received');
      return await reply.code(200).send({ received: true, duplicate: received.outcome === 'duplicate' });
    } catch (err) {
      if (!isWowError(err, 'WOW_ERR_STRIPE_WEBHOOK_SIGNATURE') && !isWowError(err, 'WOW_ERR_STRIPE_WEBHOOK_INVALID'))
        throw err;
      if (err.code === 'WOW_ERR_STRIPE_WEBHOOK_SIGNATURE')
        opts.metrics.securityViolation('webhook_signature', {
          source: 'stripe webhook door',
          reason: err.message.slice(0, 200),
        });
      req.log.warn({ code: err.code }, err.message);
      return reply.code(err.status).send({ code: err.code, message: err.message });
    }
  });
};
