import type { PgQueryable } from '#platform';
import { planIds, type PlanId, type Pricing } from './pricing.ts';

/** Subscriptions as operators' dashboard shows them: recurring revenue and churn. */
export interface RevenueFigures {
  /** Monthly recurring revenue, exact integer paise before tax: each live subscription's plan a month. */
  mrrPaise: number;
  /** Live subscriptions (active or past due: both still renew), and of them past due. */
  live: number;
  pastDue: number;
  churn: {
    /** The span's start: `days` before now. */
    since: string;
    /** Subscriptions live at the start. */
    liveAtStart: number;
    /** Of those, the ones whose last period ended cancelled within the span. */
    cancelled: number;
    /** cancelled / liveAtStart; null when nothing was live at the start. */
    rate: number | null;
  };
}

/**
 * MRR and churn at `now` over the `days` before it. A cancelled subscription ended when its
 * last period did (the billing cycle cancels it then), and its row keeps only its latest
 * start (anchor_at): one subscribed again is counted from that start. Churn counts only
 * subscriptions live at the start, so the rate stays a share of them.
 */
export async function revenueFigures(
  db: PgQueryable,
  pricing: Pricing,
  now: Date,
  days: number,
): Promise<RevenueFigures> {
  const since = new Date(now.getTime() - days * 86_400_000);
  const [live, churn] = await Promise.all([
    db.query<{ plan_id: string; live: number; past_due: number }>(
      `select plan_id, count(*)::int as live, (count(*) filter (where status = 'past_due'))::int as past_due
         from commerce_subscriptions where status in ('active', 'past_due') and anchor_at <= $1 group by plan_id`,
      [now],
    ),
    db.query<{ live_at_start: number; cancelled: number }>(
      `select count(*)::int as live_at_start,
              (count(*) filter (where status = 'cancelled' and current_period_end <= $2))::int as cancelled
         from commerce_subscriptions
        where anchor_at <= $1 and (status <> 'cancelled' or current_period_end > $1)`,
      [since, now],
    ),
  ]);
  // A plan the pricing no longer names is an error of configuration, not revenue to guess at.
  const monthly = (id: string) => {
    const plan = planIds.find((p): p is PlanId => p === id);
    if (plan === undefined)
      throw new RangeError(`a live subscription is on plan "${id}", which config/pricing.yml does not name`);
    return pricing.plans[plan].monthlyPaise;
  };
  const mrrPaise = live.rows.reduce((sum, r) => sum + r.live * monthly(r.plan_id), 0);
  if (!Number.isSafeInteger(mrrPaise)) throw new RangeError('MRR exceeds exact integer paise');
  const { live_at_start: liveAtStart, cancelled } = churn.rows[0] ?? { live_at_start: 0, cancelled: 0 };
  return {
    mrrPaise,
    live: live.rows.reduce((sum, r) => sum + r.live, 0),
    pastDue: live.rows.reduce((sum, r) => sum + r.past_due, 0),
    churn: {
      since: since.toISOString(),
      liveAtStart,
      cancelled,
      rate: liveAtStart === 0 ? null : cancelled / liveAtStart,
    },
  };
}
