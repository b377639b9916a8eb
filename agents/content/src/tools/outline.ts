import type { CustomerTask, ToolOutcome } from '#platform';
import { outlineBrief } from '../outline/outline-brief.ts';
import { renderOutline } from '../outline/render-outline.ts';
import type { OutlineInput } from '../task-inputs.ts';

/**
 * content.outline: an outline from the customer's brief (title, sections with their key
 * points and word budgets, shaped for the format) as Markdown and the same as JSON.
 */
export function outline(input: OutlineInput, task: CustomerTask): Promise<ToolOutcome> {
  const made = outlineBrief(input.brief, { format: input.format, words: input.words, keyword: input.keyword });
  const industry = task.organisation.industry;
  return Promise.resolve({
    deliverables: [
      { name: 'outline.md', mediaType: 'text/markdown', content: renderOutline(made) },
      { name: 'outline.json', mediaType: 'application/json', content: `${JSON.stringify(made, null, 2)}\n` },
    ],
    summary: `outlined a ${made.format.replace('-', ' ')} for ${industry === undefined ? 'a business' : `a business in ${industry}`}`,
  });
}
