const dayMs = 86_400_000;

/** The wall-clock time in `zone` at an instant, as if it were UTC, in milliseconds. */
function wallClock(instant: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(instant)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/**
 * The instant a day's wall-clock time happens in `zone`, as RFC 5545 reads a local time: with
 * the offset in force then (daylight saving included); a time that happens twice (the clocks
 * go back) is the first; a time the clocks skip is read with the offset before the change, so
 * it falls after the gap, as much later as the gap is long.
 */
export function zonedInstant(day: string, minutes: number, zone: string): Date {
  const wall = Date.parse(`${day}T00:00:00Z`) + minutes * 60_000;
  // A zone's offset changes at most once within a day or so: the offsets a day before and a day after are the candidates.
  const before = wall - (wallClock(wall - dayMs, zone) - (wall - dayMs));
  const after = wall - (wallClock(wall + dayMs, zone) - (wall + dayMs));
  const real = [before, after].filter((t) => wallClock(t, zone) === wall);
  return new Date(real.length === 0 ? before : Math.min(...real));
}

/** Today's date in `zone`, YYYY-MM-DD. */
export function todayIn(zone: string, now: Date): string {
  return new Date(wallClock(now.getTime(), zone)).toISOString().slice(0, 10);
}

/** The days from one YYYY-MM-DD to another. */
export const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / dayMs);

/** An instant's wall-clock time in `zone`, HH:MM. */
export function wallTime(instant: Date, zone: string): string {
  return new Date(wallClock(instant.getTime(), zone)).toISOString().slice(11, 16);
}
