import { TaskNeedsInput } from '#platform';

/** The time zone's name as Intl knows it, or the customer is asked for one that exists. */
export function checkTimeZone(timeZone: string): string {
  try {
    return new Intl.DateTimeFormat('en-GB', { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new TaskNeedsInput(`"${timeZone.slice(0, 64)}" is not a time zone; give an IANA name such as Europe/London.`);
  }
}

/** How far the zone's wall clock is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - Math.floor(instant / 1000) * 1000;
}

/**
 * The UTC instant (ISO 8601) at which the zone's clocks show `hour`:00 on `day`. The offset
 * is read at the first guess and again at the result, so a day on which the clocks change
 * gets that day's offset; an hour the clocks skip lands an hour later, as a sender would.
 */
export function zonedInstant(day: string, hour: number, timeZone: string): string {
  const wall = Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`);
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return new Date(second).toISOString().replace('.000Z', 'Z');
}
