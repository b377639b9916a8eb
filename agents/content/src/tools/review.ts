import type { CustomerTask, ToolOutcome } from '#platform';
import { renderReview } from '../review/render-review.ts';
import { reviewDraft } from '../review/review-draft.ts';
import type { ReviewInput } from '../task-inputs.ts';

/**
 * content.review: the draft's readability grades (text-readability), and its passive voice
 * and weasel words sentence by sentence (write-good), as Markdown and the same as JSON.
 */
export function review(input: ReviewInput, task: CustomerTask): Promise<ToolOutcome> {
  const found = reviewDraft(input.draft);
  const industry = task.organisation.industry;
  return Promise.resolve({
    deliverables: [
      { name: 'review.md', mediaType: 'text/markdown', content: renderReview(found) },
      { name: 'review.json', mediaType: 'application/json', content: `${JSON.stringify(found, null, 2)}\n` },
    ],
    summary: `reviewed a ${found.words}-word draft for ${industry === undefined ? 'a business' : `a business in ${industry}`}`,
  });
}
