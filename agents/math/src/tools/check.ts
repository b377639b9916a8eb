import type { CustomerTask, ToolOutcome } from '#platform';
import type { CheckInput } from '../task-inputs.ts';

/**
 * math.check: Each line of the working checked against the line before it, the first wrong step marked with values that show why, as Markdown and JSON.
 *
 * Generated once, then this agent's own: replace the body with the deterministic work the
 * task is for (a maintained library over the input), so the deliverable is useful without a
 * model. As generated, it returns the input checked and laid out, for the model's prose to join.
 */
export async function check(input: CheckInput, task: CustomerTask): Promise<ToolOutcome> {
  const rows = Object.entries(input).map(
    ([field, value]) => `| ${field} | ${JSON.stringify(value).replace(/\|/g, '\\|').slice(0, 200)} |`,
  );
  const report = ["# Check a student's working", '', '| field | value |', '|---|---|', ...rows, ''].join('\n');
  return {
    deliverables: [
      { name: 'check.md', mediaType: 'text/markdown', content: report },
      { name: 'check.json', mediaType: 'application/json', content: JSON.stringify(input, null, 2) },
    ],
    summary:
      "Check a student's working for " +
      (task.organisation.industry === undefined ? 'a business' : `a business in ${task.organisation.industry}`),
  };
}
