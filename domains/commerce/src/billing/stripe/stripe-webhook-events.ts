import Stripe from 'stripe';
import type { PgQueryable } from '#platform';
import { createError } from './errors.ts';
import { declineOutcome, type PaymentAttemptError } from './stripe-failures.ts';

/** A charge that settled after `charge` answered pending, or that was settled again: the callback must be idempotent per invoice. */
export type PaymentSettlement = { invoiceId: string; providerRef: string } & (
  { status: 'paid' } | { status: 'failed'; reason: string; retryable: boolean }
);

export interface StripeWebhookDeps {
  db: PgQueryable;
  /** STRIPE_WEBHOOK_SECRET: the endpoint's signing secret. */
  secret: string;
  /** How old a signed delivery may be (Stripe's default: 300 s), against replays of a captured one. */
  toleranceSeconds: number;
  now: Date;
  /** Billing's: records the invoice paid, or counts a failed attempt. */
  onPaymentSettled: (settlement: PaymentSettlement) => Promise<void>;
}

export type StripeWebhookOutcome = { id: string; type: string; outcome: 'handled' | 'ignored' | 'duplicate' };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** What an event means for an invoice the driver charged; undefined for events and PaymentIntents that are not ours. */
function settlementOf(event: Stripe.Event): PaymentSettlement | undefined {
  if (event.type !== 'payment_intent.succeeded' && event.type !== 'payment_intent.payment_failed') return undefined;
  const intent = event.data.object;
  const invoiceId = intent.metadata.invoice_id;
  // PaymentIntents made elsewhere on the same account carry no invoice of ours.
  if (typeof invoiceId !== 'string' || invoiceId === '' || invoiceId.length > 200) return undefined;
  if (event.type === 'payment_intent.succeeded') return { invoiceId, providerRef: intent.id, status: 'paid' };
  const error: PaymentAttemptError = intent.last_payment_error ?? {};
  // Off session, the bank asked for the cardholder: `charge` answered pending, and the
  // customer can still confirm this PaymentIntent on our page. Not a failure yet.
  if (error.code === 'authentication_required') return undefined;
  return { invoiceId, providerRef: intent.id, status: 'failed', ...declineOutcome(error) };
}

/**
 * One delivery to `POST /webhooks/stripe`: the signature checked over the raw body with the
 * SDK's `constructEvent` (secret and tolerance), then the event handled once per id. An id
 * handled before is answered and ignored; the id is recorded after the callback succeeds,
 * so a failure leaves the event for Stripe's next attempt (at least once, hence an
 * idempotent callback). Throws WOW_ERR_STRIPE_WEBHOOK_SIGNATURE or _INVALID, changing nothing.
 */
export async function receiveStripeEvent(
  deps: StripeWebhookDeps,
  delivery: { body: Buffer; signature: string | undefined },
): Promise<StripeWebhookOutcome> {
  let text: string;
  try {
    text = utf8.decode(delivery.body);
  } catch {
    throw createError('WOW_ERR_STRIPE_WEBHOOK_INVALID', { problem: 'the body is not UTF-8 text' });
  }
  if (delivery.signature === undefined || delivery.signature === '')
    throw createError('WOW_ERR_STRIPE_WEBHOOK_SIGNATURE', { problem: 'there is no Stripe-Signature header' });
  let event: Stripe.Event;
  try {
    event = Stripe.webhooks.constructEvent(
      text,
      delivery.signature,
      deps.secret,
      deps.toleranceSeconds,
      undefined,
      deps.now.getTime(),
    );
  } catch (err) {
    if (err instanceof Stripe.errors.StripeSignatureVerificationError)
      throw createError('WOW_ERR_STRIPE_WEBHOOK_SIGNATURE', {
        problem: err.message.split('\n')[0]?.slice(0, 200) ?? 'no match',
      });
    throw createError('WOW_ERR_STRIPE_WEBHOOK_INVALID', { problem: 'the signed body is not JSON' });
  }
  const { id, type } = event as { id: unknown; type: unknown };
  if (
    typeof id !== 'string' ||
    !/^evt_[A-Za-z0-9]{1,250}$/.test(id) ||
    typeof type !== 'string' ||
    !/^[a-z0-9_.]{1,100}$/.test(type)
  )
    throw createError('WOW_ERR_STRIPE_WEBHOOK_INVALID', {
      problem: 'the body is not a Stripe event (an evt_ id and a type)',
    });

  const seen = await deps.db.query('select 1 from commerce_stripe_events where id = $1', [id]);
  if (seen.rows.length > 0) return { id, type, outcome: 'duplicate' };
  const settlement = settlementOf(event);
  if (settlement !== undefined) await deps.onPaymentSettled(settlement);
  const recorded = await deps.db.query(
    'insert into commerce_stripe_events (id, type, handled_at) values ($1, $2, $3) on conflict (id) do nothing',
    [id, type, deps.now],
  );
  // Two deliveries of one id at once: both ran the (idempotent) callback; the second says so.
  if (recorded.rowCount === 0) return { id, type, outcome: 'duplicate' };
  return { id, type, outcome: settlement === undefined ? 'ignored' : 'handled' };
}
