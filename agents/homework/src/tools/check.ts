import type { CustomerTask, ToolOutcome } from '#platform';
import type { CheckInput } from '../task-inputs.ts';

/**
 * homework.check: Each answer checked (numbers within a tolerance, algebra at sample points), the first wrong step of each wrong one explained, and the score, as Markdown and JSON.
 *
 * Generated once, then this agent's own: replace the body with the deterministic work the
 * task is for (a maintained library over the input), so the deliverable is useful without a
 * model. As generated, it returns the input checked and laid out, for the model's prose to join.
 */
export async function check(input: CheckInput, task: CustomerTask): Promise<ToolOutcome> {
  const rows = Object.entries(input).map(
    ([field, value]) => `| ${field} | ${JSON.stringify(value).replace(/\|/g, '\\|').slice(0, 200)} |`,
  );
  const report = ['# Mark a problem set', '', '| field | value |', '|---|---|', ...rows, ''].join('\n');
  return {
    deliverables: [
      { name: 'check.md', mediaType: 'text/markdown', content: report },
      { name: 'check.json', mediaType: 'application/json', content: JSON.stringify(input, null, 2) },
    ],
    summary:
      'Mark a problem set for ' +
      (task.organisation.industry === undefined ? 'a business' : `a business in ${task.organisation.industry}`),
  };
}
