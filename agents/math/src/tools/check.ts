import type { CustomerTask, ToolOutcome } from '#platform';
import { checkWorking } from '../algebra/check-working.ts';
import { renderCheck } from '../algebra/render-math.ts';
import type { CheckInput } from '../task-inputs.ts';

/**
 * math.check: the student's working checked step by step with mathjs (each line against the
 * one before, at sample points and by its solutions), the first wrong step marked, as
 * Markdown and the same as JSON.
 */
export function check(input: CheckInput, task: CustomerTask): Promise<ToolOutcome> {
  const found = checkWorking(input.problem, input.working);
  const industry = task.organisation.industry;
  const who = industry === undefined ? 'an organisation' : `an organisation in ${industry}`;
  const where = found.firstWrongStep === null ? 'no wrong step' : `step ${found.firstWrongStep} wrong`;
  return Promise.resolve({
    deliverables: [
      { name: 'check.md', mediaType: 'text/markdown', content: renderCheck(found) },
      { name: 'check.json', mediaType: 'application/json', content: `${JSON.stringify(found, null, 2)}\n` },
    ],
    summary: `checked ${found.steps.length} steps of algebra (${where}) for ${who}`,
  });
}
