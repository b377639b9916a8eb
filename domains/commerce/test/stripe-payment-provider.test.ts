import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWowError, readSharedSettings, sharedVariables, type Store } from '#platform';
import { createCustomer } from '#domains/support';
import { createStripePaymentProvider, stripeSettings, type StripeApi } from '#domains/commerce';
import type { PaymentProvider } from '../src/billing/payment-provider.ts';
import { startStripeDouble, type StripeDouble, type TestCard } from '../../../test/doubles/stripe-api.ts';
import { storeBackends } from '../../../test/support/test-stores.ts';

const apiOf = (double: StripeDouble, secretKey = double.secretKey): StripeApi => ({
  secretKey,
  host: '127.0.0.1',
  port: double.port,
  protocol: 'http',
  // The SDK's own retries would hide the failures these tests provoke.
  maxNetworkRetries: 0,
  timeoutMs: 5000,
});

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    if (isWowError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

describe.each(storeBackends('stripe'))('the Stripe driver on $name, against the Stripe double', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let double: StripeDouble;
  let stripe: PaymentProvider;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
    double = await startStripeDouble();
    stripe = createStripePaymentProvider({ db: store, api: apiOf(double) });
  });
  afterAll(async () => {
    // Each only if its part of the setup got that far.
    expect(double?.violations ?? []).toEqual([]);
    await double?.close();
    await close?.();
  });

  /** An organisation (the support desk's customer of the same id) that is a customer at Stripe, with `card` saved. */
  async function payingOrganisation(card?: TestCard) {
    const { id } = await createCustomer(store, { slug: `org-${randomUUID().slice(0, 8)}`, name: 'Acme Traders' });
    const customerId = await stripe.ensureCustomer({ id, name: 'Acme Traders', email: 'billing@acme.example' });
    if (card !== undefined) double.saveCard(customerId, card);
    return { organisationId: id, customerId };
  }
  const charge = (organisationId: string, key = randomUUID()) =>
    stripe.charge({
      invoiceId: randomUUID(),
      organisationId,
      amountPaise: 1_416_000,
      currency: 'inr',
      description: 'WAOOAW — SEO agent, standard plan, December 2026 (incl. 18% GST)',
      idempotencyKey: key,
    });

  it('makes an organisation a Stripe customer once, however often it is asked', async () => {
    const { organisationId, customerId } = await payingOrganisation();
    const before = double.requests.length;
    const org = { id: organisationId, name: 'Acme Traders', email: 'billing@acme.example' };
    expect(await stripe.ensureCustomer(org)).toBe(customerId);
    expect(double.requests.length).toBe(before);
    expect(double.customers.get(customerId)).toMatchObject({
      object: 'customer',
      name: 'Acme Traders',
      email: 'billing@acme.example',
      metadata: { organisation_id: organisationId },
    });

    // The stored id lost (or a creation whose answer never came back): Stripe's search finds it.
    await store.query('delete from commerce_stripe_customers where organisation_id = $1', [organisationId]);
    expect(await stripe.ensureCustomer(org)).toBe(customerId);
    // An account without search: the creation's idempotency key gives back the same customer.
    await store.query('delete from commerce_stripe_customers where organisation_id = $1', [organisationId]);
    double.search = 'unavailable';
    try {
      expect(await stripe.ensureCustomer(org)).toBe(customerId);
    } finally {
      double.search = 'available';
    }
    expect(double.requests.at(-1)).toMatchObject({ path: '/v1/customers', replayed: true });
    expect([...double.customers.values()].filter((c) => c.metadata.organisation_id === organisationId)).toHaveLength(1);
  });

  it('charges a saved card in INR paise as a PaymentIntent, once per idempotency key', async () => {
    const { organisationId, customerId } = await payingOrganisation('pm_card_visa');
    const key = randomUUID();
    const result = await charge(organisationId, key);
    expect(result).toEqual({ status: 'paid', providerRef: expect.stringMatching(/^pi_/) as string });
    const intent = double.paymentIntents.get(result.providerRef ?? '');
    expect(intent).toMatchObject({
      amount: 1_416_000,
      amount_received: 1_416_000,
      currency: 'inr',
      customer: customerId,
      status: 'succeeded',
      metadata: { organisation_id: organisationId },
    });
    expect(double.events.at(-1)).toMatchObject({
      type: 'payment_intent.succeeded',
      data: { object: { id: intent?.id } },
    });

    // The same attempt again (an answer lost on the way back): Stripe replays it, nothing is charged twice.
    const intents = double.paymentIntents.size;
    const again = await stripe.charge({
      invoiceId: intent?.metadata.invoice_id ?? '',
      organisationId,
      amountPaise: 1_416_000,
      currency: 'inr',
      description: intent?.description ?? '',
      idempotencyKey: key,
    });
    expect(again).toEqual(result);
    expect(double.paymentIntents.size).toBe(intents);
    expect(double.requests.at(-1)).toMatchObject({ path: '/v1/payment_intents', idempotencyKey: key, replayed: true });
  });

  it.each([
    ['pm_card_chargeDeclined', false, 'card_declined: generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', true, 'insufficient_funds'],
    ['pm_card_chargeDeclinedLostCard', false, 'lost_card'],
    ['pm_card_chargeDeclinedExpiredCard', false, 'expired_card'],
    ['pm_card_chargeDeclinedProcessingError', true, 'processing_error'],
  ] as const)('a card declined as %s fails with retryable %s, as Stripe advises', async (card, retryable, code) => {
    const { organisationId } = await payingOrganisation(card);
    const result = await charge(organisationId);
    expect(result).toMatchObject({ status: 'failed', retryable, providerRef: expect.stringMatching(/^pi_/) as string });
    expect(result.status === 'failed' && result.reason).toContain(code);
    expect(double.events.at(-1)?.type).toBe('payment_intent.payment_failed');
  });

  it('leaves a charge pending for the customer when there is no saved card, or the bank wants them to authenticate', async () => {
    const { organisationId } = await payingOrganisation();
    const unsaved = await charge(organisationId);
    expect(unsaved).toEqual({ status: 'pending', providerRef: expect.stringMatching(/^pi_/) as string });
    expect(double.paymentIntents.get(unsaved.providerRef ?? '')?.status).toBe('requires_payment_method');
    expect(double.completePayment(unsaved.providerRef ?? '', 'pm_card_visa').status).toBe('succeeded');

    const { organisationId: strict } = await payingOrganisation('pm_card_authenticationRequired');
    const asked = await charge(strict);
    expect(asked).toEqual({ status: 'pending', providerRef: expect.stringMatching(/^pi_/) as string });
    expect(double.completePayment(asked.providerRef ?? '', 'pm_card_authenticationRequired').status).toBe('succeeded');
  });

  it('fails a charge as retryable when Stripe cannot be reached or fails on its side, and raises what no retry mends', async () => {
    const { organisationId } = await payingOrganisation('pm_card_visa');
    // The SDK tries a closed connection once more on its own (a stale keep-alive socket), whatever maxNetworkRetries says.
    double.failNext('connection', 2);
    expect(await charge(organisationId)).toMatchObject({ status: 'failed', retryable: true });
    double.failNext('api_error');
    expect(await charge(organisationId)).toMatchObject({ status: 'failed', retryable: true });
    double.failNext('connection', 2);
    const org = { id: randomUUID(), name: 'Nobody Ltd', email: 'x@nobody.example' };
    expect(await codeOf(stripe.ensureCustomer(org))).toBe('WOW_ERR_STRIPE_UNAVAILABLE');

    const wrongKey = createStripePaymentProvider({ db: store, api: apiOf(double, 'sk_test_revoked0000000000') });
    expect(
      await codeOf(
        wrongKey.charge({
          invoiceId: 'i',
          organisationId,
          amountPaise: 100,
          currency: 'inr',
          description: 'x',
          idempotencyKey: randomUUID(),
        }),
      ),
    ).toBe('WOW_ERR_STRIPE_REFUSED');
  });
});

describe('the Stripe double', () => {
  let double: StripeDouble;
  let stripe: Stripe;
  beforeAll(async () => {
    double = await startStripeDouble();
    stripe = new Stripe(double.secretKey, {
      host: '127.0.0.1',
      port: double.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  });
  afterAll(async () => {
    await double.close();
  });

  const refusal = async (work: Promise<unknown>) => {
    try {
      await work;
    } catch (err) {
      if (err instanceof Stripe.errors.StripeError)
        return { type: err.type, code: err.code, param: err.param, message: err.message };
      throw err;
    }
    return undefined;
  };

  it('refuses what Stripe refuses: a missing amount, an unknown currency or parameter, a fraction of a paisa', async () => {
    expect(
      await refusal(stripe.paymentIntents.create({ currency: 'inr' } as Stripe.PaymentIntentCreateParams)),
    ).toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'parameter_missing',
      param: 'amount',
    });
    expect(await refusal(stripe.paymentIntents.create({ amount: 1000, currency: 'xyz' }))).toMatchObject({
      type: 'StripeInvalidRequestError',
      param: 'currency',
      message: expect.stringContaining('Invalid currency: xyz') as string,
    });
    expect(await refusal(stripe.paymentIntents.create({ amount: 10.5, currency: 'inr' }))).toMatchObject({
      code: 'parameter_invalid_integer',
      param: 'amount',
    });
    expect(await refusal(stripe.paymentIntents.create({ amount: 10, currency: 'inr' }))).toMatchObject({
      code: 'amount_too_small',
    });
    expect(
      await refusal(
        stripe.paymentIntents.create({
          amount: 1000,
          currency: 'inr',
          colour: 'red',
        } as Stripe.PaymentIntentCreateParams),
      ),
    ).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    // A confirmation that may redirect the customer needs a return_url; off session, redirects are off.
    expect(
      await refusal(
        stripe.paymentIntents.create({ amount: 1000, currency: 'inr', confirm: true, payment_method: 'pm_x' }),
      ),
    ).toMatchObject({
      param: 'return_url',
    });
    expect(double.paymentIntents.size).toBe(0);
  });

  it("answers a reused idempotency key with the first result, and with Stripe's idempotency error for other parameters", async () => {
    const first = await stripe.paymentIntents.create({ amount: 5000, currency: 'inr' }, { idempotencyKey: 'k-1' });
    const replay = await stripe.paymentIntents.create({ amount: 5000, currency: 'inr' }, { idempotencyKey: 'k-1' });
    expect(replay.id).toBe(first.id);
    expect(
      await refusal(stripe.paymentIntents.create({ amount: 6000, currency: 'inr' }, { idempotencyKey: 'k-1' })),
    ).toMatchObject({
      type: 'StripeIdempotencyError',
      message: expect.stringContaining('same parameters') as string,
    });
    // A request refused by validation keeps nothing under its key: the corrected one goes through.
    await refusal(stripe.paymentIntents.create({ amount: 5, currency: 'inr' }, { idempotencyKey: 'k-2' }));
    expect(
      (await stripe.paymentIntents.create({ amount: 500, currency: 'inr' }, { idempotencyKey: 'k-2' })).amount,
    ).toBe(500);
  });

  it('wants the secret key', async () => {
    const stranger = new Stripe('sk_test_someoneelse000000', {
      host: '127.0.0.1',
      port: double.port,
      protocol: 'http',
      maxNetworkRetries: 0,
    });
    expect(await refusal(stranger.customers.create({ name: 'x' }))).toMatchObject({
      type: 'StripeAuthenticationError',
    });
    expect(double.violations).toEqual([]);
  });
});

describe('stripeSettings', () => {
  const read = (env: Record<string, string>) => readSharedSettings(stripeSettings, env);

  it('has no Stripe without a secret key (the manual driver bills), and reads the API origin for a double', () => {
    expect(read({})).toEqual({ api: undefined, webhook: undefined });
    expect(
      read({
        STRIPE_SECRET_KEY: 'sk_test_0123456789abcdef',
        STRIPE_WEBHOOK_SECRET: 'whsec_0123456789abcdef',
        STRIPE_API_URL: 'http://127.0.0.1:12111',
      }),
    ).toEqual({
      api: {
        secretKey: 'sk_test_0123456789abcdef',
        host: '127.0.0.1',
        port: 12111,
        protocol: 'http',
        maxNetworkRetries: 2,
        timeoutMs: 30_000,
      },
      webhook: { secret: 'whsec_0123456789abcdef', toleranceSeconds: 300 },
    });
    expect(read({ STRIPE_SECRET_KEY: 'rk_live_0123456789abcdef' }).api).toMatchObject({
      host: 'api.stripe.com',
      port: 443,
      protocol: 'https',
    });
  });

  it('refuses a publishable key for the secret one, naming the variable', () => {
    let message = '';
    try {
      read({ STRIPE_SECRET_KEY: 'pk_live_0123456789abcdef' });
    } catch (err) {
      if (isWowError(err, 'WOW_ERR_CONFIG')) message = err.message;
    }
    expect(message).toContain('STRIPE_SECRET_KEY: expected a secret key');
  });

  it('has each of its variables documented in .env.example', () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    for (const name of sharedVariables(stripeSettings)) expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });
});
