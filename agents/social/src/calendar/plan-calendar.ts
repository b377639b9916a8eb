import { platformRules, postLength, weekdays, type Platform } from './platforms.ts';
import { addDays, zonedInstant } from './zoned-time.ts';

/** The most posts one calendar schedules: more is a second calendar. */
export const maxPosts = 100;

export interface PlannedPost {
  /** Its line among the posts, from 1. */
  n: number;
  text: string;
  /** Its length as each platform of the calendar counts it. */
  lengths: Partial<Record<Platform, number>>;
  /** The platforms it is too long for: it is never scheduled there. */
  tooLongFor: Platform[];
}

export interface Slot {
  /** The day and time in the organisation's time zone. */
  date: string;
  weekday: string;
  time: string;
  /** The same moment in UTC, as the iCalendar file carries it. */
  start: string;
  platform: Platform;
  /** The post that goes out then (its n), or null for a slot no post is left for. */
  post: number | null;
}

export interface Calendar {
  startDate: string;
  weeks: number;
  timeZone: string;
  perWeek: number;
  platforms: Platform[];
  posts: PlannedPost[];
  slots: Slot[];
  scheduled: number;
  openSlots: number;
}

/**
 * A posting calendar: each week (seven days from the start date) gives each platform its
 * perWeek best days at their best times; each platform's slots, in time order, take the
 * posts in the order given, skipping those too long for it, each post once, so the same
 * post goes out on every platform it fits in about the same week. Slots left when the
 * posts run out stay open, to be written for.
 */
export function planCalendar(
  texts: string[],
  opts: { startDate: string; weeks: number; timeZone: string; perWeek: number; platforms: Platform[] },
): Calendar {
  const posts: PlannedPost[] = texts.map((text, i) => {
    const lengths: Partial<Record<Platform, number>> = {};
    const tooLongFor: Platform[] = [];
    for (const p of opts.platforms) {
      const length = postLength(text, p);
      lengths[p] = length;
      if (length > platformRules[p].maxLength) tooLongFor.push(p);
    }
    return { n: i + 1, text, lengths, tooLongFor };
  });

  const slots: Slot[] = [];
  for (const platform of opts.platforms) {
    const fitting = posts.filter((p) => !p.tooLongFor.includes(platform));
    const own: Omit<Slot, 'post'>[] = [];
    for (let week = 0; week < opts.weeks; week++)
      for (const { day, time } of platformRules[platform].slots.slice(0, opts.perWeek)) {
        // The one day of this week (start date + 7·week, six days on) that falls on the weekday.
        const first = addDays(opts.startDate, week * 7);
        const at = addDays(first.date, (day - first.day + 7) % 7);
        own.push({
          date: at.date,
          weekday: weekdays[at.day] ?? '',
          time,
          start: zonedInstant(at.date, time, opts.timeZone).toISOString(),
          platform,
        });
      }
    own.sort((a, b) => a.start.localeCompare(b.start));
    own.forEach((slot, i) => slots.push({ ...slot, post: fitting[i]?.n ?? null }));
  }
  const order = (p: Platform) => opts.platforms.indexOf(p);
  slots.sort((a, b) => a.start.localeCompare(b.start) || order(a.platform) - order(b.platform));
  const scheduled = slots.filter((s) => s.post !== null).length;
  return {
    startDate: opts.startDate,
    weeks: opts.weeks,
    timeZone: opts.timeZone,
    perWeek: opts.perWeek,
    platforms: opts.platforms,
    posts,
    slots,
    scheduled,
    openSlots: slots.length - scheduled,
  };
}
