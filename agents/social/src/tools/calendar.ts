import { TaskNeedsInput, type CustomerTask, type ToolOutcome } from '#platform';
import { maxPosts, planCalendar } from '../calendar/plan-calendar.ts';
import { parsePlatforms } from '../calendar/platforms.ts';
import { renderCalendar, renderIcs } from '../calendar/render-calendar.ts';
import { isTimeZone } from '../calendar/zoned-time.ts';
import type { CalendarInput } from '../task-inputs.ts';

/**
 * social.calendar: the posts spread over the weeks on each platform at its best posting
 * times in the organisation's time zone, each post checked against each platform's length
 * limit, as an iCalendar file (ical-generator), a Markdown report and the same as JSON.
 */
export function calendar(input: CalendarInput, task: CustomerTask): Promise<ToolOutcome> {
  const posts = input.posts
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  if (posts.length === 0) throw new TaskNeedsInput('The posts are empty: give the posts to schedule, one a line.');
  if (posts.length > maxPosts)
    throw new TaskNeedsInput(`There are ${posts.length} posts: a calendar takes at most ${maxPosts}, one a line.`);
  const timeZone = input.timeZone.trim();
  if (!isTimeZone(timeZone))
    throw new TaskNeedsInput(
      `"${timeZone.slice(0, 64)}" is not a time zone: give its IANA name, e.g. Asia/Kolkata or Europe/London.`,
    );
  const named = parsePlatforms(input.platforms);
  if ('unknown' in named)
    throw new TaskNeedsInput(
      `"${named.unknown.slice(0, 40)}" is not a platform this calendar posts on: name linkedin, x, instagram or facebook.`,
    );
  const planned = planCalendar(posts, {
    startDate: input.startDate,
    weeks: input.weeks,
    timeZone,
    perWeek: input.perWeek ?? 3,
    platforms: named.platforms,
  });
  const industry = task.organisation.industry;
  return Promise.resolve({
    deliverables: [
      { name: 'calendar.md', mediaType: 'text/markdown', content: renderCalendar(planned) },
      {
        name: 'calendar.ics',
        mediaType: 'text/calendar',
        content: renderIcs(planned, { uid: task.id, stamp: new Date() }),
      },
      { name: 'calendar.json', mediaType: 'application/json', content: `${JSON.stringify(planned, null, 2)}\n` },
    ],
    summary: `built a ${planned.weeks}-week posting calendar for ${industry === undefined ? 'a business' : `a business in ${industry}`}`,
  });
}
