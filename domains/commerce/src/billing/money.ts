// Money is integer paise throughout. Fractions of a paisa arise only in proration and tax,
// and are rounded half up there, in integer arithmetic (bigint), never through a float.

/** round(amount × numerator / denominator), half up, for non-negative integers. */
export function mulDivRound(amount: number, numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(amount) || !Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator))
    throw new RangeError('mulDivRound takes safe integers');
  if (amount < 0 || numerator < 0 || denominator <= 0) throw new RangeError('mulDivRound takes non-negative values');
  const d = BigInt(denominator);
  return Number((BigInt(amount) * BigInt(numerator) * 2n + d) / (2n * d));
}

/** The tax on a subtotal at `basisPoints` (1800 = 18%), rounded half up to the paisa. */
export const taxOn = (subtotalPaise: number, basisPoints: number): number =>
  mulDivRound(subtotalPaise, basisPoints, 10_000);

// Made once: making a number format costs far more than using one (pages show many amounts).
const indianGrouping = new Intl.NumberFormat('en-IN');

/** Paise as rupees with Indian digit grouping: 1234567 → "12,345.67", -50 → "-0.50". */
export function rupees(paise: number): string {
  const whole = Math.trunc(Math.abs(paise) / 100);
  const fraction = String(Math.abs(paise) % 100).padStart(2, '0');
  return `${paise < 0 ? '-' : ''}${indianGrouping.format(whole)}.${fraction}`;
}
