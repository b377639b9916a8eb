import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseYamlWith } from '#platform';
import { createError } from './errors.ts';

/** The plans, cheapest first: an agent's catalog.priceTier names one of them. */
export const planIds = ['basic', 'standard', 'premium'] as const;
export type PlanId = (typeof planIds)[number];

const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** An IANA time zone, e.g. "Asia/Kolkata". */
export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, { error: 'expected an IANA time zone, e.g. "Asia/Kolkata" or "UTC"' });

const paise = z.int({ error: 'expected whole paise (₹1 = 100), e.g. 800000 for ₹8,000' }).min(100).max(100_000_000);
const plan = z.strictObject({ name: z.string().min(1).max(40), monthlyPaise: paise });

const pricingSchema = z.strictObject({
  currency: z.literal('inr', { error: 'expected inr: prices are in Indian rupees' }),
  plans: z.strictObject({ basic: plan, standard: plan, premium: plan }),
  tax: z.strictObject({
    name: z.string().min(1).max(20),
    basisPoints: z.int({ error: 'expected basis points from 0 to 10000 (1800 = 18%)' }).min(0).max(10_000),
  }),
  invoices: z.strictObject({
    prefix: z.string().regex(/^[A-Z][A-Z0-9]{1,9}$/, { error: 'expected 2 to 10 capital letters or digits, e.g. WAO' }),
    timeZone: timeZoneSchema,
  }),
  payments: z.strictObject({
    retryDays: z
      .array(z.int({ error: 'expected whole days from 1 to 60' }).min(1).max(60))
      .max(10, { error: 'expected at most 10 retries' }),
  }),
});

export type Pricing = z.infer<typeof pricingSchema>;

/** config/pricing.yml's text, checked: the pricing, or WOW_ERR_PRICING naming each problem as "file:line:column field: problem". */
export function parsePricing(text: string, file: string): Pricing {
  if (text.length > 64 * 1024) throw createError('WOW_ERR_PRICING', { problems: `${file}: larger than 64 KiB` });
  const parsed = parseYamlWith(pricingSchema, text, file);
  if ('problems' in parsed) throw createError('WOW_ERR_PRICING', { problems: parsed.problems.join('\n') });
  const problems: string[] = [];
  const { plans, payments } = parsed.value;
  // A higher plan never costs less: moving up is an upgrade, and proration charges for it.
  planIds.forEach((id, i) => {
    const lower = planIds[i - 1];
    if (lower !== undefined && plans[id].monthlyPaise < plans[lower].monthlyPaise)
      problems.push(
        `${parsed.yaml.at(parsed.yaml.locate(['plans', id, 'monthlyPaise']).offset)} plans.${id}.monthlyPaise: costs less than ${lower}`,
      );
  });
  if (payments.retryDays.some((d, i) => i > 0 && d <= (payments.retryDays[i - 1] ?? 0)))
    problems.push(
      `${parsed.yaml.at(parsed.yaml.locate(['payments', 'retryDays']).offset)} payments.retryDays: each retry comes later than the one before`,
    );
  if (problems.length > 0) throw createError('WOW_ERR_PRICING', { problems: problems.join('\n') });
  return parsed.value;
}

/** Reads and checks a pricing file (default config/pricing.yml, as the doors pass it). */
export async function loadPricing(file: string): Promise<Pricing> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw createError('WOW_ERR_PRICING', { problems: `${file}: cannot be read (${(err as Error).message})` });
  });
  return parsePricing(text, file);
}

/** A plan as offered for one agent. */
export interface Plan {
  id: PlanId;
  name: string;
  monthlyPaise: number;
}

/** An agent's plans: the one its catalog.priceTier names, and every higher one. */
export function plansFor(pricing: Pricing, priceTier: PlanId): Plan[] {
  return planIds
    .slice(planIds.indexOf(priceTier))
    .map((id) => ({ id, name: pricing.plans[id].name, monthlyPaise: pricing.plans[id].monthlyPaise }));
}
