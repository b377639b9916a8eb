/** Whether the runtime knows the IANA time zone (e.g. Asia/Kolkata). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** How far the zone's wall clock is ahead of UTC at the instant, in milliseconds. */
function offsetAt(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The instant a wall-clock date and time (YYYY-MM-DD, HH:MM) happens in the zone. The
 * offset is read twice, at the first guess and again at the result, so a date on the
 * other side of a daylight-saving change than the guess still lands on its own offset.
 */
export function zonedInstant(date: string, time: string, zone: string): Date {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const [h = 0, min = 0] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, h, min);
  const first = wall - offsetAt(wall, zone);
  return new Date(wall - offsetAt(first, zone));
}

/** The date n days after a YYYY-MM-DD date, and its day of the week (0 is Sunday). */
export function addDays(date: string, n: number): { date: string; day: number } {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  const at = new Date(Date.UTC(y, m - 1, d + n));
  return { date: at.toISOString().slice(0, 10), day: at.getUTCDay() };
}
