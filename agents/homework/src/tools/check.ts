import type { CustomerTask, ToolOutcome } from '#platform';
import { markAnswers } from '../marking/mark-answers.ts';
import { renderMarks } from '../marking/render-marks.ts';
import type { CheckInput } from '../task-inputs.ts';

/**
 * homework.check: each answer of the problem set checked with mathjs (numbers within the
 * tolerance, algebra at sample points), the first wrong step of each wrong one explained
 * with the likely slip, and the score, as Markdown and JSON.
 */
export function check(input: CheckInput, task: CustomerTask): Promise<ToolOutcome> {
  const marked = markAnswers(input.answers, input.tolerance ?? null);
  const industry = task.organisation.industry;
  const who = industry === undefined ? 'an organisation' : `an organisation in ${industry}`;
  return Promise.resolve({
    deliverables: [
      { name: 'marks.md', mediaType: 'text/markdown', content: renderMarks(marked) },
      { name: 'marks.json', mediaType: 'application/json', content: `${JSON.stringify(marked, null, 2)}\n` },
    ],
    summary: `marked a ${marked.problems.length}-problem set (${marked.right} right) for ${who}`,
  });
}
