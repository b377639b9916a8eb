import type { CustomerTask, ToolOutcome } from '#platform';
import type { ScheduleInput } from '../task-inputs.ts';

/**
 * test-prep.schedule: The next review date of every card in a question bank, a day-by-day study schedule capped at a daily limit and the weakest topics, as Markdown, CSV, JSON and a calendar.
 *
 * Generated once, then this agent's own: replace the body with the deterministic work the
 * task is for (a maintained library over the input), so the deliverable is useful without a
 * model. As generated, it returns the input checked and laid out, for the model's prose to join.
 */
export async function schedule(input: ScheduleInput, task: CustomerTask): Promise<ToolOutcome> {
  const rows = Object.entries(input).map(
    ([field, value]) => `| ${field} | ${JSON.stringify(value).replace(/\|/g, '\\|').slice(0, 200)} |`,
  );
  const report = ['# Schedule reviews', '', '| field | value |', '|---|---|', ...rows, ''].join('\n');
  return {
    deliverables: [
      { name: 'schedule.md', mediaType: 'text/markdown', content: report },
      { name: 'schedule.json', mediaType: 'application/json', content: JSON.stringify(input, null, 2) },
    ],
    summary:
      'Schedule reviews for ' +
      (task.organisation.industry === undefined ? 'a business' : `a business in ${task.organisation.industry}`),
  };
}
