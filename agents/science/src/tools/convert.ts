import type { CustomerTask, ToolOutcome } from '#platform';
import type { ConvertInput } from '../task-inputs.ts';

/**
 * science.convert: Each quantity converted to the unit asked for, with its SI form and dimension, as Markdown and JSON.
 *
 * Generated once, then this agent's own: replace the body with the deterministic work the
 * task is for (a maintained library over the input), so the deliverable is useful without a
 * model. As generated, it returns the input checked and laid out, for the model's prose to join.
 */
export async function convert(input: ConvertInput, task: CustomerTask): Promise<ToolOutcome> {
  const rows = Object.entries(input).map(
    ([field, value]) => `| ${field} | ${JSON.stringify(value).replace(/\|/g, '\\|').slice(0, 200)} |`,
  );
  const report = ['# Convert quantities', '', '| field | value |', '|---|---|', ...rows, ''].join('\n');
  return {
    deliverables: [
      { name: 'convert.md', mediaType: 'text/markdown', content: report },
      { name: 'convert.json', mediaType: 'application/json', content: JSON.stringify(input, null, 2) },
    ],
    summary:
      'Convert quantities for ' +
      (task.organisation.industry === undefined ? 'a business' : `a business in ${task.organisation.industry}`),
  };
}
