import { TaskNeedsInput, type CustomerTask, type ToolOutcome } from '#platform';
import { paceCampaigns } from '../pacing/pace-campaigns.ts';
import { readCampaigns } from '../pacing/read-campaigns.ts';
import { renderPacing, renderPacingCsv } from '../pacing/render-pacing.ts';
import type { PacingInput } from '../task-inputs.ts';

/**
 * ppc.pacing: the campaigns of the customer's CSV (csv-parse) paced against their monthly
 * budgets to the as-of day, with their costs and the bids that reach the target cost per
 * conversion, as a Markdown report, a CSV and the same as JSON.
 */
export function pacing(input: PacingInput, task: CustomerTask): Promise<ToolOutcome> {
  const currency = (input.currency ?? 'INR').trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency) || !Intl.supportedValuesOf('currency').includes(currency))
    throw new TaskNeedsInput(`"${currency}" is not a currency code: give its ISO code, e.g. INR, USD or EUR.`);
  const paced = paceCampaigns(readCampaigns(input.csv), {
    asOf: input.asOf,
    targetCpa: input.targetCpa ?? null,
    tolerancePercent: input.tolerance ?? 10,
  });
  const off = paced.campaigns.filter((c) => c.pace === 'over' || c.pace === 'under').length;
  const industry = task.organisation.industry;
  return Promise.resolve({
    deliverables: [
      { name: 'pacing.md', mediaType: 'text/markdown', content: renderPacing(paced, currency) },
      { name: 'pacing.csv', mediaType: 'text/csv', content: renderPacingCsv(paced) },
      {
        name: 'pacing.json',
        mediaType: 'application/json',
        content: `${JSON.stringify({ currency, ...paced }, null, 2)}\n`,
      },
    ],
    summary: `paced ${paced.campaigns.length} campaign(s), ${off} off budget, for ${industry === undefined ? 'a business' : `a business in ${industry}`}`,
  });
}
