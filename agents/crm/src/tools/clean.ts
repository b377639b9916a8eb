import type { CustomerTask, ToolOutcome } from '#platform';
import { cleanContacts } from '../hygiene/clean-contacts.ts';
import { contactsCsv, renderReport } from '../hygiene/render-report.ts';
import type { CleanInput } from '../task-inputs.ts';

/**
 * crm.clean: the contacts CSV (csv-parse) cleaned (emails validated and lower-cased, names
 * cased, phones in E.164) and de-duplicated by email and phone; the contacts as CSV, the
 * merges and removed values explained in Markdown, and the same as JSON.
 */
export async function clean(input: CleanInput, task: CustomerTask): Promise<ToolOutcome> {
  const cleaned = cleanContacts(input.contacts, input.defaultCountry);
  const industry = task.organisation.industry;
  const forWhom = industry === undefined ? 'a business' : `a business in ${industry}`;
  const { contacts: _contacts, ...report } = cleaned;
  return {
    deliverables: [
      { name: 'report.md', mediaType: 'text/markdown', content: renderReport(cleaned) },
      { name: 'contacts.csv', mediaType: 'text/csv', content: contactsCsv(cleaned) },
      { name: 'report.json', mediaType: 'application/json', content: `${JSON.stringify(report, null, 2)}\n` },
    ],
    summary: `cleaned ${cleaned.rowsIn} contacts into ${cleaned.contacts.length} (${cleaned.merges.length} merges) for ${forWhom}`,
  };
}
