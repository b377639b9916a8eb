import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isWowError } from '#platform';
import { addMonths, dayIn, parsePricing, plansFor, rupees } from '#domains/commerce';
import { periodOf, yearIn } from '../../src/billing/billing-calendar.ts';
import { mulDivRound, taxOn } from '../../src/billing/money.ts';

const utc = (s: string) => new Date(`${s}Z`);
const shipped = readFileSync(new URL('../../../../config/pricing.yml', import.meta.url), 'utf8');

describe('billing periods', () => {
  it('anchors months on the start day and clamps at month ends: Jan 31 → Feb 28 → Mar 31 → Apr 30', () => {
    const anchor = utc('2026-01-31T10:15:30');
    expect([1, 2, 3, 4].map((n) => addMonths(anchor, n).toISOString())).toEqual([
      '2026-02-28T10:15:30.000Z',
      '2026-03-31T10:15:30.000Z',
      '2026-04-30T10:15:30.000Z',
      '2026-05-31T10:15:30.000Z',
    ]);
    // Each period starts where the one before ended, and none is shortened by an earlier clamp.
    expect(periodOf(anchor, 1)).toEqual({ start: utc('2026-02-28T10:15:30'), end: utc('2026-03-31T10:15:30') });
  });

  it('keeps leap days: Jan 31 2028 → Feb 29, a Feb 29 anchor → Mar 29, and Feb 28 in the years after', () => {
    expect(addMonths(utc('2028-01-31T00:00:00'), 1).toISOString()).toBe('2028-02-29T00:00:00.000Z');
    const leap = utc('2028-02-29T12:00:00');
    expect(addMonths(leap, 1).toISOString()).toBe('2028-03-29T12:00:00.000Z');
    expect(addMonths(leap, 12).toISOString()).toBe('2029-02-28T12:00:00.000Z');
    expect(addMonths(leap, 48).toISOString()).toBe('2032-02-29T12:00:00.000Z');
    // December rolls into the next year.
    expect(addMonths(utc('2026-12-31T23:59:59'), 2).toISOString()).toBe('2027-02-28T23:59:59.000Z');
  });

  it('shows an instant on the calendar of the customer: Asia/Kolkata is a day ahead of UTC after 18:30', () => {
    const evening = utc('2026-01-31T19:00:00');
    expect(dayIn(evening, 'UTC')).toBe('31 Jan 2026');
    expect(dayIn(evening, 'Asia/Kolkata')).toBe('1 Feb 2026');
    // The period ends on the UTC anchor's clamped day, which is already March 1st in Kolkata.
    expect(dayIn(addMonths(evening, 1), 'Asia/Kolkata')).toBe('1 Mar 2026');
    expect(dayIn(utc('2026-01-31T18:29:59'), 'Asia/Kolkata')).toBe('31 Jan 2026');
    // A zone behind UTC: the same instant is still the 31st in New York.
    expect(dayIn(evening, 'America/New_York')).toBe('31 Jan 2026');
    expect(yearIn(utc('2026-12-31T18:30:00'), 'Asia/Kolkata')).toBe(2027);
    expect(yearIn(utc('2026-12-31T18:29:59'), 'Asia/Kolkata')).toBe(2026);
  });
});

describe('money in paise', () => {
  it('prorates and taxes in integers, rounding half up', () => {
    expect(mulDivRound(1_200_000, 1, 2)).toBe(600_000);
    expect(mulDivRound(1, 1, 2)).toBe(1); // half a paisa rounds up
    expect(mulDivRound(1, 1, 3)).toBe(0);
    // A month of 31 days in seconds, half used, at the premium price: exact, with no float drift.
    expect(mulDivRound(1_800_000, 1_339_200, 2_678_400)).toBe(900_000);
    expect(taxOn(1_200_000, 1800)).toBe(216_000);
    expect(taxOn(333, 1800)).toBe(60); // 59.94 → 60
    expect(() => mulDivRound(0.5, 1, 1)).toThrow(RangeError);
  });

  it('prints rupees with Indian grouping', () => {
    expect(rupees(1_416_000)).toBe('14,160.00');
    expect(rupees(123_456_789)).toBe('12,34,567.89');
    expect(rupees(-50)).toBe('-0.50');
  });
});

describe('config/pricing.yml', () => {
  it('prices the shipped plans at ₹8,000, ₹12,000 and ₹18,000 a month with 18% GST', () => {
    const pricing = parsePricing(shipped, 'config/pricing.yml');
    expect(plansFor(pricing, 'basic').map((p) => [p.id, p.monthlyPaise])).toEqual([
      ['basic', 800_000],
      ['standard', 1_200_000],
      ['premium', 1_800_000],
    ]);
    expect(plansFor(pricing, 'premium').map((p) => p.id)).toEqual(['premium']);
    expect(pricing.tax).toEqual({ name: 'GST', basisPoints: 1800 });
    expect(pricing.payments.retryDays).toEqual([1, 3, 5]);
  });

  it('names every problem at its line: a float price, an unknown zone, a cheaper higher plan, retries out of order', () => {
    const broken = shipped
      .replace('monthlyPaise: 800000', 'monthlyPaise: 8000.5')
      .replace('timeZone: Asia/Kolkata', 'timeZone: Mars/Olympus')
      .replace('retryDays: [1, 3, 5]', 'retryDays: [1, 3, 5]\n  grace: 2');
    const problems = (text: string): string => {
      try {
        parsePricing(text, 'config/pricing.yml');
      } catch (err) {
        if (isWowError(err, 'WOW_ERR_PRICING')) return err.message;
        throw err;
      }
      return 'no error';
    };
    const message = problems(broken);
    expect(message).toMatch(/config\/pricing\.yml:\d+:\d+ plans\.basic\.monthlyPaise: expected whole paise/);
    expect(message).toMatch(/config\/pricing\.yml:\d+:\d+ invoices\.timeZone: expected an IANA time zone/);
    expect(message).toMatch(/config\/pricing\.yml:\d+:\d+ payments.*grace/);
    const line = (needle: string) => shipped.split('\n').findIndex((l) => l.includes(needle)) + 1;
    const meaning = problems(
      shipped.replace('monthlyPaise: 1800000', 'monthlyPaise: 700000').replace('[1, 3, 5]', '[3, 1]'),
    );
    expect(meaning).toContain(`config/pricing.yml:${line('premium:')}:`);
    expect(meaning).toContain('plans.premium.monthlyPaise: costs less than standard');
    expect(meaning).toContain(`config/pricing.yml:${line('retryDays')}:`);
  });
});
