import type { CustomerTask, ToolOutcome } from '#platform';
import { matchResume } from '../match/match-resume.ts';
import { renderMatch, termsCsv } from '../match/render-match.ts';
import type { MatchInput } from '../task-inputs.ts';

/**
 * career.match: the job description's skills and keywords (a deterministic tokenizer: stop
 * words, one- to three-word phrases), those the résumé lacks and where it shows the others,
 * a match score and suggestions for each section, as Markdown, CSV and JSON.
 */
export function match(input: MatchInput, task: CustomerTask): Promise<ToolOutcome> {
  const made = matchResume(input.resume, input.job);
  const industry = task.organisation.industry;
  return Promise.resolve({
    deliverables: [
      { name: 'match.md', mediaType: 'text/markdown', content: renderMatch(made) },
      { name: 'terms.csv', mediaType: 'text/csv', content: termsCsv(made) },
      { name: 'match.json', mediaType: 'application/json', content: `${JSON.stringify(made, null, 2)}\n` },
    ],
    summary: `matched a résumé to a job (${made.score}%) for ${industry === undefined ? 'a job seeker' : `a job seeker in ${industry}`}`,
  });
}
