import { deliverableLimits, TaskNeedsInput, type CustomerTask, type ToolOutcome } from '#platform';
import { readAnswers, readQuestions } from '../bank/read-bank.ts';
import { planReviews } from '../schedule/plan-reviews.ts';
import { cardsCsv, renderSchedule, scheduleCalendar } from '../schedule/render-schedule.ts';
import type { ScheduleInput } from '../task-inputs.ts';

export const defaults = { days: 14, dailyLimit: 20 } as const;

/**
 * The plan as JSON: indented to read, or on one line when a big bank would pass the size a
 * deliverable may have; past even that, the customer is asked for a smaller task.
 */
export function planJson(plan: object): string {
  const fits = (text: string) => Buffer.byteLength(text) <= deliverableLimits.maxBytes;
  const indented = `${JSON.stringify(plan, null, 2)}\n`;
  if (fits(indented)) return indented;
  const compact = `${JSON.stringify(plan)}\n`;
  if (fits(compact)) return compact;
  throw new TaskNeedsInput('The schedule is too large for one task: send fewer cards, shorter ids or fewer days.');
}

/**
 * test-prep.schedule: the question bank's cards replayed through FSRS (ts-fsrs) with the
 * student's past answers, then a day-by-day schedule capped at the daily limit and the
 * weakest topics, as Markdown, every card as CSV, the whole as JSON, and the days as a calendar.
 */
export function schedule(input: ScheduleInput, task: CustomerTask): Promise<ToolOutcome> {
  const start = input.start ?? new Date().toISOString().slice(0, 10);
  const cards = readQuestions(input.questions);
  const answers = input.answers === undefined ? [] : readAnswers(input.answers, cards, start);
  const plan = planReviews(cards, answers, {
    start,
    days: input.days ?? defaults.days,
    dailyLimit: input.dailyLimit ?? defaults.dailyLimit,
  });
  const industry = task.organisation.industry;
  return Promise.resolve({
    deliverables: [
      { name: 'schedule.md', mediaType: 'text/markdown', content: renderSchedule(plan) },
      { name: 'cards.csv', mediaType: 'text/csv', content: cardsCsv(plan) },
      { name: 'schedule.json', mediaType: 'application/json', content: planJson(plan) },
      { name: 'schedule.ics', mediaType: 'text/calendar', content: scheduleCalendar(plan, task.id) },
    ],
    summary: `scheduled ${plan.cards.length} cards over ${plan.days} days for ${industry === undefined ? 'a learner' : `a learner in ${industry}`}`,
  });
}
