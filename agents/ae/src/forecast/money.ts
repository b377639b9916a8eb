import { TaskNeedsInput } from '#platform';

/**
 * Money as an integer count of the currency's minor units (cents, paise; yen have none), so
 * sums and weightings are exact: no binary fraction ever stands for an amount.
 */
export interface Currency {
  code: string;
  /** Digits after the decimal point: 2 for USD, 0 for JPY, 3 for BHD. */
  digits: number;
}

// One deal at most 10^12 minor units (ten billion dollars): 500 of them, times a percentage,
// stay below Number.MAX_SAFE_INTEGER, so every figure here is an exact integer.
export const maxMinorUnits = 1_000_000_000_000;

/** The currency's ISO 4217 code checked, and its minor units as Intl knows them. */
export function currencyOf(code: string): Currency {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(upper))
    throw new TaskNeedsInput(`"${code.slice(0, 8)}" is not a currency code; give three letters such as USD or EUR.`);
  try {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency: upper }).resolvedOptions()
      .maximumFractionDigits;
    return { code: upper, digits: digits ?? 2 };
  } catch {
    throw new TaskNeedsInput(`"${upper}" is not a currency code Intl knows; give an ISO 4217 code such as USD.`);
  }
}

const amountPattern = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$/;

/**
 * An amount as the CRM exports it ("12,500.50", "$12500", "EUR 900") in minor units, or
 * null when it is not one: negative, more decimals than the currency has, or beyond the bound.
 */
export function parseMoney(text: string, currency: Currency): number | null {
  const bare = text.replace(/^[A-Za-z]{3}\s*|^[$€£¥₹]\s*|\s*[A-Za-z]{3}$/g, '').trim();
  const m = amountPattern.exec(bare);
  if (m === null) return null;
  const whole = (m[1] ?? '').replace(/,/g, '');
  const fraction = m[2] ?? '';
  if (fraction.length > currency.digits) return null;
  // Built from the digits as a string: "0.29" is 29 cents, never 28.999… of them.
  const minor = Number(`${whole}${fraction.padEnd(currency.digits, '0')}`);
  return minor <= maxMinorUnits ? minor : null;
}

/** `numerator / denominator` rounded half up, for non-negative integers. */
export function divideRounded(numerator: number, denominator: number): number {
  const quotient = Math.floor(numerator / denominator);
  return (numerator - quotient * denominator) * 2 >= denominator ? quotient + 1 : quotient;
}

/** Minor units as the amount a person reads: "1,234.50 USD". */
export function formatMoney(minor: number, currency: Currency): string {
  const digits = String(Math.abs(minor)).padStart(currency.digits + 1, '0');
  const whole = digits.slice(0, digits.length - currency.digits).replace(/\B(?=(\d{3})+$)/g, ',');
  const fraction = currency.digits === 0 ? '' : `.${digits.slice(digits.length - currency.digits)}`;
  return `${minor < 0 ? '-' : ''}${whole}${fraction} ${currency.code}`;
}
