import { planIds, taxOn, type PlanId, type Pricing } from '#domains/commerce';
import type { FieldProblem } from '../accounts/account-layout.ts';

/** The calculator's fields as typed (a stranger's text: shown back escaped, never trusted). */
export interface RoiFields {
  plan: string;
  hours: string;
  cost: string;
}

/** A month of the plan against the time it saves, every amount in exact integer paise. */
export interface RoiResult {
  plan: PlanId;
  /** Tenths of an hour saved a month (12.5 h → 125): no float between the form and the figures. */
  hoursTenths: number;
  hourlyCostPaise: number;
  valuePaise: number;
  pricePaise: number;
  taxPaise: number;
  totalPaise: number;
  /** valuePaise − totalPaise: negative when the plan costs more than the time it saves. */
  netPaise: number;
  /** Hours saved a month at which the plan pays for itself, with tax, rounded up to a tenth. */
  breakEvenTenths: number;
}

export const maxHours = 744; // a 31-day month, every hour of it
export const maxHourlyRupees = 100_000;
const hoursPattern = /^\d{1,3}(\.\d)?$/;
const rupeesPattern = /^\d{1,6}$/;

/**
 * Reads the calculator's GET parameters: nothing asked yet (no hours nor cost) is no
 * result and no error; otherwise each field is checked and the result computed only when
 * all are right. Hours take one decimal place, the cost whole rupees (commas and spaces
 * allowed, as people write "1,500").
 */
export function readRoi(
  query: Record<string, unknown>,
  pricing: Pricing,
): { fields: RoiFields; errors: FieldProblem[]; result: RoiResult | undefined } {
  // A repeated or over-long parameter is not a value anyone typed into this form.
  const one = (name: string): string => {
    const value = query[name];
    return typeof value === 'string' && value.length <= 32 ? value.trim() : '';
  };
  const fields: RoiFields = { plan: one('plan') || 'standard', hours: one('hours'), cost: one('cost') };
  if (query.hours === undefined && query.cost === undefined) return { fields, errors: [], result: undefined };
  const errors: FieldProblem[] = [];
  const plan = planIds.find((id) => id === fields.plan);
  if (plan === undefined) errors.push({ field: 'plan', message: 'Choose a plan: Basic, Standard or Premium' });
  const hoursTenths = hoursPattern.test(fields.hours) ? Math.round(Number(fields.hours) * 10) : Number.NaN;
  if (!(hoursTenths >= 1 && hoursTenths <= maxHours * 10))
    errors.push({
      field: 'hours',
      message: `Enter the hours saved a month as a number from 0.1 to ${maxHours}, with at most one decimal place, like 20 or 12.5`,
    });
  const costText = fields.cost.replace(/[,\s]/g, '');
  const hourlyRupees = rupeesPattern.test(costText) ? Number(costText) : Number.NaN;
  if (!(hourlyRupees >= 1 && hourlyRupees <= maxHourlyRupees))
    errors.push({
      field: 'cost',
      message: `Enter the cost of an hour of your team's time in whole rupees, from 1 to ${maxHourlyRupees.toLocaleString('en-IN')}, like 1500`,
    });
  if (errors.length > 0 || plan === undefined) return { fields, errors, result: undefined };
  const hourlyCostPaise = hourlyRupees * 100;
  const pricePaise = pricing.plans[plan].monthlyPaise;
  const taxPaise = taxOn(pricePaise, pricing.tax.basisPoints);
  const totalPaise = pricePaise + taxPaise;
  // hours × cost = tenths × cost / 10; a paisa per hour is a multiple of 100, so this stays whole.
  const valuePaise = (hoursTenths * hourlyCostPaise) / 10;
  return {
    fields,
    errors,
    result: {
      plan,
      hoursTenths,
      hourlyCostPaise,
      valuePaise,
      pricePaise,
      taxPaise,
      totalPaise,
      netPaise: valuePaise - totalPaise,
      breakEvenTenths: Math.ceil((totalPaise * 10) / hourlyCostPaise),
    },
  };
}
