import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { createError, parseYamlWith, type AgentManifest } from '#platform';

export type PriceTier = NonNullable<AgentManifest['catalog']>['priceTier'];

/** Each price tier's plan, a month, in paise: what a tier costs when config/pricing.yml does not say otherwise. */
export const defaultMonthlyPaise: Readonly<Record<PriceTier, number>> = {
  basic: 800_000,
  standard: 1_200_000,
  premium: 1_800_000,
};

// Only the plans' prices: the billing owns the file and checks the rest of it.
const paise = z.int({ error: 'expected whole paise (₹1 = 100), e.g. 800000 for ₹8,000' }).min(100).max(100_000_000);
const plan = z.looseObject({ monthlyPaise: paise });
const pricesSchema = z.looseObject({ plans: z.looseObject({ basic: plan, standard: plan, premium: plan }) });

/**
 * The monthly price of each tier from the pricing file (config/pricing.yml, the billing's),
 * or the list prices when there is no such file. A file that is there but wrong stops the
 * server with each problem at its line: a card must never show a price nobody is charged.
 */
export async function readMonthlyPrices(file: string): Promise<Readonly<Record<PriceTier, number>>> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  });
  if (text === undefined) return defaultMonthlyPaise;
  const parsed = parseYamlWith(pricesSchema, text, file);
  if ('problems' in parsed) throw createError('WOW_ERR_CONFIG', { problems: parsed.problems.join('\n') });
  const { plans } = parsed.value;
  return {
    basic: plans.basic.monthlyPaise,
    standard: plans.standard.monthlyPaise,
    premium: plans.premium.monthlyPaise,
  };
}

const rupees = new Intl.NumberFormat('en-IN', { style: 'currency', currency: 'INR', maximumFractionDigits: 0 });

/** "₹12,000" for 1,200,000 paise (whole rupees: the plans have no paise). */
export const formatRupees = (paise: number): string => rupees.format(Math.round(paise / 100));
