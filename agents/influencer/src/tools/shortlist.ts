import type { CustomerTask, ToolOutcome } from '#platform';
import { readAccounts } from '../vetting/read-accounts.ts';
import { renderVetting, renderVettingCsv } from '../vetting/render-vetting.ts';
import { vetAccounts } from '../vetting/vet-accounts.ts';
import type { ShortlistInput } from '../task-inputs.ts';

/**
 * influencer.shortlist: the accounts of the customer's CSV (csv-parse) with their
 * engagement rates, follower ratios and fake-follower flags, and the ranked shortlist, as
 * a Markdown report, a CSV and the same as JSON.
 */
export function shortlist(input: ShortlistInput, task: CustomerTask): Promise<ToolOutcome> {
  const vetted = vetAccounts(readAccounts(input.csv), { top: input.top ?? 10, minFollowers: input.minFollowers ?? 0 });
  const industry = task.organisation.industry;
  const whom = industry === undefined ? 'a business' : `a business in ${industry}`;
  return Promise.resolve({
    deliverables: [
      { name: 'shortlist.md', mediaType: 'text/markdown', content: renderVetting(vetted) },
      { name: 'accounts.csv', mediaType: 'text/csv', content: renderVettingCsv(vetted) },
      { name: 'shortlist.json', mediaType: 'application/json', content: `${JSON.stringify(vetted, null, 2)}\n` },
    ],
    summary: `shortlisted ${vetted.shortlist.length} of ${vetted.accounts.length} influencer(s) for ${whom}`,
  });
}
