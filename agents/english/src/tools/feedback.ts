import type { CustomerTask, ToolOutcome } from '#platform';
import { renderFeedback } from '../feedback/render-feedback.ts';
import { writingFeedback } from '../feedback/writing-feedback.ts';
import type { FeedbackInput } from '../task-inputs.ts';

/**
 * english.feedback: the text's readability grades (text-readability) against the target
 * grade, and each sentence's grade, style flags (write-good) and the thing to fix first,
 * as Markdown and the same as JSON.
 */
export function feedback(input: FeedbackInput, task: CustomerTask): Promise<ToolOutcome> {
  const found = writingFeedback(input.text, input.grade);
  const industry = task.organisation.industry;
  const who = industry === undefined ? 'an organisation' : `an organisation in ${industry}`;
  return Promise.resolve({
    deliverables: [
      { name: 'feedback.md', mediaType: 'text/markdown', content: renderFeedback(found) },
      { name: 'feedback.json', mediaType: 'application/json', content: `${JSON.stringify(found, null, 2)}\n` },
    ],
    summary: `gave feedback on a ${found.words}-word text for grade ${found.targetGrade} (${found.verdict}) for ${who}`,
  });
}
