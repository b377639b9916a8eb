import { TaskNeedsInput } from '#platform';

/** A calendar day as YYYY-MM-DD; the arithmetic runs on UTC midnights so no time zone moves it. */
const dayPattern = /^\d{4}-\d{2}-\d{2}$/;

const toDate = (day: string) => new Date(`${day}T00:00:00Z`);
const toDay = (date: Date) => date.toISOString().slice(0, 10);

/** Whether the text is a real calendar day (2026-02-30 is not). */
export function isDay(text: string): boolean {
  return dayPattern.test(text) && !Number.isNaN(toDate(text).getTime()) && toDay(toDate(text)) === text;
}

/** The customer's holidays, one a line; a line that is not a day is named so it can be fixed. */
export function parseHolidays(text: string | undefined): Set<string> {
  const days = new Set<string>();
  for (const line of (text ?? '').split('\n')) {
    const day = line.trim();
    if (day === '') continue;
    if (!isDay(day)) throw new TaskNeedsInput(`The holiday "${day.slice(0, 40)}" is not a date as YYYY-MM-DD.`);
    days.add(day);
  }
  return days;
}

/** The English name of a day's weekday. */
export function weekday(day: string): string {
  return toDate(day).toLocaleDateString('en-GB', { weekday: 'long', timeZone: 'UTC' });
}

/** Monday to Friday, and not one of the holidays. */
export function isBusinessDay(day: string, holidays: ReadonlySet<string>): boolean {
  const dow = toDate(day).getUTCDay();
  return dow !== 0 && dow !== 6 && !holidays.has(day);
}

function nextDay(day: string): string {
  const d = toDate(day);
  d.setUTCDate(d.getUTCDate() + 1);
  return toDay(d);
}

/** The day itself when it is a business day, else the first business day after it. */
export function onOrAfter(day: string, holidays: ReadonlySet<string>): string {
  let d = day;
  // A holiday list is at most a few hundred days, so this ends within a year of the start.
  while (!isBusinessDay(d, holidays)) d = nextDay(d);
  return d;
}

/** The business day `count` business days after `day`. */
export function addBusinessDays(day: string, count: number, holidays: ReadonlySet<string>): string {
  let d = day;
  for (let left = count; left > 0; left--) d = onOrAfter(nextDay(d), holidays);
  return d;
}
