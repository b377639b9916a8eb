import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '#platform';
import { createCustomer } from '#domains/support';
import {
  cancelAtPeriodEnd,
  changePlan,
  createManualPayments,
  parsePricing,
  revenueFigures,
  runBillingCycle,
  subscribe,
  trialFigures,
  type BillingTerms,
} from '#domains/commerce';
import { storeBackends } from '../../../../test/support/test-stores.ts';

const pricing = parsePricing(
  readFileSync(new URL('../../../../config/pricing.yml', import.meta.url), 'utf8'),
  'config/pricing.yml',
);
const manual: BillingTerms = { pricing, provider: createManualPayments() };
const utc = (s: string) => new Date(`${s}Z`);

// The operators' dashboard's commerce figures, from subscriptions and trials made as customers make them.
describe.each(storeBackends('revenue-figures'))('revenue and trial figures on $name', (backend) => {
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

  it('sums MRR in exact paise from live plans, and counts churn over the span among those live at its start', async () => {
    const now = utc('2026-06-30T12:00:00');
    const empty = await revenueFigures(store, pricing, now, 30);
    expect(empty).toEqual({
      mrrPaise: 0,
      live: 0,
      pastDue: 0,
      churn: { since: '2026-05-31T12:00:00.000Z', liveAtStart: 0, cancelled: 0, rate: null },
    });

    const seo = { id: 'seo', priceTier: 'standard' as const };
    const ads = { id: 'ads', priceTier: 'basic' as const };
    // Four organisations subscribed in March: one moves up to premium, one cancels in June, one in April.
    const [a, b, c, d] = [await organisation(), await organisation(), await organisation(), await organisation()];
    const march = utc('2026-03-15T10:00:00');
    for (const org of [a, b, c, d]) await subscribe(store, manual, { organisationId: org, agent: seo, now: march });
    await subscribe(store, manual, { organisationId: a, agent: ads, now: march });
    await changePlan(store, manual, { organisationId: a, agent: seo, planId: 'premium', now: march });
    await cancelAtPeriodEnd(store, { organisationId: b, agentId: 'seo', now: utc('2026-03-20T00:00:00') });
    await runBillingCycle(store, manual, utc('2026-04-15T10:00:00'));
    await runBillingCycle(store, manual, utc('2026-05-15T10:00:00'));
    await cancelAtPeriodEnd(store, { organisationId: c, agentId: 'seo', now: utc('2026-06-01T00:00:00') });
    await runBillingCycle(store, manual, utc('2026-06-15T10:00:00'));
    // One subscribed within the span: live now, not at its start.
    await subscribe(store, manual, {
      organisationId: await organisation(),
      agent: ads,
      now: utc('2026-06-20T00:00:00'),
    });

    const figures = await revenueFigures(store, pricing, now, 30);
    // Live: a's premium seo and basic ads, d's standard seo, the new basic ads.
    expect(figures.mrrPaise).toBe(1_800_000 + 800_000 + 1_200_000 + 800_000);
    expect([figures.live, figures.pastDue]).toEqual([4, 0]);
    // Live on May 31: a (two), c and d; b had ended in April. c ended on June 15.
    expect(figures.churn).toEqual({ since: '2026-05-31T12:00:00.000Z', liveAtStart: 4, cancelled: 1, rate: 0.25 });
  });

  it('counts trials started in the span and the share converted', async () => {
    const since = utc('2031-01-01T00:00:00');
    expect(await trialFigures(store, since)).toMatchObject({ started: 0, conversionRate: null });
    const trial = async (startedAt: string, state: 'active' | 'ended' | 'converted') =>
      store.query(
        `insert into commerce_trials (id, organisation_id, agent_id, started_at, ends_at, industry, goals, audience, tone,
           good_result, state, ended_at)
         values ($1, $2, 'seo', $3, $3::timestamptz + interval '7 days', 'Books', 'More readers', 'Readers', 'warm', 'Fixes',
           $4, case when $4 = 'active' then null else $3::timestamptz + interval '7 days' end)`,
        [randomUUID(), await organisation(), utc(startedAt), state],
      );
    await trial('2030-12-20T00:00:00', 'converted');
    await trial('2031-01-02T00:00:00', 'converted');
    await trial('2031-01-03T00:00:00', 'ended');
    await trial('2031-01-04T00:00:00', 'ended');
    await trial('2031-01-10T00:00:00', 'active');
    expect(await trialFigures(store, since)).toEqual({
      since: '2031-01-01T00:00:00.000Z',
      started: 4,
      active: 1,
      converted: 1,
      ended: 2,
      conversionRate: 0.25,
    });
  });
});
