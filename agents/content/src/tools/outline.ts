import type { CustomerTask } from '#platform';
import type { ToolOutcome } from '../deliver-task.ts';
import type { OutlineInput } from '../task-inputs.ts';

/**
 * content.outline: An outline from a brief (title, sections with their key points and word budgets) as Markdown and JSON.
 *
 * Generated once, then this agent's own: replace the body with the deterministic work the
 * task is for (a maintained library over the input), so the deliverable is useful without a
 * model. As generated, it returns the input checked and laid out, for the model's prose to join.
 */
export async function outline(input: OutlineInput, task: CustomerTask): Promise<ToolOutcome> {
  const rows = Object.entries(input).map(
    ([field, value]) => `| ${field} | ${JSON.stringify(value).replace(/\|/g, '\\|').slice(0, 200)} |`,
  );
  const report = ['# Outline a piece', '', '| field | value |', '|---|---|', ...rows, ''].join('\n');
  return {
    deliverables: [
      { name: 'outline.md', mediaType: 'text/markdown', content: report },
      { name: 'outline.json', mediaType: 'application/json', content: JSON.stringify(input, null, 2) },
    ],
    summary:
      'Outline a piece for ' +
      (task.organisation.industry === undefined ? 'a business' : `a business in ${task.organisation.industry}`),
  };
}
