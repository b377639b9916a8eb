import type { PgQueryable } from '#platform';
import { dayIn } from './billing-calendar.ts';
import { billingTimeZone, type NewLine } from './issue-invoice.ts';
import type { PlanId, Pricing } from './pricing.ts';

/** "Standard plan of seo, 31 Jan 2026 – 28 Feb 2026": the dates in the organisation's zone. */
export async function planLine(
  tx: PgQueryable,
  pricing: Pricing,
  s: { organisationId: string; agentId: string; planId: PlanId },
  period: { start: Date; end: Date },
  amountPaise: number,
  note = '',
): Promise<NewLine> {
  const zone = await billingTimeZone(tx, s.organisationId, pricing);
  return {
    description: `${pricing.plans[s.planId].name} plan of ${s.agentId}${note}, ${dayIn(period.start, zone)} – ${dayIn(period.end, zone)}`,
    amountPaise,
    period,
  };
}

/**
 * A whole period of the plan, less what credit the subscription holds (up to the period's
 * price). Returns the lines and the credit they use.
 */
export async function periodLines(
  tx: PgQueryable,
  pricing: Pricing,
  s: { organisationId: string; agentId: string; planId: PlanId; creditPaise: number },
  period: { start: Date; end: Date },
): Promise<{ lines: NewLine[]; creditUsed: number }> {
  const price = pricing.plans[s.planId].monthlyPaise;
  const creditUsed = Math.min(s.creditPaise, price);
  const lines = [await planLine(tx, pricing, s, period, price)];
  if (creditUsed > 0) lines.push({ description: 'Credit left by an earlier plan change', amountPaise: -creditUsed });
  return { lines, creditUsed };
}
