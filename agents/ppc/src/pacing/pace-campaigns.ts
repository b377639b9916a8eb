import type { Campaign } from './read-campaigns.ts';

/** The most a bid moves in one step: bigger jumps reset the platforms' learning and swing the spend. */
export const maxBidStep = 0.3;

export type Pace = 'over' | 'under' | 'on pace' | 'no budget';

export interface CampaignPace {
  campaign: string;
  budget: number;
  spend: number;
  /** What linear pacing would have spent by the day: the budget × day ÷ days in the month. */
  expected: number;
  /** The spend over the expected, in per cent. */
  pacePercent: number | null;
  /** The spend at this day's rate to the month's end. */
  projected: number;
  pace: Pace;
  /** What to spend a day for the rest of the month to end on the budget (null on its last day). */
  dailyToBudget: number | null;
  conversions: number;
  cpa: number | null;
  roas: number | null;
  cpc: number | null;
  conversionRate: number | null;
  bid: number | null;
  /** With a target cost per conversion, a bid and conversions to measure by. */
  bidAdvice: BidAdvice | null;
}

export interface BidAdvice {
  /** The bid that would reach the target if cost per click moves with the bid and conversion rate holds. */
  ideal: number;
  /** The ideal, within ±30% of the current bid. */
  suggested: number;
  changePercent: number;
}

export interface Pacing {
  asOf: string;
  day: number;
  daysInMonth: number;
  targetCpa: number | null;
  tolerancePercent: number;
  campaigns: CampaignPace[];
  totals: {
    budget: number;
    spend: number;
    expected: number;
    projected: number;
    conversions: number;
    cpa: number | null;
  };
}

const money = (x: number) => Math.round(x * 100) / 100;
const ratio = (x: number) => Math.round(x * 10000) / 10000;
const percent = (x: number) => Math.round(x * 10) / 10;

/**
 * Each campaign's month so far: the spend against linear pacing to the as-of day, the
 * month-end projection at the same daily rate, flagged over or under when it misses the
 * budget by more than the tolerance, and what a day keeps it on budget; its cost per
 * conversion, return on ad spend, cost per click and conversion rate; and, with a target
 * cost per conversion, its bid scaled by target ÷ actual cost per conversion (at a steady
 * conversion rate cost per conversion = cost per click ÷ conversion rate, so cost per click
 * has to move by that ratio), in steps of at most 30%.
 */
export function paceCampaigns(
  campaigns: Campaign[],
  opts: { asOf: string; targetCpa: number | null; tolerancePercent: number },
): Pacing {
  const [y = 0, m = 1, d = 1] = opts.asOf.split('-').map(Number);
  const daysInMonth = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const day = d;
  const tolerance = opts.tolerancePercent / 100;
  const paced = campaigns.map((c): CampaignPace => {
    const expected = (c.budget * day) / daysInMonth;
    const projected = (c.spend / day) * daysInMonth;
    const pace: Pace =
      c.budget === 0
        ? 'no budget'
        : projected > c.budget * (1 + tolerance)
          ? 'over'
          : projected < c.budget * (1 - tolerance)
            ? 'under'
            : 'on pace';
    const cpa = c.conversions > 0 ? c.spend / c.conversions : null;
    let bidAdvice: BidAdvice | null = null;
    if (opts.targetCpa !== null && cpa !== null && cpa > 0 && c.bid !== null && c.bid > 0) {
      const ideal = (c.bid * opts.targetCpa) / cpa;
      const suggested = Math.min(Math.max(ideal, c.bid * (1 - maxBidStep)), c.bid * (1 + maxBidStep));
      bidAdvice = {
        ideal: money(ideal),
        suggested: money(suggested),
        changePercent: percent((money(suggested) / c.bid - 1) * 100),
      };
    }
    return {
      campaign: c.campaign,
      budget: money(c.budget),
      spend: money(c.spend),
      expected: money(expected),
      pacePercent: expected === 0 ? null : percent((c.spend / expected) * 100),
      projected: money(projected),
      pace,
      dailyToBudget: day === daysInMonth ? null : money(Math.max(c.budget - c.spend, 0) / (daysInMonth - day)),
      conversions: c.conversions,
      cpa: cpa === null ? null : money(cpa),
      roas: c.revenue === null || c.spend === 0 ? null : ratio(c.revenue / c.spend),
      cpc: c.clicks === null || c.clicks === 0 ? null : money(c.spend / c.clicks),
      conversionRate: c.clicks === null || c.clicks === 0 ? null : ratio(c.conversions / c.clicks),
      bid: c.bid,
      bidAdvice,
    };
  });
  const sum = (f: (c: Campaign) => number) => campaigns.reduce((n, c) => n + f(c), 0);
  const spend = sum((c) => c.spend);
  const conversions = sum((c) => c.conversions);
  return {
    asOf: opts.asOf,
    day,
    daysInMonth,
    targetCpa: opts.targetCpa,
    tolerancePercent: opts.tolerancePercent,
    campaigns: paced,
    totals: {
      budget: money(sum((c) => c.budget)),
      spend: money(spend),
      expected: money((sum((c) => c.budget) * day) / daysInMonth),
      projected: money((spend / day) * daysInMonth),
      conversions,
      cpa: conversions > 0 ? money(spend / conversions) : null,
    },
  };
}
