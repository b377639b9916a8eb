import type { CustomerTask, ToolOutcome } from '#platform';
import { auditPage } from '../audit/audit-page.ts';
import { renderAudit } from '../audit/render-audit.ts';
import type { AuditInput } from '../task-inputs.ts';

/**
 * seo.audit: an on-page audit of the customer's HTML with cheerio (title and meta
 * description lengths, the h1 and heading order, alt texts, the canonical link, links by
 * kind, the keyword's density) as a Markdown report and the same findings as JSON.
 */
export function audit(input: AuditInput, task: CustomerTask): Promise<ToolOutcome> {
  const found = auditPage(input.html, { pageUrl: input.pageUrl, keyword: input.keyword });
  const industry = task.organisation.industry;
  return Promise.resolve({
    deliverables: [
      { name: 'audit.md', mediaType: 'text/markdown', content: renderAudit(found) },
      { name: 'audit.json', mediaType: 'application/json', content: `${JSON.stringify(found, null, 2)}\n` },
    ],
    summary: `audited a page (score ${found.score}/100) for ${industry === undefined ? 'a business' : `a business in ${industry}`}`,
  });
}
