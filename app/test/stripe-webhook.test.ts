import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createMetrics, type Store } from '#platform';
import { createCustomer } from '#domains/support';
import { createStripePaymentProvider, type PaymentSettlement } from '#domains/commerce';
import { createFastify } from '../server/create-fastify.ts';
import { stripeWebhook } from '../billing/stripe-webhook.ts';
import { signedDelivery, startStripeDouble, type StripeDouble, type TestCard } from '../../test/doubles/stripe-api.ts';
import { storeBackends } from '../../test/support/test-stores.ts';

const secret = 'whsec_test0123456789abcdefghij';

describe.each(storeBackends('stripe-webhook'))('POST /webhooks/stripe on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let double: StripeDouble;
  let app: FastifyInstance;
  const settled: PaymentSettlement[] = [];
  let failNextSettlement = false;

  beforeAll(async () => {
    ({ store, close } = await backend.open());
    double = await startStripeDouble();
    app = createFastify({ log: createLogger('silent'), metrics: createMetrics({ defaultMetrics: false }) });
    await app.register(stripeWebhook, {
      store,
      webhook: { secret, toleranceSeconds: 300 },
      onPaymentSettled: async (settlement) => {
        if (failNextSettlement) {
          failNextSettlement = false;
          throw new Error('billing could not record it');
        }
        settled.push(settlement);
        return Promise.resolve();
      },
      metrics: createMetrics({ defaultMetrics: false }),
      clock: () => new Date(),
    });
  });
  afterAll(async () => {
    // Each only if its part of the setup got that far.
    await app?.close();
    await double?.close();
    await close?.();
  });

  /** The event Stripe sends after an invoice of a new organisation is charged with `card`. */
  async function eventOfCharge(card: TestCard): Promise<{ event: Stripe.Event; invoiceId: string }> {
    const { id } = await createCustomer(store, { slug: `org-${randomUUID().slice(0, 8)}`, name: 'Acme Traders' });
    const stripe = createStripePaymentProvider({
      db: store,
      api: {
        secretKey: double.secretKey,
        host: '127.0.0.1',
        port: double.port,
        protocol: 'http',
        maxNetworkRetries: 0,
        timeoutMs: 5000,
      },
    });
    double.saveCard(await stripe.ensureCustomer({ id, name: 'Acme Traders', email: 'billing@acme.example' }), card);
    const invoiceId = randomUUID();
    await stripe.charge({
      invoiceId,
      organisationId: id,
      amountPaise: 944_000,
      currency: 'inr',
      description: 'Basic plan',
      idempotencyKey: randomUUID(),
    });
    const event = double.events.at(-1);
    if (event === undefined) throw new Error('the double sent no event');
    return { event, invoiceId };
  }
  const deliver = (body: string, signature?: string, contentType = 'application/json; charset=utf-8') =>
    app.inject({
      method: 'POST',
      url: '/webhooks/stripe',
      headers: { 'content-type': contentType, ...(signature === undefined ? {} : { 'stripe-signature': signature }) },
      payload: body,
    });
  const recorded = async (eventId: string) =>
    (await store.query('select 1 from commerce_stripe_events where id = $1', [eventId])).rows.length;

  it('settles the invoice of a payment that succeeded, once however often Stripe delivers the event', async () => {
    const { event, invoiceId } = await eventOfCharge('pm_card_visa');
    const { body, signature } = signedDelivery(event, secret);
    const first = await deliver(body, signature);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false });
    expect(settled.filter((s) => s.invoiceId === invoiceId)).toEqual([
      { invoiceId, status: 'paid', providerRef: (event.data.object as Stripe.PaymentIntent).id },
    ]);
    // Stripe's retry of the same event, signed anew.
    const again = signedDelivery(event, secret);
    expect((await deliver(again.body, again.signature)).json()).toEqual({ received: true, duplicate: true });
    expect(settled.filter((s) => s.invoiceId === invoiceId)).toHaveLength(1);
  });

  it('reports a failed payment with whether to retry', async () => {
    const { event, invoiceId } = await eventOfCharge('pm_card_chargeDeclinedInsufficientFunds');
    const { body, signature } = signedDelivery(event, secret);
    expect((await deliver(body, signature)).statusCode).toBe(200);
    expect(settled.find((s) => s.invoiceId === invoiceId)).toMatchObject({
      status: 'failed',
      retryable: true,
      reason: expect.stringContaining('insufficient_funds') as string,
    });
  });

  it('refuses a tampered body, a stale or foreign signature and none at all with 400, changing nothing', async () => {
    const { event, invoiceId } = await eventOfCharge('pm_card_visa');
    const { body, signature } = signedDelivery(event, secret);
    const tampered = body.replace(/"amount": 944000/, '"amount": 1');
    expect(tampered).not.toBe(body);
    const stale = signedDelivery(event, secret, Math.floor(Date.now() / 1000) - 301);
    const foreign = signedDelivery(event, 'whsec_someoneelse0123456789');
    for (const [text, header] of [
      [tampered, signature],
      [stale.body, stale.signature],
      [foreign.body, foreign.signature],
      [body, undefined],
      [body, 't=1,v1=zz'],
    ] as const) {
      const res = await deliver(text, header);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'WOW_ERR_STRIPE_WEBHOOK_SIGNATURE' });
    }
    expect(settled.some((s) => s.invoiceId === invoiceId)).toBe(false);
    expect(await recorded(event.id)).toBe(0);
  });

  it("leaves an event for Stripe's next attempt when billing fails on it", async () => {
    const { event, invoiceId } = await eventOfCharge('pm_card_visa');
    const { body, signature } = signedDelivery(event, secret);
    failNextSettlement = true;
    expect((await deliver(body, signature)).statusCode).toBe(500);
    expect(await recorded(event.id)).toBe(0);
    expect((await deliver(body, signature)).json()).toEqual({ received: true, duplicate: false });
    expect(settled.filter((s) => s.invoiceId === invoiceId)).toHaveLength(1);
  });

  it('answers events that are not about our invoices without acting on them', async () => {
    const { event } = await eventOfCharge('pm_card_visa');
    const intent = event.data.object as Stripe.PaymentIntent;
    const elsewhere = { ...event, id: 'evt_elsewhere1', data: { object: { ...intent, metadata: {} } } } as Stripe.Event;
    const other = {
      ...event,
      id: 'evt_customer1',
      type: 'customer.created',
      data: { object: double.customers.values().next().value },
    } as Stripe.Event;
    const before = settled.length;
    for (const e of [elsewhere, other]) {
      const { body, signature } = signedDelivery(e, secret);
      expect((await deliver(body, signature)).statusCode).toBe(200);
    }
    expect(settled.length).toBe(before);
  });

  it('takes every event the double sent over HTTP, as Stripe delivers them, and settles each invoice once', async () => {
    await eventOfCharge('pm_card_chargeDeclinedLostCard');
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const statuses = await double.deliverEvents(`${address}/webhooks/stripe`, secret);
    expect(statuses).toHaveLength(double.events.length);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const invoices = settled.map((s) => s.invoiceId);
    expect(new Set(invoices).size).toBe(invoices.length);
    expect(settled.at(-1)).toMatchObject({
      status: 'failed',
      retryable: false,
      reason: expect.stringContaining('lost_card') as string,
    });
  });

  it('takes only JSON, and only so much of it', async () => {
    const { event } = await eventOfCharge('pm_card_visa');
    const { body, signature } = signedDelivery(event, secret);
    expect((await deliver(body, signature, 'text/plain')).statusCode).toBe(415);
    const huge = JSON.stringify({ ...event, padding: 'x'.repeat(300 * 1024) });
    expect((await deliver(huge, signature)).statusCode).toBe(413);
    // Signed with the secret, yet no event: not Stripe's.
    const res = await deliver('not json', Stripe.webhooks.generateTestHeaderString({ payload: 'not json', secret }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'WOW_ERR_STRIPE_WEBHOOK_INVALID' });
  });
});
