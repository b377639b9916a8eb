import ical from 'ical-generator';
import { markdownText } from '#platform';
import type { ReviewPlan } from './plan-reviews.ts';

// A report stays readable: the full lists are in the CSV and the JSON.
const shownCards = 100;
const shownIds = 12;
// A calendar event names at most this many cards, so a day of hundreds stays a readable event.
const eventIds = 50;

const percent = (n: number | null) => (n === null ? '–' : `${n}%`);
const listed = (list: readonly string[], most: number) =>
  list.length <= most ? list.join(', ') : `${list.slice(0, most).join(', ')} and ${list.length - most} more`;
const ids = (list: readonly string[]) => listed(list.map(markdownText), shownIds);

/** The schedule as the student reads it: the weakest topics, each day's cards, then every card's next review. */
export function renderSchedule(plan: ReviewPlan): string {
  const topics = new Set(plan.cards.map((c) => c.topic)).size;
  const lastDay = plan.schedule.at(-1)?.date ?? plan.start;
  const lines = [
    '# Study schedule',
    '',
    `${plan.cards.length} cards in ${topics} topic(s), ${plan.answers} past answer(s).`,
    `${plan.days} day(s) from ${plan.start}, at most ${plan.dailyLimit} cards a day.`,
    "Cards due are taken least remembered first, then new cards in the bank's order.",
    'Each card is assumed answered "good"; answer "again" or "hard" and it comes back sooner.',
    '',
    '## Weakest topics',
    '',
    '| topic | cards | answered | recall today | "again" | lapses |',
    '|---|---:|---:|---:|---:|---:|',
    ...plan.topics.map(
      (t) =>
        `| ${markdownText(t.topic)} | ${t.cards} | ${t.answered} | ${percent(t.recall)} | ${percent(t.againRate)} | ${t.lapses} |`,
    ),
    '',
    '## Day by day',
    '',
    '| date | reviews | new | cards |',
    '|---|---:|---:|---|',
    ...plan.schedule.map(
      (d) => `| ${d.date} | ${d.reviews.length} | ${d.new.length} | ${ids([...d.reviews, ...d.new]) || 'rest'} |`,
    ),
    '',
  ];
  if (plan.backlog > 0)
    lines.push(
      `${plan.backlog} card(s) are still due on the last day: the daily limit of ${plan.dailyLimit} is too low to keep up.`,
      '',
    );
  lines.push(
    '## Cards',
    '',
    '| card | topic | state | answers | lapses | recall today | next review | studied on |',
    '|---|---|---|---:|---:|---:|---|---|',
    ...plan.cards
      .slice(0, shownCards)
      .map((c) =>
        [
          markdownText(c.id),
          markdownText(c.topic),
          c.state,
          c.reviews,
          c.lapses,
          percent(c.recall),
          c.due ?? 'new',
          c.planned ?? `after ${lastDay}`,
        ].join(' | '),
      )
      .map((row) => `| ${row} |`),
    '',
  );
  if (plan.cards.length > shownCards)
    lines.push(`The other ${plan.cards.length - shownCards} cards are in cards.csv.`, '');
  return lines.join('\n');
}

/** A cell that a spreadsheet shows as text: quoted, and never read as a formula. */
function cell(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Every card's state and next review, one a row. */
export function cardsCsv(plan: ReviewPlan): string {
  const header = [
    'id',
    'topic',
    'question',
    'state',
    'answers',
    'lapses',
    'last_answer',
    'recall_today',
    'next_review',
    'studied_on',
  ];
  const rows = plan.cards.map((c) =>
    [c.id, c.topic, c.question, c.state, c.reviews, c.lapses, c.lastAnswer, c.recall, c.due, c.planned]
      .map(cell)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}

/** One all-day event per study day, for the student's calendar; `uid` keeps the events apart from another schedule's. */
export function scheduleCalendar(plan: ReviewPlan, uid: string): string {
  const calendar = ical({ name: 'Study schedule', prodId: { company: 'WAOOAW', product: 'test-prep' } });
  for (const day of plan.schedule) {
    const count = day.reviews.length + day.new.length;
    if (count === 0) continue;
    calendar.createEvent({
      id: `${uid}-${day.date}@waooaw`,
      start: new Date(`${day.date}T00:00:00Z`),
      allDay: true,
      // The plan's first day, not the clock: the same schedule gives the same file.
      stamp: new Date(`${plan.start}T00:00:00Z`),
      summary: `Study ${count} card(s): ${day.reviews.length} review(s), ${day.new.length} new`,
      description: listed([...day.reviews, ...day.new], eventIds),
    });
  }
  return calendar.toString();
}
