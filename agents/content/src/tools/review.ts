import type { CustomerTask } from '#platform';
import type { ToolOutcome } from '../deliver-task.ts';
import type { ReviewInput } from '../task-inputs.ts';

/**
 * content.review: Readability grades, passive voice and weasel words in a draft, sentence by sentence, as Markdown and JSON.
 *
 * Generated once, then this agent's own: replace the body with the deterministic work the
 * task is for (a maintained library over the input), so the deliverable is useful without a
 * model. As generated, it returns the input checked and laid out, for the model's prose to join.
 */
export async function review(input: ReviewInput, task: CustomerTask): Promise<ToolOutcome> {
  const rows = Object.entries(input).map(
    ([field, value]) => `| ${field} | ${JSON.stringify(value).replace(/\|/g, '\\|').slice(0, 200)} |`,
  );
  const report = ['# Review a draft', '', '| field | value |', '|---|---|', ...rows, ''].join('\n');
  return {
    deliverables: [
      { name: 'review.md', mediaType: 'text/markdown', content: report },
      { name: 'review.json', mediaType: 'application/json', content: JSON.stringify(input, null, 2) },
    ],
    summary:
      'Review a draft for ' +
      (task.organisation.industry === undefined ? 'a business' : `a business in ${task.organisation.industry}`),
  };
}
