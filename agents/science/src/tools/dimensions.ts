import type { CustomerTask, ToolOutcome } from '#platform';
import type { DimensionsInput } from '../task-inputs.ts';

/**
 * science.dimensions: Each side of a formula's units worked out from its variables' units, whether they match, and the terms that do not, as Markdown and JSON.
 *
 * Generated once, then this agent's own: replace the body with the deterministic work the
 * task is for (a maintained library over the input), so the deliverable is useful without a
 * model. As generated, it returns the input checked and laid out, for the model's prose to join.
 */
export async function dimensions(input: DimensionsInput, task: CustomerTask): Promise<ToolOutcome> {
  const rows = Object.entries(input).map(
    ([field, value]) => `| ${field} | ${JSON.stringify(value).replace(/\|/g, '\\|').slice(0, 200)} |`,
  );
  const report = ["# Check a formula's dimensions", '', '| field | value |', '|---|---|', ...rows, ''].join('\n');
  return {
    deliverables: [
      { name: 'dimensions.md', mediaType: 'text/markdown', content: report },
      { name: 'dimensions.json', mediaType: 'application/json', content: JSON.stringify(input, null, 2) },
    ],
    summary:
      "Check a formula's dimensions for " +
      (task.organisation.industry === undefined ? 'a business' : `a business in ${task.organisation.industry}`),
  };
}
