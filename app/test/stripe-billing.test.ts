import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBus, createLogger, createMetrics, loadConfig, type Bus, type Store } from '#platform';
import { createCustomer } from '#domains/support';
import { createStripePaymentProvider, getInvoice, loadPricing, subscribe, subscriptionsOf } from '#domains/commerce';
import { createServer } from '../server/create-server.ts';
import { startStripeDouble, type StripeDouble } from '../../test/doubles/stripe-api.ts';
import { storeBackends } from '../../test/support/test-stores.ts';

const log = createLogger('silent');
const secret = 'whsec_test0123456789abcdefghij';

// The server as deployed with STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET: billing charges
// through the Stripe driver (the official SDK, here against the double), and Stripe's later
// word on a charge it answered pending settles the invoice through POST /webhooks/stripe.
describe('billing through Stripe, settled by its signed webhook', () => {
  let store: Store;
  let closeStore: () => Promise<void>;
  let bus: Bus;
  let server: FastifyInstance;
  let double: StripeDouble;
  let terms: Parameters<typeof subscribe>[1];

  beforeAll(async () => {
    const embedded = storeBackends('stripe-billing').find((b) => b.name === 'embedded PGlite');
    if (embedded === undefined) throw new Error('no embedded backend');
    ({ store, close: closeStore } = await embedded.open());
    double = await startStripeDouble();
    bus = await createBus({
      streamMaxLen: 1000,
      defaults: { concurrency: 1, maxAttempts: 3, visibilityTimeoutMs: 1000, retryBaseMs: 5, retryMaxMs: 20 },
      log,
    });
    const api = {
      secretKey: double.secretKey,
      host: '127.0.0.1',
      port: double.port,
      protocol: 'http' as const,
      maxNetworkRetries: 0,
      timeoutMs: 5000,
    };
    terms = {
      pricing: await loadPricing('config/pricing.yml'),
      provider: createStripePaymentProvider({ db: store, api }),
    };
    server = await createServer({
      config: loadConfig({}),
      bus,
      store,
      log,
      metrics: createMetrics({ defaultMetrics: false }),
      billing: { terms, agents: new Map(), cycleSeconds: 0 },
      stripeWebhook: { secret, toleranceSeconds: 300 },
    });
    await server.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await server?.close();
    await bus?.close();
    await double?.close();
    await closeStore?.();
  });

  it('an invoice charged without a saved card waits, and is paid (and its subscription active) once Stripe says so', async () => {
    const { id } = await createCustomer(store, { slug: 'acme-stripe', name: 'Acme Traders' });
    const { subscription, invoice } = await subscribe(store, terms, {
      organisationId: id,
      agent: { id: 'seo', priceTier: 'standard' },
      now: new Date(),
    });
    expect(invoice).toMatchObject({ status: 'open', totalPaise: 1_416_000 });
    const { rows } = await store.query<{ provider_ref: string; status: string }>(
      'select provider_ref, status from commerce_payments where invoice_id = $1',
      [invoice?.id],
    );
    expect(rows).toEqual([{ provider_ref: expect.stringMatching(/^pi_/) as unknown, status: 'pending' }]);

    // The customer completes the payment with Stripe; Stripe tells the server, twice.
    double.completePayment(rows[0]?.provider_ref ?? '', 'pm_card_visa');
    const endpoint = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}/webhooks/stripe`;
    expect(await double.deliverEvents(endpoint, secret)).toEqual([200]);
    expect(await getInvoice(store, invoice?.number ?? '')).toMatchObject({ status: 'paid' });
    expect((await subscriptionsOf(store, id)).find((s) => s.id === subscription.id)?.status).toBe('active');
  });
});
