import type { CustomerTask, ToolOutcome } from '#platform';
import { answerObjection } from '../playbook/find-passages.ts';
import { renderAnswer } from '../playbook/render-answer.ts';
import type { ObjectionInput } from '../task-inputs.ts';

/**
 * enablement.objection: the playbook's paragraphs ranked for the objection with BM25, the
 * best passages with their sections and matched words, and a talk track built from them
 * (acknowledge, respond, prove, ask); as Markdown and the same as JSON.
 */
export async function objection(input: ObjectionInput, task: CustomerTask): Promise<ToolOutcome> {
  const answer = answerObjection(input.playbook, input.objection, input.passages);
  const industry = task.organisation.industry;
  return {
    deliverables: [
      { name: 'talk-track.md', mediaType: 'text/markdown', content: renderAnswer(answer) },
      { name: 'talk-track.json', mediaType: 'application/json', content: `${JSON.stringify(answer, null, 2)}\n` },
    ],
    summary: `found ${answer.passages.length} playbook passages for an objection for ${industry === undefined ? 'a business' : `a business in ${industry}`}`,
  };
}
