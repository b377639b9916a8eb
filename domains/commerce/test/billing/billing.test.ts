import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePDFRawStream, PDFArray, PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { isWowError, type Store } from '#platform';
import { createCustomer } from '#domains/support';
import {
  cancelAtPeriodEnd,
  changePlan,
  createManualPayments,
  getInvoice,
  listInvoices,
  markInvoicePaid,
  parsePricing,
  renderInvoicePdf,
  runBillingCycle,
  settleProviderPayment,
  subscribe,
  subscriptionsOf,
  type BillingTerms,
  type ChargeResult,
  type PaymentProvider,
} from '#domains/commerce';
import { readFileSync } from 'node:fs';
import { storeBackends } from '../../../../test/support/test-stores.ts';

const pricing = parsePricing(
  readFileSync(new URL('../../../../config/pricing.yml', import.meta.url), 'utf8'),
  'config/pricing.yml',
);
const utc = (s: string) => new Date(`${s}Z`);
const seo = { id: 'seo', priceTier: 'standard' as const };
const manual: BillingTerms = { pricing, provider: createManualPayments() };

/**
 * A card provider's stand-in (an outside service, not our store): it answers each charge
 * from a script, 'paid' once the script runs out, and remembers what it was asked.
 */
function scriptedProvider(script: ChargeResult['status'][]): PaymentProvider & { charges: string[] } {
  const charges: string[] = [];
  return {
    name: 'stripe',
    charges,
    ensureCustomer: async (org) => `cus_${org.id.slice(0, 8)}`,
    charge: async (request) => {
      charges.push(request.idempotencyKey);
      const status = script.shift() ?? 'paid';
      return status === 'failed'
        ? { status, reason: 'Your card was declined.', retryable: true }
        : { status, providerRef: `ch_${charges.length}` };
    },
  };
}

async function codeOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    if (isWowError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

const winAnsi = new TextDecoder('windows-1252');

/** The text a PDF page draws: pdf-lib writes each string of a standard font as <hex> Tj, in WinAnsi. */
async function pdfText(bytes: Uint8Array): Promise<{ title: string | undefined; text: string }> {
  const pdf = await PDFDocument.load(bytes);
  const contents = pdf.context.lookup(pdf.getPage(0).node.get(PDFName.of('Contents')));
  const streams = contents instanceof PDFArray ? contents.asArray().map((r) => pdf.context.lookup(r)) : [contents];
  const ops = streams
    .map((stream) => {
      if (!(stream instanceof PDFRawStream)) throw new Error('a page content that is not a stream');
      return new TextDecoder('latin1').decode(decodePDFRawStream(stream).decode());
    })
    .join('\n');
  const text = [...ops.matchAll(/<([0-9A-Fa-f]*)> Tj/g)]
    .map((m) => winAnsi.decode(Buffer.from(m[1] ?? '', 'hex')))
    .join('\n');
  return { title: pdf.getTitle(), text };
}

describe.each(storeBackends('billing'))('billing on $name', (backend) => {
  let store: Store;
  let close: () => Promise<void>;
  let n = 0;
  beforeAll(async () => {
    ({ store, close } = await backend.open());
  });
  afterAll(async () => {
    await close();
  });

  const organisation = async () => (await createCustomer(store, { slug: `org-${++n}`, name: `Org ${n}` })).id;
  const events = async (type: string, subject: string) =>
    (
      await store.query<{ data: Record<string, unknown> }>(
        `select event->'data' as data from outbox where event->>'type' = $1 and event->>'subject' = $2 order by id`,
        [type, subject],
      )
    ).rows.map((r) => r.data);

  it("subscribes on the agent's tier: a month from now, invoiced at once with 18% GST, open until the transfer is marked paid", async () => {
    const org = await organisation();
    const now = utc('2026-03-10T08:00:00.750');
    const { subscription, invoice } = await subscribe(store, manual, { organisationId: org, agent: seo, now });
    expect(subscription).toMatchObject({
      agentId: 'seo',
      planId: 'standard',
      status: 'active',
      currentPeriodStart: '2026-03-10T08:00:00.000Z',
      currentPeriodEnd: '2026-04-10T08:00:00.000Z',
      cancelAtPeriodEnd: false,
    });
    expect(invoice).toMatchObject({
      status: 'open',
      subtotalPaise: 1_200_000,
      taxName: 'GST',
      taxPaise: 216_000,
      totalPaise: 1_416_000,
      timeZone: 'Asia/Kolkata',
      attempts: 1,
    });
    expect(invoice?.number).toMatch(/^WAO-2026-\d{6}$/);
    expect(invoice?.lines).toEqual([
      {
        description: 'Standard plan of seo, 10 Mar 2026 – 10 Apr 2026',
        amountPaise: 1_200_000,
        periodStart: '2026-03-10T08:00:00.000Z',
        periodEnd: '2026-04-10T08:00:00.000Z',
      },
    ]);
    expect(await codeOf(subscribe(store, manual, { organisationId: org, agent: seo, now }))).toBe(
      'WOW_ERR_ALREADY_SUBSCRIBED',
    );
    expect(
      await codeOf(
        subscribe(store, manual, {
          organisationId: org,
          agent: { id: 'ads', priceTier: 'premium' },
          planId: 'basic',
          now,
        }),
      ),
    ).toBe('WOW_ERR_PLAN_UNKNOWN');

    const paid = await markInvoicePaid(store, pricing, {
      number: invoice?.number ?? '',
      by: 'ops-ada',
      reference: 'UTR123',
      now,
    });
    expect(paid).toMatchObject({ status: 'paid', paidAt: '2026-03-10T08:00:00.000Z' });
    expect(await codeOf(markInvoicePaid(store, pricing, { number: paid.number, by: 'ops-ada', now }))).toBe(
      'WOW_ERR_INVOICE_SETTLED',
    );
    expect(await codeOf(markInvoicePaid(store, pricing, { number: 'WAO-1999-000001', by: 'ops', now }))).toBe(
      'WOW_ERR_INVOICE_NOT_FOUND',
    );
    expect(await events('commerce.subscription.changed', subscription.id)).toEqual([
      {
        subscriptionId: subscription.id,
        organisationId: org,
        agentId: 'seo',
        planId: 'standard',
        status: 'active',
        change: 'started',
        periodEnd: '2026-04-10T08:00:00.000Z',
      },
    ]);
    expect((await events('commerce.invoice.changed', paid.id)).map((d) => d.status)).toEqual(['open', 'paid']);
  });

  it("numbers invoices without gaps per year, the year as in the supplier's zone", async () => {
    const year = 2031; // a year no other test issues in
    const numbers: string[] = [];
    for (const at of ['2031-06-01T00:00:00', '2031-12-31T18:29:59', '2031-12-31T18:30:00']) {
      const { invoice } = await subscribe(store, manual, {
        organisationId: await organisation(),
        agent: seo,
        now: utc(at),
      });
      numbers.push(invoice?.number ?? '');
    }
    // 18:30 UTC on Dec 31 is already New Year's Day in Kolkata: the next year's first number.
    expect(numbers).toEqual([`WAO-${year}-000001`, `WAO-${year}-000002`, `WAO-${year + 1}-000001`]);
    // A change that fails after taking a number gives it back.
    const org = await organisation();
    await store
      .transaction(async (tx) => {
        await tx.query(
          'insert into commerce_invoice_counters (year, last_number) values (2031, 99) on conflict (year) do update set last_number = 99',
        );
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    const { invoice } = await subscribe(store, manual, {
      organisationId: org,
      agent: seo,
      now: utc('2031-07-01T00:00:00'),
    });
    expect(invoice?.number).toBe(`WAO-${year}-000003`);
  });

  it("renews on the anchor day with month-end clamping, shows the dates in the customer's zone, and ends a cancelled one at period end", async () => {
    const org = await organisation();
    // 19:00 UTC on Jan 31 is Feb 1 in Kolkata: the periods run on the UTC anchor, the lines read in the customer's zone.
    const { subscription } = await subscribe(store, manual, {
      organisationId: org,
      agent: seo,
      timeZone: 'Asia/Kolkata',
      now: utc('2028-01-31T19:00:00'),
    });
    expect(subscription.currentPeriodEnd).toBe('2028-02-29T19:00:00.000Z');
    expect(await runBillingCycle(store, manual, utc('2028-02-29T18:59:59'), { organisationId: org })).toMatchObject({
      renewed: 0,
    });
    expect(await runBillingCycle(store, manual, utc('2028-02-29T19:00:00'), { organisationId: org })).toMatchObject({
      renewed: 1,
    });
    const [renewed] = await subscriptionsOf(store, org);
    expect(renewed).toMatchObject({
      currentPeriodStart: '2028-02-29T19:00:00.000Z',
      currentPeriodEnd: '2028-03-31T19:00:00.000Z',
      status: 'active',
    });
    const [latest] = await listInvoices(store, { organisationId: org });
    expect(latest?.lines[0]?.description).toBe('Standard plan of seo, 1 Mar 2028 – 1 Apr 2028');

    await cancelAtPeriodEnd(store, { organisationId: org, agentId: 'seo', now: utc('2028-03-15T00:00:00') });
    expect(await runBillingCycle(store, manual, utc('2028-04-01T00:00:00'), { organisationId: org })).toMatchObject({
      cancelled: 1,
      renewed: 0,
    });
    const [ended] = await subscriptionsOf(store, org);
    expect(ended?.status).toBe('cancelled');
    expect(await listInvoices(store, { organisationId: org })).toHaveLength(2);
    expect((await events('commerce.subscription.changed', subscription.id)).map((d) => d.change)).toEqual([
      'started',
      'renewed',
      'cancel_scheduled',
      'cancelled',
    ]);
    // Cancelled, it may be subscribed again: the same subscription, anchored anew.
    const again = await subscribe(store, manual, { organisationId: org, agent: seo, now: utc('2028-05-31T00:00:00') });
    expect(again.subscription).toMatchObject({ id: subscription.id, currentPeriodEnd: '2028-06-30T00:00:00.000Z' });
  });

  it('prorates a plan change to the second: an upgrade invoices the difference, a downgrade leaves credit for the next invoice', async () => {
    const org = await organisation();
    const basic = { id: 'writer', priceTier: 'basic' as const };
    // A 30-day period (Apr 1 → May 1); the change comes after 12 days: 18 of 30 days are left.
    await subscribe(store, manual, { organisationId: org, agent: basic, now: utc('2026-04-01T00:00:00') });
    const up = await changePlan(store, manual, {
      organisationId: org,
      agent: basic,
      planId: 'premium',
      now: utc('2026-04-13T00:00:00'),
    });
    expect(up.subscription.planId).toBe('premium');
    // Premium's rest 1,800,000 × 18/30 = 1,080,000; basic's unused 800,000 × 18/30 = 480,000.
    expect(up.invoice?.lines.map((l) => [l.description, l.amountPaise])).toEqual([
      ['Premium plan of writer (rest of the period), 13 Apr 2026 – 1 May 2026', 1_080_000],
      ['Basic plan of writer (unused time), 13 Apr 2026 – 1 May 2026', -480_000],
    ]);
    expect(up.invoice).toMatchObject({ subtotalPaise: 600_000, taxPaise: 108_000, totalPaise: 708_000 });

    // One second later, down to standard: the rest is a second shorter than 18 days.
    const rest = 18 * 86_400 - 1;
    const down = await changePlan(store, manual, {
      organisationId: org,
      agent: basic,
      planId: 'standard',
      now: utc('2026-04-13T00:00:01'),
    });
    const credit = Math.round((1_800_000 * rest) / (30 * 86_400)) - Math.round((1_200_000 * rest) / (30 * 86_400));
    expect(down.invoice).toBeUndefined();
    expect(down.subscription).toMatchObject({ planId: 'standard', creditPaise: credit });
    expect(credit).toBe(359_999);

    await runBillingCycle(store, manual, utc('2026-05-01T00:00:00'), { organisationId: org });
    const [renewal] = await listInvoices(store, { organisationId: org });
    expect(renewal?.lines.map((l) => l.amountPaise)).toEqual([1_200_000, -credit]);
    expect(renewal).toMatchObject({
      subtotalPaise: 1_200_000 - credit,
      taxPaise: Math.round(((1_200_000 - credit) * 18) / 100),
    });
    expect((await subscriptionsOf(store, org))[0]?.creditPaise).toBe(0);
  });

  it('retries a declined payment on days 1, 3 and 5, then suspends the subscription (never the data); paying resumes it', async () => {
    const org = await organisation();
    const card = scriptedProvider(['failed', 'failed', 'failed', 'failed']);
    const terms = { pricing, provider: card };
    const start = utc('2026-06-01T09:00:00');
    const { subscription, invoice } = await subscribe(store, terms, { organisationId: org, agent: seo, now: start });
    expect(invoice).toMatchObject({ status: 'payment_failed', nextAttemptAt: '2026-06-02T09:00:00.000Z' });
    expect((await subscriptionsOf(store, org))[0]?.status).toBe('past_due');

    // Not before its day; then on days 1 and 3 it fails again.
    expect(await runBillingCycle(store, terms, utc('2026-06-02T08:59:59'), { organisationId: org })).toMatchObject({
      collected: 0,
    });
    await runBillingCycle(store, terms, utc('2026-06-02T09:00:00'), { organisationId: org });
    expect((await getInvoice(store, invoice?.number ?? '')).nextAttemptAt).toBe('2026-06-04T09:00:00.000Z');
    await runBillingCycle(store, terms, utc('2026-06-04T09:00:00'), { organisationId: org });
    expect((await getInvoice(store, invoice?.number ?? '')).nextAttemptAt).toBe('2026-06-06T09:00:00.000Z');
    await runBillingCycle(store, terms, utc('2026-06-06T09:00:00'), { organisationId: org });
    const last = await getInvoice(store, invoice?.number ?? '');
    expect(last).toMatchObject({
      status: 'payment_failed',
      nextAttemptAt: null,
      attempts: 4,
      failureReason: 'Your card was declined.',
    });
    expect((await subscriptionsOf(store, org))[0]?.status).toBe('suspended');
    // Each attempt was its own charge to the provider.
    expect(card.charges).toEqual([1, 2, 3, 4].map((a) => `${invoice?.id}:${a}`));
    // Suspended: not renewed, not retried, and a new subscription waits for the payment.
    expect(await runBillingCycle(store, terms, utc('2026-07-05T00:00:00'), { organisationId: org })).toEqual({
      renewed: 0,
      cancelled: 0,
      collected: 0,
    });
    expect(
      await codeOf(subscribe(store, terms, { organisationId: org, agent: seo, now: utc('2026-07-05T00:00:00') })),
    ).toBe('WOW_ERR_SUBSCRIPTION_STATE');

    // Paid by transfer after the period ended: it resumes with a new period from now, invoiced.
    await markInvoicePaid(store, pricing, { number: last.number, by: 'ops-ada', now: utc('2026-07-05T10:00:00') });
    const [resumed] = await subscriptionsOf(store, org);
    expect(resumed).toMatchObject({
      status: 'active',
      currentPeriodStart: '2026-07-05T10:00:00.000Z',
      currentPeriodEnd: '2026-08-05T10:00:00.000Z',
    });
    expect((await events('commerce.subscription.changed', subscription.id)).map((d) => [d.status, d.change])).toEqual([
      ['active', 'started'],
      ['suspended', 'suspended'],
      ['active', 'resumed'],
    ]);
    // The new period's invoice is collected by the next cycle, and the card pays now.
    await runBillingCycle(store, terms, utc('2026-07-05T10:05:00'), { organisationId: org });
    expect((await listInvoices(store, { organisationId: org, status: 'paid' })).map((i) => i.totalPaise)).toEqual([
      1_416_000, 1_416_000,
    ]);
  });

  it('settles a charge the provider answered pending from its later word (a webhook): once, however often it is told', async () => {
    const org = await organisation();
    const terms = { pricing, provider: scriptedProvider(['pending', 'pending']) };
    const now = utc('2026-09-01T09:00:00');
    const { invoice } = await subscribe(store, terms, { organisationId: org, agent: seo, now });
    expect(invoice).toMatchObject({ status: 'open' });
    const id = invoice?.id ?? '';
    // A declined card, told later: the invoice waits for its first retry and the subscription is past due.
    const failed = {
      invoiceId: id,
      providerRef: 'ch_1',
      status: 'failed',
      reason: 'Your card was declined.',
      retryable: true,
    } as const;
    expect(await settleProviderPayment(store, pricing, 'stripe', failed, now)).toMatchObject({
      status: 'payment_failed',
      nextAttemptAt: '2026-09-02T09:00:00.000Z',
    });
    expect((await subscriptionsOf(store, org))[0]?.status).toBe('past_due');
    // The retry answers pending again; then the provider says paid, twice.
    await runBillingCycle(store, terms, utc('2026-09-02T09:00:00'), { organisationId: org });
    const paid = { invoiceId: id, providerRef: 'ch_2', status: 'paid' } as const;
    for (let i = 0; i < 2; i++)
      expect(await settleProviderPayment(store, pricing, 'stripe', paid, utc('2026-09-02T09:01:00'))).toMatchObject({
        status: 'paid',
      });
    expect((await subscriptionsOf(store, org))[0]?.status).toBe('active');
    const payments = await store.query<{ provider_ref: string; status: string }>(
      'select provider_ref, status from commerce_payments where invoice_id = $1 order by attempted_at, provider_ref',
      [id],
    );
    expect(payments.rows).toEqual([
      { provider_ref: 'ch_1', status: 'failed' },
      { provider_ref: 'ch_2', status: 'paid' },
    ]);
    expect((await events('commerce.invoice.changed', id)).map((d) => d.status)).toEqual([
      'open',
      'payment_failed',
      'paid',
    ]);
    // An invoice of another deployment (unknown id) changes nothing.
    expect(
      await settleProviderPayment(store, pricing, 'stripe', { ...paid, invoiceId: crypto.randomUUID() }, now),
    ).toBeUndefined();
  });

  it('renders the invoice as a PDF whose page carries its number, lines, tax and total', async () => {
    const org = await organisation();
    const { invoice } = await subscribe(store, manual, {
      organisationId: org,
      agent: seo,
      now: utc('2026-08-31T12:00:00'),
    });
    if (invoice === undefined) throw new Error('no invoice');
    const { title, text } = await pdfText(
      await renderInvoicePdf(invoice, { supplier: 'WAOOAW', customer: 'Org ₹ Ltd <script>\n' }),
    );
    expect(title).toBe(`Invoice ${invoice.number}`);
    expect(text).toContain(`Invoice ${invoice.number}`);
    expect(text).toContain('To: Org ? Ltd <script>?');
    expect(text).toContain('Standard plan of seo, 31 Aug 2026 \u2013 30 Sept 2026');
    expect(text).toContain('INR 12,000.00');
    expect(text).toContain('GST 18%\nINR 2,160.00');
    expect(text).toContain('Total\nINR 14,160.00');
  });
});
