import type { CustomerTask, ToolOutcome } from '#platform';
import { renderScores, scoresCsv } from '../scoring/render-scores.ts';
import { profileOf, scoreLeads } from '../scoring/score-leads.ts';
import type { ScoreInput } from '../task-inputs.ts';

/**
 * lead-gen.score: each lead of the CSV (csv-parse) scored against the ideal customer profile
 * the task gives (industry, size, country, title, with their points), with its reasons,
 * ranked and tiered; as CSV, a Markdown report and JSON.
 */
export async function score(input: ScoreInput, task: CustomerTask): Promise<ToolOutcome> {
  const scored = scoreLeads(input.leads, profileOf(input));
  const industry = task.organisation.industry;
  // The JSON leaves out the leads' own columns: the CSV has them, and each file stays within the deliverable limits.
  const json = { ...scored, leads: scored.leads.map(({ values: _values, ...lead }) => lead) };
  return {
    deliverables: [
      { name: 'leads.md', mediaType: 'text/markdown', content: renderScores(scored) },
      { name: 'leads.csv', mediaType: 'text/csv', content: scoresCsv(scored) },
      { name: 'leads.json', mediaType: 'application/json', content: `${JSON.stringify(json, null, 2)}\n` },
    ],
    summary: `scored ${scored.leads.length} leads (${scored.tiers.A} in tier A) for ${industry === undefined ? 'a business' : `a business in ${industry}`}`,
  };
}
