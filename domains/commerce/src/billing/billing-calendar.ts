// Billing periods are instants in UTC: a month is counted from the subscription's anchor,
// never from the previous period's end, so a period that had to be clamped (Jan 31 → Feb 28)
// does not shorten every one after it (→ Mar 31, not Mar 28).

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month + 1, 0)).getUTCDate();

/** `anchor` plus `months` calendar months in UTC, the day clamped to the month's last (Jan 31 + 1 → Feb 28 or 29). */
export function addMonths(anchor: Date, months: number): Date {
  const first = new Date(Date.UTC(anchor.getUTCFullYear(), anchor.getUTCMonth() + months, 1));
  const year = first.getUTCFullYear();
  const month = first.getUTCMonth();
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(anchor.getUTCDate(), daysIn(year, month)),
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/** Period `index` (0 = the first) of a subscription anchored at `anchor`. */
export function periodOf(anchor: Date, index: number): { start: Date; end: Date } {
  return { start: addMonths(anchor, index), end: addMonths(anchor, index + 1) };
}

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day of `instant` in `timeZone`, as "1 Mar 2026": how invoices and pages show dates. */
export function dayIn(instant: Date, timeZone: string): string {
  let format = dayFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', year: 'numeric' });
    dayFormats.set(timeZone, format);
  }
  return format.format(instant);
}

/** The year of `instant` in `timeZone` (31 Dec 20:00 UTC is already next year in Asia/Kolkata). */
export function yearIn(instant: Date, timeZone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone, year: 'numeric' }).format(instant));
}

/** `instant` to the whole second below: periods and proration count whole seconds. */
export const wholeSecond = (instant: Date): Date => new Date(Math.floor(instant.getTime() / 1000) * 1000);
