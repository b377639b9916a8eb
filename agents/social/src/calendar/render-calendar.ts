import ical from 'ical-generator';
import { markdownText } from '#platform';
import type { Calendar } from './plan-calendar.ts';
import { characters, platformRules } from './platforms.ts';

/** A post's opening words, for a table cell or an event's title. */
function excerpt(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  const chars = characters(one);
  if (chars.length <= max) return one;
  return `${chars.slice(0, max - 1).join('')}…`;
}

/** How long each post slot lasts in a calendar app: long enough to post and answer first replies. */
const slotMinutes = 15;

/**
 * The calendar as an iCalendar file: one event per scheduled post, at its UTC instant (so
 * every calendar app shows it at the right local time), titled with the platform and the
 * post's opening, the whole post as its description. `uid` makes the events' ids unique to
 * the task; `stamp` is when the file was made.
 */
export function renderIcs(calendar: Calendar, opts: { uid: string; stamp: Date }): string {
  const cal = ical({ name: 'Posting calendar', prodId: { company: 'WAOOAW', product: 'Social Media Agent' } });
  const posts = new Map(calendar.posts.map((p) => [p.n, p]));
  calendar.slots.forEach((slot, i) => {
    const post = slot.post === null ? undefined : posts.get(slot.post);
    if (post === undefined) return;
    const start = new Date(slot.start);
    cal.createEvent({
      id: `${opts.uid}-${i + 1}@waooaw`,
      start,
      end: new Date(start.getTime() + slotMinutes * 60_000),
      stamp: opts.stamp,
      summary: `${platformRules[slot.platform].label}: ${excerpt(post.text, 60)}`,
      description: post.text,
    });
  });
  return cal.toString();
}

/** The calendar as the customer reads it: what is too long where, then the slots in order, then the posts. */
export function renderCalendar(calendar: Calendar): string {
  const labels = calendar.platforms.map((p) => platformRules[p].label);
  const lines = [
    '# Posting calendar',
    '',
    `${calendar.weeks} week(s) from ${calendar.startDate}, times in ${markdownText(calendar.timeZone)}, ` +
      `${calendar.perWeek} post(s) a week on ${labels.join(', ')}: ` +
      `${calendar.scheduled} post(s) scheduled, ${calendar.openSlots} open slot(s).`,
    '',
  ];
  const tooLong = calendar.posts.flatMap((post) => post.tooLongFor.map((platform) => ({ post, platform })));
  if (tooLong.length > 0) {
    lines.push('## Too long', '', '| post | platform | length | limit |', '|---|---|---|---|');
    for (const { post, platform } of tooLong)
      lines.push(
        `| ${post.n} | ${platformRules[platform].label} | ${post.lengths[platform]} | ${platformRules[platform].maxLength} |`,
      );
    lines.push(
      '',
      'A post is never scheduled on a platform it is too long for: shorten it, or leave it to the others.',
      '',
    );
  }
  lines.push('## Calendar', '', '| date | time | platform | post |', '|---|---|---|---|');
  for (const slot of calendar.slots) {
    const post = slot.post === null ? undefined : calendar.posts[slot.post - 1];
    const what =
      post === undefined ? '*open: write a post for it*' : `${post.n}. ${markdownText(excerpt(post.text, 80))}`;
    lines.push(
      `| ${slot.weekday.slice(0, 3)} ${slot.date} | ${slot.time} | ${platformRules[slot.platform].label} | ${what} |`,
    );
  }
  lines.push('', '## Posts', '', `| post | ${labels.map((l) => `${l} length`).join(' | ')} |`);
  lines.push(`|---|${labels.map(() => '---|').join('')}`);
  for (const post of calendar.posts)
    lines.push(
      `| ${post.n}. ${markdownText(excerpt(post.text, 60))} | ${calendar.platforms
        .map((p) => `${post.lengths[p]}${post.tooLongFor.includes(p) ? ' (too long)' : ''}`)
        .join(' | ')} |`,
    );
  lines.push('');
  return lines.join('\n');
}
