import type { AgentManifest } from '#platform';

export type PriceTier = NonNullable<AgentManifest['catalog']>['priceTier'];

/** Each price tier's plan, a month, in paise: what a tier costs when config/pricing.yml does not say otherwise. */
export const defaultMonthlyPaise: Readonly<Record<PriceTier, number>> = {
  basic: 800_000,
  standard: 1_200_000,
  premium: 1_800_000,
};

const rupees = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 0 });

/** "₹12,000" for 1,200,000 paise (whole rupees: the plans have no paise). */
export const formatRupees = (paise: number): string => rupees.format(Math.round(paise / 100));
