import type { CustomerTask, ToolOutcome } from '#platform';
import type { MatchInput } from '../task-inputs.ts';

/**
 * career.match: The job description's skills and keywords, those the résumé lacks, a match score and suggestions for each section of the résumé, as Markdown, CSV and JSON.
 *
 * Generated once, then this agent's own: replace the body with the deterministic work the
 * task is for (a maintained library over the input), so the deliverable is useful without a
 * model. As generated, it returns the input checked and laid out, for the model's prose to join.
 */
export async function match(input: MatchInput, task: CustomerTask): Promise<ToolOutcome> {
  const rows = Object.entries(input).map(
    ([field, value]) => `| ${field} | ${JSON.stringify(value).replace(/\|/g, '\\|').slice(0, 200)} |`,
  );
  const report = ['# Match a résumé to a job', '', '| field | value |', '|---|---|', ...rows, ''].join('\n');
  return {
    deliverables: [
      { name: 'match.md', mediaType: 'text/markdown', content: report },
      { name: 'match.json', mediaType: 'application/json', content: JSON.stringify(input, null, 2) },
    ],
    summary:
      'Match a résumé to a job for ' +
      (task.organisation.industry === undefined ? 'a business' : `a business in ${task.organisation.industry}`),
  };
}
