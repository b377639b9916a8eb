import type { CustomerTask } from '#platform';
import type { ToolOutcome } from '../deliver-task.ts';
import type { AuditInput } from '../task-inputs.ts';

/**
 * seo.audit: An on-page SEO audit of one HTML page (title, meta description, headings, alt texts, canonical, links, keyword density) as a Markdown report and JSON.
 *
 * Generated once, then this agent's own: replace the body with the deterministic work the
 * task is for (a maintained library over the input), so the deliverable is useful without a
 * model. As generated, it returns the input checked and laid out, for the model's prose to join.
 */
export async function audit(input: AuditInput, task: CustomerTask): Promise<ToolOutcome> {
  const rows = Object.entries(input).map(
    ([field, value]) => `| ${field} | ${JSON.stringify(value).replace(/\|/g, '\\|').slice(0, 200)} |`,
  );
  const report = ['# Audit a page', '', '| field | value |', '|---|---|', ...rows, ''].join('\n');
  return {
    deliverables: [
      { name: 'audit.md', mediaType: 'text/markdown', content: report },
      { name: 'audit.json', mediaType: 'application/json', content: JSON.stringify(input, null, 2) },
    ],
    summary: `${'Audit a page'} for ${task.organisation.industry === undefined ? 'a business' : `a business in ${task.organisation.industry}`}`,
  };
}
